/**
 * Calibration as data: the published vLLM runs (cost/data/vllm-runs.json), the model's prediction of
 * each, a least-squares fit of the few free constants, and leave-one-out validation
 * (`npm run bench:capacity`).
 *
 * Free constants: the achieved HBM bandwidth share and tensor-rate share (bounded by the project's
 * measured kernel ceilings, docs/sources.md §6), the all-reduce latency, and per engine generation
 * the per-step and per-sequence overheads (a generation with runs of its own scales vllm-0.5's pair
 * by one fitted factor; a generation with too few runs borrows, ENGINE_GENERATIONS says from which).
 * A borrowing generation's runs are checks: the fit never sees them, so each is a true hold-out of
 * the borrowed overheads.
 */
import { z } from "zod";
import runsFile from "../data/vllm-runs.json";
import { GPUS, GpuId, OPEN_MODELS, Precision } from "../catalogue";
import { nelderMead } from "./nelderMead";
import { Fit, KERNEL_CEILINGS, runsDigest } from "./parameters";

export { calibratedParameters, KERNEL_CEILINGS, runsDigest, STORED_FIT_PATH } from "./parameters";
export type { Fit } from "./parameters";
import { CapacityParameters, ReplicaInput, stepTerms } from "./replica";
import { ENGINE_GENERATIONS, ENGINE_IDS, EngineId } from "./specs";

const runSchema = z.object({
    id: z.string(),
    source: z.string(),
    gpu: z.enum(Object.keys(GPUS) as [GpuId, ...GpuId[]]),
    gpuCount: z.number().int().positive(),
    tp: z.number().int().positive(),
    model: z.string().refine((m) => OPEN_MODELS.has(m), { message: "not an OPEN_MODELS id" }),
    checkpoint: z.string(),
    precision: z.enum(["bf16", "fp16", "fp8", "int8", "int4"]),
    engine: z.enum(ENGINE_IDS as unknown as [EngineId, ...EngineId[]]),
    engineVersion: z.string(),
    inputTokens: z.number().positive(),
    outputTokens: z.number().positive(),
    concurrency: z.number().int().positive(),
    /** Absent when the source does not state it (then the concurrency must be what binds). */
    maxNumSeqs: z.number().int().positive().optional(),
    outputTokensPerSecond: z.number().positive(),
    medianTpotMs: z.number().positive().optional(),
    /** false: the source does not name the GPU; the run enters only as an engine ratio (see enginePairs). */
    gpuStated: z.boolean().optional(),
    schedulerSteps: z.number().int().positive().optional(),
}).passthrough();

export type VllmRun = z.infer<typeof runSchema> & { readonly precision: Precision };

const fileSchema = z.object({ sources: z.record(z.string(), z.object({ title: z.string(), url: z.string() }).passthrough()), runs: z.array(runSchema) });

let cachedRuns: readonly VllmRun[] | undefined;

/** The runs, parsed once; a malformed row fails with its path. */
export function vllmRuns(): readonly VllmRun[] {
    if (cachedRuns !== undefined) return cachedRuns;
    const parsed = fileSchema.safeParse(runsFile);
    if (!parsed.success) throw new Error(`cost/data/vllm-runs.json: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    for (const run of parsed.data.runs) {
        if (parsed.data.sources[run.source] === undefined) throw new Error(`cost/data/vllm-runs.json: run ${run.id} names unknown source "${run.source}"`);
    }
    cachedRuns = parsed.data.runs;
    return cachedRuns;
}

/** The source (title and URL) of a run. */
export function runSource(run: VllmRun): { readonly title: string; readonly url: string } {
    const source = (runsFile.sources as Record<string, { title: string; url: string } | undefined>)[run.source];
    if (source === undefined) throw new Error(`run ${run.id}: unknown source ${run.source}`);
    return source;
}

/**
 * The decode batch a run ran at. The benchmarks send every prompt at once and the batch drains as
 * requests finish, so where the source gives the median TPOT (the decode step a request saw) the batch
 * follows from Little's law over the decoding time: throughput x TPOT is the batch averaged over the
 * whole run, and decoding had 1 - throughput x (input/output) x prefill seconds per token of it.
 * Otherwise the concurrency, capped by --max-num-seqs. NaN when the prefill alone would exceed the run.
 */
export function runBatch(run: VllmRun, params: CapacityParameters): number {
    if (run.medianTpotMs === undefined) return Math.min(run.concurrency, run.maxNumSeqs ?? run.concurrency);
    const input = runInput(run);
    const prefillPerOutputToken = stepTerms(input, params, 1).prefillMsPerOutputToken / 1000;
    const decodeShare = 1 - run.outputTokensPerSecond * prefillPerOutputToken;
    return decodeShare > 0 ? (run.outputTokensPerSecond * run.medianTpotMs) / 1000 / decodeShare : Number.NaN;
}

function runInput(run: VllmRun): ReplicaInput {
    const model = OPEN_MODELS.get(run.model);
    if (model === undefined) throw new Error(`run ${run.id}: unknown model ${run.model}`);
    return {
        model, precision: run.precision, gpu: run.gpu, tensorParallelSize: run.tp, engine: run.engine,
        inputTokens: run.inputTokens, outputTokens: run.outputTokens, maxNumSeqs: run.maxNumSeqs ?? run.concurrency, gpuMemoryUtilization: 0.9,
    };
}

/** The model's output tokens/s for a run, at the batch the run ran. */
export function predictRun(run: VllmRun, params: CapacityParameters): number {
    return stepTerms(runInput(run), params, runBatch(run, params)).outputTokensPerSecond;
}

/** A run of a generation that borrows another's overheads: a check of the borrowed values, never fitted. */
export const isCheckRun = (run: VllmRun): boolean => ENGINE_GENERATIONS[run.engine].borrowsFrom !== undefined;

/** Runs whose GPU the source names, of a generation fitted to its runs: each is a measurement the fit must reproduce. */
export function absoluteRuns(runs: readonly VllmRun[]): VllmRun[] {
    return runs.filter((r) => r.gpuStated !== false && !isCheckRun(r));
}

/** Runs of a borrowing generation (with their GPU named): predicted by the fit, which never saw them. */
export function checkRuns(runs: readonly VllmRun[]): VllmRun[] {
    return runs.filter((r) => r.gpuStated !== false && isCheckRun(r));
}

export interface EnginePair {
    readonly id: string;
    readonly base: VllmRun;
    readonly next: VllmRun;
    /** Measured throughput of `next` over `base`: same source, model, TP and machine. */
    readonly measuredRatio: number;
}

/**
 * Runs of one source, model and TP under two engine generations: their throughput ratio is an engine
 * measurement whatever the (unnamed) machine was, so the fit matches the generations' overheads to it.
 */
export function enginePairs(runs: readonly VllmRun[]): EnginePair[] {
    const unstated = runs.filter((r) => r.gpuStated === false);
    return unstated.filter((r) => r.engine === "vllm-0.5").flatMap((base) => unstated
        .filter((n) => n.engine !== base.engine && n.source === base.source && n.model === base.model && n.tp === base.tp)
        .map((next) => ({ id: `${base.model} TP${base.tp}: ${base.engine} -> ${next.engine}`, base, next, measuredRatio: next.outputTokensPerSecond / base.outputTokensPerSecond })));
}

export function predictedRatio(pair: EnginePair, params: CapacityParameters): number {
    return predictRun(pair.next, params) / predictRun(pair.base, params);
}

// ---------------------------------------------------------------------------------------------
// The fit
// ---------------------------------------------------------------------------------------------

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Engines with runs of their own (besides vllm-0.5, whose pair the others scale). */
function scaledEngines(runs: readonly VllmRun[]): EngineId[] {
    return ENGINE_IDS.filter((e) => e !== "vllm-0.5" && ENGINE_GENERATIONS[e].borrowsFrom === undefined && runs.some((r) => r.engine === e));
}

const squaredLogError = (predicted: number, measured: number): number => {
    const error = Math.log(predicted / measured);
    return Number.isFinite(error) ? error * error : 1e6;
};

function decode(x: readonly number[], scaled: readonly EngineId[]): CapacityParameters {
    const at = (i: number): number => x[i] ?? 0;
    const base = { perStepSeconds: Math.exp(at(3)) * 1e-3, perSequenceSeconds: Math.exp(at(4)) * 1e-6 };
    const engines: Partial<Record<EngineId, { perStepSeconds: number; perSequenceSeconds: number }>> = { "vllm-0.5": base };
    scaled.forEach((engine, i) => {
        const k = Math.exp(at(5 + i));
        engines[engine] = { perStepSeconds: base.perStepSeconds * k, perSequenceSeconds: base.perSequenceSeconds * k };
    });
    for (const engine of ENGINE_IDS) {
        if (engines[engine] !== undefined) continue;
        const from = ENGINE_GENERATIONS[engine].borrowsFrom;
        const borrowed = from !== undefined ? engines[from] : undefined;
        // A generation without runs (or whose donor has none) keeps no overhead it cannot show: NaN fails loudly if used.
        engines[engine] = borrowed ?? { perStepSeconds: Number.NaN, perSequenceSeconds: Number.NaN };
    }
    return {
        platformOverheadFactor: { ampere: 1, hopper: Math.exp(at(5 + scaled.length)) },
        bandwidthEfficiency: KERNEL_CEILINGS.bandwidthEfficiency * sigmoid(at(0)),
        computeEfficiency: KERNEL_CEILINGS.computeEfficiency * sigmoid(at(1)),
        allReduceLatencySeconds: Math.exp(at(2)) * 1e-6,
        engines: engines as Record<EngineId, { perStepSeconds: number; perSequenceSeconds: number }>,
    };
}


/** Least squares on log(predicted / measured) over the absolute runs and the engine ratios. */
export function fitParameters(runs: readonly VllmRun[]): Fit {
    const scaled = scaledEngines(runs);
    const absolute = absoluteRuns(runs);
    const pairs = enginePairs(runs);
    const loss = (x: readonly number[]): number => {
        const params = decode(x, scaled);
        let sum = 0;
        for (const run of absolute) sum += squaredLogError(predictRun(run, params), run.outputTokensPerSecond);
        for (const pair of pairs) sum += squaredLogError(predictedRatio(pair, params), pair.measuredRatio);
        return sum;
    };
    // Start: half the kernel ceilings (sigmoid 0), equal platforms, 10 µs per all-reduce, 20 ms and 100 µs of engine overhead.
    let start = [0, 0, Math.log(10), Math.log(20), Math.log(100), ...scaled.map(() => 0), 0];
    let best = nelderMead(loss, start, { step: 0.7 });
    // Restart from the optimum (standard practice: Nelder-Mead can stall on a flat ridge).
    for (let restart = 0; restart < 3; restart++) {
        start = best.x;
        const next = nelderMead(loss, start, { step: 0.3 });
        if (next.value >= best.value - 1e-12) break;
        best = next;
    }
    return { params: decode(best.x, scaled), rmsLogError: Math.sqrt(best.value / Math.max(1, absolute.length + pairs.length)), runs: runs.length };
}

/** The stored form of a fit (what `npm run bench:capacity -- --write` writes). */
export function storedFitOf(fit: Fit): { readonly runsDigest: string; readonly rmsLogError: number; readonly runs: number; readonly params: CapacityParameters } {
    return { runsDigest: runsDigest(), rmsLogError: fit.rmsLogError, runs: fit.runs, params: fit.params };
}

export interface LeaveOneOutRow {
    readonly run: VllmRun;
    readonly batch: number;
    readonly measured: number;
    /** Fitted on every run: how well the model can describe it. */
    readonly fitted: number;
    /** Fitted without this run; undefined when the run is the only one of its engine generation. */
    readonly leaveOneOut?: number;
    readonly errorPercent?: number;
}

export interface CheckRow {
    readonly run: VllmRun;
    readonly batch: number;
    readonly measured: number;
    /** The fit of all the other runs, with the generation's borrowed overheads. */
    readonly predicted: number;
    readonly errorPercent: number;
}

export interface LeaveOneOutPair {
    readonly pair: EnginePair;
    readonly fitted: number;
    /** Fitted without this pair; undefined when no other pair or run shows its generation. */
    readonly leaveOneOut?: number;
    readonly errorPercent?: number;
}

/** Each absolute run predicted by a fit to all the others (engine pairs kept), and each engine pair by a fit without it. */
export function leaveOneOut(runs: readonly VllmRun[] = vllmRuns()): {
    readonly rows: readonly LeaveOneOutRow[]; readonly pairs: readonly LeaveOneOutPair[]; readonly checks: readonly CheckRow[];
    readonly mapePercent: number; readonly worstPercent: number; readonly predicted: number;
} {
    const all = fitParameters(runs);
    const rows = absoluteRuns(runs).map((run): LeaveOneOutRow => {
        const others = runs.filter((r) => r !== run);
        const base = { run, batch: runBatch(run, all.params), measured: run.outputTokensPerSecond, fitted: predictRun(run, all.params) };
        if (!others.some((r) => r.engine === run.engine)) return base;
        const prediction = predictRun(run, fitParameters(others).params);
        return { ...base, leaveOneOut: prediction, errorPercent: ((prediction - run.outputTokensPerSecond) / run.outputTokensPerSecond) * 100 };
    });
    const pairs = enginePairs(runs).map((pair): LeaveOneOutPair => {
        const others = runs.filter((r) => r !== pair.next);
        const base = { pair, fitted: predictedRatio(pair, all.params) };
        if (!others.some((r) => r.engine === pair.next.engine)) return base;
        const prediction = predictedRatio(pair, fitParameters(others).params);
        return { ...base, leaveOneOut: prediction, errorPercent: ((prediction - pair.measuredRatio) / pair.measuredRatio) * 100 };
    });
    // The fit never sees a check run, so the fit of all runs already leaves it out.
    const checks = checkRuns(runs).map((run): CheckRow => {
        const predicted = predictRun(run, all.params);
        return { run, batch: runBatch(run, all.params), measured: run.outputTokensPerSecond, predicted, errorPercent: ((predicted - run.outputTokensPerSecond) / run.outputTokensPerSecond) * 100 };
    });
    const errors = rows.flatMap((r) => (r.errorPercent !== undefined ? [Math.abs(r.errorPercent)] : []));
    return { rows, pairs, checks, mapePercent: errors.reduce((s, e) => s + e, 0) / Math.max(1, errors.length), worstPercent: Math.max(0, ...errors), predicted: errors.length };
}
