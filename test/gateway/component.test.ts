/** The Gateway component's own invariants: arguments a program could pass wrongly, refused with the SDK's InputPropertiesError before any child exists. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runStack } from "../../mockrun";
import type { GatewayArgs } from "../../components/gateway/gateway";

const file = { stack: "unit", config: { "aws:region": "us-east-1" }, secretKeys: [] };

const ARGS: GatewayArgs = {
    environment: "dev", region: "us-east-1", availabilityZoneNames: ["us-east-1a", "us-east-1b"], vpcCidr: "10.50.0.0/16",
    image: "ghcr.io/berriai/litellm:v1.80.0", desiredCount: 2, minCount: 2, maxCount: 4, cpuUnits: 1024, memoryMiB: 2048,
    idleTimeoutSeconds: 600, waf: false, cacheNodeType: "cache.t4g.medium", cacheNodes: 1, logRetentionDays: 30,
    liteLLMConfigYaml: "model_list: []\n", providers: ["openai"], providerApiKeys: pulumi.output<Record<string, string>>({ openai: "sk-test" }), monthlyBudgetUsd: 1000,
};

/** Constructs a Gateway with `args`; returns what it threw and the custom resources recorded anyway. */
async function attempt(args: GatewayArgs): Promise<{ error: unknown; custom: number }> {
    let error: unknown;
    const run = await runStack(file, {
        requireResources: false,
        program: async () => {
            const { Gateway } = await import("../../components/gateway/gateway");
            try {
                new Gateway("gw", args);
            } catch (caught) {
                error = caught;
            }
            return {};
        },
    });
    return { error, custom: run.resources.filter((r) => r.custom).length };
}

describe("Gateway's own invariants", () => {
    it("refuses inconsistent counts and no provider, naming each property, before any child exists", async () => {
        const { error, custom } = await attempt({ ...ARGS, minCount: 3, maxCount: 2, desiredCount: 5, providers: [] });
        expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
        expect((error as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath)).toEqual(["maxCount", "desiredCount", "providers"]);
        expect((error as Error).message).toMatch(/^Gateway gw: 'maxCount' \(2\) must be >= 'minCount' \(3\); 'desiredCount' \(5\) must be between/);
        expect(custom).toBe(0);
    });

    it("builds with consistent arguments (the refusal above is not vacuous)", async () => {
        const { error, custom } = await attempt(ARGS);
        expect(error).toBeUndefined();
        expect(custom).toBeGreaterThan(30);
    });
});
