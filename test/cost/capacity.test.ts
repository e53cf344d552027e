/**
 * Capacity model v2 (issue 12): each term of the step on its own, the batch limits, the SLO, the
 * layout choice, monotonicity properties, and the measured kernel ceilings no prediction may cross.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OPEN_MODELS, nodeCapacity } from "../../cost";
import { estimateStack } from "../../config/scenario";
import { parseStackConfig } from "../../config/stack";
import { HUGGING_FACE_EGRESS } from "../config/fixtures";
import { ceilingChecks } from "../../cost/capacity/ceilings";
import { calibratedParameters } from "../../cost/capacity/calibration";
import { ReplicaInput, operatingPoint, stepTerms } from "../../cost/capacity/replica";
import { engineForImage } from "../../cost/capacity/specs";
import { allReduceSeconds, contextTokensPerSequence, engineOverheadSeconds, kvBatchLimit, memorySeconds, prefillSecondsPerToken } from "../../cost/capacity/terms";

const llama70b = OPEN_MODELS.get("llama-3.3-70b-instruct")!;
const llama31_70b = OPEN_MODELS.get("llama-3.1-70b-instruct")!;
const params = calibratedParameters().params;
const replica = (over: Partial<ReplicaInput> = {}): ReplicaInput => ({
    model: llama70b, precision: "bf16", gpu: "h100-80gb", tensorParallelSize: 4, engine: "vllm-v1", inputTokens: 1000, outputTokens: 500, maxNumSeqs: 256, gpuMemoryUtilization: 0.9, ...over,
});

describe("the terms, one at a time", () => {
    const allReduce = (tp: number, batch: number) => allReduceSeconds({ tp, layers: 80, batch, hiddenSize: 8192, latencySeconds: 10e-6, linkBytesPerSecond: 300e9 });

    it("all-reduce: none on one GPU; two per layer; grows with the batch and with the TP size", () => {
        expect(allReduce(1, 256)).toBe(0);
        // 160 all-reduces of 10 µs plus 2(tp-1)/tp of batch x 8192 x 2 bytes over 300 GB/s.
        expect(allReduce(2, 1)).toBeCloseTo(160 * (10e-6 + (8192 * 2) / 300e9), 12);
        fc.assert(fc.property(fc.integer({ min: 1, max: 2048 }), fc.constantFrom(2, 4, 8), (batch, tp) => {
            expect(allReduce(tp, batch + 1)).toBeGreaterThan(allReduce(tp, batch));
            expect(allReduce(tp * 2, batch)).toBeGreaterThan(allReduce(tp, batch));
        }));
    });

    it("all-reduce over PCIe (L40S) costs more than over NVLink 4 (H100) at the same batch and TP", () => {
        const at = (gpu: "l40s-48gb" | "h100-80gb") => stepTerms(replica({ model: OPEN_MODELS.get("llama-3.1-8b-instruct")!, gpu, tensorParallelSize: 4 }), params, 64).allReduceMs;
        expect(at("l40s-48gb")).toBeGreaterThan(at("h100-80gb"));
    });

    it("memory time is bytes over achieved bandwidth; engine overhead is per step plus per sequence", () => {
        expect(memorySeconds(2e9, 2e12, 0.5)).toBeCloseTo(2e-3, 15);
        expect(engineOverheadSeconds(1e-3, 50e-6, 100)).toBeCloseTo(6e-3, 15);
        expect(prefillSecondsPerToken(70e9, 8, 989e12, 0.3)).toBeCloseTo((2 * 70e9) / 8 / (989e12 * 0.3), 15);
    });

    it("the KV cache per sequence is the prompt plus half the output, and its limit binds at long context", () => {
        expect(contextTokensPerSequence(1000, 500)).toBe(1250);
        expect(kvBatchLimit(10e9, 1000, 327_680)).toBe(30);
        expect(kvBatchLimit(-1, 1000, 327_680)).toBe(0);
        const short = operatingPoint(replica({ inputTokens: 500, outputTokens: 200 }), params);
        const long = operatingPoint(replica({ inputTokens: 32_000, outputTokens: 1000 }), params);
        expect(short.limits.limitedBy).toBe("max-num-seqs");
        expect(short.terms?.batch).toBe(256);
        expect(long.limits.limitedBy).toBe("kv-cache");
        expect(long.terms?.batch).toBeLessThan(20);
        expect(long.batchReason).toMatch(/KV cache holds \d+ sequences of 32500 tokens/);
    });

    it("FP8 on an A100 moves half the bytes of BF16 but computes at the BF16 rate (W8A16 Marlin); on an H100 it uses the FP8 tensor rate", () => {
        const a100 = (precision: "bf16" | "fp8") => stepTerms(replica({ model: llama31_70b, gpu: "a100-80gb", precision }), params, 128);
        expect(a100("fp8").memoryMs).toBeLessThan(a100("bf16").memoryMs);
        expect(a100("fp8").computeMs).toBeCloseTo(a100("bf16").computeMs, 9);
        const h100 = (precision: "bf16" | "fp8") => stepTerms(replica({ model: llama31_70b, precision }), params, 128);
        expect(h100("fp8").computeMs).toBeLessThan(h100("bf16").computeMs);
    });
});

describe("the operating point", () => {
    it("an SLO lowers the batch to the largest that meets it, and throughput with it", () => {
        const free = operatingPoint(replica(), params);
        const bound = operatingPoint(replica({ slo: { tpotMs: 30 } }), params);
        expect(bound.terms!.batch).toBeLessThan(free.terms!.batch);
        expect(bound.terms!.tpotMs).toBeLessThanOrEqual(30);
        expect(stepTerms(replica(), params, bound.terms!.batch + 1).tpotMs).toBeGreaterThan(30);
        expect(bound.terms!.outputTokensPerSecond).toBeLessThan(free.terms!.outputTokensPerSecond);
        expect(bound.sloBound).toBe(true);
    });

    it("an SLO nothing meets serves nothing and says so", () => {
        const point = operatingPoint(replica({ slo: { tpotMs: 1 } }), params);
        expect(point.terms).toBeUndefined();
        expect(point.batchReason).toBe("even one sequence misses the SLO (TPOT <= 1 ms)");
    });

    it("latency grows with the batch (the SLO search relies on it) and throughput never falls (it saturates once compute-bound)", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 1023 }), fc.constantFrom(1, 2, 4, 8), fc.constantFrom("a100-80gb" as const, "h100-80gb" as const, "l40s-48gb" as const), (batch, tp, gpu) => {
            const input = replica({ model: OPEN_MODELS.get("llama-3.1-8b-instruct")!, gpu, tensorParallelSize: tp });
            const a = stepTerms(input, params, batch);
            const b = stepTerms(input, params, batch + 1);
            expect(b.tpotMs).toBeGreaterThan(a.tpotMs);
            expect(b.ttftMs).toBeGreaterThanOrEqual(a.ttftMs);
            expect(b.outputTokensPerSecond).toBeGreaterThanOrEqual(a.outputTokensPerSecond * (1 - 1e-12));
        }));
    });

    it("node throughput never rises with a longer prompt, a tighter TPOT target or a smaller --max-num-seqs", () => {
        fc.assert(fc.property(fc.integer({ min: 50, max: 4000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 20, max: 200 }), fc.integer({ min: 1, max: 256 }), (input, extra, tpot, seqs) => {
            const at = (over: object) => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "h100-80gb", gpusPerNode: 8, inputOutputRatio: 1, inputTokens: input, outputTokens: 300, ...over }).outputTokensPerSecond;
            const safe = (over: object) => { try { return at(over); } catch { return 0; } };
            expect(safe({ inputTokens: input + extra })).toBeLessThanOrEqual(safe({}) * (1 + 1e-9));
            expect(safe({ slo: { tpotMs: tpot } })).toBeLessThanOrEqual(safe({ slo: { tpotMs: tpot + 10 } }) * (1 + 1e-9));
            expect(safe({ maxNumSeqs: seqs })).toBeLessThanOrEqual(safe({ maxNumSeqs: seqs + 1 }) * (1 + 1e-9));
        }), { numRuns: 60 });
    });
});

describe("the layout", () => {
    it("8x A100, Llama 3.1 70B FP8, vLLM 0.5, 320 in flight: data parallelism (4 x TP2) over one TP8 replica, and it says why", () => {
        const c = nodeCapacity({ model: llama31_70b, precision: "fp8", gpu: "a100-80gb", gpusPerNode: 8, engine: "vllm-0.5", inputOutputRatio: 1.15, inputTokens: 230, outputTokens: 200, concurrency: 320 });
        const tp8 = c.layouts.find((l) => l.tensorParallelSize === 8)!;
        expect(c.tensorParallelSize).toBeLessThan(8);
        expect(c.outputTokensPerSecond).toBeGreaterThan(1.3 * tp8.outputTokensPerSecond);
        expect(c.layoutReason).toMatch(/^4 x TP2: [\d,]+ output tok\/s per node, the most of 4 layouts\./);
        expect(c.layoutReason).toContain("1 x TP8 serves");
        expect(c.layoutReason).toContain("Data parallelism wins");
        // TP1 cannot hold 70 GB of FP8 weights in 72 GB at 0.9 utilisation with the runtime's reserve.
        expect(c.layouts[0]).toMatchObject({ tensorParallelSize: 1, fits: false, batchReason: "the weights do not fit" });
    });

    it("with an SLO, the deployed --max-num-seqs is the SLO's batch; without one, the configured value", () => {
        const free = nodeCapacity({ model: llama70b, precision: "bf16", gpu: "h100-80gb", gpusPerNode: 8, inputOutputRatio: 2 });
        const bound = nodeCapacity({ model: llama70b, precision: "bf16", gpu: "h100-80gb", gpusPerNode: 8, inputOutputRatio: 2, slo: { tpotMs: 40 } });
        expect(free.maxNumSeqs).toBe(256);
        expect(bound.maxNumSeqs).toBe(bound.batchPerReplica);
        expect(bound.maxNumSeqs).toBeLessThan(256);
        expect(bound.tpotMs).toBeLessThanOrEqual(40);
    });

    it("refuses an SLO no layout meets, naming each layout's reason", () => {
        expect(() => nodeCapacity({ model: llama70b, precision: "bf16", gpu: "a100-80gb", gpusPerNode: 8, inputOutputRatio: 2, slo: { tpotMs: 2 } }))
            .toThrow(/no layout meets the SLO \(TP1: the weights do not fit; .*TP8: even one sequence misses the SLO \(TPOT <= 2 ms\)\); relax tpotMs\/ttftMs/);
    });
});

describe("engine generations", () => {
    it("the pinned image picks the generation", () => {
        expect(engineForImage("vllm/vllm-openai:v0.11.0").engine).toBe("vllm-v1");
        expect(engineForImage("vllm/vllm-openai:v0.6.6").engine).toBe("vllm-0.6");
        expect(engineForImage("vllm/vllm-openai:v0.5.4").engine).toBe("vllm-0.5");
        expect(engineForImage(`vllm/vllm-openai@sha256:${"a".repeat(64)}`)).toMatchObject({ engine: "vllm-v1", basis: expect.stringContaining("pinned by digest") });
        expect(() => engineForImage("vllm/vllm-openai:v0.4.3")).toThrow(/older than vLLM 0.5.*pin vllm\/vllm-openai:v0.5.4 or later/);
    });

    it("a newer generation serves more than vLLM 0.5 on the same node (its fitted engine work is smaller)", () => {
        const at = (engine: "vllm-0.5" | "vllm-0.6" | "vllm-v1") => nodeCapacity({ model: llama31_70b, precision: "fp8", gpu: "h100-80gb", gpusPerNode: 8, engine, inputOutputRatio: 1 }).outputTokensPerSecond;
        expect(at("vllm-0.6")).toBeGreaterThan(1.3 * at("vllm-0.5"));
        expect(at("vllm-v1")).toBe(at("vllm-0.6"));
    });
});

describe("the measured kernel ceilings (docs/sources.md §6)", () => {
    it("no prediction crosses one: neither the kernel terms alone nor the full step", () => {
        const checks = ceilingChecks(params);
        expect(checks).toHaveLength(8);
        for (const check of checks) {
            expect(check.kernelOnly, check.what).toBeLessThanOrEqual(check.ceiling);
            expect(check.predicted, check.what).toBeLessThanOrEqual(check.kernelOnly);
        }
    });

    it("no node prediction for any batch, TP or GPU crosses the H100/H200 decode ceilings at their batch", () => {
        fc.assert(fc.property(fc.constantFrom(64, 128, 256), fc.constantFrom("h100-80gb" as const, "h200-141gb" as const), fc.constantFrom("vllm-0.5" as const, "vllm-0.6" as const, "vllm-v1" as const), (batch, gpu, engine) => {
            const ceiling = { "h100-80gb": { 64: 6100, 128: 10400, 256: 14800 }, "h200-141gb": { 64: 7700, 128: 13100, 256: 18200 } }[gpu][batch];
            const t = stepTerms(replica({ gpu, engine, tensorParallelSize: 8, inputTokens: 2048, outputTokens: 1 }), params, batch);
            expect(batch / (t.decodeStepMs / 1e3)).toBeLessThanOrEqual(ceiling);
        }));
    });
});

describe("the stack config drives it", () => {
    const stack = (selfHosted: Record<string, unknown>) => parseStackConfig({ mode: "self-hosted", workload: { tokensPerMonth: "30B", apiUsdPerMTok: 0.8 }, selfHosted: { ...HUGGING_FACE_EGRESS, ...selfHosted } }, "unread");

    it("the pinned image picks the engine; selfHosted.slo lowers the batch and sets the --max-num-seqs to deploy", () => {
        const free = estimateStack(stack({})).capacity.perNode;
        const old = estimateStack(stack({ vllmImage: "vllm/vllm-openai:v0.5.4" })).capacity.perNode;
        const slo = estimateStack(stack({ slo: { tpotMs: 60 } })).capacity.perNode;
        expect(free.engine).toBe("vllm-v1");
        expect(old.engine).toBe("vllm-0.5");
        expect(old.outputTokensPerSecond).toBeLessThan(free.outputTokensPerSecond);
        expect(slo.tpotMs).toBeLessThanOrEqual(60);
        expect(slo.maxNumSeqs).toBe(slo.batchPerReplica);
        expect(slo.maxNumSeqs).toBeLessThan(free.maxNumSeqs);
        expect(slo.outputTokensPerSecond).toBeLessThan(free.outputTokensPerSecond);
    });

    it("refuses an SLO key it does not know", () => {
        expect(() => stack({ slo: { tpotMs: 50, p99Ms: 10 } })).toThrow(/selfHosted\.slo/);
    });
});
