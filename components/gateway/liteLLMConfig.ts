/**
 * The LiteLLM proxy's config.yaml, rendered from the stack's routing policy and the catalogue. Pure:
 * the same routing gives the same text, and the tests read it back.
 *
 * Nothing secret is in it: every key, password and address is `os.environ/VAR`, which LiteLLM reads
 * from the task's environment (the secrets are injected by ECS from Secrets Manager). That is what
 * lets the text ride in a plain environment variable.
 *
 * Shape (LiteLLM docs, proxy/configs and router_strategy/complexity_router):
 *  - model_list: one deployment per routed model, `model_info` carrying the catalogue's per-token
 *    prices (per-M / 1e6), so LiteLLM's spend tracking and budgets use the same prices as the engine;
 *    plus the complexity router (`auto_router/complexity_router`, tiers SIMPLE..REASONING) under the
 *    name clients call (`complexity_router_default_model` beside its config, as the upstream docs
 *    of the pinned release name it), and the semantic cache's embedding model;
 *
 * Which LiteLLM release each key needs is in platform/liteLLMRelease.ts (LITELLM_FEATURES).
 *  - router_settings: fallbacks (each tier to the next more capable one), retries, provider budgets,
 *    and Valkey for state shared by the tasks (cooldowns, rate limits, budget counters);
 *  - litellm_settings: the Prometheus callback (its /metrics behind the master key), the global
 *    budget, the valkey-semantic cache (unless the stack turns it off);
 *  - general_settings: the master key and the Postgres URL, from the environment.
 */
import { stringify } from "yaml";
import { API_MODELS, EMBEDDING_MODELS } from "../../cost/catalogue";
import { CACHE_EMBEDDING_MODEL_ID, ROUTING_TIERS, RoutingTier, SELF_HOSTED_ROUTE, TierRoute, budgetProvider, liteLLMProvider, requiredProviders, unroutedBudgets } from "../../cost/gateway";
import { TOKENS_PER_MTOK } from "../../cost/units";

/** The model name clients call: the complexity router. */
export const ROUTER_MODEL_NAME = "auto";
/** The model name of the semantic cache's embedding deployment. */
export const CACHE_EMBEDDING_MODEL_NAME = "cache-embedding";
/** LiteLLM's budget window for "per month". */
export const BUDGET_DURATION = "30d";

/** Environment variables the config reads (the task definition sets each). */
export const ENV = {
    masterKey: "LITELLM_MASTER_KEY",
    databaseUrl: "DATABASE_URL",
    redisHost: "REDIS_HOST",
    redisPort: "REDIS_PORT",
    redisPassword: "REDIS_PASSWORD",
    selfHostedApiBase: "SELF_HOSTED_API_BASE",
} as const;

/** The environment variable holding a provider's API key: `together_ai` -> TOGETHER_AI_API_KEY. */
export function providerKeyEnv(provider: string): string {
    return `${provider.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`;
}

export interface SelfHostedModel {
    /** The name vLLM serves the model under (`--served-model-name`). */
    readonly servedModelName: string;
}

export interface LiteLLMConfigInput {
    readonly routing: readonly TierRoute[];
    /** LiteLLM's global max_budget per 30 days, USD. */
    readonly monthlyBudgetUsd: number;
    /** Provider (catalogue or LiteLLM name) -> USD per 30 days. Default none. */
    readonly perProviderMonthlyUsd?: Readonly<Record<string, number>>;
    /** Cosine similarity above which the semantic cache answers. */
    readonly similarityThreshold: number;
    /**
     * The valkey-semantic cache. Default true. LiteLLM's docs (docs/proxy/caching_semantic, 2026-10-01)
     * warn: "Semantic caching is designed for single-shot prompts. On multi-turn or agentic traffic it
     * will replay stale responses." Turn it off for such workloads (llm-breakeven:gateway.cache.semantic: false).
     */
    readonly semanticCache?: boolean;
    /** Whether a Postgres DATABASE_URL is set (spend logs, virtual keys). */
    readonly databaseEnabled: boolean;
    /** The model the stack's vLLM serves; required when a tier routes to `self-hosted`. */
    readonly selfHosted?: SelfHostedModel;
    /** Retries of a failed call before falling back. Default 2. */
    readonly numRetries?: number;
    /** Seconds a provider call may take; keep it below the load balancer's idle timeout. Default 540. */
    readonly requestTimeoutSeconds?: number;
}

/** A problem with the routing that the stack schema cannot see (it needs the catalogue's providers). */
export class RoutingConfigError extends Error {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid gateway routing (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "RoutingConfigError";
    }
}

/** The model_list name a route's deployment goes by. */
export function deploymentName(route: Pick<TierRoute, "model">, selfHosted?: SelfHostedModel): string {
    if (route.model === SELF_HOSTED_ROUTE) {
        if (selfHosted === undefined) throw new RoutingConfigError([`a tier routes to "${SELF_HOSTED_ROUTE}" but no self-hosted model was given`]);
        return `${SELF_HOSTED_ROUTE}/${selfHosted.servedModelName}`;
    }
    return route.model;
}


/** The configured tier whose model serves tier `tier`: itself, else the next more capable one, else the next less capable one. */
function servingRoute(tier: RoutingTier, byTier: ReadonlyMap<string, TierRoute>): TierRoute {
    const index = ROUTING_TIERS.indexOf(tier);
    const up = ROUTING_TIERS.slice(index).map((t) => byTier.get(t)).find((r) => r !== undefined);
    const down = [...ROUTING_TIERS.slice(0, index)].reverse().map((t) => byTier.get(t)).find((r) => r !== undefined);
    const route = up ?? down;
    if (route === undefined) throw new RoutingConfigError(["llm-breakeven:workload.routing: is empty; route at least one tier"]);
    return route;
}

export interface RenderedLiteLLMConfig {
    /** The document, as data (what the text parses back to). */
    readonly document: Record<string, unknown>;
    readonly yaml: string;
    /** The providers whose keys the task needs, sorted. */
    readonly providers: readonly string[];
}

/** Renders config.yaml. Throws RoutingConfigError naming the key, the value and the fix. */
export function renderLiteLLMConfig(input: LiteLLMConfigInput): RenderedLiteLLMConfig {
    const problems: string[] = [];
    const byTier = new Map<string, TierRoute>();
    input.routing.forEach((r, i) => {
        if (!(ROUTING_TIERS as readonly string[]).includes(r.tier)) problems.push(`llm-breakeven:workload.routing.${i}.tier: "${r.tier}" is not a tier; allowed: ${ROUTING_TIERS.join(", ")}`);
        if (r.model !== SELF_HOSTED_ROUTE && !API_MODELS.has(r.model)) problems.push(`llm-breakeven:workload.routing.${i}.model: "${r.model}" is not an API model in the catalogue; allowed: ${[...API_MODELS.keys()].join(", ")}`);
        if (r.model === SELF_HOSTED_ROUTE && input.selfHosted === undefined) problems.push(`llm-breakeven:workload.routing.${i}.model: "${SELF_HOSTED_ROUTE}" needs a self-hosted model (mode hybrid with llm-breakeven:selfHosted)`);
        byTier.set(r.tier, r);
    });
    if (input.routing.length === 0) problems.push("llm-breakeven:workload.routing: is empty; route at least one tier");
    if (!(input.monthlyBudgetUsd > 0)) problems.push(`llm-breakeven:gateway.budgets.monthlyUsd: ${input.monthlyBudgetUsd} must be above 0`);
    if (!(input.similarityThreshold > 0 && input.similarityThreshold <= 1)) problems.push(`llm-breakeven:gateway.cache.similarityThreshold: ${input.similarityThreshold} must be in (0, 1]`);
    if (problems.length > 0) throw new RoutingConfigError(problems);

    const semanticCache = input.semanticCache ?? true;
    const providers = requiredProviders(input.routing, semanticCache);
    const budgets = input.perProviderMonthlyUsd ?? {};
    problems.push(...unroutedBudgets(budgets, providers).map((b) => `llm-breakeven:gateway.budgets.perProviderMonthlyUsd.${b.name}: ${b.reason}`));
    if (problems.length > 0) throw new RoutingConfigError(problems);
    const providerBudgets: Record<string, { budget_limit: number; time_period: string }> = {};
    for (const [name, usd] of Object.entries(budgets)) {
        const provider = budgetProvider(name, providers);
        if (provider !== undefined) providerBudgets[provider] = { budget_limit: usd, time_period: BUDGET_DURATION };
    }

    const ordered = [...input.routing].sort((a, b) => ROUTING_TIERS.indexOf(a.tier as RoutingTier) - ROUTING_TIERS.indexOf(b.tier as RoutingTier));
    const modelList: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    for (const route of ordered) {
        const name = deploymentName(route, input.selfHosted);
        if (seen.has(name)) continue;
        seen.add(name);
        if (route.model === SELF_HOSTED_ROUTE) {
            const selfHosted = input.selfHosted!;
            modelList.push({
                model_name: name,
                litellm_params: { model: `hosted_vllm/${selfHosted.servedModelName}`, api_base: `os.environ/${ENV.selfHostedApiBase}` },
                // The GPUs are a fixed monthly cost: a self-hosted token costs nothing at the margin and
                // must not count against the provider or global API budgets.
                model_info: { input_cost_per_token: 0, output_cost_per_token: 0, mode: "chat" },
            });
            continue;
        }
        const model = API_MODELS.get(route.model)!;
        const provider = liteLLMProvider(model.id);
        modelList.push({
            model_name: name,
            litellm_params: { model: model.litellmModel, api_key: `os.environ/${providerKeyEnv(provider)}` },
            model_info: {
                input_cost_per_token: model.inputUsdPerMTok / TOKENS_PER_MTOK,
                output_cost_per_token: model.outputUsdPerMTok / TOKENS_PER_MTOK,
                mode: "chat",
            },
        });
    }
    if (semanticCache) {
        const embedding = EMBEDDING_MODELS.get(CACHE_EMBEDDING_MODEL_ID)!;
        modelList.push({
            model_name: CACHE_EMBEDDING_MODEL_NAME,
            litellm_params: { model: embedding.litellmModel, api_key: `os.environ/${providerKeyEnv(liteLLMProvider(embedding.id))}` },
            model_info: { input_cost_per_token: embedding.inputUsdPerMTok / TOKENS_PER_MTOK, output_cost_per_token: 0, mode: "embedding" },
        });
    }

    const tierNames = Object.fromEntries(ROUTING_TIERS.map((t) => [t.toUpperCase(), deploymentName(servingRoute(t, byTier), input.selfHosted)]));
    // When the classifier cannot decide, the most capable configured model answers: a wrong cheap
    // answer costs more than a right expensive one.
    const defaultModel = deploymentName(servingRoute("reasoning", byTier), input.selfHosted);
    modelList.push({
        model_name: ROUTER_MODEL_NAME,
        litellm_params: {
            model: "auto_router/complexity_router",
            complexity_router_config: { tiers: tierNames },
            // A sibling of the config: a default_model inside it is overwritten at init from the tiers.
            complexity_router_default_model: defaultModel,
        },
    });

    // Each tier falls back to the next more capable distinct model (the most capable to the next
    // less capable one): a provider outage or a down vLLM endpoint degrades cost, not availability.
    const distinct = [...new Set(ordered.map((r) => deploymentName(r, input.selfHosted)))];
    const fallbacks = distinct.length < 2 ? [] : distinct.map((name, i) => {
        const next = i + 1 < distinct.length ? distinct.slice(i + 1) : [...distinct.slice(0, i)].reverse();
        return { [name]: next };
    });

    const document: Record<string, unknown> = {
        model_list: modelList,
        router_settings: {
            routing_strategy: "simple-shuffle",
            num_retries: input.numRetries ?? 2,
            timeout: input.requestTimeoutSeconds ?? 540,
            allowed_fails: 3,
            cooldown_time: 30,
            fallbacks,
            ...(Object.keys(providerBudgets).length > 0 ? { provider_budget_config: providerBudgets } : {}),
            redis_host: `os.environ/${ENV.redisHost}`,
            redis_port: `os.environ/${ENV.redisPort}`,
            redis_password: `os.environ/${ENV.redisPassword}`,
        },
        litellm_settings: {
            callbacks: ["prometheus"],
            max_budget: input.monthlyBudgetUsd,
            budget_duration: BUDGET_DURATION,
            request_timeout: input.requestTimeoutSeconds ?? 540,
            drop_params: true,
            json_logs: true,
            // /metrics carries per-key spend: behind the master key (the collector sends it), whatever
            // the release's default.
            require_auth_for_metrics_endpoint: true,
            ...(semanticCache ? semanticCacheSettings(input.similarityThreshold) : {}),
        },
        general_settings: {
            master_key: `os.environ/${ENV.masterKey}`,
            ...(input.databaseEnabled ? { database_url: `os.environ/${ENV.databaseUrl}` } : {}),
            // Background health checks call every model and are billed: the load balancer probes
            // /health/liveliness instead.
            background_health_checks: false,
        },
    };
    return { document, yaml: stringify(document, { lineWidth: 0 }), providers };
}

/**
 * The valkey-semantic cache. It answers a prompt that is merely similar to an earlier one with the
 * earlier answer, and LiteLLM's docs (docs/proxy/caching_semantic) warn that on multi-turn or agentic
 * traffic it replays stale responses: stacks serving such traffic set llm-breakeven:gateway.cache.semantic: false.
 * Keys as docs/proxy/caching_semantic names them for valkey-semantic ("For ElastiCache with encryption in
 * transit (TLS), add `ssl: true` under `cache_params`, or set `cache_params.redis_url` to a `rediss://` URL").
 */
function semanticCacheSettings(similarityThreshold: number): Record<string, unknown> {
    return {
        cache: true,
        cache_params: {
            type: "valkey-semantic",
            host: `os.environ/${ENV.redisHost}`,
            port: `os.environ/${ENV.redisPort}`,
            password: `os.environ/${ENV.redisPassword}`,
            // The replication group requires TLS in transit (storage.ts). `ssl` reaches the backend as read in
            // BerriAI/litellm (docs/sources.md §25): the proxy hands cache_params to Cache(**cache_params), only
            // os.environ/ strings resolved (litellm/proxy/proxy_server.py load_config, _init_cache); Cache passes
            // it on in **kwargs (litellm/caching/caching.py, Cache.__init__'s VALKEY_SEMANTIC branch);
            // ValkeySemanticCache takes ssl (valkey_semantic_cache.py@04c1c8ba line 62) into
            // build_valkey_url (lines 95, 113), which picks rediss:// for it (litellm/llms/valkey/common_utils.py
            // @2c8bdbb4 line 18). A YAML boolean: Python reads the string "false" as true.
            ssl: true,
            similarity_threshold: similarityThreshold,
            valkey_semantic_cache_embedding_model: CACHE_EMBEDDING_MODEL_NAME,
        },
    };
}
