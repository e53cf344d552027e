/**
 * The workload flags `estimate` and `plan` share (--tokens-per-month, --api-usd-per-mtok,
 * --input-output-ratio): one parser each, whose error names the flag, the value and what is accepted.
 */
import { formatTokens, formatUsd, parseTokenCount } from "../cost/units";
import { INPUT_OUTPUT_RATIO_RANGE, Range, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, inRange, rangeText } from "../cost/workload";
import { UsageError } from "./errors";

/** What each flag accepts, from the one definition of each range (cost/workload.ts); --help and the errors say the same. */
export const RATIO_ACCEPTED = `input tokens per output token, ${rangeText(INPUT_OUTPUT_RATIO_RANGE)} (3 means 3:1)`;
export const TOKENS_ACCEPTED = `input + output tokens per month, ${rangeText(TOKENS_PER_MONTH_RANGE, formatTokens)} (the largest plausible fleet's output, with room): 500M, 24.9B, 5e8`;
export const RATE_ACCEPTED = `USD per million tokens, ${rangeText(USD_PER_MTOK_RANGE, formatUsd)} (above every public list price), e.g. 0.8 or 5`;

export function tokensFlag(text: string): number {
    const negative = text.trim().startsWith("-");
    const tokens = parseTokenCount(negative ? text.trim().slice(1) : text);
    if (tokens === undefined) {
        throw new UsageError(`--tokens-per-month "${text}" is not a token count; accepted: a number with an optional k, M, B or T suffix, e.g. 500M, 24.9B, 5e8`);
    }
    if (negative || !(tokens > TOKENS_PER_MONTH_RANGE.min)) throw new UsageError(`--tokens-per-month "${text}" must be above 0 tokens; accepted: ${TOKENS_ACCEPTED}`);
    if (!inRange(tokens, TOKENS_PER_MONTH_RANGE)) throw new UsageError(`--tokens-per-month "${text}" is more than the largest plausible fleet serves; accepted: ${TOKENS_ACCEPTED}`);
    return tokens;
}

export function numberFlag(flag: string, text: string, accepted: string): number {
    const value = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value)) throw new UsageError(`${flag} "${text}" is not a number; accepted: ${accepted}`);
    return value;
}

export function boundedFlag(flag: string, text: string, range: Range, accepted: string): number {
    const value = numberFlag(flag, text, accepted);
    if (!inRange(value, range)) throw new UsageError(`${flag} ${text} is out of range; accepted: ${accepted}`);
    return value;
}

export function ratioFlag(text: string): number {
    return boundedFlag("--input-output-ratio", text, INPUT_OUTPUT_RATIO_RANGE, RATIO_ACCEPTED);
}

export function rateFlag(flag: string, text: string): number {
    const value = numberFlag(flag, text, RATE_ACCEPTED);
    if (!(value > USD_PER_MTOK_RANGE.min)) throw new UsageError(`${flag} ${text} must be above 0; accepted: ${RATE_ACCEPTED}`);
    return boundedFlag(flag, text, USD_PER_MTOK_RANGE, RATE_ACCEPTED);
}
