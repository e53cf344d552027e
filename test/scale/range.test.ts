/** The pure cores: the cost range, the node bounds a GPU ceiling pays for, and the KEDA thresholds from the capacity model. */
import { describe, expect, it } from "vitest";
import { OPEN_MODELS } from "../../cost/catalogue";
import { DEFAULT_OUTPUT_TOKENS, nodeCapacity } from "../../cost/capacity";
import { kvBytesPerToken, fitModel } from "../../cost/memory";
import { costRange, ScalableGroup } from "../../cost/range";
import { nodeBounds, scalingThresholds } from "../../cost/scaling";

const group = (name: string, desired: number, max: number | undefined, burst: number | undefined = 1000): ScalableGroup =>
    ({ name, gpu: true, minNodes: desired, desiredNodes: desired, maxNodes: max, burstNodeMonthlyUsd: burst });

describe("costRange", () => {
    it.each([
        // floor, groups (desired/max), nodes needed -> expected, ceiling
        { what: "fixed pools: one point", groups: [group("a", 1, 1), group("b", 1, 1)], needed: 2, expected: 5000, ceiling: 5000, nodes: [2, 2, 2] },
        { what: "room to grow, peak covered by the floor", groups: [group("a", 1, 3), group("b", 1, 2)], needed: 2, expected: 5000, ceiling: 8000, nodes: [2, 2, 5] },
        { what: "peak above the floor: the shortfall, balanced", groups: [group("a", 1, 3), group("b", 1, 3)], needed: 4, expected: 7000, ceiling: 9000, nodes: [2, 4, 6] },
        { what: "peak above the ceiling: expected stops at the maximum", groups: [group("a", 1, 2), group("b", 1, 2)], needed: 9, expected: 7000, ceiling: 7000, nodes: [2, 4, 4] },
        { what: "no nodes needed figure: expected is the floor", groups: [group("a", 2, 4)], needed: undefined, expected: 5000, ceiling: 7000, nodes: [2, 2, 4] },
    ])("$what", ({ groups, needed, expected, ceiling, nodes }) => {
        const r = costRange({ floorMonthlyUsd: 5000, groups, ...(needed !== undefined ? { nodesNeeded: needed } : {}) });
        expect([r.floorMonthlyUsd, r.expectedMonthlyUsd, r.ceilingMonthlyUsd]).toEqual([5000, expected, ceiling]);
        expect([r.floorNodes, r.expectedNodes, r.ceilingNodes]).toEqual(nodes);
        expect(r.floorMonthlyUsd).toBeLessThanOrEqual(r.expectedMonthlyUsd);
        expect(r.expectedMonthlyUsd).toBeLessThanOrEqual(r.ceilingMonthlyUsd ?? Infinity);
    });

    it("a group with no maximum, or a burst node with no price, leaves no ceiling and names the group", () => {
        expect(costRange({ floorMonthlyUsd: 1, groups: [group("a", 1, undefined), group("b", 1, 1)] })).toMatchObject({ ceilingMonthlyUsd: null, ceilingNodes: null, unbounded: ["a"] });
        const unpriced = (name: string, max: number): ScalableGroup => ({ ...group(name, 1, max), burstNodeMonthlyUsd: undefined });
        expect(costRange({ floorMonthlyUsd: 1, groups: [unpriced("c", 2)] }).unbounded).toEqual(["c"]);
        // A fixed group needs no burst price.
        expect(costRange({ floorMonthlyUsd: 1, groups: [unpriced("d", 1)] }).ceilingMonthlyUsd).toBe(1);
    });
});

describe("nodeBounds", () => {
    const prices = { floorNodeMonthlyUsd: 12_703, burstNodeMonthlyUsd: 20_036 };
    it.each([
        { ceiling: 25_406, maxima: [1, 1], max: 2 },
        { ceiling: 45_442, maxima: [2, 1], max: 3 },
        { ceiling: 65_477, maxima: [2, 1], max: 3 },
        { ceiling: 65_478, maxima: [2, 2], max: 4 },
        { ceiling: 125_586, maxima: [4, 3], max: 7 },
    ])("a $ceiling GPU ceiling over 2 zones of 1 reserved node: maxima $maxima", ({ ceiling, maxima, max }) => {
        const b = nodeBounds({ zones: 2, floorNodesPerZone: 1, gpuCeilingMonthlyUsd: ceiling, ...prices });
        expect(b.perZone.map((z) => z.maxNodes)).toEqual(maxima);
        expect(b.perZone.every((z) => z.minNodes === 1)).toBe(true);
        expect(b.maxNodes).toBe(max);
        expect(b.ceilingGpuMonthlyUsd).toBeLessThanOrEqual(ceiling + 0.01);
        expect(b.ceilingGpuMonthlyUsd + prices.burstNodeMonthlyUsd).toBeGreaterThan(ceiling);
    });

    it("refuses a ceiling below the floor, naming both and the allowed value", () => {
        expect(() => nodeBounds({ zones: 2, floorNodesPerZone: 1, gpuCeilingMonthlyUsd: 20_000, ...prices })).toThrow("the GPU ceiling $20000/month is below the floor of 2 nodes ($25406/month); allowed: 25406 or more");
    });
});

describe("scalingThresholds", () => {
    const model = OPEN_MODELS.get("llama-3.3-70b-instruct")!;
    const capacity = (ratio: number) => nodeCapacity({ model, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, inputOutputRatio: ratio });
    const thresholds = (ratio: number, slo: number) => {
        const c = capacity(ratio);
        return scalingThresholds({
            model, precision: "bf16", gpu: "a100-80gb", tensorParallelSize: c.tensorParallelSize, replicasPerNode: c.replicasPerNode, batchPerReplica: c.batchPerReplica,
            nodeOutputTokensPerSecond: c.outputTokensPerSecond, inputOutputRatio: ratio, contextTokens: ratio * DEFAULT_OUTPUT_TOKENS + DEFAULT_OUTPUT_TOKENS / 2, gpuMemoryUtilization: 0.9, ttftSloSeconds: slo,
        });
    };

    it("derives the queue per replica from the capacity model: SLO x requests/s per replica, output per request from the context", () => {
        const c = capacity(3);
        const t = thresholds(3, 2);
        // contextTokens = 3 x 512 + 512 / 2: the capacity model's prompt plus half the answer.
        expect(t.outputTokensPerRequest).toBeCloseTo(DEFAULT_OUTPUT_TOKENS, 9);
        expect(t.requestsPerSecondPerReplica).toBeCloseTo(c.outputTokensPerSecond / c.replicasPerNode / DEFAULT_OUTPUT_TOKENS, 9);
        expect(t.waitingRequestsPerReplica).toBe(Math.floor(2 * t.requestsPerSecondPerReplica));
        // A longer SLO tolerates a longer queue; never below one.
        expect(thresholds(3, 10).waitingRequestsPerReplica).toBeGreaterThan(t.waitingRequestsPerReplica);
        expect(thresholds(3, 0.01).waitingRequestsPerReplica).toBe(1);
    });

    it("puts the KV-cache threshold where the sized batch fills the cache", () => {
        const c = capacity(3);
        const kvGB = fitModel({ model, precision: "bf16", gpu: "a100-80gb", gpusPerReplica: c.tensorParallelSize, gpuMemoryUtilization: 0.9 }).kvCacheGB;
        const share = (c.batchPerReplica * 2048 * kvBytesPerToken(model, "bf16")) / 1e9 / kvGB;
        const t = thresholds(3, 2);
        expect(t.kvCacheUsage).toBeCloseTo(Math.min(0.99, share), 2);
        expect(t.kvCacheUsage).toBeGreaterThan(0);
        expect(t.kvCacheUsage).toBeLessThan(1);
    });

    it("refuses a zero SLO, naming it", () => {
        expect(() => thresholds(3, 0)).toThrow("ttftSloSeconds 0 must be above 0");
    });
});
