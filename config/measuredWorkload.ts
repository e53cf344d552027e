/**
 * The measured-workload file `llm-breakeven usage --write-workload` writes and `plan --measured`,
 * `estimate --measured` and the policy pack read: the window, the queries and the values. Parsed here,
 * at the edge, once; a bad or stale file is one error naming the file, the key and the fix.
 */
import * as fs from "fs";
import { z } from "zod";

export const MEASURED_WORKLOAD_KIND = "llm-breakeven/measured-workload";

const finding = z.object({ kind: z.string(), severity: z.enum(["error", "warning"]), message: z.string() });

export const measuredWorkloadSchema = z.object({
    kind: z.literal(MEASURED_WORKLOAD_KIND),
    version: z.literal(1),
    /** The stack whose usage was measured, when `usage --stack` named one. */
    stack: z.string().optional(),
    /** The Prometheus it was read from (no credentials: those come from the environment). */
    prometheus: z.string(),
    measuredAt: z.iso.datetime(),
    window: z.object({
        /** The span the data covers, not only the one asked for. */
        from: z.iso.datetime(),
        to: z.iso.datetime(),
        coveredHours: z.number().positive(),
        stepSeconds: z.number().int().positive(),
    }),
    source: z.enum(["vllm", "litellm"]),
    queries: z.record(z.string(), z.string()),
    workload: z.object({
        tokensPerMonth: z.number().positive(),
        inputOutputRatio: z.number().positive(),
        /** Absent when no whole hour without a gap was measured. */
        peakToAverage: z.number().min(1).optional(),
        /** Absent when the stack's cache reports nothing. */
        cacheHitRate: z.number().min(0).max(1).optional(),
    }),
    selfHosted: z.object({
        nodeHours: z.number().nonnegative(),
        meanNodes: z.number().nonnegative(),
        nodeHourlyUsd: z.number().positive(),
        priceBasis: z.string(),
        realisedUsdPerMTok: z.number().positive(),
    }).optional(),
    byModel: z.array(z.object({ model: z.string(), provider: z.string().optional(), tokensPerMonth: z.number().nonnegative(), spendUsdPerMonth: z.number().nonnegative().optional() })).optional(),
    findings: z.array(finding),
});

export type MeasuredWorkload = z.infer<typeof measuredWorkloadSchema>;

export type MeasuredWorkloadResult = { readonly ok: true; readonly value: MeasuredWorkload } | { readonly ok: false; readonly problem: string };

const FIX = "write it with `llm-breakeven usage --prometheus <url> --stack <env> --write-workload <file>`";

/** Parses the file's text; `source` names it in the problem. */
export function parseMeasuredWorkload(text: string, source: string): MeasuredWorkloadResult {
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        return { ok: false, problem: `${source} is not JSON (${error instanceof Error ? error.message : String(error)}); ${FIX}` };
    }
    const parsed = measuredWorkloadSchema.safeParse(json);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
        return { ok: false, problem: `${source} is not a measured-workload file:\n  - ${problems.join("\n  - ")}\n${FIX}` };
    }
    return { ok: true, value: parsed.data };
}

/** Reads and parses the file; a missing file is a problem, never an empty measurement. */
export function readMeasuredWorkload(file: string): MeasuredWorkloadResult {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        return { ok: false, problem: `cannot read the measured-workload file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${FIX}` };
    }
    return parseMeasuredWorkload(text, file);
}

/** Days from the end of the measured window to `now`. */
export function measuredAgeDays(measured: MeasuredWorkload, now: Date): number {
    return (now.getTime() - Date.parse(measured.window.to)) / 86_400_000;
}

/** The file, refused when its data ends more than maxAgeDays before now. */
export function freshMeasuredWorkload(file: string, maxAgeDays: number, now: Date): MeasuredWorkloadResult {
    const read = readMeasuredWorkload(file);
    if (!read.ok) return read;
    const age = measuredAgeDays(read.value, now);
    if (age > maxAgeDays) {
        return { ok: false, problem: `${file} measured usage up to ${read.value.window.to}, ${age.toFixed(1)} days ago, older than the ${maxAgeDays} days allowed (maxMeasuredAgeDays); measure again with \`llm-breakeven usage\`` };
    }
    return read;
}
