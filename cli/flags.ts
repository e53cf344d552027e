/**
 * The workload flags `estimate` and `plan` share (--tokens-per-month, --api-usd-per-mtok,
 * --input-output-ratio): one parser each, whose error names the flag, the value and what is accepted.
 */
import { parseTokenCount } from "../cost/units";
import { INPUT_OUTPUT_RATIO_RANGE } from "../cost/workload";
import { UsageError } from "./errors";

export const RATIO_ACCEPTED = `input tokens per output token, above ${INPUT_OUTPUT_RATIO_RANGE.min} and at most ${INPUT_OUTPUT_RATIO_RANGE.max} (3 means 3:1)`;

export function tokensFlag(text: string): number {
    const negative = text.trim().startsWith("-");
    const tokens = parseTokenCount(negative ? text.trim().slice(1) : text);
    if (tokens === undefined) {
        throw new UsageError(`--tokens-per-month "${text}" is not a token count; accepted: a number with an optional k, M, B or T suffix, e.g. 500M, 24.9B, 5e8`);
    }
    if (negative || !(tokens > 0)) throw new UsageError(`--tokens-per-month "${text}" must be above 0 tokens; accepted: a positive count such as 500M, 24.9B, 5e8`);
    return tokens;
}

export function numberFlag(flag: string, text: string, accepted: string): number {
    const value = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value)) throw new UsageError(`${flag} "${text}" is not a number; accepted: ${accepted}`);
    return value;
}

export function boundedFlag(flag: string, text: string, min: number, max: number, accepted: string): number {
    const value = numberFlag(flag, text, accepted);
    if (value < min || value > max) throw new UsageError(`${flag} ${text} is out of range; accepted: ${accepted}`);
    return value;
}

export function ratioFlag(text: string): number {
    const value = numberFlag("--input-output-ratio", text, RATIO_ACCEPTED);
    if (!(value > INPUT_OUTPUT_RATIO_RANGE.min && value <= INPUT_OUTPUT_RATIO_RANGE.max)) throw new UsageError(`--input-output-ratio ${text} is out of range; accepted: ${RATIO_ACCEPTED}`);
    return value;
}

export function rateFlag(flag: string, text: string): number {
    const accepted = "USD per million tokens above 0, e.g. 0.8 or 5";
    const value = numberFlag(flag, text, accepted);
    if (!(value > 0)) throw new UsageError(`${flag} ${text} must be above 0; accepted: ${accepted}`);
    return value;
}
