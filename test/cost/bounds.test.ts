/**
 * The input ranges (cost/workload.ts) are one definition: the stack schema, the CLI's flags and the
 * policy pack's config schemas all take them from there, and each upper bound keeps the reason it
 * states (the largest plausible fleet, every public list price).
 */
import { describe, expect, it } from "vitest";
import { stackConfigSchema } from "../../config/stack";
import { API_MODELS, GPU_OFFERS, OPEN_MODELS, SERVABLE_PRECISIONS } from "../../cost/catalogue";
import { nodeCapacity } from "../../cost/capacity";
import { HUGGING_FACE_EGRESS } from "../config/fixtures";
import {
    BUDGET_USD_RANGE, INPUT_OUTPUT_RATIO_RANGE, MAX_NODES, MONTHLY_USD_MAX, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, inRange, jsonSchemaRange, rangeText,
} from "../../cost/workload";
import { monthlyBudget } from "../../policies/monthlyBudget";
import { WORKLOAD_OVERRIDE_SCHEMA } from "../../policies/lib/workload";

describe("input ranges", () => {
    it("tokens per month: MAX_NODES of the catalogue's fastest node, at the most input-heavy ratio, serve less than the bound", () => {
        let fastest = 0;
        for (const offer of GPU_OFFERS.values()) {
            for (const model of OPEN_MODELS.values()) {
                for (const precision of SERVABLE_PRECISIONS) {
                    try {
                        const c = nodeCapacity({ model, precision, gpu: offer.gpu, gpusPerNode: offer.gpuCount, inputOutputRatio: INPUT_OUTPUT_RATIO_RANGE.max });
                        fastest = Math.max(fastest, c.tokensPerMonth);
                    } catch {
                        // The model does not fit this node: it serves nothing there.
                    }
                }
            }
        }
        expect(fastest).toBeGreaterThan(0);
        expect(fastest * MAX_NODES).toBeLessThan(TOKENS_PER_MONTH_RANGE.max);
        // ...and not absurdly far below it: the bound refuses typos, not workloads.
        expect(fastest * MAX_NODES * 10).toBeGreaterThan(TOKENS_PER_MONTH_RANGE.max);
    });

    it("USD per million tokens: every catalogue list price is inside the range", () => {
        for (const m of API_MODELS.values()) {
            expect(inRange(m.inputUsdPerMTok, USD_PER_MTOK_RANGE), m.id).toBe(true);
            expect(inRange(m.outputUsdPerMTok, USD_PER_MTOK_RANGE), m.id).toBe(true);
        }
        expect(MONTHLY_USD_MAX).toBe((TOKENS_PER_MONTH_RANGE.max / 1e6) * USD_PER_MTOK_RANGE.max);
    });

    it.each([
        [0, false], [Number.NaN, false], [Number.POSITIVE_INFINITY, false], [1, true], [TOKENS_PER_MONTH_RANGE.max, true], [TOKENS_PER_MONTH_RANGE.max * 1.01, false],
    ])("inRange(%s, tokens) is %s", (value, expected) => {
        expect(inRange(value, TOKENS_PER_MONTH_RANGE)).toBe(expected);
    });

    it("the stack schema and the policy pack's config schemas take the same bounds", () => {
        const workload = (w: Record<string, unknown>) => stackConfigSchema.safeParse({ mode: "self-hosted", selfHosted: { ...HUGGING_FACE_EGRESS }, workload: { apiUsdPerMTok: 1, ...w } }).success;
        expect(workload({ tokensPerMonth: "6B" })).toBe(true);
        expect(workload({ tokensPerMonth: 1e30 })).toBe(false);
        expect(workload({ tokensPerMonth: "6B", apiUsdPerMTok: 5000 })).toBe(false);
        const gateway = (monthlyUsd: number) => stackConfigSchema.safeParse({ mode: "gateway", gateway: { budgets: { monthlyUsd } }, workload: { tokensPerMonth: "1B", routing: [{ tier: "simple", model: "openai/gpt-4o-mini", share: 1 }] } }).success;
        expect(gateway(100)).toBe(true);
        expect(gateway(-100)).toBe(false);
        expect(gateway(0)).toBe(false);
        expect(monthlyBudget.configSchema?.properties?.["maxMonthlyUsd"]).toMatchObject(jsonSchemaRange(BUDGET_USD_RANGE));
        expect(WORKLOAD_OVERRIDE_SCHEMA.tokensPerMonth).toMatchObject({ exclusiveMinimum: 0, maximum: TOKENS_PER_MONTH_RANGE.max });
        expect(WORKLOAD_OVERRIDE_SCHEMA.apiUsdPerMTok).toMatchObject({ exclusiveMinimum: 0, maximum: USD_PER_MTOK_RANGE.max });
        expect(rangeText(BUDGET_USD_RANGE)).toBe("above 0 and at most 10000000000000");
    });
});
