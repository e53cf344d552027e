/**
 * valkey-semantic on the pinned LiteLLM release: reported to crash the proxy at startup from 1.94.0
 * (BerriAI/litellm#39180; fix #40863 open), with no release read that carries the fix. A real
 * `pulumi up` refuses a config that uses it, naming the key and the commands; the offline plan goes on.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { DEFAULT_LITELLM_IMAGE, LITELLM_FEATURES, openBreakProblems } from "../../platform/liteLLMRelease";
import { ConfigError, parseFlatConfig } from "../../config/stack";
import { readStackFile } from "../../mockrun";
import { preflightGateway } from "../../program/gateway";

const run = vi.hoisted(() => ({ dryRun: false, offlinePlan: false }));
vi.mock(import("../../program/runContext"), async (original) => ({ ...(await original()), runContext: () => ({ ...run }) }));

const KEYS = { hfToken: undefined, providerApiKeys: pulumi.secret<Record<string, string>>({ groq: "k", openai: "k", anthropic: "k", together_ai: "k" }) };
const devConfig = (overrides: Record<string, unknown> = {}) => {
    const file = readStackFile("gateway-dev").config;
    const parsed = parseFlatConfig(file);
    return parseFlatConfig({
        ...file,
        "llm-breakeven:gateway": JSON.stringify({ ...parsed.gateway, ...(overrides["gateway"] as object) }),
        "llm-breakeven:workload": JSON.stringify({ ...parsed.workload, ...(overrides["workload"] as object) }),
    });
};
const problemsOf = (fn: () => unknown): readonly string[] => {
    try {
        fn();
    } catch (error) {
        if (error instanceof ConfigError) return error.problems;
        throw error;
    }
    return [];
};

describe("valkey-semantic's open break (no fixed release read)", () => {
    it("covers the pinned release, from the first release reported broken, in one line with the report and the fix", () => {
        const [line, ...rest] = openBreakProblems(DEFAULT_LITELLM_IMAGE, ["valkeySemanticCache"]);
        expect(rest).toEqual([]);
        expect(line).toMatch(/^llm-breakeven:gateway\.cache\.semantic: valkey-semantic-cache is broken on ghcr\.io\/berriai\/litellm:v1\.111\.0 \(from 1\.94\.0, no fixed release read: BerriAI\/litellm#39180 .*#40863.*\); run pulumi config set --path 'llm-breakeven:gateway\.cache\.semantic' false and pulumi config set --path 'llm-breakeven:workload\.cacheHitRate' 0, or pin a release whose notes list BerriAI\/litellm#40863/);
        expect(line).not.toContain("\n");
        expect(openBreakProblems("ghcr.io/berriai/litellm:v1.93.0", ["valkeySemanticCache"])).toEqual([]);
        expect(openBreakProblems(DEFAULT_LITELLM_IMAGE, ["complexityRouter", "prometheusCallback"])).toEqual([]);
        expect(LITELLM_FEATURES.valkeySemanticCache.openBreak.from).toBe("1.94.0");
    });

    it("a real pulumi up of the shipped gateway-dev (cache on) is refused before any resource; with the cache off it goes on", () => {
        const on = problemsOf(() => preflightGateway(devConfig(), KEYS));
        expect(on).toContainEqual(expect.stringMatching(/^llm-breakeven:gateway\.cache\.semantic: valkey-semantic-cache is broken on ghcr\.io\/berriai\/litellm:v1\.111\.0/));
        expect(problemsOf(() => preflightGateway(devConfig({ gateway: { cache: { ...parseFlatConfig(readStackFile("gateway-dev").config).gateway!.cache, semantic: false } }, workload: { cacheHitRate: 0 } }), KEYS))).toEqual([]);
    });

    it("the offline plan and a preview of the same stack are not refused for it", () => {
        for (const context of [{ dryRun: false, offlinePlan: true }, { dryRun: true, offlinePlan: false }]) {
            Object.assign(run, context);
            try {
                expect(problemsOf(() => preflightGateway(devConfig(), KEYS)).filter((p) => p.includes("gateway.cache.semantic"))).toEqual([]);
            } finally {
                Object.assign(run, { dryRun: false, offlinePlan: false });
            }
        }
    });
});
