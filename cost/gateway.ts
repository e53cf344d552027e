/**
 * The routing gateway's API bill, line by line: each routing tier's tokens x share x the tier model's
 * blended price x (1 - cache hit rate). Pure, from the catalogue only; the blended rate and the cache
 * discount are the engine's own (workload.ts), so a tier line and `apiMonthlyUsd` can never disagree.
 * The infrastructure the gateway runs on is not priced here: it is the resources the program creates,
 * priced one by one by cost/pricers/ (one pricer, no counts kept by hand beside the components).
 */
import { API_MODELS, ELASTICACHE_NODES, EMBEDDING_MODELS, RDS_POSTGRES_INSTANCES } from "./catalogue";
import { KeyedCostLine } from "./costLine";
import { TOKENS_PER_MTOK } from "./units";
import { apiModel, apiMonthlyUsd, blendedUsdPerMTok } from "./workload";

/** The routing entry id that sends a tier to the stack's own vLLM endpoint (hybrid mode). */
export const SELF_HOSTED_ROUTE = "self-hosted";

/** LiteLLM complexity-router tiers, least to most capable. */
export const ROUTING_TIERS = ["simple", "medium", "complex", "reasoning"] as const;
export type RoutingTier = (typeof ROUTING_TIERS)[number];

/** The embedding model the semantic cache embeds prompts with. */
export const CACHE_EMBEDDING_MODEL_ID = "openai/text-embedding-3-small";

export interface TierRoute {
    /** simple | medium | complex | reasoning. */
    readonly tier: string;
    /** A catalogue API model id, or `self-hosted`. */
    readonly model: string;
    /** Share of the month's tokens, 0..1. */
    readonly share: number;
}

export interface ApiBillInput {
    readonly tokensPerMonth: number;
    /** Input tokens per output token (3 means 3:1). */
    readonly inputOutputRatio: number;
    /** Share of requests answered by the semantic cache, 0..1. */
    readonly cacheHitRate: number;
    readonly routing: readonly TierRoute[];
    /**
     * A blended API rate given directly (llm-breakeven:workload.apiUsdPerMTok: a negotiated price, say):
     * every API tier is billed at it instead of its model's list prices, as the engine bills the workload.
     */
    readonly usdPerMTok?: number;
    /** Whether prompts are embedded for the semantic cache (an API bill of its own). Default true. */
    readonly semanticCache?: boolean;
}

export interface TierBillLine extends KeyedCostLine {
    readonly tier: string;
    readonly model: string;
    readonly share: number;
    readonly tokensPerMonth: number;
    /** The model's list prices blended at the workload's input:output ratio; 0 for the self-hosted tier. */
    readonly blendedUsdPerMTok: number;
}

export interface ApiBill {
    /** One line per routing tier, in the routing's order. */
    readonly tiers: readonly TierBillLine[];
    /** The semantic cache's prompt embeddings, when the cache is on. */
    readonly embedding?: KeyedCostLine;
    /** The tiers' bill (what the engine's `apiMonthlyUsd` gives for the API tiers). */
    readonly tiersMonthlyUsd: number;
    readonly monthlyUsd: number;
    readonly apiTokensPerMonth: number;
    readonly selfHostedTokensPerMonth: number;
}

/** The API bill of a routing mix, one line per tier; self-hosted tiers bill nothing here (their GPUs are priced elsewhere). */
export function apiBillByTier(input: ApiBillInput): ApiBill {
    if (!(input.tokensPerMonth > 0 && Number.isFinite(input.tokensPerMonth))) throw new Error(`tokensPerMonth ${input.tokensPerMonth} must be a positive token count`);
    const tiers = input.routing.map((route): TierBillLine => {
        const tokensPerMonth = input.tokensPerMonth * route.share;
        if (route.model === SELF_HOSTED_ROUTE) {
            return {
                id: `api-${route.tier}`, label: `${route.tier} tier: ${(route.share * 100).toFixed(0)}% of tokens to the stack's own vLLM endpoint (GPUs priced in the self-hosted estimate)`,
                quantity: 0, unit: "MTok billed", unitUsd: 0, monthlyUsd: 0, tier: route.tier, model: route.model, share: route.share, tokensPerMonth, blendedUsdPerMTok: 0,
            };
        }
        const model = apiModel(route.model);
        const blended = input.usdPerMTok ?? blendedUsdPerMTok(model, input.inputOutputRatio);
        const rate = input.usdPerMTok !== undefined
            ? `at the workload's given rate $${blended}/M (llm-breakeven:workload.apiUsdPerMTok, not list prices)`
            : `at $${model.inputUsdPerMTok}/$${model.outputUsdPerMTok} per M in/out, blended $${blended.toFixed(4)}/M at ${input.inputOutputRatio}:1`;
        const monthlyUsd = apiMonthlyUsd({ tokensPerMonth, usdPerMTok: blended, cacheHitRate: input.cacheHitRate });
        return {
            id: `api-${route.tier}`,
            label: `${route.tier} tier: ${(route.share * 100).toFixed(0)}% of tokens to ${model.label} ${rate}, less ${(input.cacheHitRate * 100).toFixed(0)}% cache hits`,
            quantity: (tokensPerMonth / TOKENS_PER_MTOK) * (1 - input.cacheHitRate),
            unit: "MTok billed (after cache hits)",
            unitUsd: blended,
            monthlyUsd,
            provenance: model.provenance,
            tier: route.tier, model: route.model, share: route.share, tokensPerMonth, blendedUsdPerMTok: blended,
        };
    });
    const tiersMonthlyUsd = tiers.reduce((sum, l) => sum + l.monthlyUsd, 0);
    const selfHostedTokensPerMonth = tiers.filter((t) => t.model === SELF_HOSTED_ROUTE).reduce((sum, t) => sum + t.tokensPerMonth, 0);
    let embedding: KeyedCostLine | undefined;
    if (input.semanticCache ?? true) {
        const model = EMBEDDING_MODELS.get(CACHE_EMBEDDING_MODEL_ID);
        if (model === undefined) throw new Error(`catalogue: no embedding model ${CACHE_EMBEDDING_MODEL_ID} (EMBEDDING_MODELS)`);
        // Every prompt is embedded to look it up, hit or miss: the input share of all the tokens.
        const inputMTok = (input.tokensPerMonth * (input.inputOutputRatio / (input.inputOutputRatio + 1))) / TOKENS_PER_MTOK;
        embedding = {
            id: "api-cache-embeddings", label: `semantic cache: every prompt (${inputMTok.toFixed(0)}M input tokens) embedded with ${model.label} at $${model.inputUsdPerMTok}/M`,
            quantity: inputMTok, unit: "MTok embedded", unitUsd: model.inputUsdPerMTok, monthlyUsd: inputMTok * model.inputUsdPerMTok, provenance: model.provenance,
        };
    }
    return {
        tiers,
        ...(embedding !== undefined ? { embedding } : {}),
        tiersMonthlyUsd,
        monthlyUsd: tiersMonthlyUsd + (embedding?.monthlyUsd ?? 0),
        apiTokensPerMonth: input.tokensPerMonth - selfHostedTokensPerMonth,
        selfHostedTokensPerMonth,
    };
}

/** The LiteLLM provider of a catalogue API model (`together_ai` for together/...), the name its budgets and keys go by. */
export function liteLLMProvider(modelId: string): string {
    const model = API_MODELS.get(modelId) ?? EMBEDDING_MODELS.get(modelId);
    if (model === undefined) throw new Error(`"${modelId}" is not an API or embedding model in the catalogue`);
    const provider = model.litellmModel.split("/")[0];
    if (provider === undefined || provider === "") throw new Error(`catalogue: ${modelId} has no provider prefix in "${model.litellmModel}"`);
    return provider;
}

/**
 * Config a gateway's resources could not be priced from, worded for its config key: checked before
 * any resource is registered. The bill itself is the resource pricer's (cost/pricers/) over the
 * resources the program creates; this only refuses a size the catalogue has no price for, never $0.
 */
export function gatewayPriceProblems(input: { readonly cacheNodeType: string; readonly databaseInstanceClass?: string }): string[] {
    const problems: string[] = [];
    if (ELASTICACHE_NODES[input.cacheNodeType] === undefined) {
        problems.push(`llm-breakeven:gateway.cache.nodeType: "${input.cacheNodeType}" has no price in the catalogue (ELASTICACHE_NODES: ${Object.keys(ELASTICACHE_NODES).join(", ")}); use one of those or add the price with its source to cost/catalogue.ts`);
    }
    const klass = input.databaseInstanceClass;
    if (klass !== undefined && RDS_POSTGRES_INSTANCES[klass] === undefined) {
        problems.push(`llm-breakeven:gateway.database.instanceClass: "${klass}" has no price in the catalogue (RDS_POSTGRES_INSTANCES: ${Object.keys(RDS_POSTGRES_INSTANCES).join(", ")}); use one of those, set gateway.database.enabled to false, or add the price with its source to cost/catalogue.ts`);
    }
    return problems;
}

/**
 * The LiteLLM providers the routing calls (plus the cache's embedding provider), sorted: whose keys
 * the gateway's task needs (the stack schema asks for llm-breakeven:providerApiKeys when there are any).
 */
export function requiredProviders(routing: readonly Pick<TierRoute, "model">[], semanticCache = true): string[] {
    const providers = new Set<string>(semanticCache ? [liteLLMProvider(CACHE_EMBEDDING_MODEL_ID)] : []);
    for (const r of routing) if (r.model !== SELF_HOSTED_ROUTE) providers.add(liteLLMProvider(r.model));
    return [...providers].sort();
}

/** A provider budget key as the stack may write it (`together` or `together_ai`) -> the LiteLLM provider, if the catalogue knows it. */
export function budgetProvider(name: string, providers: readonly string[]): string | undefined {
    if (providers.includes(name)) return name;
    const byCatalogue = [...API_MODELS.values(), ...EMBEDDING_MODELS.values()].find((m) => m.id.split("/")[0] === name);
    return byCatalogue === undefined ? undefined : liteLLMProvider(byCatalogue.id);
}

/**
 * Provider budgets (name -> USD) that name a provider the routing does not call, each with why and the
 * fix: LiteLLM would hold a budget nothing spends against. The stack schema reports them (config/rules.ts);
 * the LiteLLM config renderer refuses them too, with the same words.
 */
export function unroutedBudgets(budgets: Readonly<Record<string, number>>, providers: readonly string[]): Array<{ readonly name: string; readonly reason: string }> {
    return Object.entries(budgets).flatMap(([name, usd]) => {
        const provider = budgetProvider(name, providers);
        return provider !== undefined && providers.includes(provider) ? []
            : [{ name, reason: `(${usd}) names a provider the routing does not call; the routed providers are ${providers.join(", ")}: rename the key or remove it` }];
    });
}
