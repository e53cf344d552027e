import { describe, expect, it } from "vitest";
import { ConfigError } from "../../config/stack";
import { StackFile, readStackFile, runStack } from "../../mockrun";

/** Runs the real program on a mutated gateway-prod config; returns the error and what was recorded. */
async function runBroken(mutate: (workload: Record<string, any>, gateway: Record<string, any>) => void, extra: Record<string, string> = {}): Promise<{ error: unknown; recorded: number }> {
    const file = readStackFile("gateway-prod");
    const workload = JSON.parse(file.config["llm-breakeven:workload"]!) as Record<string, any>;
    const gateway = JSON.parse(file.config["llm-breakeven:gateway"]!) as Record<string, any>;
    mutate(workload, gateway);
    const broken: StackFile = { ...file, config: { ...file.config, "llm-breakeven:workload": JSON.stringify(workload), "llm-breakeven:gateway": JSON.stringify(gateway), ...extra } };
    let error: unknown;
    const run = await runStack(broken, {
        requireResources: false,
        program: async () => {
            const entry: unknown = await import("../../index");
            const program = (typeof entry === "function" ? entry : (entry as { default: unknown }).default) as () => Promise<unknown>;
            try {
                await program();
            } catch (e) {
                error = e;
            }
            return {};
        },
    });
    return { error, recorded: run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:")).length };
}

describe("bad routing config fails before any resource is registered", () => {
    it.each([
        { name: "a tier naming an unknown model", mutate: (w: Record<string, any>) => { w["routing"][2].model = "openai/gpt-4.2"; }, message: /llm-breakeven:workload\.routing\.2\.model: "openai\/gpt-4\.2" is not an API model in the catalogue \(did you mean .*"openai\/gpt-4\.1".*\); allowed: / },
        { name: "shares not summing to 1", mutate: (w: Record<string, any>) => { w["routing"][0].share = 0.6; }, message: /llm-breakeven:workload\.routing: shares sum to 1\.1; they must sum to 1 \(adjust the share of each tier\)/ },
        { name: "a cache hit rate above 1", mutate: (w: Record<string, any>) => { w["cacheHitRate"] = 1.5; }, message: /llm-breakeven:workload\.cacheHitRate: .*1.*\(got 1\.5\)/ },
        { name: "a cache hit rate below 0", mutate: (w: Record<string, any>) => { w["cacheHitRate"] = -0.1; }, message: /llm-breakeven:workload\.cacheHitRate: .*0.*\(got -0\.1\)/ },
        { name: "a provider budget for a provider the routing does not call", mutate: (_w: Record<string, any>, g: Record<string, any>) => { g["budgets"].perProviderMonthlyUsd.gemini = 10; }, message: /llm-breakeven:gateway\.budgets\.perProviderMonthlyUsd\.gemini: \(10\) names a provider the routing does not call/ },
        { name: "cache hits planned with the semantic cache turned off", mutate: (_w: Record<string, any>, g: Record<string, any>) => { g["cache"].semantic = false; }, message: /llm-breakeven:workload\.cacheHitRate: 0\.2 needs the semantic cache, which llm-breakeven:gateway\.cache\.semantic turns off/ },
        { name: "an image older than the features the config uses", mutate: (_w: Record<string, any>, g: Record<string, any>) => { g["image"] = "ghcr.io/berriai/litellm:v1.90.0"; }, message: /llm-breakeven:gateway\.image: v1\.90\.0 predates valkey-semantic-cache .* use ghcr\.io\/berriai\/litellm:v1\.111\.0 or newer/ },
        { name: "a cache node type without a price", mutate: (_w: Record<string, any>, g: Record<string, any>) => { g["cache"].nodeType = "cache.m5.large"; }, message: /llm-breakeven:gateway\.cache\.nodeType: "cache\.m5\.large" has no price in the catalogue/ },
    ])("$name", async ({ mutate, message }) => {
        const { error, recorded } = await runBroken(mutate);
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as Error).message).toMatch(message);
        expect(recorded).toBe(0);
    });

    it("the semantic cache off (and no cache hits planned) deploys without the cache or the embedding key", async () => {
        const { error, recorded } = await runBroken((w, g) => { g["cache"].semantic = false; w["cacheHitRate"] = 0; }, { "llm-breakeven:providerApiKeys": JSON.stringify({ openai: "sk-x", groq: "gsk-x", anthropic: "a" }) });
        expect(error).toBeUndefined();
        expect(recorded).toBeGreaterThan(50);
    });

    it("a missing provider key is named with the command that sets it", async () => {
        const { error, recorded } = await runBroken(() => undefined, { "llm-breakeven:providerApiKeys": JSON.stringify({ openai: "sk-x", groq: "gsk-x" }) });
        expect((error as Error).message).toMatch(/llm-breakeven:providerApiKeys\.anthropic: is missing; .*pulumi config set --secret --path llm-breakeven:providerApiKeys\.anthropic <key>/);
        expect(recorded).toBe(0);
    });
});
