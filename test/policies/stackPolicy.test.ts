/**
 * Every policy of the pack is built by policies/lib/stackPolicy.ts, so every one fails closed: a value
 * unknown at preview, read anywhere in the stack, is that policy's violation (never the SDK's advisory
 * "cannot run during preview", which lets the deploy go on unchecked).
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { StackValidationArgs, UnknownValueError } from "@pulumi/policy";
import { afterAll, describe, expect, it } from "vitest";
import { UNKNOWN } from "../../cost/resource";
import { POLICIES } from "../../policies/registry";
import { stackPolicy } from "../../policies/lib/stackPolicy";
import { removeTempDirs, tempDir } from "../tempDirs";
import { writeMeasuredFile } from "../usage/measuredFixture";
import { selfHostedStack, stackArgs } from "./fixtures";

afterAll(removeTempDirs);
const MEASURED = writeMeasuredFile(path.join(tempDir("stack-policy-"), "usage.json"));

/** The shipped self-hosted stack whose resource list is unknown at preview: every read of it throws. */
function unknownResources(policyConfig: Record<string, unknown>): StackValidationArgs {
    const args = stackArgs(selfHostedStack(), policyConfig);
    // The SDK's own error, as its proxy throws it on a read of an unknown property (proxy.js: (sentinel, path)).
    const unknown = () => new (UnknownValueError as unknown as new (sentinel: unknown, props: string[]) => Error)(UNKNOWN, ["resources"]);
    return Object.defineProperty({ ...args }, "resources", { get: () => { throw unknown(); } }) as StackValidationArgs;
}

describe("stackPolicy: every policy fails closed by construction", () => {
    it.each(POLICIES.map((p) => [p.name, p] as const))("%s reports an unknown value as its violation", async (name, policy) => {
        expect("validateStack" in policy).toBe(true);
        if (!("validateStack" in policy)) return;
        pulumi.runtime.setAllConfig(selfHostedStack().config);
        const violations: string[] = [];
        // Config each policy needs to reach the stack: monthly-budget a ceiling, declared-workload a measured file.
        await policy.validateStack(unknownResources({ maxMonthlyUsd: 1, measuredFile: MEASURED }), (message) => { violations.push(message); });
        expect(violations).toHaveLength(1);
        expect(violations[0]).toMatch(new RegExp(`^${name} cannot decide at preview because a value it needs is unknown \\(.*value at \\.resources can't be known during preview\\); it fails closed`));
    });

    it("builds the view once per run, on first use, and hands the policy its own config", async () => {
        const seen: unknown[] = [];
        const policy = stackPolicy({
            name: "probe", description: "probe", enforcementLevel: "advisory", config: { limit: { type: "number" } },
            validate: ({ config, stackView }) => { seen.push(config.limit, stackView() === stackView(), stackView().region); },
        });
        pulumi.runtime.setAllConfig(selfHostedStack().config);
        expect(policy.configSchema).toEqual({ properties: { limit: { type: "number" } } });
        await policy.validateStack(stackArgs(selfHostedStack(), { limit: 7 }), () => undefined);
        expect(seen).toEqual([7, true, "us-east-1"]);
    });
});
