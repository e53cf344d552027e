/**
 * Validates the capacity model against every published vLLM run in cost/data/vllm-runs.json: each run,
 * the model fitted to all runs, the model fitted to all the others (leave-one-out) and its error, the
 * MAPE, the engine-generation ratios, the runs of a generation whose overheads are borrowed (checks
 * the fit never sees), and the measured kernel ceilings no prediction may cross.
 *
 *   npm run bench:capacity              print
 *   npm run bench:capacity -- --write   refit and store the fit (cost/data/capacity-fit.json)
 *
 * Exit 0 when the stored fit matches a fresh one and no prediction crosses a ceiling, 1 otherwise.
 * The 15% MAPE / 30% worst-row target is reported, not enforced: the figures are what they are.
 */
import * as fs from "fs";
import * as path from "path";
import { GPUS } from "../cost/catalogue";
import { ENGINE_GENERATIONS } from "../cost/capacity/specs";
import { calibratedParameters, fitParameters, leaveOneOut, STORED_FIT_PATH, storedFitOf, vllmRuns } from "../cost/capacity/calibration";
import { ceilingChecks } from "../cost/capacity/ceilings";

const write = process.argv.includes("--write");
const runs = vllmRuns();
const fresh = fitParameters(runs);
if (write) {
    fs.writeFileSync(path.resolve(__dirname, "..", STORED_FIT_PATH), `${JSON.stringify(storedFitOf(fresh), null, 2)}\n`);
    process.stdout.write(`wrote ${STORED_FIT_PATH}\n`);
}

const pad = (text: string, width: number): string => text.padEnd(width);
const num = (value: number | undefined, digits = 0): string => (value === undefined ? "n/a" : value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const pct = (value: number | undefined): string => (value === undefined ? "n/a" : `${value >= 0 ? "+" : ""}${value.toFixed(1)}%`);

const validation = leaveOneOut(runs);
const lines: string[] = [];
lines.push(`capacity model v2: ${runs.length} published vLLM runs (cost/data/vllm-runs.json); output tok/s per replica`);
lines.push("");
lines.push(`${pad("run", 40)} ${pad("GPUs", 14)} ${pad("engine", 9)} ${"batch".padStart(5)} ${"measured".padStart(9)} ${"fitted".padStart(7)} ${"LOO".padStart(7)} ${"LOO err".padStart(8)}`);
for (const row of validation.rows) {
    const r = row.run;
    lines.push(`${pad(r.id, 40)} ${pad(`${r.gpuCount}x ${GPUS[r.gpu].label.replace(" SXM", "")}`, 14)} ${pad(r.engine, 9)} ${num(row.batch).padStart(5)} ${num(row.measured).padStart(9)} ${num(row.fitted).padStart(7)} ${num(row.leaveOneOut).padStart(7)} ${pct(row.errorPercent).padStart(8)}`);
}
lines.push("");
lines.push(`leave-one-out MAPE ${validation.mapePercent.toFixed(1)}% over ${validation.predicted} runs, worst ${validation.worstPercent.toFixed(1)}% (target: MAPE <= 15%, no run beyond 30%: ${validation.mapePercent <= 15 && validation.worstPercent <= 30 ? "met" : "NOT met"})`);
lines.push("");
lines.push("engine generations, as throughput ratios on one (unnamed) machine:");
for (const pair of validation.pairs) {
    lines.push(`  ${pad(pair.pair.id, 52)} measured ${pair.pair.measuredRatio.toFixed(2)}x, fitted ${pair.fitted.toFixed(2)}x, leave-one-out ${pair.leaveOneOut === undefined ? "n/a" : `${pair.leaveOneOut.toFixed(2)}x (${pct(pair.errorPercent)})`}`);
}
lines.push("");
lines.push("checks of borrowed overheads (never fitted), output tok/s per replica:");
if (validation.checks.length === 0) lines.push("  none");
for (const check of validation.checks) {
    const r = check.run;
    const from = ENGINE_GENERATIONS[r.engine].borrowsFrom ?? r.engine;
    lines.push(`  ${pad(r.id, 38)} ${pad(`${r.gpuCount}x ${GPUS[r.gpu].label.replace(" SXM", "")}`, 14)} ${pad(r.engine, 8)} batch ${num(check.batch)}, ${num(r.inputTokens)} in / ${num(r.outputTokens)} out: measured ${num(check.measured)}, predicted with ${from}'s overheads ${num(check.predicted)} (${pct(check.errorPercent)})`);
}
const p = fresh.params;
lines.push("");
lines.push(`fit: HBM ${(p.bandwidthEfficiency * 100).toFixed(1)}% of peak, tensor ${(p.computeEfficiency * 100).toFixed(1)}% of peak, all-reduce latency ${(p.allReduceLatencySeconds * 1e6).toFixed(1)} µs, `
    + `engine per sequence per step ${Object.entries(p.engines).map(([e, o]) => {
        const from = ENGINE_GENERATIONS[e as keyof typeof ENGINE_GENERATIONS].borrowsFrom;
        return `${e} ${(o.perSequenceSeconds * 1e6).toFixed(0)} µs${from !== undefined ? ` borrowed from ${from}` : ""}`;
    }).join(", ")} (A100 platforms; H100-era x${p.platformOverheadFactor.hopper.toFixed(2)}), `
    + `per step ${(p.engines["vllm-0.5"].perStepSeconds * 1e3).toFixed(2)} ms; rms log error ${fresh.rmsLogError.toFixed(3)}`);

let failed = false;
lines.push("");
lines.push("measured kernel ceilings (docs/sources.md §6), TP8 Llama 3.3 70B BF16:");
// Just written: this process still holds the old file, so check the fresh fit.
const stored = write ? fresh : calibratedParameters();
for (const check of ceilingChecks(stored.params)) {
    const over = check.kernelOnly > check.ceiling || check.predicted > check.ceiling;
    failed ||= over;
    lines.push(`  ${pad(check.what, 30)} ceiling ${num(check.ceiling).padStart(7)}  model kernels ${num(check.kernelOnly).padStart(7)}  model ${num(check.predicted).padStart(7)} tok/s${over ? "  ABOVE THE CEILING" : ""}`);
}
const drift = Math.abs(stored.rmsLogError - fresh.rmsLogError);
if (drift > 1e-6) {
    failed = true;
    lines.push(`\n${STORED_FIT_PATH} differs from a fresh fit (rms ${stored.rmsLogError} vs ${fresh.rmsLogError}): run npm run bench:capacity -- --write`);
}
process.stdout.write(`${lines.join("\n")}\n`);
process.exitCode = failed ? 1 : 0;
