/** cost/scenario.ts (through config/scenario.ts, which applies the schema's defaults): a parsed stack config mapped onto the engine, and the functions the policy pack asks. */
import { describe, expect, it } from "vitest";
import { ConfigError, parseStackConfig } from "../../config/stack";
import { HUGGING_FACE_EGRESS, routingMix } from "../config/fixtures";
import { apiSpend, capacityFor, estimateStack, hybridSplit, scenarioFromStackConfig, selfHostedAlternative } from "../../config/scenario";
import { costEngine } from "../../policies/lib/engine";
import * as cost from "../../cost";

const selfHostedStack = (overrides: Record<string, unknown> = {}, workload: Record<string, unknown> = {}) => parseStackConfig({
    mode: "self-hosted",
    workload: { tokensPerMonth: "30B", apiUsdPerMTok: 0.8, ...workload },
    selfHosted: { ...HUGGING_FACE_EGRESS, ...overrides },
}, "unread");

const hybridStack = () => parseStackConfig({
    mode: "hybrid",
    workload: {
        tokensPerMonth: "10B",
        inputOutputRatio: 3,
        routing: routingMix({ simple: ["self-hosted", 0.6], medium: ["openai/gpt-4.1-mini", 0.3], complex: ["openai/gpt-4o", 0.1] }),
    },
    // Production hybrid names its endpoint (the schema's rule); its certificate is a deploy's concern, not the price's.
    selfHosted: { ...HUGGING_FACE_EGRESS, endpoint: {} },
    gateway: { budgets: { monthlyUsd: 50_000 } },
}, "unread");

describe("scenarioFromStackConfig", () => {
    it("prices the nodes at aws-<instanceType>-<pricing>, gpuZones x nodesPerZone of them", () => {
        const s = scenarioFromStackConfig(selfHostedStack({ gpuZones: 3, nodesPerZone: 2, pricing: "reserved-1y" }));
        expect(s.selfHosted).toMatchObject({ offerId: "aws-p4de.24xlarge-reserved-1y", nodes: 6, redundancy: true, model: "llama-3.3-70b-instruct", precision: "bf16", maxNumSeqs: 256 });
        expect(s.api.usdPerMTok).toBe(0.8);
        expect(s.tokensPerMonth).toBe(30e9);
        // No routing: unrouted is GPT-4o blended at the default 3:1.
        expect(s.api.unroutedUsdPerMTok).toBeCloseTo(4.375, 12);
    });

    it("uses the routing mix's API rate when no rate is given", () => {
        const s = scenarioFromStackConfig(parseStackConfig({
            mode: "self-hosted",
            workload: { tokensPerMonth: "30B", inputOutputRatio: 2, routing: [{ tier: "simple", model: "openai/gpt-4o-mini", share: 0.8 }, { tier: "complex", model: "openai/gpt-4o", share: 0.2 }] },
            selfHosted: { ...HUGGING_FACE_EGRESS },
        }, "unread"));
        expect(s.api.usdPerMTok).toBeCloseTo(0.8 * ((2 * 0.15 + 0.6) / 3) + 0.2 * 5, 12);
        expect(s.api.unroutedUsdPerMTok).toBeCloseTo(5, 12);
        expect(s.api.basis).toContain("openai/gpt-4o-mini 80%");
    });

    it("fails closed, naming the key, on an instance type with no price", () => {
        expect(() => scenarioFromStackConfig(selfHostedStack({ instanceType: "p5e.48xlarge" }))).toThrow(ConfigError);
        expect(() => scenarioFromStackConfig(selfHostedStack({ instanceType: "p5.48xlarge", pricing: "reserved-1y" })))
            .toThrow(/llm-breakeven:selfHosted.instanceType: "p5.48xlarge" has no reserved-1y price in the catalogue \(no offer "aws-p5.48xlarge-reserved-1y"\)/);
    });

    it("estimates the stack: 2 x p4de on-demand + the seed's overhead", () => {
        const e = estimateStack(selfHostedStack());
        expect(e.selfHosted.nodes).toBe(2);
        expect(e.selfHosted.gpuMonthlyUsd).toBeCloseTo(2 * 27.44705 * 730, 6);
        expect(e.selfHosted.monthlyUsd).toBeCloseTo(2 * 27.44705 * 730 + 4100, 6);
        expect(e.api.monthlyUsd).toBeCloseTo(30e3 * 0.8, 6);
        expect(e.capacity.nodesNeeded).toBeGreaterThan(2);
    });
});

describe("hybrid", () => {
    it("splits the tokens between the self-hosted tier and the API tiers", () => {
        const split = hybridSplit(hybridStack());
        expect(split.selfHostedShare).toBeCloseTo(0.6, 12);
        expect(split.selfHostedTokensPerMonth).toBeCloseTo(6e9, 0);
        expect(split.apiTokensPerMonth).toBeCloseTo(4e9, 0);
        const apiRate = (0.3 * ((3 * 0.4 + 1.6) / 4) + 0.1 * 4.375) / 0.4;
        expect(split.apiUsdPerMTok).toBeCloseTo(apiRate, 12);
        expect(split.apiMonthlyUsd).toBeCloseTo(4e3 * apiRate, 6);
        // The self-hosted tier against the cheapest hosted Llama 3.3 70B: DeepInfra $0.13/$0.40 at 3:1.
        expect(split.selfHostedApiEquivalentUsdPerMTok).toBeCloseTo((3 * 0.13 + 0.4) / 4, 12);
        expect(split.selfHostedApiEquivalentBasis).toContain("Llama 3.3 70B on DeepInfra");
    });

    it("the hybrid scenario compares the self-hosted tier's tokens", () => {
        const s = scenarioFromStackConfig(hybridStack());
        expect(s.tokensPerMonth).toBeCloseTo(6e9, 0);
        expect(s.api.usdPerMTok).toBeCloseTo((3 * 0.13 + 0.4) / 4, 12);
    });
});

describe("what the policy pack asks the engine", () => {
    it("the pack's engine (policies/lib/engine.ts) is cost/'s: the seed's break-even", () => {
        expect(costEngine().breakEvenTokensPerMonth(19_940, 0.8, 0)).toBeCloseTo(24.925e9, -3);
    });

    it.each([
        ["self-hosted", 1, 0],
        ["gateway", 0, 1],
    ] as const)("apiSpend in %s mode: self-hosted share %d", (mode, share, remainingShare) => {
        const workload = selfHostedStack().workload;
        const spend = apiSpend(workload, mode);
        expect(spend.allApiUsdPerMTok).toBe(0.8);
        expect(spend.allApiMonthlyUsd).toBeCloseTo(24_000, 6);
        expect(spend.selfHostedShare).toBe(share);
        expect(spend.remainingApiMonthlyUsd).toBeCloseTo(24_000 * remainingShare, 6);
        // 30B tokens: self-hosting saves the whole $0.80/M, or nothing.
        expect(spend.savedUsdPerMTok).toBeCloseTo(0.8 * share, 12);
    });

    it("apiSpend in hybrid mode bills only the API tiers", () => {
        const config = hybridStack();
        const spend = apiSpend(config.workload, "hybrid");
        const split = hybridSplit(config);
        expect(spend.selfHostedShare).toBeCloseTo(0.6, 12);
        expect(spend.remainingApiMonthlyUsd).toBeCloseTo(split.apiMonthlyUsd, 6);
        // All of it through APIs: the self-hosted 60% at the cheapest hosted Llama 3.3 70B (DeepInfra), the rest as routed.
        const allApiRate = 0.6 * ((3 * 0.13 + 0.4) / 4) + 0.3 * ((3 * 0.4 + 1.6) / 4) + 0.1 * 4.375;
        expect(spend.allApiUsdPerMTok).toBeCloseTo(allApiRate, 12);
        expect(spend.allApiMonthlyUsd).toBeCloseTo(10e3 * allApiRate, 6);
        // What the 60% served in-house would have cost per million tokens of the whole workload.
        expect(spend.savedUsdPerMTok).toBeCloseTo(((10e3 * allApiRate - split.apiMonthlyUsd) / 10e3), 9);
    });

    it("capacityFor: per-node output tokens/s, the peak, the nodes needed and the basis", () => {
        const config = selfHostedStack();
        const c = capacityFor(config, "p4de.24xlarge", config.workload);
        expect(c.perNodeTokensPerSecond).toBeCloseTo(estimateStack(config).capacity.perNode.outputTokensPerSecond, 9);
        expect(c.peakTokensPerSecond).toBeCloseTo((30e9 / (730 * 3600)) * 2 / 4, 6);
        expect(c.nodesNeeded).toBe(cost.nodesNeeded({ tokensPerMonth: 30e9, peakToAverage: 2, nodeTokensPerMonth: c.perNodeTokensPerSecond * 4 * 730 * 3600, redundancy: true }));
        expect(c.basis).toContain("llama-3.3-70b-instruct bf16");
        expect(() => capacityFor(config, "m6i.large", config.workload)).toThrow(/not a GPU instance type/);
    });

    it("selfHostedAlternative: the smallest redundant deployment for a gateway stack's workload", () => {
        const config = parseStackConfig({
            mode: "gateway",
            workload: { tokensPerMonth: "30B", routing: [{ tier: "complex", model: "openai/gpt-4o", share: 1 }] },
            gateway: { budgets: { monthlyUsd: 200_000 } },
        }, "unread");
        const alt = selfHostedAlternative(config, config.workload);
        expect(alt.label).toMatch(/^\d+ x p4de\.24xlarge \(on-demand\) serving llama-3\.3-70b-instruct$/);
        const nodes = Number(alt.label.split(" ")[0]);
        expect(nodes).toBeGreaterThanOrEqual(2);
        expect(alt.monthlyUsd).toBeCloseTo(nodes * 27.44705 * 730 + 4100, 6);
        // The same capacity-aware break-even the stack's own estimate gives (all GPT-4o at 3:1, N+1).
        expect(alt.breakEvenTokensPerMonth).toBeCloseTo(estimateStack(config).capacity.breakEven.tokensPerMonth ?? Number.NaN, 0);
    });
});
