/**
 * The stack configuration, under the `llm-breakeven` namespace: one zod schema, parsed once at the
 * edge (index.ts, the policy pack, the CLI). Every problem is reported at once, each with its key
 * path, the value found and what is allowed. Downstream code takes the typed result, never raw config.
 *
 * Secrets (the Hugging Face token, provider API keys) are not part of this schema: they are read
 * with `config.requireSecret` / `config.getSecretObject` so that they stay Pulumi secrets.
 */
import { z } from "zod";
import { API_MODELS, BYTES_PER_PARAMETER, EC2_INSTANCE_TYPES, GPUS, OPEN_MODELS, Precision, SEED_ASSUMPTIONS, SERVABLE_PRECISIONS, UNSERVABLE_PRECISION } from "../cost/catalogue";
import { fitModel } from "../cost/memory";
import { parseTokenCount } from "../cost/units";
import { supportedRegions, unsupportedRegionReason } from "../cost/prices/store";
import { ROUTING_TIERS, SELF_HOSTED_ROUTE } from "../cost/gateway";
import { formatTokens } from "../cost/units";
import {
    BUDGET_USD_RANGE, CACHE_HIT_RATE_RANGE, INPUT_OUTPUT_RATIO_RANGE, OVERHEAD_USD_RANGE, PEAK_TO_AVERAGE_RANGE, Range, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, inRange,
} from "../cost/workload";
import { DEFAULT_LITELLM_IMAGE } from "../components/gateway/liteLLMRelease";
import { PINS } from "../components/pins";
import { checkEndpoint, endpointSchema } from "./endpoint";

export const NAMESPACE = "llm-breakeven";

/** Secret config keys (set with `pulumi config set --secret`). */
export const SECRET_KEYS = {
    hfToken: "hfToken",
    providerApiKeys: "providerApiKeys",
    /** vLLM's bearer key for the self-hosted endpoint (selfHosted.endpoint.auth api-key). */
    vllmApiKey: "vllmApiKey",
} as const;

const tokenCount = z.union([z.number(), z.string()]).transform((value, ctx) => {
    const tokens = typeof value === "number" ? value : parseTokenCount(value);
    if (tokens === undefined || !inRange(tokens, TOKENS_PER_MONTH_RANGE)) {
        ctx.addIssue({ code: "custom", message: `must be a positive token count, at most ${formatTokens(TOKENS_PER_MONTH_RANGE.max)} (cost/workload.ts says why), such as 500000000, 5e8, "500M" or "24.9B" (got ${JSON.stringify(value)})` });
        return z.NEVER;
    }
    return tokens;
});

/** A number held to one of cost/workload.ts's ranges: the schema, the CLI and the policy pack share them. */
function ranged(range: Range): z.ZodNumber {
    const above = range.minExclusive ? z.number().gt(range.min) : z.number().min(range.min);
    return above.max(range.max);
}

export const MODES = ["self-hosted", "gateway", "hybrid"] as const;
export type Mode = (typeof MODES)[number];

export const ENVIRONMENTS = ["dev", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];


const PRECISIONS = Object.keys(BYTES_PER_PARAMETER) as [Precision, ...Precision[]];

const routingEntry = z.object({
    tier: z.enum(ROUTING_TIERS),
    /** A catalogue API model id (`openai/gpt-4o`), or `self-hosted` in hybrid mode. */
    model: z.string(),
    /** Share of the month's tokens routed to this tier, 0..1; the shares sum to 1. */
    share: z.number().min(0).max(1),
}).strict();

export const workloadSchema = z.object({
    tokensPerMonth: tokenCount,
    /** Input tokens per output token (3 means 3:1). */
    inputOutputRatio: ranged(INPUT_OUTPUT_RATIO_RANGE).default(3),
    /** Peak-hour rate over the monthly average rate; capacity is sized for the peak. */
    peakToAverage: ranged(PEAK_TO_AVERAGE_RANGE).default(2),
    /** Share of tokens per tier and the model serving it. Omitted: all traffic at `apiUsdPerMTok`. */
    routing: z.array(routingEntry).min(1).optional(),
    /** A blended API rate given directly (USD per million tokens); overrides the routing mix's rate. */
    apiUsdPerMTok: ranged(USD_PER_MTOK_RANGE).optional(),
    /** Share of requests answered by the semantic cache, 0..1. Plan with <= 0.2 unless measured. */
    cacheHitRate: ranged(CACHE_HIT_RATE_RANGE).default(0),
    /** The workload has a data-residency or compliance requirement no managed provider meets. */
    residencyRequired: z.boolean().default(false),
}).strict();

/**
 * S3 bucket names as vLLM's Run:ai streamer can reach them: 3-63 lowercase letters, digits and
 * hyphens. Dots are legal in S3 but break TLS for virtual-hosted-style requests, which the streamer makes.
 */
const S3_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
/** A key prefix without the scheme, the bucket, a leading/trailing slash or a `*` (it would widen the IAM grant): `meta-llama/Llama-3.3-70B-Instruct`. */
const S3_PREFIX = /^(?!\/)(?!.*\/\/)(?!.*\/$)[A-Za-z0-9!_.'()\/-]+$/;

/** Where vLLM reads the weights from. */
export const MODEL_SOURCE_KINDS = ["s3", "huggingface"] as const;
export type ModelSourceKind = (typeof MODEL_SOURCE_KINDS)[number];

export const modelSourceSchema = z.discriminatedUnion("kind", [
    /**
     * An in-region mirror bucket the team fills once (the stack reads it, never creates it). The pods
     * reach it through the VPC's S3 gateway endpoint, on the ranges of the region's S3 managed prefix
     * list (read at deploy time), with an IRSA role that may read only `prefix`.
     */
    z.object({
        kind: z.literal("s3"),
        bucket: z.string({ error: (i) => (i.input === undefined ? "is required when kind is \"s3\": the name of the in-region mirror bucket (no s3:// scheme)" : undefined) }).regex(S3_BUCKET, "must be an S3 bucket name: 3-63 lowercase letters, digits and hyphens, no dots (they break TLS for the streamer's virtual-hosted requests), no s3:// scheme"),
        /** Key prefix holding the checkpoint (config.json, tokenizer, *.safetensors). Default: the model's Hugging Face id. */
        prefix: z.string().regex(S3_PREFIX, "must be a key prefix without s3://, the bucket, or a leading or trailing slash, such as meta-llama/Llama-3.3-70B-Instruct").optional(),
    }).strict(),
    /**
     * Straight from Hugging Face: needs llm-breakeven:hfToken (gated models) and the CDN's address
     * ranges in selfHosted.egressAllowedCidrs (NetworkPolicies match addresses, not host names).
     */
    z.object({ kind: z.literal("huggingface") }).strict(),
]);
export type ModelSourceConfig = z.output<typeof modelSourceSchema>;

/**
 * Autoscaling bounds. The floor is nodesPerZone in every GPU zone (the N+1 floor at the declared
 * peak, which capacity-covers-workload checks); the ceiling is what the GPU budget pays for.
 */
export const autoscalingSchema = z.object({
    /**
     * The most the GPU node groups may cost per month with every group at its maximum, USD: the floor
     * at the stack's pricing plus burst nodes on demand. Sets each group's maxSize (cost/scaling.ts).
     */
    gpuCeilingMonthlyUsd: z.number().positive(),
    /** The time-to-first-token objective the queue threshold is derived from, seconds. Default 2 (the p95 TTFT alert's default). */
    ttftSloSeconds: z.number().positive().max(60).default(2),
}).strict();
export type AutoscalingConfig = z.output<typeof autoscalingSchema>;

export const selfHostedSchema = z.object({
    model: z.string().default("llama-3.3-70b-instruct"),
    precision: z.enum(PRECISIONS).default("bf16"),
    /** 8x A100 80GB by default; p4d.24xlarge (8x A100 40GB) only when the model fits in 40 GB GPUs. */
    instanceType: z.string().default("p4de.24xlarge"),
    /** How the nodes are paid for; reserved-1y prices the nodes at the catalogue's 1-year rate. */
    pricing: z.enum(["on-demand", "reserved-1y"]).default("on-demand"),
    /** EKS capacity type. CAPACITY_BLOCK needs `capacityReservationId`. */
    capacityType: z.enum(["ON_DEMAND", "CAPACITY_BLOCK"]).default("ON_DEMAND"),
    capacityReservationId: z.string().optional(),
    /** Availability zones the VPC and the GPU node groups span. */
    availabilityZones: z.number().int().min(1).max(6).default(3),
    /** GPU zones: the first N of the VPC's zones get a GPU node group. Default: 2 (the redundancy floor). */
    gpuZones: z.number().int().min(1).max(6).default(2),
    /** GPU nodes per GPU zone. */
    nodesPerZone: z.number().int().min(0).max(64).default(1),
    /** Require at least two GPU nodes across at least two zones. */
    redundancy: z.boolean().default(true),
    /** vLLM --tensor-parallel-size; default: decided by the capacity model. */
    tensorParallelSize: z.number().int().positive().optional(),
    maxModelLen: z.number().int().min(512).default(8192),
    maxNumSeqs: z.number().int().min(1).max(4096).default(256),
    /**
     * Latency targets per replica. Default none: the capacity model runs each replica at the largest
     * batch its memory and --max-num-seqs allow. With them, at the largest batch that meets them (and
     * --max-num-seqs is set to it).
     */
    slo: z.object({
        /** Time per output token, ms. */
        tpotMs: z.number().positive().optional(),
        /** Time to first token, ms (without queueing). */
        ttftMs: z.number().positive().optional(),
    }).strict().optional(),
    gpuMemoryUtilization: z.number().gt(0).max(0.98).default(0.9),
    rootVolumeSizeGiB: z.number().int().min(100).max(16384).default(500),
    /** vllm/vllm-openai image, pinned to a version tag or digest. Default: the release read in components/pins.ts. */
    vllmImage: z.string().regex(/^vllm\/vllm-openai(:v?\d+\.\d+\.\d+|@sha256:[a-f0-9]{64})$/, `must be vllm/vllm-openai pinned to a version (${PINS.vllmImage.value}) or a digest`).default(PINS.vllmImage.value),
    /** EKS Kubernetes minor. Default: components/pins.ts (its EKS support dates there). */
    kubernetesVersion: z.string().regex(/^1\.\d{2}$/).default(PINS.kubernetesVersion.value),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/).default("10.40.0.0/16"),
    systemInstanceType: z.string().default("m6i.large"),
    /** Where the weights come from. Default: Hugging Face (which then needs hfToken and egressAllowedCidrs). */
    modelSource: modelSourceSchema.default({ kind: "huggingface" }),
    /**
     * Hugging Face mode only: the public address ranges of the model source, the one thing the serving
     * namespace may reach besides DNS and the VPC endpoints. Default []. Must stay empty with an S3
     * mirror, whose ranges come from the region's managed prefix list at deploy time.
     */
    egressAllowedCidrs: z.array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/)).default([]),
    /** Expected internet egress through NAT per month, GB: Hugging Face model pulls, telemetry (an S3 mirror is reached through the VPC's gateway endpoint, off NAT). */
    egressGBPerMonth: z.number().min(0).default(300),
    /** Expose the EKS API endpoint publicly as well as privately. */
    publicApiEndpoint: z.boolean().default(false),
    /**
     * The internal HTTPS load balancer applications (or, in hybrid, the gateway) call (config/endpoint.ts).
     * Default: none: vLLM is reachable inside the cluster only (self-hosted), or over HTTP inside the VPC
     * (hybrid, outside production).
     */
    endpoint: endpointSchema.optional(),
    /** KEDA scales vLLM, Cluster Autoscaler the GPU node groups (components/selfHosted/autoscaling.ts). Default: none (fixed pools). */
    autoscaling: autoscalingSchema.optional(),
}).strict();

export const gatewaySchema = z.object({
    /**
     * LiteLLM proxy image by release tag (components/gateway/liteLLMRelease.ts: the release every
     * feature of the rendered config needs), plus `@sha256:<digest>` once resolved from the registry
     * (never typed from memory): a production `pulumi up` refuses an image without one, since a tag
     * can move (PyPI 1.82.7-1.82.8 were compromised in March 2026). Renovate keeps tag and digest current.
     */
    image: z.string().regex(/^ghcr\.io\/berriai\/litellm(-database)?:[\w.-]+(@sha256:[a-f0-9]{64})?$/, "must be ghcr.io/berriai/litellm:<release tag>, optionally @sha256:<64 hex> (a digest resolved from the registry)")
        .default(DEFAULT_LITELLM_IMAGE),
    availabilityZones: z.number().int().min(1).max(6).default(2),
    desiredCount: z.number().int().min(1).max(100).default(2),
    minCount: z.number().int().min(1).max(100).default(2),
    maxCount: z.number().int().min(1).max(200).default(6),
    /** Fargate task size. */
    cpu: z.number().int().default(1024),
    memoryMiB: z.number().int().default(2048),
    vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/).default("10.50.0.0/16"),
    /** ACM certificate for HTTPS on the load balancer; without one the listener is HTTP inside the VPC. */
    certificateArn: z.string().startsWith("arn:aws:acm:").optional(),
    /** Seconds the load balancer keeps an idle connection: long completions stream for minutes. */
    idleTimeoutSeconds: z.number().int().min(60).max(4000).default(600),
    waf: z.boolean().default(false),
    cache: z.object({
        nodeType: z.string().default("cache.t4g.medium"),
        /** Cache nodes (primary + replicas). 2+ gives a failover replica. */
        nodes: z.number().int().min(1).max(6).default(2),
        /** Cosine similarity above which a cached answer is served. */
        similarityThreshold: z.number().min(0.5).max(1).default(0.9),
        /**
         * LiteLLM's valkey-semantic response cache. Default true. LiteLLM's docs warn it is designed
         * for single-shot prompts and replays stale responses on multi-turn or agentic traffic: set
         * false for those workloads (Valkey then keeps only the router's shared state, and
         * workload.cacheHitRate must be 0).
         */
        semantic: z.boolean().default(true),
    }).strict().default({ nodeType: "cache.t4g.medium", nodes: 2, similarityThreshold: 0.9, semantic: true }),
    database: z.object({
        enabled: z.boolean().default(true),
        instanceClass: z.string().default("db.t4g.medium"),
        multiAz: z.boolean().default(false),
        allocatedStorageGiB: z.number().int().min(20).max(65536).default(20),
    }).strict().default({ enabled: true, instanceClass: "db.t4g.medium", multiAz: false, allocatedStorageGiB: 20 }),
    budgets: z.object({
        /** LiteLLM global max_budget per month, USD. */
        monthlyUsd: ranged(BUDGET_USD_RANGE),
        /** Per-provider monthly budgets (provider name -> USD). */
        perProviderMonthlyUsd: z.record(z.string(), ranged(BUDGET_USD_RANGE)).default({}),
    }).strict(),
    logRetentionDays: z.number().int().min(1).max(3653).default(30),
    /** Requests per month, for load balancer and WAF request charges. */
    requestsPerMonth: z.number().min(0).default(1_000_000),
}).strict();

export const overheadSchema = z.object({
    engineeringMonthlyUsd: ranged(OVERHEAD_USD_RANGE),
    monitoringMonthlyUsd: ranged(OVERHEAD_USD_RANGE),
    storageNetworkEgressMonthlyUsd: ranged(OVERHEAD_USD_RANGE),
}).strict();

export const EXEMPTION_KINDS = ["data-residency", "compliance", "fine-tuned-model", "amortized-gpus"] as const;

export const exemptionSchema = z.object({
    kind: z.enum(EXEMPTION_KINDS),
    reason: z.string().min(10, "must say why in at least 10 characters"),
    approvedBy: z.string().min(1),
    /** ISO date after which the exemption no longer applies. */
    expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be an ISO date such as 2027-06-30"),
    ticket: z.string().optional(),
}).strict();

const baseSchema = z.object({
    mode: z.enum(MODES),
    environment: z.enum(ENVIRONMENTS).default("production"),
    /** The AWS region: one with a price file in cost/prices/data/aws/ (README "Prices"). */
    region: z.string().default("us-east-1").refine((r) => unsupportedRegionReason(r) === undefined, {
        error: (i) => `"${String(i.input)}" has no AWS price data (supported: ${supportedRegions().join(", ")}); use one of those, or run \`llm-breakeven prices update --region ${String(i.input)}\` to add it`,
    }),
    workload: workloadSchema,
    selfHosted: selfHostedSchema.optional(),
    gateway: gatewaySchema.optional(),
    /** The seed's operational overhead by default ($3,500 + $200 + $400). */
    overhead: overheadSchema.default({ ...SEED_ASSUMPTIONS.overhead }),
    exemption: exemptionSchema.optional(),
}).strict();

export const stackConfigSchema = baseSchema.superRefine((config, ctx) =>
    checkCrossFields(config, (path, message, value) => ctx.addIssue({ code: "custom", path, message, input: value })));

export type StackConfig = z.output<typeof stackConfigSchema>;
export type Workload = z.output<typeof workloadSchema>;
export type SelfHostedConfig = z.output<typeof selfHostedSchema>;
export type GatewayConfig = z.output<typeof gatewaySchema>;
export type OverheadConfig = z.output<typeof overheadSchema>;
export type ExemptionConfig = z.output<typeof exemptionSchema>;
export type RoutingEntry = z.output<typeof routingEntry>;

/** The config keys the schema knows, for spotting typos in `llm-breakeven:*`. */
export const CONFIG_KEYS = ["mode", "environment", "region", "workload", "selfHosted", "gateway", "overhead", "exemption"] as const;

/** Collects one cross-field problem: its key path below the namespace, the message and the value. */
type Ctx = (path: Array<string | number>, message: string, value?: unknown) => void;

function issue(ctx: Ctx, path: Array<string | number>, message: string, value?: unknown): void {
    ctx(path, message, value);
}

function nearest(value: string, candidates: readonly string[], count = 3): string[] {
    return [...candidates].sort((a, b) => editDistance(value, a) - editDistance(value, b)).slice(0, count);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0] ?? 0;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j] ?? 0;
            row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length] ?? 0;
}

export function suggest(value: string, candidates: readonly string[]): string {
    return `did you mean ${nearest(value, candidates).map((c) => `"${c}"`).join(", ")}?`;
}

type PartialConfig = Partial<Pick<z.output<typeof baseSchema>, "mode" | "environment" | "workload" | "selfHosted" | "gateway">>;

function checkCrossFields(config: PartialConfig, ctx: Ctx, present = { selfHosted: config.selfHosted !== undefined, gateway: config.gateway !== undefined }): void {
    if (config.mode === undefined) return;
    const needsSelfHosted = config.mode === "self-hosted" || config.mode === "hybrid";
    const needsGateway = config.mode === "gateway" || config.mode === "hybrid";
    if (needsSelfHosted && !present.selfHosted) {
        issue(ctx, ["selfHosted"], `is required when mode is "${config.mode}": set llm-breakeven:selfHosted (an empty object takes every default)`);
    }
    if (needsGateway && !present.gateway) {
        issue(ctx, ["gateway"], `is required when mode is "${config.mode}": set llm-breakeven:gateway with at least budgets.monthlyUsd`);
    }
    const environment = config.environment ?? "production";
    if (config.selfHosted !== undefined && needsSelfHosted) {
        checkSelfHosted(config.selfHosted, environment, ctx);
        const endpoint = config.selfHosted.endpoint;
        if (endpoint !== undefined) checkEndpoint(endpoint, config.mode === "hybrid" ? "hybrid" : "self-hosted", ctx);
    }
    if (config.gateway !== undefined && needsGateway) checkGateway(config.gateway, environment, ctx);
    if (config.gateway?.cache.semantic === false && needsGateway && (config.workload?.cacheHitRate ?? 0) > 0) {
        issue(ctx, ["workload", "cacheHitRate"], `${config.workload?.cacheHitRate} needs the semantic cache, which llm-breakeven:gateway.cache.semantic turns off: set cacheHitRate to 0 or the cache back on`, config.workload?.cacheHitRate);
    }
    if (config.workload !== undefined) checkRouting(config.workload, config.mode, ctx);
}

function checkSelfHosted(s: SelfHostedConfig, environment: Environment, ctx: Ctx): void {
    const gpuTypes = Object.values(EC2_INSTANCE_TYPES).filter((t) => t.gpu !== undefined).map((t) => t.instanceType);
    const instance = EC2_INSTANCE_TYPES[s.instanceType];
    if (instance?.gpu === undefined) {
        issue(ctx, ["selfHosted", "instanceType"], `"${s.instanceType}" is not a GPU instance type in the catalogue; allowed: ${gpuTypes.join(", ")} (${suggest(s.instanceType, gpuTypes)})`, s.instanceType);
    }
    const model = OPEN_MODELS.get(s.model);
    if (model === undefined) {
        const ids = [...OPEN_MODELS.keys()];
        issue(ctx, ["selfHosted", "model"], `"${s.model}" is not a model in the catalogue; allowed: ${ids.join(", ")}`, s.model);
    }
    if (s.redundancy) {
        if (s.gpuZones < 2) issue(ctx, ["selfHosted", "gpuZones"], `${s.gpuZones} zone cannot be redundant: use at least 2, or set selfHosted.redundancy to false (not allowed in production)`, s.gpuZones);
    } else if (environment === "production") {
        issue(ctx, ["selfHosted", "redundancy"], "false is not allowed when environment is \"production\": production needs at least two GPU nodes across two zones", false);
    }
    if (!SERVABLE_PRECISIONS.includes(s.precision)) {
        issue(ctx, ["selfHosted", "precision"], `"${s.precision}" cannot be served: ${UNSERVABLE_PRECISION}; allowed: ${SERVABLE_PRECISIONS.join(", ")}`);
    }
    if (s.nodesPerZone < 1) {
        issue(ctx, ["selfHosted", "nodesPerZone"], `${s.nodesPerZone} GPU nodes per zone serves nothing: use at least 1`, s.nodesPerZone);
    }
    if (s.gpuZones > s.availabilityZones) {
        issue(ctx, ["selfHosted", "gpuZones"], `${s.gpuZones} must be <= selfHosted.availabilityZones (${s.availabilityZones})`, s.gpuZones);
    }
    if (s.modelSource.kind === "s3" && s.egressAllowedCidrs.length > 0) {
        issue(ctx, ["selfHosted", "egressAllowedCidrs"], `${JSON.stringify(s.egressAllowedCidrs)} must be empty when selfHosted.modelSource.kind is "s3": the pods reach S3 on the ranges of the region's S3 managed prefix list, read at deploy time; remove the key (hand-typed ranges drift and would open egress to more than the model source)`, s.egressAllowedCidrs);
    }
    if (s.capacityType === "CAPACITY_BLOCK" && s.capacityReservationId === undefined) {
        issue(ctx, ["selfHosted", "capacityReservationId"], "is required when capacityType is CAPACITY_BLOCK (a Capacity Block reservation id, cr-...)");
    }
    if (instance?.gpu !== undefined && model !== undefined) {
        const gpuCount = instance.gpu.count;
        if (s.tensorParallelSize !== undefined && gpuCount % s.tensorParallelSize !== 0) {
            const divisors = Array.from({ length: gpuCount }, (_, i) => i + 1).filter((d) => gpuCount % d === 0);
            issue(ctx, ["selfHosted", "tensorParallelSize"], `${s.tensorParallelSize} does not divide the ${gpuCount} GPUs of ${s.instanceType}; allowed: ${divisors.join(", ")}`, s.tensorParallelSize);
        }
        const span = s.tensorParallelSize !== undefined && gpuCount % s.tensorParallelSize === 0 ? s.tensorParallelSize : gpuCount;
        const fit = fitModel({ model, precision: s.precision, gpu: instance.gpu.id, gpusPerReplica: span, gpuMemoryUtilization: s.gpuMemoryUtilization });
        if (!fit.fits) {
            issue(ctx, ["selfHosted", s.tensorParallelSize !== undefined ? "tensorParallelSize" : "precision"],
                `${model.label} at ${s.precision} needs ${fit.weightsGB.toFixed(0)} GB of weights plus KV cache, but ${span}x ${GPUS[instance.gpu.id].label} at ${s.gpuMemoryUtilization} utilisation give ${fit.usableGB.toFixed(0)} GB: ${fitAdvice(s.precision, span, gpuCount)}`,
                s.tensorParallelSize ?? s.precision);
        }
    }
}

function checkGateway(g: GatewayConfig, environment: Environment, ctx: Ctx): void {
    if (g.minCount > g.maxCount) issue(ctx, ["gateway", "maxCount"], `(${g.maxCount}) must be >= gateway.minCount (${g.minCount})`, g.maxCount);
    if (g.desiredCount < g.minCount || g.desiredCount > g.maxCount) issue(ctx, ["gateway", "desiredCount"], `(${g.desiredCount}) must be between gateway.minCount (${g.minCount}) and gateway.maxCount (${g.maxCount})`, g.desiredCount);
    if (environment === "production") {
        if (g.minCount < 2) issue(ctx, ["gateway", "minCount"], `${g.minCount} is below the production floor of 2 tasks`, g.minCount);
        if (g.availabilityZones < 2) issue(ctx, ["gateway", "availabilityZones"], `${g.availabilityZones} is below the production floor of 2 zones`, g.availabilityZones);
    }
    const fargate: Record<number, [number, number]> = { 256: [512, 2048], 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720], 8192: [16384, 61440], 16384: [32768, 122880] };
    const range = fargate[g.cpu];
    if (range === undefined) {
        issue(ctx, ["gateway", "cpu"], `${g.cpu} is not a Fargate CPU size; allowed: ${Object.keys(fargate).join(", ")}`, g.cpu);
    } else if (g.memoryMiB < range[0] || g.memoryMiB > range[1]) {
        issue(ctx, ["gateway", "memoryMiB"], `${g.memoryMiB} is not allowed with cpu ${g.cpu}; allowed: ${range[0]}..${range[1]} MiB`, g.memoryMiB);
    }
}

function checkRouting(w: Workload, mode: Mode, ctx: Ctx): void {
    if (w.routing === undefined) {
        if (w.apiUsdPerMTok === undefined) {
            issue(ctx, ["workload", "apiUsdPerMTok"], "is required when workload.routing is not given: the API rate the self-hosted cost is compared with (USD per million tokens, e.g. 0.8 routed or 5 all-GPT-4o)");
        }
        if (mode !== "self-hosted") {
            issue(ctx, ["workload", "routing"], `is required when mode is "${mode}": the gateway routes by it (e.g. [{tier: simple, model: groq/llama-3.1-8b, share: 0.6}, ...])`);
        }
        return;
    }
    const total = w.routing.reduce((sum, r) => sum + r.share, 0);
    if (Math.abs(total - 1) > 1e-6) {
        issue(ctx, ["workload", "routing"], `shares sum to ${Number(total.toFixed(6))}; they must sum to 1 (adjust the share of each tier)`, w.routing.map((r) => r.share));
    }
    const seen = new Set<string>();
    w.routing.forEach((r, i) => {
        if (seen.has(r.tier)) issue(ctx, ["workload", "routing", i, "tier"], `"${r.tier}" appears twice: each tier once`, r.tier);
        seen.add(r.tier);
        if (r.model === SELF_HOSTED_ROUTE) {
            if (mode !== "hybrid") issue(ctx, ["workload", "routing", i, "model"], `"${SELF_HOSTED_ROUTE}" is only allowed when mode is "hybrid"; use a catalogue model id`, r.model);
        } else if (!API_MODELS.has(r.model)) {
            const ids = [...API_MODELS.keys()];
            issue(ctx, ["workload", "routing", i, "model"], `"${r.model}" is not an API model in the catalogue (${suggest(r.model, ids)}); allowed: ${ids.join(", ")}${mode === "hybrid" ? `, ${SELF_HOSTED_ROUTE}` : ""}`, r.model);
        }
    });
    if (mode === "hybrid" && !w.routing.some((r) => r.model === SELF_HOSTED_ROUTE)) {
        issue(ctx, ["workload", "routing"], `must send at least one tier to "${SELF_HOSTED_ROUTE}" when mode is "hybrid"`);
    }
}

/** Every problem with a stack's config, each naming its key, the value and what is allowed. */
export class ConfigError extends Error {
    /** `where`: the file or stack the config came from, when the reader knows it (`stacks/Pulumi.gateway-dev.yaml (stack gateway-dev)`). */
    constructor(readonly problems: readonly string[], readonly where?: string) {
        super(`${where !== undefined ? `${where}: invalid` : "Invalid"} llm-breakeven stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}

function describeValue(value: unknown): string {
    if (value === undefined) return "";
    const text = JSON.stringify(value);
    return ` (got ${text !== undefined && text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let node: unknown = raw;
    for (const key of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<PropertyKey, unknown>)[key];
    }
    return node;
}

export function formatIssues(error: z.ZodError, raw: unknown): string[] {
    return error.issues.map((i) => {
        const path = [NAMESPACE, ...i.path.map(String)];
        const key = `${path[0]}:${path.slice(1).join(".")}`;
        const value = valueAt(raw, i.path);
        if (i.code === "unrecognized_keys") {
            if (i.path.length === 0) {
                const allowed = [...CONFIG_KEYS, ...Object.values(SECRET_KEYS)];
                return i.keys.map((k) => `${NAMESPACE}:${k}: unknown config key (${suggest(k, allowed)}); allowed: ${allowed.join(", ")}`).join("\n  - ");
            }
            return `${key}: unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}; remove ${i.keys.length > 1 ? "them" : "it"} or check the spelling`;
        }
        if (i.code === "invalid_value") {
            return `${key}: ${JSON.stringify(value)} is not allowed; allowed: ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
        }
        if (i.code === "custom") return `${key}: ${i.message}`;
        return `${key}: ${i.message}${describeValue(value)}`;
    });
}

/**
 * Parses the raw `llm-breakeven:*` values (already JSON-decoded, keyed without the namespace).
 * Throws ConfigError listing every problem at once.
 */
export function parseStackConfig(raw: Record<string, unknown>): StackConfig {
    const result = stackConfigSchema.safeParse(raw);
    if (result.success) return result.data;
    // The cross-field checks only run on a structurally valid config; run them on the sections that
    // parse on their own, so one error lists every problem.
    const problems = formatIssues(result.error, raw);
    const section = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
        const parsed = schema.safeParse(value);
        return parsed.success ? parsed.data : undefined;
    };
    const partial: PartialConfig = {
        mode: section(baseSchema.shape.mode, raw["mode"]),
        environment: section(baseSchema.shape.environment, raw["environment"]),
        workload: section(workloadSchema, raw["workload"]),
        selfHosted: section(selfHostedSchema, raw["selfHosted"]),
        gateway: section(gatewaySchema, raw["gateway"]),
    };
    const structural = result.error.issues.some((i) => i.code !== "custom");
    if (structural) {
        checkCrossFields(partial, (path, message) => {
            const key = `${NAMESPACE}:${path.map(String).join(".")}`;
            const line = `${key}: ${message}`;
            if (!problems.includes(line)) problems.push(line);
        }, { selfHosted: raw["selfHosted"] !== undefined, gateway: raw["gateway"] !== undefined });
    }
    throw new ConfigError(problems);
}

/**
 * Reads the raw values from a flat Pulumi config map (`llm-breakeven:workload` -> JSON text),
 * as `pulumi.runtime.allConfig()` and the PULUMI_CONFIG environment variable give it.
 * Secret keys are skipped: they are read as secrets, elsewhere.
 */
export function rawConfigFromFlat(flat: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>(Object.values(SECRET_KEYS));
    for (const [fullKey, text] of Object.entries(flat)) {
        const [namespace, key] = splitKey(fullKey);
        if (namespace !== NAMESPACE || key === undefined || secretKeys.has(key)) continue;
        raw[key] = decode(text);
    }
    return raw;
}

function splitKey(fullKey: string): [string, string | undefined] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? [fullKey, undefined] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}

/** Config values are strings; objects and numbers arrive as JSON text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/** Convenience: parse a whole flat config map. */
export function parseFlatConfig(flat: Record<string, string>): StackConfig {
    const config = parseStackConfig(rawConfigFromFlat(flat));
    // The provider deploys to aws:region and the catalogue prices llm-breakeven:region: they must agree.
    const awsRegion = flat["aws:region"];
    if (awsRegion !== undefined && awsRegion !== config.region) {
        throw new ConfigError([`aws:region: "${awsRegion}" differs from ${NAMESPACE}:region "${config.region}": set both to the region the stack deploys to (supported: ${supportedRegions().join(", ")})`]);
    }
    return config;
}

/** A stack's llm-breakeven config as a consumer finds it: parsed, absent (no llm-breakeven keys), or invalid. */
export type StackConfigState =
    | { readonly kind: "parsed"; readonly config: StackConfig }
    | { readonly kind: "absent" }
    | { readonly kind: "invalid"; readonly problems: readonly string[] };

/** Reads a flat config map (the Pulumi CLI's PULUMI_CONFIG, a stack file, a preview's config) through the schema. */
export function readFlatConfig(flat: Readonly<Record<string, string>>): StackConfigState {
    if (!Object.keys(flat).some((k) => k.startsWith(`${NAMESPACE}:`))) return { kind: "absent" };
    try {
        return { kind: "parsed", config: parseFlatConfig({ ...flat }) };
    } catch (error) {
        if (error instanceof ConfigError) return { kind: "invalid", problems: error.problems };
        throw error;
    }
}

/** What would make a model fit: only the remedies this stack can take (a servable precision, a TP the node has room for). */
function fitAdvice(precision: Precision, span: number, gpuCount: number): string {
    const lower = SERVABLE_PRECISIONS.filter((p) => BYTES_PER_PARAMETER[p] < BYTES_PER_PARAMETER[precision]);
    const remedies = [
        ...(span < gpuCount ? [`a larger tensorParallelSize (up to ${gpuCount})`] : []),
        ...(lower.length > 0 ? [`a lower precision (${lower.join(", ")})`] : []),
        "a larger-memory instance type (p4de.24xlarge)",
    ];
    return `use ${remedies.join(", or ")}`;
}
