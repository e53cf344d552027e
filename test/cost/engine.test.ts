/** Table tests for each engine function: rates, self-hosted lines, capacity, nodes, break-even, decision. */
import { describe, expect, it } from "vitest";
import {
    API_MODELS, CapacityError, GPU_OFFERS, OPEN_MODELS, apiMonthlyUsd, blendedUsdPerMTok, breakEvenTokensPerMonth,
    capacityAwareBreakEven, decide, fixedNodesBreakEven, nodeCapacity, nodesNeeded, routedUsdPerMTok, selfHostedCost, servableTokensPerMonth,
} from "../../cost";

const gpt4o = API_MODELS.get("openai/gpt-4o")!;
const llama70b = OPEN_MODELS.get("llama-3.3-70b-instruct")!;
const llama8b = OPEN_MODELS.get("llama-3.1-8b-instruct")!;

describe("blended and routed rates", () => {
    it.each([
        [3, 4.375],
        [2, 5],
        [1, 6.25],
        [10, 35 / 11],
    ])("GPT-4o at %d:1 blends to $%d/M", (ratio, expected) => {
        expect(blendedUsdPerMTok(gpt4o, ratio)).toBeCloseTo(expected, 12);
    });

    it("rejects a ratio out of range", () => {
        expect(() => blendedUsdPerMTok(gpt4o, 0)).toThrow(/inputOutputRatio 0 must be above 0/);
        expect(() => blendedUsdPerMTok(gpt4o, 1001)).toThrow(/at most 1000/);
    });

    it("weights each model's blended rate by its share, normalised over the entries given", () => {
        const mix = [{ model: "openai/gpt-4o", share: 0.15 }, { model: "groq/llama-3.1-8b", share: 0.85 }];
        const expected = 0.15 * 4.375 + 0.85 * ((3 * 0.05 + 0.08) / 4);
        expect(routedUsdPerMTok(mix, 3)).toBeCloseTo(expected, 12);
        // The API entries of a hybrid mix alone (self-hosted tier left out) give the rate of the API tokens.
        expect(routedUsdPerMTok([{ model: "openai/gpt-4o", share: 0.2 }], 3)).toBeCloseTo(4.375, 12);
    });

    it("names an unknown model id", () => {
        expect(() => routedUsdPerMTok([{ model: "openai/gpt-5o", share: 1 }], 3)).toThrow(/"openai\/gpt-5o" is not an API model in the catalogue/);
        expect(() => routedUsdPerMTok([], 3)).toThrow(/empty routing mix/);
    });

    it.each([
        [500e6, 5, 0, 2500],
        [500e6, 0.8, 0, 400],
        [1e9, 1, 0.2, 800],
        [0, 5, 0, 0],
    ])("apiMonthlyUsd(%d tokens, $%d/M, cache %d) = $%d", (tokensPerMonth, usdPerMTok, cacheHitRate, expected) => {
        expect(apiMonthlyUsd({ tokensPerMonth, usdPerMTok, cacheHitRate })).toBeCloseTo(expected, 9);
    });
});

describe("self-hosted cost", () => {
    const overhead = { engineeringMonthlyUsd: 3500, monitoringMonthlyUsd: 200, storageNetworkEgressMonthlyUsd: 400 };
    it.each([
        ["lambda-8xa100-seed", 2, 15_840],
        ["aws-p4de.24xlarge-on-demand", 2, 2 * 27.44705 * 730],
        ["aws-p4d.24xlarge-on-demand", 1, 21.957642 * 730],
        // The 1-year no-upfront rate itself (tsaol/aws-gpu, instances.vantage.sh data), no longer on-demand x (1 - a rounded 36.6%).
        ["aws-p4d.24xlarge-reserved-1y", 1, 13.921094 * 730],
        ["lambda-8xa100", 3, 3 * 2.79 * 8 * 730],
    ])("%s x %d nodes: GPUs $%d/month", (offerId, nodes, gpuMonthlyUsd) => {
        const offer = GPU_OFFERS.get(offerId)!;
        const cost = selfHostedCost({ offer, nodes, overhead });
        expect(cost.gpuMonthlyUsd).toBeCloseTo(gpuMonthlyUsd, 6);
        expect(cost.overheadMonthlyUsd).toBe(4100);
        expect(cost.monthlyUsd).toBeCloseTo(gpuMonthlyUsd + 4100, 6);
        expect(cost.lines.reduce((s, l) => s + l.monthlyUsd, 0)).toBeCloseTo(cost.monthlyUsd, 6);
        expect(cost.lines[0]).toMatchObject({ id: "gpu-nodes", quantity: nodes, unit: "node-month" });
        expect(cost.lines[0]?.provenance).toBe(offer.provenance);
    });

    it("refuses a fractional node count or a negative overhead", () => {
        const offer = GPU_OFFERS.get("lambda-8xa100-seed")!;
        expect(() => selfHostedCost({ offer, nodes: 1.5, overhead })).toThrow(/nodes 1.5/);
        expect(() => selfHostedCost({ offer, nodes: 1, overhead: { ...overhead, monitoringMonthlyUsd: -1 } })).toThrow(/overhead.monitoringMonthlyUsd -1/);
    });
});

describe("capacity (node layouts; the terms and the fit are in capacity.test.ts)", () => {
    // Capacity model v2 (issue 12): with all-reduce and engine terms, an 8B model that fits one GPU runs
    // as eight TP1 replicas (the old roofline picked 4 x TP2 for its KV cache alone).
    it("picks several small replicas when the model fits them (Llama 8B on 8x A100: TP1 or TP2, never TP8)", () => {
        const c = nodeCapacity({ model: llama8b, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, inputOutputRatio: 3 });
        expect(c.tensorParallelSize).toBeLessThanOrEqual(2);
        expect(c.replicasPerNode).toBe(8 / c.tensorParallelSize);
        // TP1 has too little KV cache for a full batch of 1,792-token sequences (1,536 in + 512/2 out).
        expect(c.layouts[0]?.batchPerReplica).toBeLessThan(256);
        expect(c.layouts[0]?.batchReason).toMatch(/KV cache holds \d+ sequences of 1792 tokens/);
        expect(c.layouts.map((l) => l.tensorParallelSize)).toEqual([1, 2, 4, 8]);
        const best = Math.max(...c.layouts.map((l) => l.outputTokensPerSecond));
        expect(c.outputTokensPerSecond).toBe(best);
    });

    it("never picks a layout that does not fit: 70B BF16 does not fit 1 or 2 A100 80GB", () => {
        const c = nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, inputOutputRatio: 3 });
        expect(c.layouts.filter((l) => !l.fits).map((l) => l.tensorParallelSize)).toEqual([1, 2]);
        expect([4, 8]).toContain(c.tensorParallelSize);
        expect(c.assumptions.length).toBeGreaterThanOrEqual(4);
    });

    it("H100 serves more than A100 80GB, and A100 80GB more than A100 40GB, for the same model", () => {
        const at = (gpu: "h100-80gb" | "a100-80gb" | "a100-40gb") => nodeCapacity({ model: llama70b, precision: "bf16", gpu, gpusPerNode: 8, inputOutputRatio: 3 }).outputTokensPerSecond;
        expect(at("h100-80gb")).toBeGreaterThan(at("a100-80gb"));
        expect(at("a100-80gb")).toBeGreaterThan(at("a100-40gb"));
    });

    it("more input per output token means fewer output tokens/s (prefill is compute-bound)", () => {
        const at = (inputOutputRatio: number) => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, inputOutputRatio }).outputTokensPerSecond;
        expect(at(10)).toBeLessThan(at(3));
        expect(at(3)).toBeLessThan(at(1));
    });

    it("fails with the model, precision, GPUs and a fix when nothing fits", () => {
        expect(() => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a10g-24gb", gpusPerNode: 4, inputOutputRatio: 3 }))
            .toThrow(CapacityError);
        expect(() => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a10g-24gb", gpusPerNode: 4, inputOutputRatio: 3 }))
            .toThrow(/Llama 3.3 70B Instruct at bf16 on 4x A10G 24GB: 141 GB of weights .* lower precision/);
        expect(() => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, tensorParallelSize: 3, inputOutputRatio: 3 }))
            .toThrow(/tensorParallelSize 3 must divide the node's 8 GPUs \(allowed: 1, 2, 4, 8\)/);
    });
});

describe("nodes needed", () => {
    const node = 10e9;
    it.each([
        // tokens, peak, redundancy, nodes
        [1, 2, true, 2],
        [5e9, 2, true, 2],
        [5e9 + 1, 2, true, 3],
        [10e9, 2, true, 3],
        [10e9, 1, false, 1],
        [10e9 + 1e6, 1, false, 2],
        [24.9e9, 2, true, 6],
        [0, 2, true, 2],
        [0, 2, false, 1],
    ])("%d tokens at peak x%d, redundancy %s: %d nodes", (tokensPerMonth, peakToAverage, redundancy, expected) => {
        expect(nodesNeeded({ tokensPerMonth, peakToAverage, nodeTokensPerMonth: node, redundancy })).toBe(expected);
    });

    it("servable volume is the largest that the nodes cover", () => {
        const servable = servableTokensPerMonth({ nodes: 3, peakToAverage: 2, nodeTokensPerMonth: node, redundancy: true });
        expect(servable).toBe(10e9);
        expect(nodesNeeded({ tokensPerMonth: servable, peakToAverage: 2, nodeTokensPerMonth: node, redundancy: true })).toBe(3);
        expect(nodesNeeded({ tokensPerMonth: servable * 1.0001, peakToAverage: 2, nodeTokensPerMonth: node, redundancy: true })).toBe(4);
    });

    it("rejects a negative volume and a peak below 1", () => {
        expect(() => nodesNeeded({ tokensPerMonth: -1, peakToAverage: 2, nodeTokensPerMonth: node, redundancy: true })).toThrow(/tokensPerMonth -1/);
        expect(() => nodesNeeded({ tokensPerMonth: 1, peakToAverage: 0.5, nodeTokensPerMonth: node, redundancy: true })).toThrow(/peakToAverage 0.5/);
    });
});

describe("break-even", () => {
    it.each([
        [19_940, 0.8, 0, 24.925e9],
        [19_940, 5, 0, 3.988e9],
        [19_940, 1, 0.5, 39.88e9],
    ])("$%d self-hosted at $%d/M (cache %d): %d tokens", (monthly, rate, cache, expected) => {
        expect(breakEvenTokensPerMonth(monthly, rate, cache)).toBeCloseTo(expected, -2);
    });

    it("says never when the API costs nothing per token", () => {
        expect(breakEvenTokensPerMonth(19_940, 5, 1)).toBe(Number.POSITIVE_INFINITY);
        expect(fixedNodesBreakEven({ selfHostedMonthlyUsd: 19_940, usdPerMTok: 5, cacheHitRate: 1 })).toMatchObject({ tokensPerMonth: null, statement: expect.stringMatching(/^never/) });
    });

    it("says whether the configured nodes serve the break-even volume", () => {
        expect(fixedNodesBreakEven({ selfHostedMonthlyUsd: 19_940, usdPerMTok: 5, servableTokensPerMonth: 5e9 }).servedByConfiguredNodes).toBe(true);
        const short = fixedNodesBreakEven({ selfHostedMonthlyUsd: 19_940, usdPerMTok: 0.8, servableTokensPerMonth: 5e9 });
        expect(short.servedByConfiguredNodes).toBe(false);
        expect(short.statement).toContain("serve only 5B at peak");
    });

    const curve = { nodeMonthlyUsd: 10_000, overheadMonthlyUsd: 4_000, nodeTokensPerMonth: 20e9, peakToAverage: 2, redundancy: true };
    it("capacity-aware: within the first step when the floor covers it", () => {
        // 2 nodes + overhead = $24,000; at $5/M that is 4.8B, and 2 nodes serve 10B at peak with a spare.
        expect(capacityAwareBreakEven(curve, 5)).toMatchObject({ kind: "breaks-even", nodes: 2, monthlyUsd: 24_000 });
        expect(capacityAwareBreakEven(curve, 5).tokensPerMonth).toBeCloseTo(4.8e9, -2);
    });

    it("capacity-aware: on a later step when the floor's nodes do not serve the crossing", () => {
        // At $1.50/M each node (10B at peak) earns $15,000 of API spend against its $10,000:
        // n nodes cross when (10,000n + 4,000) / 1.5e-6 <= (n - 1) x 10B: n >= 3.8 -> 4 nodes, $44,000, 29.3B.
        const b = capacityAwareBreakEven(curve, 1.5);
        expect(b).toMatchObject({ kind: "breaks-even", nodes: 4, monthlyUsd: 44_000 });
        expect(b.tokensPerMonth).toBeCloseTo(44_000 / 1.5e-6, -2);
    });

    it("capacity-aware: never when a node costs more than the API bill of what it serves", () => {
        const b = capacityAwareBreakEven(curve, 1);
        expect(b.kind).toBe("never");
        expect(b.tokensPerMonth).toBeNull();
        expect(b.statement).toBe("never: a node costs $10,000/month but serves 10B tokens/month at peak, worth only $10,000 at $1/M");
    });
});

describe("decision", () => {
    it.each([
        [400, false, 19_940, "stay-managed"],
        [19_999, false, 10_000, "stay-managed"],
        [20_000, false, 19_940, "optimize-routing"],
        [80_000, false, 19_940, "optimize-routing"],
        [80_001, false, 60_000, "self-host"],
        [120_000, false, 150_000, "hybrid-analysis"],
        [400, true, 19_940, "self-host"],
    ])("API $%d/month, residency %s, self-hosted $%d: %s", (apiMonthlyUsd, residencyRequired, capacityAwareSelfHostedMonthlyUsd, expected) => {
        const d = decide({ apiMonthlyUsd, residencyRequired, capacityAwareSelfHostedMonthlyUsd });
        expect(d.decision).toBe(expected);
        expect(d.reason.length).toBeGreaterThan(20);
    });

    it.each([
        [10_000, false, 30_000, "spend-below-low", "API spend $10,000/month is below $20,000: stay on managed APIs, not worth the infrastructure overhead; self-hosting would cost $20,000/month more"],
        [36_000, false, 29_506.09, "spend-between", "API spend $36,000/month is between $20,000 and $80,000: optimise routing first; self-hosting would save $6,494/month"],
        [90_000, false, 60_000, "spend-above-self-host-cheaper", "API spend $90,000/month is above $80,000, and the nodes this volume needs at peak cost $60,000/month with overhead: self-host; self-hosting would save $30,000/month"],
        [400, true, 19_940, "residency", undefined],
    ])("API $%d/month, residency %s, self-hosted $%d: the rule %s decides, and the reason says so", (apiMonthlyUsd, residencyRequired, capacityAwareSelfHostedMonthlyUsd, rule, reason) => {
        const d = decide({ apiMonthlyUsd, residencyRequired, capacityAwareSelfHostedMonthlyUsd });
        expect(d.rule).toBe(rule);
        if (reason !== undefined) expect(d.reason).toBe(reason);
    });

    it("says why, with the figures", () => {
        expect(decide({ apiMonthlyUsd: 120_000, residencyRequired: false, capacityAwareSelfHostedMonthlyUsd: 150_000 }).reason)
            .toBe("API spend $120,000/month is above $80,000, but self-hosting this volume would cost $150,000/month with the nodes it needs at peak: run the hybrid analysis (self-host select workloads)");
    });
});
