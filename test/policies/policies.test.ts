/**
 * Unit tests of every policy, in the official pattern (pulumi-policy-aws src/tests/util.ts): stack
 * validation args built from a happy-path fixture, one field changed per case. The stack config is
 * set as the CLI would hand it to the pack (PULUMI_CONFIG, through pulumi.runtime config).
 *
 * The engine here is a stub with round numbers, bound through the pack's one engine seam: these
 * tests check what each policy decides and says, not the engine's figures (the e2e test runs the
 * real engine).
 */
import * as fs from "fs";
import * as path from "path";
import { unknownCheckingProxy } from "@pulumi/policy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EC2_INSTANCE_TYPES } from "../../cost/catalogue";
import { HOURS_PER_MONTH } from "../../cost/units";
import { INPUT_OUTPUT_RATIO_RANGE, PEAK_TO_AVERAGE_RANGE } from "../../cost/workload";
import { capacityCoversWorkload } from "../../policies/capacity";
import { breakEvenExemption } from "../../policies/exemption";
import { gatewayBudgetCoversProjection } from "../../policies/gatewayBudget";
import { gpuRedundancy } from "../../policies/gpuRedundancy";
import { bindCostEngine, PolicyEngine } from "../../policies/lib/engine";
import { failClosed } from "../../policies/lib/failClosed";
import { rawValue, stackView, withSharedView } from "../../policies/lib/view";
import { monthlyBudget } from "../../policies/monthlyBudget";
import { projectedSpendBelowApiBreakEven } from "../../policies/projectedSpend";
import { POLICIES } from "../../policies/registry";
import { selfHostingWouldBeCheaper } from "../../policies/selfHostingCheaper";
import { UNKNOWN } from "../../cost/resource";
import { gatewayStack, runPolicy, selfHostedStack, soleViolation, StackFixture, stackArgs, withConfig, withResource } from "./fixtures";

/** Round-number stand-in for the cost engine: $1/M for routed mixes, tokens x rate, 2,000 tok/s per node. */
const STUB_ENGINE: PolicyEngine = {
    apiSpend(workload, mode) {
        const rate = workload.apiUsdPerMTok ?? 1;
        const all = (workload.tokensPerMonth / 1e6) * rate * (1 - workload.cacheHitRate);
        const selfHostedShare = mode === "self-hosted" ? 1 : mode === "gateway" ? 0 : 0.5;
        return { allApiUsdPerMTok: rate, allApiMonthlyUsd: all, selfHostedShare, remainingApiMonthlyUsd: all * (1 - selfHostedShare), savedUsdPerMTok: rate * (1 - workload.cacheHitRate) * selfHostedShare };
    },
    breakEvenTokensPerMonth: (monthlyUsd, usdPerMTok) => (monthlyUsd / usdPerMTok) * 1e6,
    capacity(_config, _instanceType, workload) {
        const peak = (workload.tokensPerMonth / (HOURS_PER_MONTH * 3600)) * workload.peakToAverage / (1 + workload.inputOutputRatio);
        return { perNodeTokensPerSecond: 2000, peakTokensPerSecond: peak, nodesNeeded: Math.ceil(peak / 2000), basis: "stub" };
    },
    selfHostedAlternative: () => ({ monthlyUsd: 44_000, breakEvenTokensPerMonth: 44e9, label: "2x p4de.24xlarge" }),
};

const run = runPolicy;

const p4deMonthly = EC2_INSTANCE_TYPES["p4de.24xlarge"]!.onDemand!.usd * HOURS_PER_MONTH;

beforeEach(() => bindCostEngine(STUB_ENGINE));
afterEach(() => bindCostEngine(undefined));

describe("the pack", () => {
    it("registers every policy once, in the order and at the level of policies/README.md's table, each with config keys", () => {
        const readme = fs.readFileSync(path.join(__dirname, "../../policies/README.md"), "utf8");
        const table = [...readme.matchAll(/^\| `([a-z-]+)` \| (advisory|mandatory) \|/gm)].map((m) => [m[1], m[2]]);
        expect(table).toHaveLength(10);
        expect(POLICIES.map((p) => [p.name, p.enforcementLevel])).toEqual(table);
        for (const p of POLICIES) expect(Object.keys(p.configSchema?.properties ?? {}), p.name).not.toEqual([]);
    });

    it("every policies/config/<env>.json sets every policy, only with keys of its configSchema, and every stack in stacks/ has one", () => {
        const root = path.join(__dirname, "../..");
        const envs = fs.readdirSync(path.join(root, "policies/config")).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length));
        const stacks = fs.readdirSync(path.join(root, "stacks")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s) => s !== undefined);
        expect(stacks.length).toBeGreaterThan(0);
        expect(envs).toEqual(expect.arrayContaining(stacks));
        for (const env of envs) {
            const config = JSON.parse(fs.readFileSync(path.join(root, "policies/config", `${env}.json`), "utf8")) as Record<string, Record<string, unknown>>;
            expect(Object.keys(config).sort(), env).toEqual(POLICIES.map((p) => p.name).sort());
            for (const policy of POLICIES) {
                const { enforcementLevel, ...properties } = config[policy.name]!;
                expect(enforcementLevel, `${env} ${policy.name}`).toMatch(/^(advisory|mandatory|disabled)$/);
                for (const key of Object.keys(properties)) expect(Object.keys(policy.configSchema?.properties ?? {}), `${env} ${policy.name}.${key}`).toContain(key);
            }
        }
    });

    it("bounds every workload override in its config schema by the range the engine accepts", () => {
        for (const p of POLICIES) {
            const props = (p.configSchema?.properties ?? {}) as Record<string, { minimum?: number; maximum?: number; exclusiveMinimum?: number }>;
            if (props["inputOutputRatio"] !== undefined) {
                expect(props["inputOutputRatio"], p.name).toMatchObject({ exclusiveMinimum: INPUT_OUTPUT_RATIO_RANGE.min, maximum: INPUT_OUTPUT_RATIO_RANGE.max });
            }
            if (props["peakToAverage"] !== undefined) {
                expect(props["peakToAverage"], p.name).toMatchObject({ minimum: PEAK_TO_AVERAGE_RANGE.min, maximum: PEAK_TO_AVERAGE_RANGE.max });
            }
        }
        expect(Object.keys(capacityCoversWorkload.configSchema?.properties ?? {})).toContain("peakToAverage");
    });

    it("reads raw properties behind the SDK's unknown-checking proxy instead of throwing", () => {
        const proxied = unknownCheckingProxy({ instanceTypes: UNKNOWN, scalingConfig: { desiredSize: 1 } }) as Record<string, unknown>;
        expect(() => proxied["instanceTypes"]).toThrow(/can't be known during preview/);
        expect(rawValue(proxied)["instanceTypes"]).toBe(UNKNOWN);
    });

    it("builds the view once per policy, or once per request inside withSharedView, and refuses overlapping requests", async () => {
        const fixture = selfHostedStack();
        // Each policy gets its own copy of the request's resources, as from the SDK.
        const first = stackView(stackArgs(fixture));
        expect(first.resources.length).toBeGreaterThan(0);
        expect(stackView(stackArgs(fixture))).not.toBe(first);
        const shared = await withSharedView(async () => {
            const view = stackView(stackArgs(fixture));
            expect(stackView(stackArgs(fixture))).toBe(view);
            await expect(withSharedView(async () => undefined)).rejects.toThrow(/already in progress/);
            return view;
        });
        expect(shared.pricing.monthlyUsd).toBe(first.pricing.monthlyUsd);
        expect(stackView(stackArgs(fixture))).not.toBe(shared);
    });
});

describe("projected-spend-below-api-break-even", () => {
    const policy = projectedSpendBelowApiBreakEven;

    it("passes the self-hosted stack at its declared 10B tokens/month", async () => {
        expect((await run(policy, selfHostedStack())).violations).toEqual([]);
    });

    it("blocks the same stack at 500M tokens/month, with every figure the message promises", async () => {
        const fixture = withConfig(selfHostedStack(), "workload", { tokensPerMonth: "500M", apiUsdPerMTok: 5 });
        const message = soleViolation(await run(policy, fixture),
            ["Projected monthly spend $", "above the $2,500/month the declared workload would cost through managed APIs", "declared volume:      500M tokens/month", "break-even volume:"]);
        expect(message).toMatch(/1\. llm-gpu-us-east-1[ab] \(aws:eks\/nodeGroup:NodeGroup\): \$20,\d{3}\/month/);
        expect(message).toContain("3. llm-eks (aws:eks/cluster:Cluster): $438/month");
        expect(message).toContain("region us-east-1");
        expect(message).toContain("730 hours a month");
        expect(message).toContain("overhead $4,100/month");
    });

    it("the policy config overrides the stack's volume and rate", async () => {
        expect((await run(policy, selfHostedStack(), { tokensPerMonth: "500M" })).violations).toHaveLength(1);
        expect((await run(policy, selfHostedStack(), { apiUsdPerMTok: 0.8 })).violations[0]).toContain("$0.80 per million tokens (policy config apiUsdPerMTok)");
        // 10B at $5 = $50,000; an overhead of $20,000 pushes the projection above it.
        expect((await run(policy, selfHostedStack(), { overheadMonthlyUsd: 20_000 })).violations).toHaveLength(1);
    });

    it("no declared workload anywhere is a violation, not a pass", async () => {
        const fixture = { ...selfHostedStack(), config: { "aws:region": "us-east-1" } };
        const { violations } = await run(policy, fixture);
        expect(violations[0]).toContain("no declared workload");
    });

    it("with no stack config, the policy config alone decides", async () => {
        const fixture = { ...selfHostedStack(), config: { "aws:region": "us-east-1" } };
        expect((await run(policy, fixture, { tokensPerMonth: "10B", apiUsdPerMTok: 5 })).violations).toEqual([]);
        expect((await run(policy, fixture, { tokensPerMonth: "500M", apiUsdPerMTok: 5 })).violations).toHaveLength(1);
    });

    it("with no stack config, the overhead is the one llm-breakeven:overhead defaults to, never $0", async () => {
        const fixture = { ...selfHostedStack(), config: { "aws:region": "us-east-1" } };
        const message = (await run(policy, fixture, { tokensPerMonth: "500M", apiUsdPerMTok: 5 })).violations[0];
        expect(message).toContain("overhead $4,100/month (no stack config, so llm-breakeven:overhead's default: engineering $3,500 + monitoring $200 + storage/network/egress $400)");
        // The same figure a stack config without an overhead key gets (the fixture's).
        expect((await run(policy, withConfig(selfHostedStack(), "workload", { tokensPerMonth: "500M", apiUsdPerMTok: 5 }))).violations[0]).toContain("overhead $4,100/month (stack config");
    });

    it("an unpriced GPU instance type blocks, naming it", async () => {
        soleViolation(await run(policy, selfHostedStack({ gpuInstanceType: "p5e.48xlarge" })), ["cannot be priced", "p5e.48xlarge has no on-demand price in us-east-1"]);
    });

    it("an instance type outside the catalogue blocks", async () => {
        const { violations } = await run(policy, selfHostedStack({ gpuInstanceType: "p6-b200.48xlarge" }));
        expect(violations[0]).toContain("p6-b200.48xlarge is not in the catalogue");
    });

    it("an instance type unknown at preview blocks instead of becoming an advisory", async () => {
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1a", (p) => ({ ...p, instanceTypes: UNKNOWN }));
        const { violations } = await run(policy, fixture);
        expect(violations[0]).toContain("instanceTypes");
        expect(violations[0]).toContain("unknown until the resources it depends on exist");
    });

    it("an unknown desired size is priced at the group's maxSize (worst case)", async () => {
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1a", (p) => ({ ...p, scalingConfig: { desiredSize: UNKNOWN, maxSize: 4 } }));
        const { violations } = await run(policy, fixture);
        // 5 p4de nodes cost more than 10B tokens at $5/M.
        expect(5 * p4deMonthly).toBeGreaterThan(50_000);
        expect(violations[0]).toContain("worst case");
    });

    it("is not applicable to a gateway stack", async () => {
        expect((await run(policy, gatewayStack())).notApplicable).toContain("no GPU capacity");
    });

    it("an active exemption lifts the block; an expired one blocks again, saying so", async () => {
        const low = withConfig(selfHostedStack(), "workload", { tokensPerMonth: "500M", apiUsdPerMTok: 5 });
        const active = withConfig(low, "exemption", { kind: "data-residency", reason: "EU patient data may not leave our account", approvedBy: "cfo@example.com", expires: "2999-12-31" });
        expect((await run(policy, active)).violations).toEqual([]);
        const expired = withConfig(low, "exemption", { kind: "data-residency", reason: "EU patient data may not leave our account", approvedBy: "cfo@example.com", expires: "2020-01-01" });
        const { violations } = await run(policy, expired);
        expect(violations[0]).toContain("has expired, so the block applies again");
        expect((await run(policy, active, { allowExemptions: false })).violations[0]).toContain("does not allow exemptions");
    });
});

describe("break-even-exemption", () => {
    const low = withConfig(selfHostedStack(), "workload", { tokensPerMonth: "500M", apiUsdPerMTok: 5 });
    const exemption = { kind: "compliance", reason: "Regulator requires on-premises inference", approvedBy: "ciso@example.com", expires: "2999-12-31", ticket: "RISK-42" };

    it("reports the exemption, quoting reason, approver, ticket and the analysis", async () => {
        soleViolation(await run(breakEvenExemption, withConfig(low, "exemption", exemption)),
            ["EXEMPT from projected-spend-below-api-break-even", "\"Regulator requires on-premises inference\"", "ciso@example.com (RISK-42)", "Projected monthly spend"]);
    });

    it("is not applicable without an exemption, once it has expired, or where the environment honours none", async () => {
        expect((await run(breakEvenExemption, low)).notApplicable).toContain("no llm-breakeven:exemption");
        expect((await run(breakEvenExemption, withConfig(low, "exemption", { ...exemption, expires: "2020-01-01" }))).notApplicable).toContain("expired");
        // allowExemptions: false on both: the block stands, and no advisory claims the stack is exempt.
        const refused = await run(breakEvenExemption, withConfig(low, "exemption", exemption), { allowExemptions: false });
        expect(refused.violations).toEqual([]);
        expect(refused.notApplicable).toContain("honours no exemption (allowExemptions: false), so projected-spend-below-api-break-even decides");
    });
});

describe("gpu-redundancy", () => {
    it("passes two GPU nodes in two zones", async () => {
        expect((await run(gpuRedundancy, selfHostedStack())).violations).toEqual([]);
    });

    it("blocks when both GPU node groups are in one zone", async () => {
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1b", (p) => ({ ...p, subnetIds: ["llm-private-0-id"] }));
        const oneZone = { ...fixture, resources: fixture.resources.map((r) => r.name === "llm-gpu-us-east-1b" ? { ...r, propertyDependencies: { subnetIds: [fixture.resources.find((x) => x.name === "llm-private-0")!.urn] } } : r) };
        const { violations } = await run(gpuRedundancy, oneZone);
        expect(violations[0]).toContain("2 GPU nodes in 1 availability zone (us-east-1a)");
    });

    it("blocks a single GPU node", async () => {
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1b", (p) => ({ ...p, scalingConfig: { desiredSize: 0, maxSize: 1 } }));
        expect((await run(gpuRedundancy, fixture)).violations[0]).toContain("1 GPU node in 1 availability zone");
    });

    it("does not count nodes whose size is unknown at preview", async () => {
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1b", (p) => ({ ...p, scalingConfig: { desiredSize: UNKNOWN, maxSize: 1 } }));
        expect((await run(gpuRedundancy, fixture)).violations[0]).toContain("desired size is unknown at preview");
    });

    it("reads the instance type from the launch template when the node group names none, finding the template through its property dependency at a first preview", async () => {
        const fromTemplate = (templateId: unknown): StackFixture => {
            const fixture = withResource(selfHostedStack(), "llm-gpu", (p) => ({ ...p, instanceType: "p4de.24xlarge" }));
            return ["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"].reduce((f, name) => withResource(f, name, (p) => {
                const { instanceTypes: _omitted, ...rest } = p;
                return { ...rest, launchTemplate: { id: templateId, version: "1" } };
            }), fixture);
        };
        expect((await run(gpuRedundancy, fromTemplate("llm-gpu-id"))).violations).toEqual([]);
        expect((await run(gpuRedundancy, fromTemplate(UNKNOWN))).violations).toEqual([]);
    });

    it("is not applicable outside the configured environments", async () => {
        const dev = withConfig(selfHostedStack(), "environment", "dev");
        expect((await run(gpuRedundancy, dev)).notApplicable).toContain("environment \"dev\" is not one of production");
        expect((await run(gpuRedundancy, dev, { environments: ["dev", "production"] })).violations).toEqual([]);
    });
});

describe("capacity-covers-workload", () => {
    it("passes when the nodes serve the declared peak", async () => {
        expect((await run(capacityCoversWorkload, selfHostedStack())).violations).toEqual([]);
    });

    it("blocks when the declared peak exceeds the nodes' capacity", async () => {
        const { violations } = await run(capacityCoversWorkload, selfHostedStack(), { tokensPerMonth: "100B" });
        // The stub's nodes-needed: ceil(peak / 2,000 tok/s) = ceil(19,026 / 2,000) = 10, against the 2 the stack runs.
        expect(violations[0]).toMatch(/^The stack runs 2 p4de\.24xlarge GPU nodes; the declared peak needs 10 \(100B tokens\/month x peak factor 2 = 19,026 output tokens\/s, plus one spare node \(N\+1\), by the cost engine's nodes-needed\)\./);
    });

    it("blocks a GPU type with no capacity model", async () => {
        expect((await run(capacityCoversWorkload, selfHostedStack({ gpuInstanceType: "p9.48xlarge" }))).violations[0]).toContain("has no capacity model");
    });

    it("without the stack config, the model served is unknown: violation", async () => {
        const fixture = { ...selfHostedStack(), config: { "aws:region": "us-east-1" } };
        expect((await run(capacityCoversWorkload, fixture)).violations[0]).toContain("no llm-breakeven stack config");
    });
});

describe("monthly-budget", () => {
    it("passes under the ceiling and blocks above it", async () => {
        expect((await run(monthlyBudget, selfHostedStack(), { maxMonthlyUsd: 60_000 })).violations).toEqual([]);
        const { violations } = await run(monthlyBudget, selfHostedStack(), { maxMonthlyUsd: 30_000 });
        expect(violations[0]).toContain("above this environment's ceiling of $30,000/month");
    });

    it("no ceiling configured is a violation", async () => {
        expect((await run(monthlyBudget, selfHostedStack())).violations[0]).toContain("No ceiling configured");
    });

    it("counts the routed API bill on gateway stacks", async () => {
        // 500M tokens at the stub's $1/M = $500 API bill on top of the gateway's resources.
        const under = await run(monthlyBudget, gatewayStack(), { maxMonthlyUsd: 2_000 });
        expect(under.violations).toEqual([]);
        const over = await run(monthlyBudget, gatewayStack(), { maxMonthlyUsd: 600 });
        expect(over.violations[0]).toContain("routed API bill $500/month");
    });
});

describe("gateway-budget-covers-projection", () => {
    it("passes when the budget covers the projected bill", async () => {
        expect((await run(gatewayBudgetCoversProjection, gatewayStack())).violations).toEqual([]);
    });

    it("advises when the budget runs out before the month ends", async () => {
        const fixture = withConfig(gatewayStack(), "gateway", { budgets: { monthlyUsd: 250 } });
        const { violations } = await run(gatewayBudgetCoversProjection, fixture);
        expect(violations[0]).toContain("$250/month");
        expect(violations[0]).toContain("from about day 15 of the month");
    });

    it("advises when the budget covers the bill but not the configured headroom, without a day past the month's end", async () => {
        // The stub's bill is $500; $550 is above it and below $500 x 1.2.
        const fixture = withConfig(gatewayStack(), "gateway", { budgets: { monthlyUsd: 550 } });
        const { violations } = await run(gatewayBudgetCoversProjection, fixture, { headroom: 1.2 });
        expect(violations[0]).toContain("below the projected API bill $500/month plus 20% headroom: it lasts an even month, but a busier one runs it out");
        expect(violations[0]).toContain("raise gateway.budgets.monthlyUsd to at least $600/month");
        expect(violations[0]).not.toMatch(/day \d+/);
    });

    it("is not applicable to a self-hosted stack", async () => {
        expect((await run(gatewayBudgetCoversProjection, selfHostedStack())).notApplicable).toContain("the stack runs no gateway");
    });
});

describe("self-hosting-would-be-cheaper", () => {
    it("stays quiet below the break-even", async () => {
        expect((await run(selfHostingWouldBeCheaper, gatewayStack())).violations).toEqual([]);
    });

    it("advises above the break-even", async () => {
        const fixture = withConfig(gatewayStack(), "workload", { ...(JSON.parse(gatewayStack().config["llm-breakeven:workload"]!) as object), tokensPerMonth: "60B" });
        const { violations } = await run(selfHostingWouldBeCheaper, fixture);
        expect(violations[0]).toContain("Self-hosting would be cheaper: 60B tokens/month is above the 44B break-even of 2x p4de.24xlarge");
    });

    it("is not applicable to self-hosted stacks", async () => {
        expect((await run(selfHostingWouldBeCheaper, selfHostedStack())).notApplicable).toContain("only gateway stacks");
    });
});

describe("fail closed on a read of an unknown value", () => {
    it("an UnknownValueError escaping a policy is reported as its violation, not thrown to the SDK (which would make it an advisory; the level is checked in e2e.test.ts)", async () => {
        const validate = failClosed("some-policy", (args) => {
            const props = unknownCheckingProxy(args.resources[0]!.props) as Record<string, unknown>;
            if (props["instanceTypes"] === "p4de.24xlarge") return; // the read throws first: never a pass
        });
        const fixture = withResource(selfHostedStack(), "llm-gpu-us-east-1a", (p) => ({ ...p, instanceTypes: UNKNOWN }));
        const gpuFirst = { ...fixture, resources: fixture.resources.filter((r) => r.name === "llm-gpu-us-east-1a") };
        const violations: string[] = [];
        await validate(stackArgs(gpuFirst), (message) => { violations.push(message); });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(/^some-policy cannot decide at preview because a value it needs is unknown \(.*\); it fails closed instead of passing/);
    });
});

describe("fail closed when the engine fails", () => {
    it("a policy whose engine call throws fails with the error (the SDK fails the preview), never passes", async () => {
        bindCostEngine({ ...STUB_ENGINE, apiSpend: () => { throw new Error("engine broke"); }, capacity: () => { throw new Error("engine broke"); } });
        for (const policy of [projectedSpendBelowApiBreakEven, capacityCoversWorkload]) {
            await expect(run(policy, selfHostedStack()), policy.name).rejects.toThrow("engine broke");
        }
    });
});
