/**
 * The workload side of the comparison: what a month of tokens costs through managed APIs.
 *
 * A "token" here is any token, input or output: the workload's volume counts both, and a blended
 * rate prices both at once (list prices quote input and output separately).
 */
import { API_MODELS, ApiModel } from "./catalogue";
import { TOKENS_PER_MTOK } from "./units";

/**
 * Blended USD per million tokens of one model for an input:output ratio r (input tokens per output
 * token): (r x input + output) / (r + 1). GPT-4o at 3:1 is $4.375/M, at 2:1 $5.00/M.
 */
export function blendedUsdPerMTok(model: ApiModel, inputOutputRatio: number): number {
    assertRatio(inputOutputRatio);
    return (inputOutputRatio * model.inputUsdPerMTok + model.outputUsdPerMTok) / (inputOutputRatio + 1);
}

export interface RoutingShare {
    /** A catalogue API model id (`openai/gpt-4o`). */
    readonly model: string;
    /** Share of the tokens this model serves. */
    readonly share: number;
}

/**
 * Blended USD per million tokens of a routing mix: the share-weighted average of each model's blended
 * rate, over the tokens the listed entries serve. The shares are normalised by their sum, so callers
 * may pass the API entries of a hybrid mix alone (the self-hosted tier excluded) and get the rate of
 * the tokens that go to APIs.
 */
export function routedUsdPerMTok(routing: readonly RoutingShare[], inputOutputRatio: number): number {
    const totalShare = routing.reduce((sum, r) => sum + r.share, 0);
    if (!(totalShare > 0)) {
        throw new Error(`routing: the shares of ${routing.length === 0 ? "an empty routing mix" : routing.map((r) => r.model).join(", ")} sum to ${totalShare}; at least one API model needs a positive share`);
    }
    let weighted = 0;
    for (const entry of routing) weighted += entry.share * blendedUsdPerMTok(apiModel(entry.model), inputOutputRatio);
    return weighted / totalShare;
}

/** The API model with this id, or an error naming the id and the nearest catalogue ids. */
export function apiModel(id: string): ApiModel {
    const model = API_MODELS.get(id);
    if (model === undefined) {
        const ids = [...API_MODELS.keys()];
        const near = ids.filter((candidate) => candidate.includes(id.split("/").pop() ?? id) || id.includes(candidate.split("/").pop() ?? candidate));
        throw new Error(`"${id}" is not an API model in the catalogue${near.length > 0 ? ` (did you mean ${near.map((n) => `"${n}"`).join(", ")}?)` : ""}; known: ${ids.join(", ")}`);
    }
    return model;
}

export interface ApiMonthlyInput {
    readonly tokensPerMonth: number;
    readonly usdPerMTok: number;
    /** Share of tokens answered by the semantic cache, 0..1; they cost nothing at the API. Default 0. */
    readonly cacheHitRate?: number;
}

/** Monthly API bill: tokens / 1e6 x rate x (1 - cache hit rate). */
export function apiMonthlyUsd(input: ApiMonthlyInput): number {
    const cacheHitRate = input.cacheHitRate ?? 0;
    if (!(cacheHitRate >= CACHE_HIT_RATE_RANGE.min && cacheHitRate <= CACHE_HIT_RATE_RANGE.max)) throw new Error(`cacheHitRate ${cacheHitRate} must be between ${CACHE_HIT_RATE_RANGE.min} and ${CACHE_HIT_RATE_RANGE.max}`);
    return (input.tokensPerMonth / TOKENS_PER_MTOK) * input.usdPerMTok * (1 - cacheHitRate);
}

/** The frontier model the seed compares with ("all GPT-4o"). */
export const ALL_FRONTIER_MODEL_ID = "openai/gpt-4o";

/** Everything through one frontier model (default GPT-4o), its list prices blended at the ratio, with how it was reached. */
export function allFrontierRate(inputOutputRatio: number, frontier: ApiModel = apiModel(ALL_FRONTIER_MODEL_ID)): { readonly usdPerMTok: number; readonly basis: string } {
    return {
        usdPerMTok: blendedUsdPerMTok(frontier, inputOutputRatio),
        basis: `all ${frontier.label}, list prices $${frontier.inputUsdPerMTok}/$${frontier.outputUsdPerMTok} blended at ${inputOutputRatio}:1`,
    };
}

/**
 * The ranges every input is held to: one definition, read by the stack schema (config/stack.ts), the
 * CLI's flags and --help (cli/flags.ts, cli/commands/estimate.ts) and the policy pack's config schemas
 * (policies/lib/workload.ts, policies/monthlyBudget.ts). A bound marked exclusive admits values above
 * `min` only. Each upper bound is far above any real workload and exists to refuse typos (1e30, a
 * price in USD per token) before they turn into "143703754613583460000 nodes needed".
 */
export interface Range {
    readonly min: number;
    /** true: the value must be above min (min itself is refused). */
    readonly minExclusive: boolean;
    readonly max: number;
}

/** Input tokens per output token accepted by the engine: above 0, at most 1000. */
export const INPUT_OUTPUT_RATIO_RANGE = { min: 0, minExclusive: true, max: 1000 } as const;
/** Peak-hour over average traffic accepted by the engine and the schema: 1 to 100. */
export const PEAK_TO_AVERAGE_RANGE = { min: 1, minExclusive: false, max: 100 } as const;
/** Semantic-cache hit rate: a share from 0 to 1. */
export const CACHE_HIT_RATE_RANGE = { min: 0, minExclusive: false, max: 1 } as const;

/** The most GPU nodes a scenario may configure (`estimate --nodes`); also the size of the largest plausible fleet below. */
export const MAX_NODES = 10_000;

/**
 * Tokens per month (input + output): above 0, at most 1e16. Why 1e16: the largest plausible fleet is
 * MAX_NODES of the catalogue's fastest node, which serves under 4e11 tokens a month flat out (an 8B
 * model at FP8 on 8x H200 at a 1000:1 input:output ratio), so under 4e15 in all; the bound sits above
 * that with room (test/cost/bounds.test.ts recomputes it from the catalogue) and refuses 1e30.
 */
export const TOKENS_PER_MONTH_RANGE = { min: 0, minExclusive: true, max: 1e16 } as const;

/**
 * A managed-API rate, USD per million tokens: above 0, at most $1,000/M. The catalogue's dearest list
 * price is $15/M (Claude Sonnet output) and no public list price reaches $1,000/M; a rate past it is a
 * unit mistake (USD per thousand tokens, or per token).
 */
export const USD_PER_MTOK_RANGE = { min: 0, minExclusive: true, max: 1000 } as const;

/**
 * A monthly amount in USD (budgets, ceilings, overhead): at most the largest volume at the highest
 * rate, 1e16 tokens x $1,000/M = $1e13. Budgets and ceilings must be above 0 (a ceiling of -$100 or
 * $0 blocks everything, or means a typo); overhead may be 0.
 */
export const MONTHLY_USD_MAX = (TOKENS_PER_MONTH_RANGE.max / TOKENS_PER_MTOK) * USD_PER_MTOK_RANGE.max;
export const BUDGET_USD_RANGE = { min: 0, minExclusive: true, max: MONTHLY_USD_MAX } as const;
export const OVERHEAD_USD_RANGE = { min: 0, minExclusive: false, max: MONTHLY_USD_MAX } as const;

/** Whether a value lies in the range (NaN and infinities never do). */
export function inRange(value: number, range: Range): boolean {
    return Number.isFinite(value) && (range.minExclusive ? value > range.min : value >= range.min) && value <= range.max;
}

/** "above 0 and at most 1e+16" / "from 1 to 100": the range as --help and error messages say it. */
export function rangeText(range: Range, format: (n: number) => string = String): string {
    return range.minExclusive ? `above ${format(range.min)} and at most ${format(range.max)}` : `from ${format(range.min)} to ${format(range.max)}`;
}

/** The range as JSON-schema keywords, for the policy pack's configSchema (the Pulumi CLI validates them). */
export function jsonSchemaRange(range: Range): { readonly minimum?: number; readonly exclusiveMinimum?: number; readonly maximum: number } {
    return range.minExclusive ? { exclusiveMinimum: range.min, maximum: range.max } : { minimum: range.min, maximum: range.max };
}

function assertRatio(ratio: number): void {
    if (!inRange(ratio, INPUT_OUTPUT_RATIO_RANGE)) {
        throw new Error(`inputOutputRatio ${ratio} must be ${rangeText(INPUT_OUTPUT_RATIO_RANGE)} (input tokens per output token; 3 means 3:1)`);
    }
}
