/**
 * One vLLM replica: how large a batch it can run (--max-num-seqs, the KV cache left after the weights,
 * the offered concurrency, the latency SLOs) and what it serves at that batch, term by term.
 */
import { GPUS, GpuId, OpenModel, Precision } from "../catalogue";
import { fitModel, kvBytesPerToken, weightsGB } from "../memory";
import { EngineId, GPU_COMPUTE, PlatformEra, hiddenSize, tensorTflops } from "./specs";
import {
    allReduceSeconds, computeSeconds, contextTokensPerSequence, decodeBytesPerGpu, engineOverheadSeconds, kvBatchLimit, matmulFlopsPerGpu, memorySeconds,
    prefillSecondsPerToken,
} from "./terms";

/** The fitted constants (cost/capacity/calibration.ts fits them to cost/data/vllm-runs.json). */
export interface CapacityParameters {
    /** Share of peak HBM bandwidth a decode step's kernels achieve. */
    readonly bandwidthEfficiency: number;
    /** Share of the dense tensor rate the matrix multiplies (decode and prefill) achieve. */
    readonly computeEfficiency: number;
    /** Fixed cost of one all-reduce (launch and synchronisation), seconds. */
    readonly allReduceLatencySeconds: number;
    /** Engine overhead on an A100-era platform, per generation. */
    readonly engines: Readonly<Record<EngineId, EngineOverhead>>;
    /** Engine overhead on each platform era relative to the A100 era's (1). */
    readonly platformOverheadFactor: Readonly<Record<PlatformEra, number>>;
}

export interface EngineOverhead {
    readonly perStepSeconds: number;
    readonly perSequenceSeconds: number;
}

export interface LatencySlo {
    /** Time per output token, ms (what a streaming user sees between tokens). */
    readonly tpotMs?: number;
    /** Time to first token, ms, without queueing. */
    readonly ttftMs?: number;
}

export interface ReplicaInput {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly tensorParallelSize: number;
    readonly engine: EngineId;
    /** Mean prompt tokens per request. */
    readonly inputTokens: number;
    /** Mean output tokens per request. */
    readonly outputTokens: number;
    readonly maxNumSeqs: number;
    readonly gpuMemoryUtilization: number;
    /** Sequences offered to this replica; default unbounded (the replica runs as many as it can hold). */
    readonly concurrency?: number;
    readonly slo?: LatencySlo;
}

/** The step of a replica at one batch, every term in milliseconds. */
export interface StepTerms {
    readonly batch: number;
    readonly memoryMs: number;
    readonly computeMs: number;
    readonly bound: "memory" | "compute";
    readonly allReduceMs: number;
    readonly engineOverheadMs: number;
    /** max(memory, compute) + all-reduce + engine overhead. */
    readonly decodeStepMs: number;
    /** Prefill compute every output token carries (chunked prefill shares the steps). */
    readonly prefillMsPerOutputToken: number;
    /** decode step + the batch's prefill share: the time between a sequence's tokens. */
    readonly tpotMs: number;
    /** One step plus the prompt's own prefill; no queueing. */
    readonly ttftMs: number;
    readonly outputTokensPerSecond: number;
}

export interface ReplicaLimits {
    readonly fits: boolean;
    readonly kvCacheGB: number;
    readonly contextTokens: number;
    readonly batchByMemory: number;
    /** min(--max-num-seqs, KV cache, concurrency): the batch before any SLO. */
    readonly batchLimit: number;
    /** Which of the three set batchLimit. */
    readonly limitedBy: "max-num-seqs" | "kv-cache" | "concurrency";
}

export function replicaLimits(input: ReplicaInput): ReplicaLimits {
    const fit = fitModel({ model: input.model, precision: input.precision, gpu: input.gpu, gpusPerReplica: input.tensorParallelSize, gpuMemoryUtilization: input.gpuMemoryUtilization });
    const contextTokens = contextTokensPerSequence(input.inputTokens, input.outputTokens);
    const batchByMemory = fit.fits ? kvBatchLimit(fit.kvCacheGB * 1e9, contextTokens, kvBytesPerToken(input.model, input.precision)) : 0;
    const concurrency = input.concurrency ?? Number.POSITIVE_INFINITY;
    const batchLimit = Math.max(0, Math.min(input.maxNumSeqs, batchByMemory, Math.ceil(concurrency)));
    const limitedBy = batchLimit === Math.ceil(concurrency) && concurrency < Math.min(input.maxNumSeqs, batchByMemory) ? "concurrency"
        : batchByMemory < input.maxNumSeqs ? "kv-cache" : "max-num-seqs";
    return { fits: fit.fits && batchLimit >= 1, kvCacheGB: fit.kvCacheGB, contextTokens, batchByMemory, batchLimit, limitedBy };
}

/** The fitted share of peak HBM bandwidth, never above the GPU's measured kernel ceiling. */
export function achievedBandwidthBytesPerSecond(gpu: GpuId, params: CapacityParameters): number {
    return Math.min(GPUS[gpu].memoryBandwidthTBps * params.bandwidthEfficiency, GPU_COMPUTE[gpu].measuredKernelTBps ?? Number.POSITIVE_INFINITY) * 1e12;
}

/** The fitted share of the tensor rate the precision runs at, never above the GPU's measured BF16 kernel ceiling for BF16 work. */
export function achievedFlopsPerSecond(gpu: GpuId, precision: Precision, params: CapacityParameters): number {
    const compute = GPU_COMPUTE[gpu];
    const peak = tensorTflops(GPUS[gpu], compute, precision);
    const bf16Work = peak === GPUS[gpu].bf16Tflops;
    return Math.min(peak * params.computeEfficiency, bf16Work ? (compute.measuredKernelBf16Tflops ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY) * 1e12;
}

/** Every term of the replica's step at `batch` sequences. */
export function stepTerms(input: ReplicaInput, params: CapacityParameters, batch: number): StepTerms {
    const compute = GPU_COMPUTE[input.gpu];
    const tp = input.tensorParallelSize;
    const flopsPerSecond = achievedFlopsPerSecond(input.gpu, input.precision, params);
    const contextTokens = contextTokensPerSequence(input.inputTokens, input.outputTokens);
    const bytes = decodeBytesPerGpu(weightsGB(input.model, input.precision) * 1e9, batch, contextTokens, kvBytesPerToken(input.model, input.precision), tp);
    const memory = memorySeconds(bytes, achievedBandwidthBytesPerSecond(input.gpu, params), 1);
    const matmul = computeSeconds(matmulFlopsPerGpu(input.model.parameters, batch, tp), flopsPerSecond, 1);
    const allReduce = allReduceSeconds({
        tp, layers: input.model.layers, batch, hiddenSize: hiddenSize(input.model.id),
        latencySeconds: params.allReduceLatencySeconds, linkBytesPerSecond: compute.link.gbPerSecondOneWay * 1e9,
    });
    const overhead = params.engines[input.engine];
    const platform = params.platformOverheadFactor[compute.era];
    const engine = engineOverheadSeconds(overhead.perStepSeconds * platform, overhead.perSequenceSeconds * platform, batch);
    const decodeStep = Math.max(memory, matmul) + allReduce + engine;
    const prefillPerToken = prefillSecondsPerToken(input.model.parameters, tp, flopsPerSecond, 1);
    const prefillPerOutputToken = (input.inputTokens / input.outputTokens) * prefillPerToken;
    const tpot = decodeStep + batch * prefillPerOutputToken;
    return {
        batch,
        memoryMs: memory * 1e3,
        computeMs: matmul * 1e3,
        bound: memory >= matmul ? "memory" : "compute",
        allReduceMs: allReduce * 1e3,
        engineOverheadMs: engine * 1e3,
        decodeStepMs: decodeStep * 1e3,
        prefillMsPerOutputToken: prefillPerOutputToken * 1e3,
        tpotMs: tpot * 1e3,
        ttftMs: (decodeStep + input.inputTokens * prefillPerToken) * 1e3,
        outputTokensPerSecond: batch / tpot,
    };
}

function meetsSlo(terms: StepTerms, slo: LatencySlo | undefined): boolean {
    return (slo?.tpotMs === undefined || terms.tpotMs <= slo.tpotMs) && (slo?.ttftMs === undefined || terms.ttftMs <= slo.ttftMs);
}

export interface ReplicaOperatingPoint {
    readonly limits: ReplicaLimits;
    /** Undefined when no batch fits, or even one sequence misses the SLO. */
    readonly terms?: StepTerms;
    /** Why the batch is what it is. */
    readonly batchReason: string;
    /** The SLO, not memory, --max-num-seqs or concurrency, set the batch. */
    readonly sloBound: boolean;
}

/**
 * The largest batch within the limits that meets the SLOs (latency grows with the batch, so the
 * first batch from the top that meets them is the largest), and the replica's throughput there.
 */
export function operatingPoint(input: ReplicaInput, params: CapacityParameters): ReplicaOperatingPoint {
    const limits = replicaLimits(input);
    if (!limits.fits) return { limits, sloBound: false, batchReason: limits.kvCacheGB <= 0 ? "the weights do not fit" : "the KV cache holds no sequence of this context" };
    const top = stepTerms(input, params, limits.batchLimit);
    const limitText = limits.limitedBy === "kv-cache" ? `the KV cache holds ${limits.batchByMemory} sequences of ${Math.round(limits.contextTokens)} tokens`
        : limits.limitedBy === "concurrency" ? `the workload offers ${limits.batchLimit} sequences to this replica`
            : `--max-num-seqs ${input.maxNumSeqs}`;
    if (meetsSlo(top, input.slo)) return { limits, terms: top, sloBound: false, batchReason: `batch ${limits.batchLimit}: ${limitText}` };
    let low = 1;
    let high = limits.batchLimit - 1;
    if (!meetsSlo(stepTerms(input, params, 1), input.slo)) return { limits, sloBound: true, batchReason: `even one sequence misses the SLO (${sloText(input.slo)})` };
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (meetsSlo(stepTerms(input, params, mid), input.slo)) low = mid;
        else high = mid - 1;
    }
    return { limits, terms: stepTerms(input, params, low), sloBound: true, batchReason: `batch ${low}: the largest that meets ${sloText(input.slo)} (${limitText} would allow ${limits.batchLimit})` };
}

function sloText(slo: LatencySlo | undefined): string {
    const parts = [slo?.tpotMs !== undefined ? `TPOT <= ${slo.tpotMs} ms` : undefined, slo?.ttftMs !== undefined ? `TTFT <= ${slo.ttftMs} ms` : undefined].filter((p) => p !== undefined);
    return parts.join(" and ");
}
