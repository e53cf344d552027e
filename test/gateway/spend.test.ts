import { describe, expect, it } from "vitest";
import { apiBillByTier, gatewayPriceProblems } from "../../cost/gateway";
import { apiSpend, hybridSplit } from "../../config/scenario";
import { parseFlatConfig } from "../../config/stack";
import { readStackFile } from "../../mockrun";

const prod = parseFlatConfig(readStackFile("gateway-prod").config);
const hybrid = parseFlatConfig(readStackFile("hybrid-prod").config);

describe("gateway-prod's projected API bill (500M tokens/month)", () => {
    it("matches a hand calculation from the catalogue's list prices", () => {
        // Blended at 3:1 = (3 x input + output) / 4, list prices per million (catalogue.ts):
        const groq8b = (3 * 0.05 + 0.08) / 4; // 0.0575
        const gpt4oMini = (3 * 0.15 + 0.6) / 4; // 0.2625
        const gpt41 = (3 * 2 + 8) / 4; // 3.5
        const sonnet = (3 * 3 + 15) / 4; // 6
        const cache = 1 - 0.2;
        const byHand = {
            simple: 500 * 0.5 * groq8b * cache, // $11.50
            medium: 500 * 0.25 * gpt4oMini * cache, // $26.25
            complex: 500 * 0.15 * gpt41 * cache, // $210.00
            reasoning: 500 * 0.1 * sonnet * cache, // $240.00
        };
        expect(byHand.simple + byHand.medium + byHand.complex + byHand.reasoning).toBeCloseTo(487.75, 10);
        const bill = apiBillByTier({ tokensPerMonth: prod.workload.tokensPerMonth, inputOutputRatio: prod.workload.inputOutputRatio, cacheHitRate: prod.workload.cacheHitRate, routing: prod.workload.routing! });
        expect(bill.tiers.map((t) => [t.tier, t.monthlyUsd])).toEqual(Object.entries(byHand).map(([tier, usd]) => [tier, expect.closeTo(usd, 9)]));
        expect(bill.tiersMonthlyUsd).toBeCloseTo(487.75, 9);
        // The semantic cache embeds every prompt: 375M input tokens x $0.02/M.
        expect(bill.embedding?.monthlyUsd).toBeCloseTo(375 * 0.02, 9);
        expect(bill.monthlyUsd).toBeCloseTo(495.25, 9);
        // The engine (helper A's) agrees on the routed bill.
        expect(apiSpend(prod.workload, "gateway").remainingApiMonthlyUsd).toBeCloseTo(487.75, 9);
        // The budget covers it with the policy pack's 20% headroom.
        expect(prod.gateway!.budgets.monthlyUsd).toBeGreaterThanOrEqual(487.75 * 1.2);
    });

    it("refuses, before any resource exists, a cache node type or DB class the catalogue cannot price, naming each key", () => {
        expect(gatewayPriceProblems({ cacheNodeType: "cache.t4g.medium", databaseInstanceClass: "db.t4g.medium" })).toEqual([]);
        const problems = gatewayPriceProblems({ cacheNodeType: "cache.m5.large", databaseInstanceClass: "db.x9.huge" });
        expect(problems).toHaveLength(2);
        expect(problems[0]).toMatch(/^llm-breakeven:gateway\.cache\.nodeType: "cache\.m5\.large" has no price in the catalogue/);
        expect(problems[1]).toMatch(/^llm-breakeven:gateway\.database\.instanceClass: "db\.x9\.huge" has no price in the catalogue/);
    });
});

describe("hybrid-prod's split", () => {
    it("matches a hand calculation: 70% to the GPUs, 30% to the API tiers", () => {
        const split = hybridSplit(hybrid);
        expect(split.selfHostedShare).toBeCloseTo(0.7, 12);
        expect(split.selfHostedTokensPerMonth).toBeCloseTo(8e9 * 0.7, 0);
        expect(split.apiTokensPerMonth).toBeCloseTo(8e9 * 0.3, 0);
        const rate = (0.2 * ((3 * 2 + 8) / 4) + 0.1 * ((3 * 3 + 15) / 4)) / 0.3; // $4.333/M
        expect(split.apiUsdPerMTok).toBeCloseTo(rate, 12);
        expect(split.apiMonthlyUsd).toBeCloseTo(2400 * rate * 0.8, 6); // $8,320
        expect(split.apiMonthlyUsd).toBeCloseTo(8320, 6);
        // The cheapest hosted copy of Llama 3.3 70B: DeepInfra $0.13/$0.40 at 3:1.
        expect(split.selfHostedApiEquivalentUsdPerMTok).toBeCloseTo((3 * 0.13 + 0.4) / 4, 12);
        // The gateway's tier lines give the same API bill, and bill nothing for the self-hosted tiers.
        const bill = apiBillByTier({ tokensPerMonth: hybrid.workload.tokensPerMonth, inputOutputRatio: 3, cacheHitRate: 0.2, routing: hybrid.workload.routing! });
        expect(bill.tiersMonthlyUsd).toBeCloseTo(split.apiMonthlyUsd, 6);
        expect(bill.tiers.filter((t) => t.model === "self-hosted").map((t) => t.monthlyUsd)).toEqual([0, 0]);
        expect(bill.selfHostedTokensPerMonth).toBeCloseTo(split.selfHostedTokensPerMonth, 0);
    });

    it("with a rate given directly (workload.apiUsdPerMTok), the engine's split and the gateway's tier lines bill it alike", () => {
        const negotiated = { ...hybrid, workload: { ...hybrid.workload, apiUsdPerMTok: 2.5 } };
        const split = hybridSplit(negotiated);
        expect(split.apiMonthlyUsd).toBeCloseTo(2400 * 2.5 * 0.8, 6); // $4,800, not the $8,320 of list prices
        const bill = apiBillByTier({ tokensPerMonth: 8e9, inputOutputRatio: 3, cacheHitRate: 0.2, routing: hybrid.workload.routing!, usdPerMTok: 2.5 });
        expect(bill.tiersMonthlyUsd).toBeCloseTo(split.apiMonthlyUsd, 6);
        expect(bill.tiers.find((t) => t.model !== "self-hosted")?.label).toContain("given rate $2.5/M (llm-breakeven:workload.apiUsdPerMTok, not list prices)");
    });
});
