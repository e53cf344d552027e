/**
 * The routing gateway's monthly bill, line by line: the infrastructure it runs on (Fargate tasks,
 * load balancer, NAT, Valkey, Postgres, secrets, alarms, WAF) plus the API bill of each routing tier:
 * tokens x share x the tier model's blended price x (1 - cache hit rate). Pure, from the catalogue
 * only; the blended rate and the cache discount are the engine's own (workload.ts), so a tier line
 * and `apiMonthlyUsd` can never disagree.
 */
import {
    API_MODELS,
    AWS_SERVICES,
    AwsServiceKey,
    ELASTICACHE_NODES,
    EMBEDDING_MODELS,
    Provenance,
    RDS_GP3_GB_MONTH,
    RDS_POSTGRES_INSTANCES,
    ServicePrice,
    VALKEY_PRICE_FACTOR,
} from "./catalogue";
import { DEFAULT_ALB_LCU_PER_HOUR } from "./pricers";
import { CostLine } from "./selfHosted";
import { HOURS_PER_MONTH, TOKENS_PER_MTOK } from "./units";
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

export interface TierBillLine extends CostLine {
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
    readonly embedding?: CostLine;
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
    let embedding: CostLine | undefined;
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

// ---------------------------------------------------------------------------------------------
// Infrastructure.
// ---------------------------------------------------------------------------------------------

export interface GatewayInfraInput {
    /** Fargate tasks running all month (the service's desired count). */
    readonly tasks: number;
    /** Fargate CPU units per task (1024 = 1 vCPU). */
    readonly cpuUnits: number;
    readonly memoryMiB: number;
    /** NAT gateways the gateway's own network runs; 0 when it shares another stack's network. */
    readonly natGateways: number;
    /** Public subnets an internet-facing load balancer holds an IPv4 address in; 0 for an internal one. */
    readonly loadBalancerPublicIpv4: number;
    readonly cacheNodeType: string;
    readonly cacheNodes: number;
    /** Absent when the gateway runs without Postgres. */
    readonly database?: { readonly instanceClass: string; readonly multiAz: boolean; readonly allocatedStorageGiB: number };
    readonly secrets: number;
    /** Metrics the alarms evaluate: a metric-math alarm is billed per metric it reads. */
    readonly alarmMetrics: number;
    /** WAF rules; absent without WAF. */
    readonly wafRules?: number;
    /** Requests per month, for the WAF request charge. */
    readonly requestsPerMonth: number;
}

export interface GatewayInfraCost {
    readonly lines: readonly CostLine[];
    readonly monthlyUsd: number;
}

function serviceLine(id: string, key: AwsServiceKey, quantity: number, label: string): CostLine {
    const price: ServicePrice = AWS_SERVICES[key];
    return { id, label, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd, provenance: price.provenance };
}

function hourlyLine(id: string, label: string, count: number, hourlyUsd: number, unit: string, provenance: Provenance): CostLine {
    return { id, label, quantity: count * HOURS_PER_MONTH, unit, unitUsd: hourlyUsd, monthlyUsd: count * HOURS_PER_MONTH * hourlyUsd, provenance };
}

/**
 * The gateway's infrastructure per month, from the catalogue. Fails closed: a cache node type or DB
 * class the catalogue has no price for is an error naming the config key, never $0. The load balancer
 * is priced at DEFAULT_ALB_LCU_PER_HOUR, the smallest steady load: what cost/pricers/elb.ts prices a load
 * balancer at when no usage is given (test/gateway/gatewayProd.test.ts checks the two bills agree).
 */
export function gatewayInfraMonthlyCost(input: GatewayInfraInput): GatewayInfraCost {
    const vcpu = input.cpuUnits / 1024;
    const gb = input.memoryMiB / 1024;
    const lines: CostLine[] = [
        serviceLine("fargate-vcpu", "fargateVcpuHour", input.tasks * vcpu * HOURS_PER_MONTH, `${input.tasks} LiteLLM tasks x ${vcpu} vCPU, ${HOURS_PER_MONTH} h`),
        serviceLine("fargate-memory", "fargateGBHour", input.tasks * gb * HOURS_PER_MONTH, `${input.tasks} LiteLLM tasks x ${gb} GB, ${HOURS_PER_MONTH} h`),
        serviceLine("alb-hours", "albHour", HOURS_PER_MONTH, `Application Load Balancer, ${HOURS_PER_MONTH} h`),
        serviceLine("alb-lcu", "albLcuHour", DEFAULT_ALB_LCU_PER_HOUR * HOURS_PER_MONTH, `${DEFAULT_ALB_LCU_PER_HOUR} LCU x ${HOURS_PER_MONTH} h (stated assumption: the smallest steady load)`),
    ];
    if (input.loadBalancerPublicIpv4 > 0) {
        lines.push(serviceLine("alb-public-ipv4", "publicIpv4Hour", input.loadBalancerPublicIpv4 * HOURS_PER_MONTH, `${input.loadBalancerPublicIpv4} public IPv4 addresses of the internet-facing load balancer`));
    }
    if (input.natGateways > 0) {
        lines.push(serviceLine("nat-hours", "natGatewayHour", input.natGateways * HOURS_PER_MONTH, `${input.natGateways} NAT gateways, ${HOURS_PER_MONTH} h (provider API calls leave through them)`));
        lines.push(serviceLine("nat-public-ipv4", "publicIpv4Hour", input.natGateways * HOURS_PER_MONTH, `${input.natGateways} Elastic IPs on the NAT gateways`));
    }
    const node = ELASTICACHE_NODES[input.cacheNodeType];
    if (node === undefined) {
        throw new Error(`llm-breakeven:gateway.cache.nodeType: "${input.cacheNodeType}" has no price in the catalogue (ELASTICACHE_NODES: ${Object.keys(ELASTICACHE_NODES).join(", ")}); use one of those or add the price with its source to cost/catalogue.ts`);
    }
    const valkeyHourUsd = node.redisOssHourUsd * VALKEY_PRICE_FACTOR.factor;
    lines.push(hourlyLine("valkey-nodes", `${input.cacheNodes} x ${input.cacheNodeType} Valkey nodes (${VALKEY_PRICE_FACTOR.factor} x the Redis OSS price)`, input.cacheNodes, valkeyHourUsd, "node-hour", VALKEY_PRICE_FACTOR.provenance));
    if (input.database !== undefined) {
        const db = input.database;
        const klass = RDS_POSTGRES_INSTANCES[db.instanceClass];
        if (klass === undefined) {
            throw new Error(`llm-breakeven:gateway.database.instanceClass: "${db.instanceClass}" has no price in the catalogue (RDS_POSTGRES_INSTANCES: ${Object.keys(RDS_POSTGRES_INSTANCES).join(", ")}); use one of those, set gateway.database.enabled to false, or add the price with its source to cost/catalogue.ts`);
        }
        lines.push(hourlyLine("postgres-instance", `${db.instanceClass} PostgreSQL ${db.multiAz ? "Multi-AZ" : "single-AZ"}`, 1, db.multiAz ? klass.multiAzHourUsd : klass.singleAzHourUsd, "instance-hour", klass.provenance));
        // Multi-AZ keeps a synchronous standby: its storage is billed twice.
        const storageGB = db.allocatedStorageGiB * (db.multiAz ? 2 : 1);
        lines.push({ id: "postgres-storage", label: `${db.allocatedStorageGiB} GiB gp3 storage${db.multiAz ? " x 2 (standby)" : ""}`, quantity: storageGB, unit: RDS_GP3_GB_MONTH.unit, unitUsd: RDS_GP3_GB_MONTH.usd, monthlyUsd: storageGB * RDS_GP3_GB_MONTH.usd, provenance: RDS_GP3_GB_MONTH.provenance });
    }
    lines.push(serviceLine("secrets", "secretsManagerSecretMonth", input.secrets, `${input.secrets} Secrets Manager secrets (master key, salt key, provider keys, cache auth, database URL)`));
    lines.push(serviceLine("alarms", "cloudwatchAlarmMonth", input.alarmMetrics, `CloudWatch alarms over ${input.alarmMetrics} metrics (a metric-math alarm is billed per metric)`));
    if (input.wafRules !== undefined) {
        lines.push(serviceLine("waf-acl", "wafWebAclMonth", 1, "WAF web ACL"));
        lines.push(serviceLine("waf-rules", "wafRuleMonth", input.wafRules, `${input.wafRules} WAF rules`));
        lines.push(serviceLine("waf-requests", "wafPerMRequests", input.requestsPerMonth / 1e6, `${input.requestsPerMonth / 1e6}M requests through WAF (llm-breakeven:gateway.requestsPerMonth)`));
    }
    return { lines, monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}

export interface GatewayProjectedSpend {
    readonly infrastructure: GatewayInfraCost;
    readonly api: ApiBill;
    /** Infrastructure plus the API bill. */
    readonly monthlyUsd: number;
}
