/**
 * The stack configuration's schema, under the `llm-breakeven` namespace: one zod schema per section,
 * and, through `stackConfigSchema`'s refinement, every cross-field rule config can break (rules.ts),
 * each stated once. Parsed once at the edge (config/stack.ts: index.ts, the policy pack, the CLI);
 * errors are worded by errors.ts. Downstream code takes the typed result, never raw config.
 *
 * Secrets (the Hugging Face token, provider API keys) are not part of this schema: they are read
 * with `config.getSecret` / `config.getSecretObject` so that they stay Pulumi secrets. Only which of
 * them are set reaches the schema (keys.ts SecretsPresent), for the rules that need one.
 */
import { z } from "zod";
import { BYTES_PER_PARAMETER, Precision, SEED_ASSUMPTIONS } from "../cost/catalogue";
import { parseTokenCount } from "../cost/units";
import { supportedRegions, unsupportedRegionReason } from "../cost/prices/store";
import { ROUTING_TIERS } from "../cost/gateway";
import { formatTokens } from "../cost/units";
import {
    BUDGET_USD_RANGE, CACHE_HIT_RATE_RANGE, INPUT_OUTPUT_RATIO_RANGE, OVERHEAD_USD_RANGE, PEAK_TO_AVERAGE_RANGE, Range, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, inRange,
} from "../cost/workload";
import { DEFAULT_LITELLM_IMAGE } from "../platform/liteLLMRelease";
import { PINS } from "../platform/pins";
import { endpointSchema } from "./endpoint";
import { checkCrossFields } from "./rules";
import type { SecretsPresent } from "./keys";
export { CONFIG_KEYS, NAMESPACE, SECRET_KEYS, secretKeysIn } from "./keys";
export type { SecretKey, SecretsPresent } from "./keys";


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
    /** vllm/vllm-openai image, pinned to a version tag or digest. Default: the release read in platform/pins.ts. */
    vllmImage: z.string().regex(/^vllm\/vllm-openai(:v?\d+\.\d+\.\d+|@sha256:[a-f0-9]{64})$/, `must be vllm/vllm-openai pinned to a version (${PINS.vllmImage.value}) or a digest`).default(PINS.vllmImage.value),
    /** EKS Kubernetes minor. Default: platform/pins.ts (its EKS support dates there). */
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
     * LiteLLM proxy image by release tag (platform/liteLLMRelease.ts: the release every
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

export const baseSchema = z.object({
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

/**
 * The whole schema: the sections and every cross-field rule (rules.ts). `secrets` is which secret keys
 * the stack sets (keys.ts SecretsPresent: presence only), for the rules that need a secret.
 */
export function stackConfigFor(secrets: SecretsPresent) {
    return baseSchema.superRefine((config, ctx) =>
        checkCrossFields(config, (path, message, value) => ctx.addIssue({ code: "custom", path, message, input: value }), secrets));
}

/** The schema for a caller that reads no secrets (the secret rules unchecked); its output is StackConfig. */
export const stackConfigSchema = stackConfigFor("unread");

export type StackConfig = z.output<typeof stackConfigSchema>;
export type Workload = z.output<typeof workloadSchema>;
export type SelfHostedConfig = z.output<typeof selfHostedSchema>;
export type GatewayConfig = z.output<typeof gatewaySchema>;
export type OverheadConfig = z.output<typeof overheadSchema>;
export type ExemptionConfig = z.output<typeof exemptionSchema>;
export type RoutingEntry = z.output<typeof routingEntry>;
