/**
 * Capacity: what one GPU node serves for a model, precision, engine and workload shape, which replica
 * layout serves the most, and how many nodes a workload needs.
 *
 * Each replica's step is built from physical terms (cost/capacity/terms.ts): bytes moved over achieved
 * HBM bandwidth or FLOPs over achieved tensor rate, whichever is longer, plus tensor-parallel
 * all-reduces, plus the engine's own per-step work; chunked prefill shares the steps. The batch is
 * the largest that --max-num-seqs, the KV cache left after the weights, the offered concurrency and
 * the latency SLOs allow. The few free constants are fitted to published vLLM runs
 * (cost/data/vllm-runs.json; `npm run bench:capacity` prints the leave-one-out error).
 */
import { GPUS, GpuId, OpenModel, Precision } from "./catalogue";
import { weightsGB } from "./memory";
import { calibratedParameters } from "./capacity/parameters";
import { CapacityParameters, LatencySlo, ReplicaOperatingPoint, StepTerms, operatingPoint } from "./capacity/replica";
import { ENGINE_GENERATIONS, EngineId, GPU_COMPUTE, engineCalibration } from "./capacity/specs";
import { HOURS_PER_MONTH, formatWhole } from "./units";

export type { LatencySlo, StepTerms } from "./capacity/replica";
export type { EngineId } from "./capacity/specs";
export { ENGINE_IDS, engineForImage } from "./capacity/specs";

export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/** vLLM defaults the stacks also use (config/stack.ts): --max-num-seqs 256, --gpu-memory-utilization 0.90. */
export const DEFAULT_MAX_NUM_SEQS = 256;
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;
/** Output tokens per request when the workload does not say: a long chat answer. Input = ratio x output. */
export const DEFAULT_OUTPUT_TOKENS = 512;
/** The engine the stacks pin (vllm/vllm-openai:v0.11.0, config/stack.ts) when a scenario names none. */
export const DEFAULT_ENGINE: EngineId = "vllm-v1";

/** Thrown when the model does not fit the node at any tensor-parallel size (or at the one asked for), or no layout meets the SLO. */
export class CapacityError extends Error {
    override readonly name = "CapacityError";
}

export interface NodeCapacityInput {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly gpusPerNode: number;
    /** GPUs per replica; default: the power of two that serves the most per node within the SLO. */
    readonly tensorParallelSize?: number;
    /** Default vllm-v1 (the stacks' pinned vLLM). */
    readonly engine?: EngineId;
    /** Input tokens per output token (3 means 3:1); used for inputTokens when that is not given. */
    readonly inputOutputRatio: number;
    /** Mean prompt tokens per request; default inputOutputRatio x outputTokens. */
    readonly inputTokens?: number;
    /** Mean output tokens per request; default 512. */
    readonly outputTokens?: number;
    /** Sequences in flight across the node (shared by its replicas); default: as many as the replicas hold. */
    readonly concurrency?: number;
    /** vLLM --max-num-seqs per replica; default 256. */
    readonly maxNumSeqs?: number;
    /** vLLM --gpu-memory-utilization; default 0.90. */
    readonly gpuMemoryUtilization?: number;
    readonly slo?: LatencySlo;
}

/** One way to lay replicas on the node, at its operating point. */
export interface ReplicaLayout {
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    /** Fits and meets the SLO. */
    readonly fits: boolean;
    readonly batchPerReplica: number;
    readonly batchReason: string;
    /** The --max-num-seqs to deploy: the configured one, or the SLO's batch where the SLO sets it. */
    readonly maxNumSeqs: number;
    readonly kvCacheGBPerReplica: number;
    readonly decodeStepMs: number;
    readonly tpotMs: number;
    readonly ttftMs: number;
    /** Output tokens per second for the whole node, prefill included. */
    readonly outputTokensPerSecond: number;
    readonly terms?: StepTerms;
}

export interface NodeCapacity {
    readonly model: string;
    readonly precision: Precision;
    readonly gpu: GpuId;
    readonly gpusPerNode: number;
    readonly engine: EngineId;
    /** Whether the engine generation's overheads were fitted to its own runs or borrowed. */
    readonly engineCalibration: { readonly fitted: boolean; readonly statement: string };
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    readonly batchPerReplica: number;
    /** The --max-num-seqs to deploy: the configured one, or the SLO's batch where the SLO sets it. */
    readonly maxNumSeqs: number;
    /** The chosen TP and why. */
    readonly layoutReason: string;
    readonly decodeStepMs: number;
    readonly tpotMs: number;
    readonly ttftMs: number;
    readonly outputTokensPerSecond: number;
    readonly inputTokensPerSecond: number;
    /** Input + output tokens per second: the workload's volume unit. */
    readonly totalTokensPerSecond: number;
    /** Input + output tokens one node serves in a 730-hour month running flat out. */
    readonly tokensPerMonth: number;
    /** The chosen layout's step, term by term. */
    readonly terms: StepTerms;
    readonly efficiency: { readonly bandwidth: number; readonly prefillCompute: number };
    /** Every layout considered, the chosen one among them. */
    readonly layouts: readonly ReplicaLayout[];
    readonly assumptions: readonly string[];
}

export function powersOfTwoDividing(gpusPerNode: number): number[] {
    const sizes: number[] = [];
    for (let tp = 1; tp <= gpusPerNode; tp *= 2) if (gpusPerNode % tp === 0) sizes.push(tp);
    return sizes;
}

function checkInput(input: NodeCapacityInput, maxNumSeqs: number, gpuMemoryUtilization: number, inputTokens: number, outputTokens: number): void {
    const problems: string[] = [];
    if (!(Number.isInteger(input.gpusPerNode) && input.gpusPerNode >= 1)) problems.push(`gpusPerNode ${input.gpusPerNode} must be a whole number, 1 or more`);
    if (!(input.inputOutputRatio > 0 && Number.isFinite(input.inputOutputRatio))) problems.push(`inputOutputRatio ${input.inputOutputRatio} must be above 0`);
    if (!(Number.isInteger(maxNumSeqs) && maxNumSeqs >= 1)) problems.push(`maxNumSeqs ${maxNumSeqs} must be a whole number, 1 or more`);
    if (!(gpuMemoryUtilization > 0 && gpuMemoryUtilization <= 1)) problems.push(`gpuMemoryUtilization ${gpuMemoryUtilization} must be in (0, 1]`);
    if (!(inputTokens > 0 && Number.isFinite(inputTokens))) problems.push(`inputTokens ${inputTokens} must be above 0`);
    if (!(outputTokens >= 1 && Number.isFinite(outputTokens))) problems.push(`outputTokens ${outputTokens} must be 1 or more`);
    if (input.concurrency !== undefined && !(input.concurrency >= 1 && Number.isFinite(input.concurrency))) problems.push(`concurrency ${input.concurrency} must be 1 or more`);
    for (const [key, value] of Object.entries(input.slo ?? {})) {
        if (value !== undefined && !(typeof value === "number" && value > 0 && Number.isFinite(value))) problems.push(`slo.${key} ${String(value)} must be above 0 ms`);
    }
    const tp = input.tensorParallelSize;
    if (tp !== undefined && !(Number.isInteger(tp) && tp >= 1 && input.gpusPerNode % tp === 0)) {
        problems.push(`tensorParallelSize ${tp} must divide the node's ${input.gpusPerNode} GPUs (allowed: ${powersOfTwoDividing(input.gpusPerNode).join(", ")})`);
    }
    if (problems.length > 0) throw new CapacityError(problems.join("; "));
}

function layoutAt(point: ReplicaOperatingPoint, tp: number, replicasPerNode: number, maxNumSeqs: number): ReplicaLayout {
    const t = point.terms;
    return {
        tensorParallelSize: tp, replicasPerNode, fits: t !== undefined, batchPerReplica: t?.batch ?? 0, batchReason: point.batchReason,
        maxNumSeqs: point.sloBound && t !== undefined ? t.batch : maxNumSeqs,
        kvCacheGBPerReplica: Math.max(0, point.limits.kvCacheGB), decodeStepMs: t?.decodeStepMs ?? 0, tpotMs: t?.tpotMs ?? 0, ttftMs: t?.ttftMs ?? 0,
        outputTokensPerSecond: t !== undefined ? replicasPerNode * t.outputTokensPerSecond : 0, ...(t !== undefined ? { terms: t } : {}),
    };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function stepText(l: ReplicaLayout): string {
    const t = l.terms;
    if (t === undefined) return `${l.replicasPerNode} x TP${l.tensorParallelSize} cannot serve (${l.batchReason})`;
    const share = ((t.allReduceMs + t.engineOverheadMs) / t.decodeStepMs) * 100;
    return `${l.replicasPerNode} x TP${l.tensorParallelSize} ${l.replicasPerNode === 1 ? "serves" : "serve"} ${formatWhole(l.outputTokensPerSecond)} tok/s: ${l.batchReason}, in a ${ms(t.decodeStepMs)} step `
        + `(${t.bound} ${ms(Math.max(t.memoryMs, t.computeMs))}, all-reduce ${ms(t.allReduceMs)}, engine ${ms(t.engineOverheadMs)}: ${share.toFixed(0)}% of the step is not matrix work)`;
}

/** Why the best layout beat the others, in the terms that differ. */
export function layoutReason(best: ReplicaLayout, layouts: readonly ReplicaLayout[], forced: boolean): string {
    const head = `${best.replicasPerNode} x TP${best.tensorParallelSize}: ${formatWhole(best.outputTokensPerSecond)} output tok/s per node`;
    if (forced) return `${head} (--tensor-parallel-size ${best.tensorParallelSize} asked for)`;
    const rest = layouts.filter((l) => l !== best);
    const maxTp = Math.max(...layouts.map((l) => l.tensorParallelSize));
    // Against the widest layout when a narrower one won; otherwise against the runner-up.
    const alternative = best.tensorParallelSize < maxTp
        ? rest.find((l) => l.tensorParallelSize === maxTp)
        : [...rest].sort((a, b) => b.outputTokensPerSecond - a.outputTokensPerSecond)[0];
    if (alternative === undefined) return `${head}, the only layout`;
    const why = best.tensorParallelSize < alternative.tensorParallelSize
        ? "Data parallelism wins: the engine's per-sequence work and the two all-reduces per layer do not shrink with more GPUs in a replica, so several smaller replicas run them side by side instead of inside one replica's step"
        : "The larger replica wins: the smaller ones cannot hold or run a batch that uses their GPUs (memory, KV cache or the SLO)";
    const others = layouts.filter((l) => l !== best && l !== alternative).map((l) => l.fits ? `${l.replicasPerNode} x TP${l.tensorParallelSize} ${formatWhole(l.outputTokensPerSecond)}` : `${l.replicasPerNode} x TP${l.tensorParallelSize} cannot serve (${l.batchReason})`);
    return `${head}, the most of ${layouts.length} layouts. ${stepText(best)}; ${stepText(alternative)}. ${why}.${others.length > 0 ? ` Others: ${others.join("; ")}.` : ""}`;
}

/** The calibrated constants (fitted to cost/data/vllm-runs.json). */
export function capacityParameters(): CapacityParameters {
    return calibratedParameters().params;
}

export function nodeCapacity(input: NodeCapacityInput): NodeCapacity {
    const maxNumSeqs = input.maxNumSeqs ?? DEFAULT_MAX_NUM_SEQS;
    const gpuMemoryUtilization = input.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
    const outputTokens = input.outputTokens ?? DEFAULT_OUTPUT_TOKENS;
    const inputTokens = input.inputTokens ?? input.inputOutputRatio * outputTokens;
    const engine = input.engine ?? DEFAULT_ENGINE;
    checkInput(input, maxNumSeqs, gpuMemoryUtilization, inputTokens, outputTokens);
    const params = capacityParameters();
    const where = `${input.model.label} at ${input.precision} on ${input.gpusPerNode}x ${GPUS[input.gpu].label}`;

    const sizes = input.tensorParallelSize !== undefined ? [input.tensorParallelSize] : powersOfTwoDividing(input.gpusPerNode);
    const layouts = sizes.map((tp) => {
        const replicasPerNode = Math.floor(input.gpusPerNode / tp);
        const point = operatingPoint({
            model: input.model, precision: input.precision, gpu: input.gpu, tensorParallelSize: tp, engine, inputTokens, outputTokens, maxNumSeqs, gpuMemoryUtilization,
            ...(input.concurrency !== undefined ? { concurrency: Math.ceil(input.concurrency / replicasPerNode) } : {}),
            ...(input.slo !== undefined ? { slo: input.slo } : {}),
        }, params);
        return layoutAt(point, tp, replicasPerNode, maxNumSeqs);
    });
    // Most output per node wins; on a tie, fewer, larger replicas (less to operate).
    const best = layouts.filter((l) => l.fits).sort((a, b) => b.outputTokensPerSecond - a.outputTokensPerSecond || b.tensorParallelSize - a.tensorParallelSize)[0];
    if (best?.terms === undefined) {
        const weights = weightsGB(input.model, input.precision).toFixed(0);
        const why = layouts.map((l) => `TP${l.tensorParallelSize}: ${l.batchReason}`).join("; ");
        throw new CapacityError(input.slo !== undefined && layouts.some((l) => l.kvCacheGBPerReplica > 0)
            ? `${where}: no layout meets the SLO (${why}); relax tpotMs/ttftMs, or use faster GPUs`
            : input.tensorParallelSize !== undefined
                ? `${where}: ${weights} GB of weights plus KV cache do not fit ${input.tensorParallelSize} GPUs per replica (${why}); use a larger tensorParallelSize, a lower precision (fp8, int4) or larger GPUs`
                : `${where}: ${weights} GB of weights plus KV cache do not fit the node at any tensor-parallel size (${why}); use a lower precision (fp8, int4) or larger GPUs (p4de.24xlarge, p5.48xlarge)`);
    }
    const terms = best.terms;
    const outputTokensPerSecond = best.outputTokensPerSecond;
    const inputTokensPerSecond = outputTokensPerSecond * (inputTokens / outputTokens);
    const totalTokensPerSecond = outputTokensPerSecond + inputTokensPerSecond;
    const compute = GPU_COMPUTE[input.gpu];
    const overhead = params.engines[engine];
    const assumptions = [
        `capacity, ${input.model.label} at ${input.precision} on ${ENGINE_GENERATIONS[engine].label}: ${best.replicasPerNode} replica(s) x TP${best.tensorParallelSize} per node, ${best.batchReason}; ${Math.round(inputTokens)} input + ${Math.round(outputTokens)} output tokens per request`,
        `decode step ${ms(terms.decodeStepMs)} = max(memory ${ms(terms.memoryMs)}, compute ${ms(terms.computeMs)}) + all-reduce ${ms(terms.allReduceMs)} (${compute.link.label}) + engine ${ms(terms.engineOverheadMs)}; prefill ${ms(terms.prefillMsPerOutputToken)} per output token; TPOT ${ms(terms.tpotMs)}, TTFT ${ms(terms.ttftMs)}`,
        `fitted to published vLLM runs (cost/data/vllm-runs.json, npm run bench:capacity): ${(params.bandwidthEfficiency * 100).toFixed(0)}% of HBM bandwidth, ${(params.computeEfficiency * 100).toFixed(1)}% of the tensor rate (both capped by the measured kernel ceilings, docs/sources.md §6), ${(params.allReduceLatencySeconds * 1e6).toFixed(0)} µs per all-reduce, engine ${(overhead.perSequenceSeconds * 1e6 * params.platformOverheadFactor[compute.era]).toFixed(0)} µs per sequence per step on this platform (${ENGINE_GENERATIONS[engine].why})`,
        `${formatWhole(outputTokensPerSecond)} output + ${formatWhole(inputTokensPerSecond)} input tokens/s per node, flat out for ${HOURS_PER_MONTH} hours a month`,
    ];
    return {
        model: input.model.id, precision: input.precision, gpu: input.gpu, gpusPerNode: input.gpusPerNode, engine, engineCalibration: engineCalibration(engine), inputTokens, outputTokens,
        tensorParallelSize: best.tensorParallelSize, replicasPerNode: best.replicasPerNode, batchPerReplica: best.batchPerReplica, maxNumSeqs: best.maxNumSeqs,
        layoutReason: layoutReason(best, layouts, input.tensorParallelSize !== undefined),
        decodeStepMs: terms.decodeStepMs, tpotMs: terms.tpotMs, ttftMs: terms.ttftMs,
        outputTokensPerSecond, inputTokensPerSecond, totalTokensPerSecond, tokensPerMonth: totalTokensPerSecond * SECONDS_PER_MONTH,
        terms, efficiency: { bandwidth: params.bandwidthEfficiency, prefillCompute: params.computeEfficiency }, layouts, assumptions,
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
