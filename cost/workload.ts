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

/** Input tokens per output token accepted by the engine: above 0, at most 1000 (the stack schema's range). */
export const INPUT_OUTPUT_RATIO_RANGE = { min: 0, max: 1000 } as const;
/** Peak-hour over average traffic accepted by the engine and the schema: 1 to 100. */
export const PEAK_TO_AVERAGE_RANGE = { min: 1, max: 100 } as const;
/** Semantic-cache hit rate: a share from 0 to 1. */
export const CACHE_HIT_RATE_RANGE = { min: 0, max: 1 } as const;

function assertRatio(ratio: number): void {
    if (!(ratio > INPUT_OUTPUT_RATIO_RANGE.min && ratio <= INPUT_OUTPUT_RATIO_RANGE.max)) {
        throw new Error(`inputOutputRatio ${ratio} must be above ${INPUT_OUTPUT_RATIO_RANGE.min} and at most ${INPUT_OUTPUT_RATIO_RANGE.max} (input tokens per output token; 3 means 3:1)`);
    }
}
