/**
 * The fitted constants the capacity model runs with, as stored in cost/data/capacity-fit.json by
 * `npm run bench:capacity -- --write` (the fit itself, in cost/capacity/calibration.ts, takes ~0.3 s:
 * too long for every plan). Refused when the runs in cost/data/vllm-runs.json changed since, or when a
 * constant crosses a measured kernel ceiling. Kept free of the fitting code and of schema libraries:
 * the policy pack loads this under ts-node with type checking, on every start.
 */
import { createHash } from "crypto";
import runsFile from "../data/vllm-runs.json";
import storedFit from "../data/capacity-fit.json";
import { CapacityParameters } from "./replica";
import { ENGINE_IDS } from "./specs";

/**
 * Ceilings the fit may not cross (docs/sources.md §6, the project's kernel measurement): decode kernels
 * reached 61-65% of H100 HBM bandwidth with no all-reduce or scheduler, and prefill 14,800-18,800
 * tok/s per 8x H100 node for a 70.6B model in BF16, 18,800 x 141.2 GFLOP / (8 x 989 TFLOP/s) = 33.5%.
 */
export const KERNEL_CEILINGS = { bandwidthEfficiency: 0.65, computeEfficiency: 0.335 } as const;

export const STORED_FIT_PATH = "cost/data/capacity-fit.json";

export interface Fit {
    readonly params: CapacityParameters;
    /** Root mean square of log(predicted / measured). */
    readonly rmsLogError: number;
    readonly runs: number;
}

/** Identifies the runs a stored fit was made from: the SHA-256 of the runs as the data file lists them. */
export function runsDigest(runs: unknown = runsFile.runs): string {
    return createHash("sha256").update(JSON.stringify(runs)).digest("hex");
}

function checkParams(p: CapacityParameters): string[] {
    const problems: string[] = [];
    const positive = (name: string, v: number, max = Number.POSITIVE_INFINITY): void => {
        if (!(Number.isFinite(v) && v >= 0 && v <= max)) problems.push(`${name} ${v} must be a number from 0 to ${max}`);
    };
    positive("params.bandwidthEfficiency", p.bandwidthEfficiency, KERNEL_CEILINGS.bandwidthEfficiency);
    positive("params.computeEfficiency", p.computeEfficiency, KERNEL_CEILINGS.computeEfficiency);
    positive("params.allReduceLatencySeconds", p.allReduceLatencySeconds);
    for (const engine of ENGINE_IDS) {
        const o = p.engines?.[engine];
        if (o === undefined) problems.push(`params.engines.${engine} is missing`);
        else {
            positive(`params.engines.${engine}.perStepSeconds`, o.perStepSeconds);
            positive(`params.engines.${engine}.perSequenceSeconds`, o.perSequenceSeconds);
        }
    }
    positive("params.platformOverheadFactor.ampere", p.platformOverheadFactor?.ampere);
    positive("params.platformOverheadFactor.hopper", p.platformOverheadFactor?.hopper);
    return problems;
}

let cachedFit: Fit | undefined;

/** The stored fit, checked once per process. */
export function calibratedParameters(): Fit {
    if (cachedFit !== undefined) return cachedFit;
    const stored = storedFit as { runsDigest?: string; rmsLogError?: number; runs?: number; params?: CapacityParameters };
    const fix = "run npm run bench:capacity -- --write";
    if (stored.params === undefined || typeof stored.rmsLogError !== "number" || typeof stored.runs !== "number") throw new Error(`${STORED_FIT_PATH}: not a stored fit; ${fix}`);
    const problems = checkParams(stored.params);
    if (problems.length > 0) throw new Error(`${STORED_FIT_PATH}: ${problems.join("; ")}; ${fix}`);
    if (stored.runsDigest !== runsDigest()) throw new Error(`${STORED_FIT_PATH} was fitted to other runs than cost/data/vllm-runs.json holds; ${fix}`);
    cachedFit = { params: stored.params, rmsLogError: stored.rmsLogError, runs: stored.runs };
    return cachedFit;
}
