/**
 * `plan --measured` and `estimate --measured`: the declared workload beside the measured one, the
 * drift of each figure and the verdict on the volume; and, for `plan`, the measured file handed to
 * the pack's `declared-workload-matches-measured` policy so that its verdict is in the plan's.
 */
import { measuredAgeDays, MeasuredWorkload, readMeasuredWorkload } from "../../config/measuredWorkload";
import { compareWorkload, DEFAULT_DRIFT_TOLERANCE, DeclaredWorkloadFigures, DriftVerdict } from "../../cost/drift";
import { formatTokens } from "../../cost/units";
import { declaredWorkloadMatchesMeasured } from "../../policies/declaredWorkload";
import { UsageError } from "../errors";
import type { PrepareStack } from "../plan/plan";

export interface MeasuredInput {
    readonly file: string;
    readonly measured: MeasuredWorkload;
}

/** Reads --measured; a file that is not a measured workload, or that measured another stack, is a usage error. */
export function readMeasuredFlag(file: string | undefined, stack: string | undefined): MeasuredInput | undefined {
    if (file === undefined) return undefined;
    const read = readMeasuredWorkload(file);
    if (!read.ok) throw new UsageError(`--measured: ${read.problem}`);
    if (stack !== undefined && read.value.stack !== undefined && read.value.stack !== stack) {
        throw new UsageError(`--measured ${file} measured stack "${read.value.stack}", not "${stack}"; measure this stack with \`llm-breakeven usage --stack ${stack}\``);
    }
    return { file, measured: read.value };
}

/** The prepared stack with the measured file set on declared-workload-matches-measured (its tolerance and level stay the policy config's). */
export function withMeasuredPolicy(prepared: PrepareStack, input: MeasuredInput | undefined): PrepareStack {
    if (input === undefined) return prepared;
    const config = new Map(prepared.policy.config);
    const entry = config.get(declaredWorkloadMatchesMeasured.name);
    config.set(declaredWorkloadMatchesMeasured.name, { ...entry, properties: { ...(entry?.properties ?? {}), measuredFile: input.file } });
    return { ...prepared, policy: { ...prepared.policy, config } };
}

/** The policy config's tolerance for the drift verdict, else the default. */
export function toleranceOf(prepared: PrepareStack | undefined): number {
    const value = prepared?.policy.config.get(declaredWorkloadMatchesMeasured.name)?.properties["tolerance"];
    return typeof value === "number" ? value : DEFAULT_DRIFT_TOLERANCE;
}

export function drift(declared: DeclaredWorkloadFigures, input: MeasuredInput, tolerance: number): DriftVerdict {
    return compareWorkload(declared, input.measured.workload, tolerance);
}

const FIELDS: Record<keyof DeclaredWorkloadFigures, { label: string; show: (x: number) => string }> = {
    tokensPerMonth: { label: "tokens/month", show: formatTokens },
    inputOutputRatio: { label: "input:output", show: (x) => `${x.toFixed(2)}:1` },
    peakToAverage: { label: "peak-to-average", show: (x) => x.toFixed(2) },
    cacheHitRate: { label: "cache hit rate", show: (x) => `${(x * 100).toFixed(1)}%` },
};

export function renderDrift(verdict: DriftVerdict, input: MeasuredInput, now: Date = new Date()): string {
    const m = input.measured;
    const lines = [
        `Declared vs measured (${input.file}: ${m.source} counters, ${m.window.from} to ${m.window.to}, ${measuredAgeDays(m, now).toFixed(0)} days old)`,
        `  ${"".padEnd(17)}${"declared".padStart(14)}${"measured".padStart(14)}${"drift".padStart(9)}`,
    ];
    for (const row of verdict.rows) {
        const f = FIELDS[row.field];
        const measured = row.measured !== undefined ? f.show(row.measured) : "not measured";
        const driftText = row.drift !== undefined ? `${row.drift >= 0 ? "+" : ""}${Math.round(row.drift * 100)}%` : "";
        lines.push(`  ${f.label.padEnd(17)}${f.show(row.declared).padStart(14)}${measured.padStart(14)}${driftText.padStart(9)}`);
    }
    if (m.selfHosted !== undefined) lines.push(`  realised $/M tokens: $${m.selfHosted.realisedUsdPerMTok.toFixed(2)} (${m.selfHosted.nodeHours.toFixed(0)} node-hours at $${m.selfHosted.nodeHourlyUsd.toFixed(2)}/h over the tokens served)`);
    lines.push(`  drift verdict: ${verdict.withinTolerance ? "matches" : "DRIFTED"}: ${verdict.summary}`);
    for (const f of m.findings) lines.push(`  measured with a caveat: ${f.message}`);
    return `${lines.join("\n")}\n`;
}

export function driftJson(verdict: DriftVerdict, input: MeasuredInput): Record<string, unknown> {
    return {
        file: input.file, window: input.measured.window, source: input.measured.source,
        rows: verdict.rows, volumeDrift: verdict.volumeDrift, tolerance: verdict.tolerance, withinTolerance: verdict.withinTolerance, summary: verdict.summary,
        ...(input.measured.selfHosted !== undefined ? { realisedUsdPerMTok: input.measured.selfHosted.realisedUsdPerMTok } : {}),
    };
}

function verdictFor(prepared: PrepareStack, input: MeasuredInput): DriftVerdict {
    if (prepared.configState.kind !== "parsed") throw new UsageError(`--measured: stack ${prepared.file.stack} has no valid llm-breakeven config to compare with`);
    return drift(prepared.configState.config.workload, input, toleranceOf(prepared));
}

/** The plan's text section, or "" without --measured. */
export function measuredText(prepared: PrepareStack | undefined, input: MeasuredInput | undefined): string {
    return prepared !== undefined && input !== undefined ? `\n${renderDrift(verdictFor(prepared, input), input)}` : "";
}

/** The plan's JSON with a `measured` member, unchanged without --measured. */
export function measuredJson<T extends object>(json: T | undefined, prepared: PrepareStack | undefined, input: MeasuredInput | undefined): T | (T & { measured: Record<string, unknown> }) | undefined {
    if (json === undefined || prepared === undefined || input === undefined) return json;
    return { ...json, measured: driftJson(verdictFor(prepared, input), input) };
}

/** `estimate --measured`: the estimate's scenario is the declared side (default tolerance). */
export function estimateMeasured(declared: DeclaredWorkloadFigures, input: MeasuredInput | undefined): { readonly text: string; readonly json: Record<string, unknown> } | undefined {
    if (input === undefined) return undefined;
    const verdict = drift(declared, input, DEFAULT_DRIFT_TOLERANCE);
    return { text: `\n${renderDrift(verdict, input)}`, json: driftJson(verdict, input) };
}
