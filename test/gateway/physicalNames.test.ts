import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../cli/errors";
import { StackResources, assertUniquePhysicalNames, describeCollisions, nameCollisions } from "../../cli/plan/names";
import { MockRun, listStacks, runShippedStack } from "../../mockrun";

const asStack = (run: MockRun, account?: string): StackResources => ({
    stack: run.stack, account, region: run.config["aws:region"] ?? "us-east-1",
    resources: run.resources.map((r) => ({ type: r.type, urn: r.urn, inputs: r.inputs })),
});

/** The stack's resources named as before this change: the component name alone, no project or stack. */
const unscoped = (s: StackResources): StackResources => {
    const prefix = `llm-breakeven-${s.stack}-gw`;
    const strip = (v: unknown): unknown => (typeof v === "string" ? v.split(prefix).join("gw") : v);
    return { ...s, resources: s.resources.map((r) => ({ ...r, inputs: Object.fromEntries(Object.entries(r.inputs).map(([k, v]) => [k, strip(v)])) })) };
};

describe("physical names across the shipped stacks", () => {
    let stacks: StackResources[];
    beforeAll(async () => {
        stacks = [];
        for (const stack of listStacks()) stacks.push(asStack(await runShippedStack(stack)));
    });

    it("no two shipped stacks in one account and region create the same physical name", () => {
        expect(stacks.map((s) => s.stack).sort()).toEqual(["gateway-dev", "gateway-prod", "hybrid-prod", "self-hosted-prod"]);
        // Not vacuous: the gateways set explicit names (log groups, alarms, cluster, family) in every stack.
        for (const s of stacks.filter((x) => x.stack !== "self-hosted-prod")) {
            expect(s.resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup").map((r) => r.inputs["name"])).toContain(`/llm-breakeven-${s.stack}-gw/litellm`);
        }
        expect(nameCollisions(stacks)).toEqual([]);
    });

    it("every IAM role (account-wide names) carries the project and the stack in its prefix, within IAM's 38 characters", () => {
        for (const s of stacks) {
            const roles = s.resources.filter((r) => r.type === "aws:iam/role:Role");
            expect(roles.length, s.stack).toBeGreaterThan(0);
            for (const r of roles) {
                const prefix = String(r.inputs["namePrefix"]);
                expect(prefix.startsWith(`llm-breakeven-${s.stack}`.slice(0, 24)), `${s.stack} ${r.urn}: ${prefix}`).toBe(true);
                expect(prefix.length).toBeLessThanOrEqual(38);
            }
        }
    });

    it("finds the collision when the names lose the stack again (gateway-prod and hybrid-prod, one account)", () => {
        const collisions = nameCollisions(stacks.map(unscoped));
        const logGroup = collisions.find((c) => c.what === 'aws:cloudwatch/logGroup:LogGroup name "/gw/litellm"');
        expect(logGroup).toEqual({ what: 'aws:cloudwatch/logGroup:LogGroup name "/gw/litellm"', where: "us-east-1", stacks: ["gateway-dev", "gateway-prod", "hybrid-prod"] });
        expect(collisions.map((c) => c.what)).toEqual(expect.arrayContaining(['aws:ecs/cluster:Cluster name "gw"', 'aws:cloudwatch/metricAlarm:MetricAlarm name "gw-spend-pace"']));
        expect(describeCollisions(collisions)[0]).toMatch(/is created by .* and .*: the second `pulumi up` fails; put the stack \(pulumi\.getStack\(\)\) and the project in the name$/);
        // plan --all refuses it as bad input (exit 2), every collision on its own line.
        const plans = stacks.map(unscoped).map((s) => ({ stack: s.stack, region: s.region, after: { rows: s.resources.map((state) => ({ state })) } }));
        expect(() => assertUniquePhysicalNames(plans, () => undefined)).toThrow(UsageError);
        expect(() => assertUniquePhysicalNames(plans, () => undefined)).toThrow(/physical names collide between shipped stacks:\n  - /);
    });

    it("stacks pinned to different accounts cannot collide; regional names in different regions neither, IAM names do", () => {
        const [a, b] = [stacks.find((s) => s.stack === "gateway-prod")!, stacks.find((s) => s.stack === "hybrid-prod")!].map(unscoped) as [StackResources, StackResources];
        expect(nameCollisions([{ ...a, account: "111111111111" }, { ...b, account: "222222222222" }])).toEqual([]);
        const role = { type: "aws:iam/role:Role", urn: "urn:role", inputs: { name: "shared-role" } };
        const group = { type: "aws:cloudwatch/logGroup:LogGroup", urn: "urn:lg", inputs: { name: "/shared" } };
        const elsewhere = nameCollisions([
            { stack: "x", account: undefined, region: "us-east-1", resources: [role, group] },
            { stack: "y", account: undefined, region: "eu-west-1", resources: [role, group] },
        ]);
        expect(elsewhere).toEqual([{ what: 'aws:iam/role:Role name "shared-role"', where: "account-wide", stacks: ["x", "y"] }]);
    });
});
