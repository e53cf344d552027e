/**
 * The seed article, reproduced to the dollar (docs/sources.md §1), and what its model leaves out:
 * what the two nodes can actually serve.
 */
import { describe, expect, it } from "vitest";
import { estimate, seedScenario } from "../../cost";

const seed = estimate(seedScenario());

describe("the seed preset reproduces every figure of the seed", () => {
    it.each([
        ["GPU nodes, 2 x Lambda 8xA100 at $7,920", seed.selfHosted.gpuMonthlyUsd, 15_840],
        ["one node", seed.selfHosted.nodeMonthlyUsd, 7_920],
        ["operational overhead", seed.selfHosted.overheadMonthlyUsd, 4_100],
        ["self-hosting total", seed.selfHosted.monthlyUsd, 19_940],
        ["500M tokens all GPT-4o at $5/M", seed.unrouted.monthlyUsd, 2_500],
        ["500M tokens routed at $0.80/M", seed.api.monthlyUsd, 400],
        ["the routed rate", seed.api.usdPerMTok, 0.8],
        ["the unrouted rate", seed.unrouted.usdPerMTok, 5],
    ])("%s", (_name, actual, expected) => {
        expect(actual).toBeCloseTo(expected, 9);
    });

    it("itemises the overhead as the seed does ($3,500 + $200 + $400)", () => {
        expect(seed.selfHosted.lines.map((l) => [l.id, l.quantity, l.unitUsd, l.monthlyUsd])).toEqual([
            ["gpu-nodes", 2, 7920, 15840],
            ["engineering", 1, 3500, 3500],
            ["monitoring", 1, 200, 200],
            ["storage-network-egress", 1, 400, 400],
        ]);
        expect(seed.selfHosted.lines.every((l) => l.provenance?.source.includes("NeuralRouting"))).toBe(true);
    });

    it("break-even 24.9B at $0.80/M and 3.99B at $5/M, to the seed's rounding; ratio 6.25", () => {
        expect(seed.breakEven.tokensPerMonth).toBeCloseTo(24.925e9, -3);
        expect(Number(((seed.breakEven.tokensPerMonth ?? 0) / 1e9).toFixed(1))).toBe(24.9);
        expect(seed.breakEven.unroutedTokensPerMonth).toBeCloseTo(3.988e9, -3);
        expect(Number(((seed.breakEven.unroutedTokensPerMonth ?? 0) / 1e9).toFixed(2))).toBe(3.99);
        expect(seed.breakEven.routedToUnroutedRatio).toBeCloseTo(6.25, 12);
        expect(seed.breakEven.statement).toMatch(/^24\.9B tokens\/month = \$19,940 \/ \$0\.80\/M/);
    });

    it("the seed's $5/M is GPT-4o's list prices blended at the preset's 2:1", () => {
        expect(seed.scenario.inputOutputRatio).toBe(2);
        expect(seed.unrouted.basis).toContain("2:1");
    });

    it("decides as the seed's framework does at $400/month of API spend: stay managed", () => {
        expect(seed.decision).toBe("stay-managed");
        expect(seed.decisionReason).toContain("$400");
    });
});

describe("what the seed leaves out: the capacity of its two nodes (Llama 3.3 70B BF16)", () => {
    it("reports a per-node figure from the roofline, calibrated and stated", () => {
        const node = seed.capacity.perNode;
        expect(node).toMatchObject({ model: "llama-3.3-70b-instruct", precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8 });
        // docs/sources.md §6: planning values for an 8x A100 80GB node are ~2,000-2,500 decode tok/s at
        // 2:1 prefill shares the GPUs, so output lands below that, well above 0.
        expect(node.outputTokensPerSecond).toBeGreaterThan(800);
        expect(node.outputTokensPerSecond).toBeLessThan(2500);
        expect(node.engine).toBe("vllm-v1");
        expect(node.totalTokensPerSecond).toBeCloseTo(node.outputTokensPerSecond * 3, 6);
        expect(node.tokensPerMonth).toBeCloseTo(node.totalTokensPerSecond * 730 * 3600, 0);
        // Capacity model v2 (issue 12): the fitted shares of peak, capped by the measured kernel ceilings.
        expect(node.efficiency.bandwidth).toBeGreaterThan(0.3);
        expect(node.efficiency.bandwidth).toBeLessThanOrEqual(0.65);
        expect(seed.assumptions.some((a) => /fitted to published vLLM runs \(cost\/data\/vllm-runs\.json/.test(a.text))).toBe(true);
    });

    it("the two nodes serve far less than the 24.9B break-even at peak with a spare: it does not fit", () => {
        expect(seed.capacity.tokensPerMonth).toBeCloseTo(2 * seed.capacity.perNode.tokensPerMonth, 0);
        expect(seed.capacity.servableTokensPerMonth).toBeLessThan(24.9e9 / 2);
        // At peak x2 keeping one node spare, one node's flat-out volume is halved.
        expect(seed.capacity.servableTokensPerMonth).toBeCloseTo(seed.capacity.perNode.tokensPerMonth / 2, 0);
        expect(seed.breakEven.servedByConfiguredNodes).toBe(false);
        expect(seed.breakEven.statement).toContain("needs more nodes");
        expect(seed.capacity.servesVolume).toBe(true);
        expect(seed.capacity.nodesNeeded).toBe(2);
        expect(seed.capacity.monthlyUsd).toBe(19_940);
    });

    it("capacity-aware, $0.80/M never breaks even (a node costs more than the API bill of what it serves); $5/M does, at 3.99B on the two nodes", () => {
        expect(seed.capacity.breakEven.kind).toBe("never");
        expect(seed.capacity.breakEven.statement).toMatch(/^never: a node costs \$7,920\/month/);
        expect(seed.capacity.unroutedBreakEven).toMatchObject({ kind: "breaks-even", nodes: 2, monthlyUsd: 19_940 });
        expect(seed.capacity.unroutedBreakEven.tokensPerMonth).toBeCloseTo(3.988e9, -3);
    });

    it("serialises to JSON with the issue's field names", () => {
        const json = JSON.parse(JSON.stringify(seed)) as Record<string, Record<string, unknown>>;
        expect(json["selfHosted"]).toMatchObject({ monthlyUsd: 19940, gpuMonthlyUsd: 15840, overheadMonthlyUsd: 4100 });
        expect(json["api"]).toMatchObject({ usdPerMTok: 0.8, monthlyUsd: 400 });
        expect(json["breakEven"]?.["tokensPerMonth"]).toBe(24_925_000_000);
        expect(typeof json["capacity"]?.["tokensPerMonth"]).toBe("number");
        expect(json["capacity"]?.["nodesNeeded"]).toBe(2);
        expect(json["decision"]).toBe("stay-managed");
    });
});
