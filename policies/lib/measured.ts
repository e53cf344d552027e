/**
 * The measured workload a policy may judge against instead of the declared one (`llm-breakeven usage
 * --write-workload`): the file named in the policy config, refused when it is unreadable or older than
 * maxMeasuredAgeDays. A problem with it is a violation, never a fall-back to the declared figures.
 */
import { ConfigOf, ConfigProperties } from "./configSchema";
import { freshMeasuredWorkload, MeasuredWorkload } from "../../config/measuredWorkload";
import { formatTokens } from "../../cost/units";

/** A measurement stands for the month it measured: after 45 days it no longer says what the stack serves now. */
export const DEFAULT_MAX_MEASURED_AGE_DAYS = 45;

export const MEASURED_FILE_SCHEMA = {
    measuredFile: { type: "string", minLength: 1, description: "Measured-workload file written by `llm-breakeven usage --write-workload` (path from where the pack runs)." },
    maxMeasuredAgeDays: { type: "number", exclusiveMinimum: 0, description: `Days the measured window may have ended before now (default ${DEFAULT_MAX_MEASURED_AGE_DAYS}); an older file is a violation.` },
} satisfies ConfigProperties;

export type MeasuredFileConfig = ConfigOf<typeof MEASURED_FILE_SCHEMA>;

export type MeasuredRead = { readonly ok: true; readonly value: MeasuredWorkload; readonly label: string } | { readonly ok: false; readonly problem: string };

export function readMeasuredFile(config: MeasuredFileConfig, now: Date = new Date()): MeasuredRead | undefined {
    if (config.measuredFile === undefined) return undefined;
    const read = freshMeasuredWorkload(config.measuredFile, config.maxMeasuredAgeDays ?? DEFAULT_MAX_MEASURED_AGE_DAYS, now);
    if (!read.ok) return read;
    const m = read.value;
    return { ok: true, value: m, label: `measured by \`llm-breakeven usage\` from ${m.source} counters, ${m.window.from} to ${m.window.to} (${formatTokens(m.workload.tokensPerMonth)} tokens/month; ${config.measuredFile})` };
}
