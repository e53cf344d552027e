/**
 * Capacity: what one GPU node serves for a model and precision, and how many nodes a workload needs.
 *
 * A roofline model, calibrated:
 *  - decode is bound by HBM bandwidth: every step reads the weights once plus the KV cache of every
 *    sequence in the batch, and yields one token per sequence;
 *  - prefill is bound by compute: 2 x parameters FLOP per input token;
 *  - the batch is limited by the KV-cache memory left after the weights and by --max-num-seqs;
 *  - the bandwidth efficiency is fitted to published vLLM runs (VLLM_CALIBRATION) and scaled by the
 *    vLLM 0.6 speedup; the prefill efficiency is the project's kernel measurement.
 * Every figure is stated in `assumptions`, so a reader can check it against docs/sources.md §6.
 */
import {
    GPUS, GpuId, OPEN_MODELS, OpenModel, PREFILL_COMPUTE_EFFICIENCY, Precision, TENSOR_PARALLEL_ALL_REDUCE, VLLM_CALIBRATION,
    VLLM_CALIBRATION_LATENCY_MS, VLLM_ENGINE_SPEEDUP,
} from "./catalogue";
import { fitModel, kvBytesPerToken, weightsGB } from "./memory";
import { HOURS_PER_MONTH, formatWhole } from "./units";

export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** vLLM defaults the stacks also use (config/stack.ts): --max-num-seqs 256, --gpu-memory-utilization 0.90. */
export const DEFAULT_MAX_NUM_SEQS = 256;
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
/**
 * Tokens held in the KV cache per running sequence (prompt plus the output so far), on average.
 * 2,048 is the context of the project's node-ceiling measurement (docs/sources.md §6).
 */
export const DEFAULT_CONTEXT_TOKENS = 2048;
/** The calibration runs' prompts and outputs are not published per run; assume 1,024 tokens in flight per sequence. */
export const CALIBRATION_CONTEXT_TOKENS = 1024;

/** Thrown when the model does not fit the node at any tensor-parallel size (or at the one asked for). */
export class CapacityError extends Error {
    override readonly name = "CapacityError";
}

export interface NodeCapacityInput {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly gpusPerNode: number;
    /** GPUs per replica; default: whichever power of two serves the most per node (one TP8 replica or several smaller ones). */
    readonly tensorParallelSize?: number;
    /** Input tokens per output token (3 means 3:1). */
    readonly inputOutputRatio: number;
    /** vLLM --max-num-seqs per replica; default 256. */
    readonly maxNumSeqs?: number;
    /** Average tokens in the KV cache per running sequence; default 2,048. */
    readonly contextTokens?: number;
    /** vLLM --gpu-memory-utilization; default 0.90. */
    readonly gpuMemoryUtilization?: number;
}

/** One way to lay replicas on the node. */
export interface ReplicaLayout {
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    readonly fits: boolean;
    /** Sequences decoded together per replica: min(--max-num-seqs, what the KV cache holds). */
    readonly batchPerReplica: number;
    readonly kvCacheGBPerReplica: number;
    readonly decodeStepMs: number;
    /** Output tokens per second for the whole node, prefill time included. */
    readonly outputTokensPerSecond: number;
}

export interface Efficiency {
    /** Share of peak HBM bandwidth a decode step achieves end to end (vLLM >= 0.6). */
    readonly bandwidth: number;
    /** Share of dense BF16 peak a prefill achieves. */
    readonly prefillCompute: number;
    /** The fit: each calibration point's efficiency at vLLM 0.5.4, before the engine speedup. */
    readonly calibration: readonly { readonly id: string; readonly inFlight: number; readonly measuredOutputTokensPerSecond: number; readonly bandwidthEfficiency: number }[];
    readonly engineSpeedup: number;
}

export interface NodeCapacity {
    readonly model: string;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly gpusPerNode: number;
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    readonly batchPerReplica: number;
    readonly decodeStepMs: number;
    readonly outputTokensPerSecond: number;
    readonly inputTokensPerSecond: number;
    /** Input + output tokens per second: the workload's volume unit. */
    readonly totalTokensPerSecond: number;
    /** Input + output tokens one node serves in a 730-hour month running flat out. */
    readonly tokensPerMonth: number;
    readonly efficiency: Efficiency;
    /** Every layout considered, the chosen one among them. */
    readonly layouts: readonly ReplicaLayout[];
    readonly assumptions: readonly string[];
}

interface Roofline {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly inputOutputRatio: number;
    readonly maxNumSeqs: number;
    readonly contextTokens: number;
    readonly gpuMemoryUtilization: number;
    readonly bandwidthEfficiency: number;
    readonly prefillEfficiency: number;
}

/** Output tokens/s of one replica spanning `tp` GPUs, or a layout that does not fit. */
function replicaLayout(r: Roofline, tp: number, gpusPerNode: number): ReplicaLayout {
    const replicasPerNode = Math.floor(gpusPerNode / tp);
    const fit = fitModel({ model: r.model, precision: r.precision, gpu: r.gpu, gpusPerReplica: tp, gpuMemoryUtilization: r.gpuMemoryUtilization });
    const kvPerToken = kvBytesPerToken(r.model, r.precision);
    const batchByMemory = fit.fits ? Math.floor((fit.kvCacheGB * 1e9) / (r.contextTokens * kvPerToken)) : 0;
    const batch = Math.min(r.maxNumSeqs, batchByMemory);
    if (!fit.fits || batch < 1) {
        return { tensorParallelSize: tp, replicasPerNode, fits: false, batchPerReplica: 0, kvCacheGBPerReplica: Math.max(0, fit.kvCacheGB), decodeStepMs: 0, outputTokensPerSecond: 0 };
    }
    const spec = GPUS[r.gpu];
    const bandwidthBytesPerSecond = tp * spec.memoryBandwidthTBps * 1e12 * r.bandwidthEfficiency;
    const stepSeconds = (weightsGB(r.model, r.precision) * 1e9 + batch * r.contextTokens * kvPerToken) / bandwidthBytesPerSecond + allReduceSeconds(r.model, tp);
    const flopsPerSecond = tp * spec.bf16Tflops * 1e12 * r.prefillEfficiency;
    // Chunked prefill shares the GPUs with decode: each output token also pays for its r input tokens.
    const prefillSecondsPerOutputToken = (r.inputOutputRatio * 2 * r.model.parameters) / flopsPerSecond;
    const replicaOutputTokensPerSecond = 1 / (stepSeconds / batch + prefillSecondsPerOutputToken);
    return {
        tensorParallelSize: tp,
        replicasPerNode,
        fits: true,
        batchPerReplica: batch,
        kvCacheGBPerReplica: fit.kvCacheGB,
        decodeStepMs: stepSeconds * 1e3,
        outputTokensPerSecond: replicasPerNode * replicaOutputTokensPerSecond,
    };
}

/** Per decode step: two all-reduces per layer across the replica's GPUs; none on one GPU. */
export function allReduceSeconds(model: OpenModel, tensorParallelSize: number): number {
    if (tensorParallelSize <= 1) return 0;
    return model.layers * TENSOR_PARALLEL_ALL_REDUCE.allReducesPerLayer * TENSOR_PARALLEL_ALL_REDUCE.microsecondsPerAllReduce * 1e-6;
}

let cachedEfficiency: Efficiency | undefined;

/**
 * Fits the bandwidth efficiency to the published vLLM 0.5.4 runs (TP8): each run's decode step is
 * its per-token latency; less the TP8 all-reduces, that time moved the weights and the KV cache of
 * its in-flight batch (output tok/s x latency, 1,024 tokens of context each). The bytes over the
 * bandwidth time over peak bandwidth is the point's efficiency. The mean, times the vLLM 0.6
 * speedup, is the efficiency used for current engines.
 */
export function calibratedEfficiency(): Efficiency {
    if (cachedEfficiency !== undefined) return cachedEfficiency;
    const calibration = VLLM_CALIBRATION.map((point) => {
        const model = OPEN_MODELS.get(point.model);
        if (model === undefined) throw new Error(`catalogue: calibration point ${point.id} names unknown model ${point.model}`);
        const inFlight = (point.outputTokensPerSecond * VLLM_CALIBRATION_LATENCY_MS[point.id]) / 1000;
        const bytesPerStep = weightsGB(model, point.precision) * 1e9 + inFlight * CALIBRATION_CONTEXT_TOKENS * kvBytesPerToken(model, point.precision);
        const bandwidthSeconds = VLLM_CALIBRATION_LATENCY_MS[point.id] / 1000 - allReduceSeconds(model, 8);
        const bandwidthEfficiency = bytesPerStep / bandwidthSeconds / (8 * GPUS[point.gpu].memoryBandwidthTBps * 1e12);
        return { id: point.id, inFlight, measuredOutputTokensPerSecond: point.outputTokensPerSecond, bandwidthEfficiency };
    });
    const mean = calibration.reduce((sum, c) => sum + c.bandwidthEfficiency, 0) / calibration.length;
    cachedEfficiency = {
        bandwidth: mean * VLLM_ENGINE_SPEEDUP.factor,
        prefillCompute: PREFILL_COMPUTE_EFFICIENCY.fraction,
        calibration,
        engineSpeedup: VLLM_ENGINE_SPEEDUP.factor,
    };
    return cachedEfficiency;
}

function powersOfTwoDividing(gpusPerNode: number): number[] {
    const sizes: number[] = [];
    for (let tp = 1; tp <= gpusPerNode; tp *= 2) if (gpusPerNode % tp === 0) sizes.push(tp);
    return sizes;
}

export function nodeCapacity(input: NodeCapacityInput): NodeCapacity {
    const maxNumSeqs = input.maxNumSeqs ?? DEFAULT_MAX_NUM_SEQS;
    const contextTokens = input.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
    const gpuMemoryUtilization = input.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
    const where = `${input.model.label} at ${input.precision} on ${input.gpusPerNode}x ${GPUS[input.gpu].label}`;
    if (!(Number.isInteger(input.gpusPerNode) && input.gpusPerNode >= 1)) throw new CapacityError(`gpusPerNode ${input.gpusPerNode} must be a whole number, 1 or more`);
    if (!(input.inputOutputRatio > 0 && Number.isFinite(input.inputOutputRatio))) throw new CapacityError(`inputOutputRatio ${input.inputOutputRatio} must be above 0`);
    if (!(Number.isInteger(maxNumSeqs) && maxNumSeqs >= 1)) throw new CapacityError(`maxNumSeqs ${maxNumSeqs} must be a whole number, 1 or more`);
    if (!(contextTokens >= 1 && Number.isFinite(contextTokens))) throw new CapacityError(`contextTokens ${contextTokens} must be 1 or more`);
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) throw new CapacityError(`gpuMemoryUtilization ${gpuMemoryUtilization} must be in (0, 1]`);
    const tp = input.tensorParallelSize;
    if (tp !== undefined && !(Number.isInteger(tp) && tp >= 1 && input.gpusPerNode % tp === 0)) {
        throw new CapacityError(`tensorParallelSize ${tp} must divide the node's ${input.gpusPerNode} GPUs (allowed: ${powersOfTwoDividing(input.gpusPerNode).join(", ")})`);
    }

    const efficiency = calibratedEfficiency();
    const roofline: Roofline = {
        model: input.model, precision: input.precision, gpu: input.gpu, inputOutputRatio: input.inputOutputRatio,
        maxNumSeqs, contextTokens, gpuMemoryUtilization, bandwidthEfficiency: efficiency.bandwidth, prefillEfficiency: efficiency.prefillCompute,
    };
    const layouts = (tp !== undefined ? [tp] : powersOfTwoDividing(input.gpusPerNode)).map((size) => replicaLayout(roofline, size, input.gpusPerNode));
    // Most output per node wins; on a tie, fewer, larger replicas (less to operate).
    const best = layouts.filter((l) => l.fits).sort((a, b) => b.outputTokensPerSecond - a.outputTokensPerSecond || b.tensorParallelSize - a.tensorParallelSize)[0];
    if (best === undefined) {
        const weights = weightsGB(input.model, input.precision).toFixed(0);
        throw new CapacityError(tp !== undefined
            ? `${where}: ${weights} GB of weights plus KV cache do not fit ${tp} GPUs per replica; use a larger tensorParallelSize, a lower precision (fp8, int4) or larger GPUs`
            : `${where}: ${weights} GB of weights plus KV cache do not fit the node at any tensor-parallel size; use a lower precision (fp8, int4) or larger GPUs (p4de.24xlarge, p5.48xlarge)`);
    }
    const outputTokensPerSecond = best.outputTokensPerSecond;
    const inputTokensPerSecond = outputTokensPerSecond * input.inputOutputRatio;
    const totalTokensPerSecond = outputTokensPerSecond + inputTokensPerSecond;
    const assumptions = [
        `roofline, ${input.model.label} at ${input.precision}: ${best.replicasPerNode} replica(s) x TP${best.tensorParallelSize} per node, batch ${best.batchPerReplica} per replica (--max-num-seqs ${maxNumSeqs}, KV cache ${best.kvCacheGBPerReplica.toFixed(0)} GB at ${contextTokens} tokens of context per sequence, --gpu-memory-utilization ${gpuMemoryUtilization})`,
        `decode step ${best.decodeStepMs.toFixed(1)} ms = (weights ${weightsGB(input.model, input.precision).toFixed(1)} GB + batch KV) / (${(efficiency.bandwidth * 100).toFixed(1)}% of ${best.tensorParallelSize} x ${GPUS[input.gpu].memoryBandwidthTBps} TB/s)${best.tensorParallelSize > 1 ? ` + ${input.model.layers * TENSOR_PARALLEL_ALL_REDUCE.allReducesPerLayer} all-reduces x ${TENSOR_PARALLEL_ALL_REDUCE.microsecondsPerAllReduce} µs (assumed)` : ""}`,
        `bandwidth efficiency ${(efficiency.bandwidth * 100).toFixed(1)}% = mean of the vLLM 0.5.4 calibration points (${efficiency.calibration.map((c) => `${c.id} ${(c.bandwidthEfficiency * 100).toFixed(1)}% at ${c.inFlight.toFixed(0)} in flight`).join(", ")}) x ${efficiency.engineSpeedup} for vLLM >= ${VLLM_ENGINE_SPEEDUP.fromVersion} (${VLLM_ENGINE_SPEEDUP.provenance.source}, ${VLLM_ENGINE_SPEEDUP.provenance.date})`,
        `prefill at ${(efficiency.prefillCompute * 100).toFixed(0)}% of dense BF16 peak (${PREFILL_COMPUTE_EFFICIENCY.provenance.source}), ${(2 * input.model.parameters / 1e9).toFixed(0)} GFLOP per input token, ${input.inputOutputRatio} input tokens per output token`,
        `${formatWhole(outputTokensPerSecond)} output + ${formatWhole(inputTokensPerSecond)} input tokens/s per node, flat out for ${HOURS_PER_MONTH} hours a month`,
    ];
    return {
        model: input.model.id,
        precision: input.precision,
        gpu: input.gpu,
        gpusPerNode: input.gpusPerNode,
        tensorParallelSize: best.tensorParallelSize,
        replicasPerNode: best.replicasPerNode,
        batchPerReplica: best.batchPerReplica,
        decodeStepMs: best.decodeStepMs,
        outputTokensPerSecond,
        inputTokensPerSecond,
        totalTokensPerSecond,
        tokensPerMonth: totalTokensPerSecond * SECONDS_PER_MONTH,
        efficiency,
        layouts,
        assumptions,
    };
}

export interface NodesNeededInput {
    readonly tokensPerMonth: number;
    /** Peak-hour rate over the monthly average: nodes are sized for the peak. */
    readonly peakToAverage: number;
    /** Input + output tokens one node serves per month flat out. */
    readonly nodeTokensPerMonth: number;
    /** N+1: one node more than the peak needs, and never fewer than 2. */
    readonly redundancy: boolean;
}

/**
 * Nodes needed to serve the volume at peak: ceil(tokens x peak / node capacity), plus one (and at
 * least two) when redundant. Zero volume still needs the floor: 1 node, or 2 when redundant.
 */
export function nodesNeeded(input: NodesNeededInput): number {
    if (!(input.tokensPerMonth >= 0 && Number.isFinite(input.tokensPerMonth))) throw new Error(`tokensPerMonth ${input.tokensPerMonth} must be a finite volume, 0 or more`);
    if (!(input.peakToAverage >= 1 && Number.isFinite(input.peakToAverage))) throw new Error(`peakToAverage ${input.peakToAverage} must be 1 or more`);
    if (!(input.nodeTokensPerMonth > 0 && Number.isFinite(input.nodeTokensPerMonth))) throw new Error(`nodeTokensPerMonth ${input.nodeTokensPerMonth} must be above 0`);
    // The relative slack keeps an exact multiple (2 nodes' worth) from rounding up to 3 on float noise.
    const nodesAtPeak = (input.tokensPerMonth * input.peakToAverage) / input.nodeTokensPerMonth;
    const atPeak = Math.max(1, Math.ceil(nodesAtPeak * (1 - 1e-12)));
    return input.redundancy ? Math.max(2, atPeak + 1) : atPeak;
}

/** The most tokens per month `nodes` nodes serve at peak, keeping one spare when redundant. */
export function servableTokensPerMonth(input: Omit<NodesNeededInput, "tokensPerMonth"> & { readonly nodes: number }): number {
    const serving = Math.max(0, input.nodes - (input.redundancy ? 1 : 0));
    return (serving * input.nodeTokensPerMonth) / input.peakToAverage;
}
