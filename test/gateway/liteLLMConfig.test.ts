import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { API_MODELS, EMBEDDING_MODELS } from "../../cost/catalogue";
import { CACHE_EMBEDDING_MODEL_ID, TierRoute } from "../../cost/gateway";
import { CACHE_EMBEDDING_MODEL_NAME, ENV, ROUTER_MODEL_NAME, RoutingConfigError, renderLiteLLMConfig } from "../../components/gateway/liteLLMConfig";

interface Deployment { model_name: string; litellm_params: Record<string, unknown>; model_info?: Record<string, number | string> }

const PROD: TierRoute[] = [
    { tier: "simple", model: "groq/llama-3.1-8b", share: 0.5 },
    { tier: "medium", model: "openai/gpt-4o-mini", share: 0.25 },
    { tier: "complex", model: "openai/gpt-4.1", share: 0.15 },
    { tier: "reasoning", model: "anthropic/claude-sonnet-4", share: 0.1 },
];
const base = { monthlyBudgetUsd: 600, perProviderMonthlyUsd: { openai: 350, anthropic: 300, groq: 30 }, similarityThreshold: 0.9, databaseEnabled: true };

const cases: Array<{ name: string; routing: TierRoute[]; tiers: Record<string, string>; selfHosted?: { servedModelName: string } }> = [
    { name: "four tiers, four models", routing: PROD, tiers: { SIMPLE: "groq/llama-3.1-8b", MEDIUM: "openai/gpt-4o-mini", COMPLEX: "openai/gpt-4.1", REASONING: "anthropic/claude-sonnet-4" } },
    { name: "two tiers: missing tiers go to the next more capable model, the top falls back down", routing: [{ tier: "simple", model: "groq/llama-3.1-8b", share: 0.7 }, { tier: "medium", model: "openai/gpt-4o-mini", share: 0.3 }], tiers: { SIMPLE: "groq/llama-3.1-8b", MEDIUM: "openai/gpt-4o-mini", COMPLEX: "openai/gpt-4o-mini", REASONING: "openai/gpt-4o-mini" } },
    { name: "one model on a middle tier serves all", routing: [{ tier: "complex", model: "openai/gpt-4o", share: 1 }], tiers: { SIMPLE: "openai/gpt-4o", MEDIUM: "openai/gpt-4o", COMPLEX: "openai/gpt-4o", REASONING: "openai/gpt-4o" } },
    { name: "hybrid: self-hosted simple and medium", selfHosted: { servedModelName: "llama-3.3-70b-instruct" }, routing: [{ tier: "simple", model: "self-hosted", share: 0.4 }, { tier: "medium", model: "self-hosted", share: 0.3 }, { tier: "complex", model: "openai/gpt-4.1", share: 0.2 }, { tier: "reasoning", model: "anthropic/claude-sonnet-4", share: 0.1 }], tiers: { SIMPLE: "self-hosted/llama-3.3-70b-instruct", MEDIUM: "self-hosted/llama-3.3-70b-instruct", COMPLEX: "openai/gpt-4.1", REASONING: "anthropic/claude-sonnet-4" } },
];

/**
 * LiteLLM's path from cache_params to the valkey-semantic connection, as read in BerriAI/litellm
 * (docs/sources.md §25): proxy_server.py resolves `os.environ/` strings and passes the rest unchanged to
 * Cache(**cache_params); valkey_semantic_cache.py connects to redis_url if given, else to
 * build_valkey_url(host, port, password, ssl), whose scheme is rediss when ssl is truthy (Python's truth).
 */
function liteLLMValkeyUrl(cacheParams: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string>>): string {
    const p = Object.fromEntries(Object.entries(cacheParams).map(([k, v]) => [k, typeof v === "string" && v.startsWith("os.environ/") ? env[v.slice("os.environ/".length)] : v]));
    if (typeof p["redis_url"] === "string") return p["redis_url"];
    const ssl = p["ssl"];
    const truthy = !(ssl === undefined || ssl === null || ssl === false || ssl === 0 || ssl === "");
    return `${truthy ? "rediss" : "redis"}://${p["password"] ? `:${encodeURIComponent(String(p["password"]))}@` : ""}${p["host"]}:${p["port"]}`;
}

describe("renderLiteLLMConfig", () => {
    it.each(cases)("$name: parses back to the document, router tiers point at deployments, prices are the catalogue's", ({ routing, tiers, selfHosted }) => {
        const budgets = { ...base, perProviderMonthlyUsd: {} };
        const rendered = renderLiteLLMConfig({ ...budgets, routing, ...(selfHosted !== undefined ? { selfHosted } : {}) });
        const doc = parse(rendered.yaml) as Record<string, any>;
        expect(doc).toEqual(rendered.document);
        const models = doc["model_list"] as Deployment[];
        const names = new Set(models.map((m) => m.model_name));
        const router = models.find((m) => m.model_name === ROUTER_MODEL_NAME)!;
        expect(router.litellm_params["model"]).toBe("auto_router/complexity_router");
        const config = router.litellm_params["complexity_router_config"] as Record<string, unknown>;
        expect(config).toEqual({ tiers });
        // The default model is a sibling of the config, as the pinned release's docs name it.
        const defaultModel = router.litellm_params["complexity_router_default_model"] as string;
        expect(defaultModel).toBe(tiers["REASONING"]);
        for (const target of [...Object.values(tiers), defaultModel]) expect(names.has(target)).toBe(true);
        for (const m of models) {
            const catalogue = API_MODELS.get(m.model_name);
            if (catalogue !== undefined) {
                // Per-token prices derived from the catalogue's per-million prices, not retyped.
                expect(m.model_info).toMatchObject({ input_cost_per_token: catalogue.inputUsdPerMTok / 1e6, output_cost_per_token: catalogue.outputUsdPerMTok / 1e6 });
                expect(m.litellm_params["model"]).toBe(catalogue.litellmModel);
                expect(m.litellm_params["api_key"]).toMatch(/^os\.environ\/[A-Z_]+_API_KEY$/);
            } else if (m.model_name.startsWith("self-hosted/")) {
                expect(m.model_info).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 0 });
                expect(m.litellm_params).toEqual({ model: `hosted_vllm/${selfHosted!.servedModelName}`, api_base: "os.environ/SELF_HOSTED_API_BASE" });
            } else if (m.model_name === CACHE_EMBEDDING_MODEL_NAME) {
                expect(m.model_info?.["input_cost_per_token"]).toBe(EMBEDDING_MODELS.get(CACHE_EMBEDDING_MODEL_ID)!.inputUsdPerMTok / 1e6);
            } else {
                expect(m.model_name).toBe(ROUTER_MODEL_NAME);
            }
        }
        // Every routed model is deployed.
        for (const r of routing) expect(names.has(r.model === "self-hosted" ? `self-hosted/${selfHosted!.servedModelName}` : r.model)).toBe(true);
        // Fallbacks name deployments only.
        for (const f of doc["router_settings"].fallbacks as Record<string, string[]>[]) {
            for (const [from, to] of Object.entries(f)) for (const n of [from, ...to]) expect(names.has(n)).toBe(true);
        }
    });

    it("connects valkey-semantic over TLS (rediss://) the way LiteLLM builds the URL, from the YAML text it reads", () => {
        const env = { [ENV.redisHost]: "master.gw.abc123.use1.cache.amazonaws.com", [ENV.redisPort]: "6379", [ENV.redisPassword]: "pw" };
        const cacheParams = (parse(renderLiteLLMConfig({ ...base, routing: PROD }).yaml) as Record<string, any>)["litellm_settings"].cache_params as Record<string, unknown>;
        expect(cacheParams["ssl"]).toBe(true);
        expect(cacheParams).not.toHaveProperty("redis_url");
        expect(liteLLMValkeyUrl(cacheParams, env)).toBe("rediss://:pw@master.gw.abc123.use1.cache.amazonaws.com:6379");
        // Without it LiteLLM would speak plain text to a replication group that requires TLS.
        const { ssl: _ssl, ...plain } = cacheParams;
        expect(liteLLMValkeyUrl(plain, env)).toBe("redis://:pw@master.gw.abc123.use1.cache.amazonaws.com:6379");
    });

    it("carries the stack's budgets, the Prometheus callback, the valkey-semantic cache and env references only", () => {
        const rendered = renderLiteLLMConfig({ ...base, routing: PROD });
        const doc = parse(rendered.yaml) as Record<string, any>;
        expect(doc["litellm_settings"]).toMatchObject({ callbacks: ["prometheus"], require_auth_for_metrics_endpoint: true, max_budget: 600, budget_duration: "30d", cache: true });
        expect(doc["litellm_settings"].cache_params).toMatchObject({ type: "valkey-semantic", similarity_threshold: 0.9, host: "os.environ/REDIS_HOST", password: "os.environ/REDIS_PASSWORD", ssl: true, valkey_semantic_cache_embedding_model: CACHE_EMBEDDING_MODEL_NAME });
        expect(doc["router_settings"].provider_budget_config).toEqual({
            openai: { budget_limit: 350, time_period: "30d" }, anthropic: { budget_limit: 300, time_period: "30d" }, groq: { budget_limit: 30, time_period: "30d" },
        });
        expect(doc["router_settings"]).toMatchObject({ num_retries: 2, redis_host: "os.environ/REDIS_HOST" });
        expect(doc["router_settings"].fallbacks).toEqual([
            { "groq/llama-3.1-8b": ["openai/gpt-4o-mini", "openai/gpt-4.1", "anthropic/claude-sonnet-4"] },
            { "openai/gpt-4o-mini": ["openai/gpt-4.1", "anthropic/claude-sonnet-4"] },
            { "openai/gpt-4.1": ["anthropic/claude-sonnet-4"] },
            { "anthropic/claude-sonnet-4": ["openai/gpt-4.1", "openai/gpt-4o-mini", "groq/llama-3.1-8b"] },
        ]);
        expect(doc["general_settings"]).toEqual({ master_key: "os.environ/LITELLM_MASTER_KEY", database_url: "os.environ/DATABASE_URL", background_health_checks: false });
        expect(rendered.providers).toEqual(["anthropic", "groq", "openai"]);
        // No literal key: every credential-looking value is an environment reference.
        expect(rendered.yaml).not.toMatch(/sk-|gsk_|api_key: (?!os\.environ\/)/);
    });

    it("turns the semantic cache off on request: no cache, no embedding deployment, no embedding provider key", () => {
        const on = renderLiteLLMConfig({ ...base, routing: [{ tier: "simple", model: "groq/llama-3.1-8b", share: 1 }], perProviderMonthlyUsd: {} });
        const off = renderLiteLLMConfig({ ...base, routing: [{ tier: "simple", model: "groq/llama-3.1-8b", share: 1 }], perProviderMonthlyUsd: {}, semanticCache: false });
        expect(on.providers).toEqual(["groq", "openai"]);
        expect(off.providers).toEqual(["groq"]);
        const settings = off.document["litellm_settings"] as Record<string, unknown>;
        expect(settings["cache"]).toBeUndefined();
        expect(settings["cache_params"]).toBeUndefined();
        expect((off.document["model_list"] as Deployment[]).map((m) => m.model_name)).not.toContain(CACHE_EMBEDDING_MODEL_NAME);
    });

    it("leaves database_url out without a database, and accepts a catalogue provider name for a budget", () => {
        const rendered = renderLiteLLMConfig({ ...base, databaseEnabled: false, perProviderMonthlyUsd: { together: 10 }, routing: [{ tier: "simple", model: "together/llama-3.1-8b", share: 1 }] });
        expect((rendered.document["general_settings"] as Record<string, unknown>)["database_url"]).toBeUndefined();
        expect((rendered.document["router_settings"] as Record<string, any>).provider_budget_config).toEqual({ together_ai: { budget_limit: 10, time_period: "30d" } });
    });

    it.each([
        { name: "unknown model", input: { routing: [{ tier: "simple", model: "openai/gpt-5", share: 1 }] }, message: /llm-breakeven:workload\.routing\.0\.model: "openai\/gpt-5" is not an API model in the catalogue; allowed: / },
        { name: "self-hosted without a self-hosted model", input: { routing: [{ tier: "simple", model: "self-hosted", share: 1 }] }, message: /routing\.0\.model: "self-hosted" needs a self-hosted model/ },
        { name: "budget for a provider the routing does not call", input: { routing: PROD, perProviderMonthlyUsd: { gemini: 10 } }, message: /perProviderMonthlyUsd\.gemini: \(10\) names a provider the routing does not call; the routed providers are anthropic, groq, openai/ },
    ])("fails closed on $name, naming the key, the value and the fix", ({ input, message }) => {
        expect(() => renderLiteLLMConfig({ ...base, perProviderMonthlyUsd: {}, ...input })).toThrow(RoutingConfigError);
        expect(() => renderLiteLLMConfig({ ...base, perProviderMonthlyUsd: {}, ...input })).toThrow(message);
    });
});
