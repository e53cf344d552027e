/**
 * The price and fact catalogue: the one place every figure llm-breakeven uses is written down,
 * each with where it came from, for which region and when.
 *
 * Rules: a figure is typed once, in the unit its source quotes it in; everything else (monthly
 * from hourly, per-token from per-million) is derived by the functions in `units.ts`. AWS prices
 * are not typed here: they are read, per region, from cost/prices/data/aws/<region>.json, which
 * `llm-breakeven prices update` regenerates from AWS's public Price List (README "Prices"). What the
 * price list cannot give (the seed's quotes, other providers, API token prices, engine calibration)
 * stays typed below with its provenance.
 */
import { REFERENCE_REGION } from "./prices/aws";
import { ec2OnDemandHourly, ec2Reserved1yHourly } from "./prices/lookup";

// The AWS service prices (per region, from cost/prices/data/aws/) live beside their data; re-exported
// here so that every price is still found through the catalogue.
export {
    AWS_SERVICES, awsServicePrice, DATA_TRANSFER_OUT_TIERS, ELASTICACHE_NODES, RDS_GP3_GB_MONTH, RDS_POSTGRES_INSTANCES, REFERENCE_REGION, VALKEY_PRICE_FACTOR,
} from "./prices/aws";
export type { AwsServiceKey, ServicePrice } from "./prices/aws";

export interface Provenance {
    /** Where the figure was read: a page, a dataset, a paper or the seed article. */
    readonly source: string;
    /** The region the figure applies to, or "global" for provider list prices. */
    readonly region: string;
    /** When the source was read or published (ISO date, or YYYY-MM when only the month is known). */
    readonly date: string;
    /** "low" where the source is a secondary price table rather than the provider's own page. */
    readonly confidence?: "high" | "low";
}

/** A price in the unit its source quotes it in. */
export interface QuotedPrice {
    readonly usd: number;
    readonly per: "hour" | "month";
}

// ---------------------------------------------------------------------------------------------
// Provenance shorthands (each names a source once).
// ---------------------------------------------------------------------------------------------

const SEED: Provenance = {
    source: "NeuralRouting, 'When Is Self-Hosting LLMs Cheaper Than the API? The 2026 Break-Even Analysis' (docs/sources.md §1)",
    region: "as quoted",
    date: "2026-03-26",
};
const VENDOR = (vendor: string): Provenance => ({ source: `${vendor} pricing page, as stored 2025-2026`, region: "global", date: "2026" });

// ---------------------------------------------------------------------------------------------
// GPUs
// ---------------------------------------------------------------------------------------------

export type GpuId = "a100-40gb" | "a100-80gb" | "h100-80gb" | "h200-141gb" | "a10g-24gb" | "l40s-48gb";

export interface GpuSpec {
    readonly id: GpuId;
    readonly label: string;
    readonly memoryGB: number;
    /** Peak HBM bandwidth per GPU, terabytes per second. */
    readonly memoryBandwidthTBps: number;
    /** Dense BF16 tensor throughput per GPU, teraFLOP/s. */
    readonly bf16Tflops: number;
    /** Whether the GPU has FP8 tensor units (A100 has none: FP8 weights run as emulated W8A16). */
    readonly fp8: boolean;
    readonly provenance: Provenance;
}

const NVIDIA_DATASHEET = (gpu: string): Provenance => ({ source: `NVIDIA ${gpu} datasheet; bandwidth as in docs/sources.md §6`, region: "global", date: "2024" });

export const GPUS: Readonly<Record<GpuId, GpuSpec>> = {
    "a100-40gb": { id: "a100-40gb", label: "A100 40GB", memoryGB: 40, memoryBandwidthTBps: 1.555, bf16Tflops: 312, fp8: false, provenance: NVIDIA_DATASHEET("A100") },
    "a100-80gb": { id: "a100-80gb", label: "A100 80GB", memoryGB: 80, memoryBandwidthTBps: 2.039, bf16Tflops: 312, fp8: false, provenance: NVIDIA_DATASHEET("A100") },
    "h100-80gb": { id: "h100-80gb", label: "H100 80GB SXM", memoryGB: 80, memoryBandwidthTBps: 3.35, bf16Tflops: 989, fp8: true, provenance: NVIDIA_DATASHEET("H100") },
    "h200-141gb": { id: "h200-141gb", label: "H200 141GB", memoryGB: 141, memoryBandwidthTBps: 4.8, bf16Tflops: 989, fp8: true, provenance: NVIDIA_DATASHEET("H200") },
    "a10g-24gb": { id: "a10g-24gb", label: "A10G 24GB", memoryGB: 24, memoryBandwidthTBps: 0.6, bf16Tflops: 70, fp8: false, provenance: NVIDIA_DATASHEET("A10G") },
    "l40s-48gb": { id: "l40s-48gb", label: "L40S 48GB", memoryGB: 48, memoryBandwidthTBps: 0.864, bf16Tflops: 362, fp8: true, provenance: NVIDIA_DATASHEET("L40S") },
};

// ---------------------------------------------------------------------------------------------
// EC2 instance types that can carry a GPU workload, and the non-GPU ones the stacks use.
// ---------------------------------------------------------------------------------------------

export interface Ec2InstanceType {
    readonly instanceType: string;
    readonly vcpu: number;
    readonly memoryGiB: number;
    /** Absent for CPU-only instance types. */
    readonly gpu?: { readonly id: GpuId; readonly count: number };
    /** On-demand Linux price in REFERENCE_REGION. Absent means "known type, no sourced price": pricing it fails closed. */
    readonly onDemand?: QuotedPrice & { readonly provenance: Provenance };
}

/**
 * Specs (not prices) of the EC2 types the stacks can use: vCPUs, memory and GPUs as instances.vantage.sh
 * lists them (tsaol/aws-gpu data/*_instances.js, commit 77fcd9fe, 2026-01-21). A GPU type is listed when
 * its GPU is in GPUS; the prices come from the region files.
 */
const EC2_SPECS: Readonly<Record<string, Omit<Ec2InstanceType, "instanceType" | "onDemand">>> = {
    "p4d.24xlarge": { vcpu: 96, memoryGiB: 1152, gpu: { id: "a100-40gb", count: 8 } },
    "p4de.24xlarge": { vcpu: 96, memoryGiB: 1152, gpu: { id: "a100-80gb", count: 8 } },
    "p5.4xlarge": { vcpu: 16, memoryGiB: 256, gpu: { id: "h100-80gb", count: 1 } },
    "p5.48xlarge": { vcpu: 192, memoryGiB: 2048, gpu: { id: "h100-80gb", count: 8 } },
    "p5e.48xlarge": { vcpu: 192, memoryGiB: 2048, gpu: { id: "h200-141gb", count: 8 } },
    "p5en.48xlarge": { vcpu: 192, memoryGiB: 2048, gpu: { id: "h200-141gb", count: 8 } },
    "g5.xlarge": { vcpu: 4, memoryGiB: 16, gpu: { id: "a10g-24gb", count: 1 } },
    "g5.2xlarge": { vcpu: 8, memoryGiB: 32, gpu: { id: "a10g-24gb", count: 1 } },
    "g5.4xlarge": { vcpu: 16, memoryGiB: 64, gpu: { id: "a10g-24gb", count: 1 } },
    "g5.8xlarge": { vcpu: 32, memoryGiB: 128, gpu: { id: "a10g-24gb", count: 1 } },
    "g5.12xlarge": { vcpu: 48, memoryGiB: 192, gpu: { id: "a10g-24gb", count: 4 } },
    "g5.16xlarge": { vcpu: 64, memoryGiB: 256, gpu: { id: "a10g-24gb", count: 1 } },
    "g5.24xlarge": { vcpu: 96, memoryGiB: 384, gpu: { id: "a10g-24gb", count: 4 } },
    "g5.48xlarge": { vcpu: 192, memoryGiB: 768, gpu: { id: "a10g-24gb", count: 8 } },
    "g6e.xlarge": { vcpu: 4, memoryGiB: 32, gpu: { id: "l40s-48gb", count: 1 } },
    "g6e.2xlarge": { vcpu: 8, memoryGiB: 64, gpu: { id: "l40s-48gb", count: 1 } },
    "g6e.4xlarge": { vcpu: 16, memoryGiB: 128, gpu: { id: "l40s-48gb", count: 1 } },
    "g6e.8xlarge": { vcpu: 32, memoryGiB: 256, gpu: { id: "l40s-48gb", count: 1 } },
    "g6e.12xlarge": { vcpu: 48, memoryGiB: 384, gpu: { id: "l40s-48gb", count: 4 } },
    "g6e.16xlarge": { vcpu: 64, memoryGiB: 512, gpu: { id: "l40s-48gb", count: 1 } },
    "g6e.24xlarge": { vcpu: 96, memoryGiB: 768, gpu: { id: "l40s-48gb", count: 4 } },
    "g6e.48xlarge": { vcpu: 192, memoryGiB: 1536, gpu: { id: "l40s-48gb", count: 8 } },
    // System node group (cluster add-ons).
    "m6i.large": { vcpu: 2, memoryGiB: 8 },
    "m6i.xlarge": { vcpu: 4, memoryGiB: 16 },
    "m7i.large": { vcpu: 2, memoryGiB: 8 },
};

export const EC2_INSTANCE_TYPES: Readonly<Record<string, Ec2InstanceType>> = Object.fromEntries(Object.entries(EC2_SPECS).map(([instanceType, spec]) => {
    const price = ec2OnDemandHourly(REFERENCE_REGION, instanceType);
    const onDemand = price === undefined ? {} : { onDemand: { usd: price.hourlyUsd, per: "hour" as const, provenance: price.provenance } };
    return [instanceType, { instanceType, ...spec, ...onDemand }];
}));

/**
 * 1-year standard reserved instances, no upfront, in REFERENCE_REGION, as the fraction below on-demand
 * (p4d/p4de ~36.6%). Only the types whose region file has a reserved rate are listed.
 */
export const RESERVED_1Y_DISCOUNT: Readonly<Record<string, { readonly fraction: number; readonly provenance: Provenance }>> = Object.fromEntries(
    Object.values(EC2_INSTANCE_TYPES).flatMap((t) => {
        const reserved = ec2Reserved1yHourly(REFERENCE_REGION, t.instanceType);
        return reserved === undefined || t.onDemand === undefined ? [] : [[t.instanceType, { fraction: 1 - reserved.hourlyUsd / t.onDemand.usd, provenance: reserved.provenance }]];
    }),
);

// ---------------------------------------------------------------------------------------------
// GPU node offers: what one 8-GPU node costs, from each provider the seed and docs/sources.md name.
// ---------------------------------------------------------------------------------------------

export type OfferPricing = "on-demand" | "reserved-1y" | "spot" | "marketplace" | "as-quoted";

export interface GpuOffer {
    readonly id: string;
    readonly provider: "aws" | "lambda" | "runpod" | "vast" | "coreweave";
    readonly label: string;
    readonly gpu: GpuId;
    readonly gpuCount: number;
    readonly pricing: OfferPricing;
    /** For AWS offers: the EC2 instance type (prices then come from EC2_INSTANCE_TYPES). */
    readonly instanceType?: string;
    /** Node price as quoted, or per GPU-hour (multiplied by gpuCount) for per-GPU quotes. */
    readonly price: QuotedPrice | { readonly usdPerGpuHour: number };
    readonly provenance: Provenance;
}

const awsOffer = (instanceType: string, pricing: "on-demand" | "reserved-1y"): GpuOffer => {
    const type = EC2_INSTANCE_TYPES[instanceType];
    if (type?.gpu === undefined || type.onDemand === undefined) throw new Error(`catalogue: ${instanceType} has no GPU or no price`);
    const discount = RESERVED_1Y_DISCOUNT[instanceType];
    if (pricing === "reserved-1y" && discount === undefined) throw new Error(`catalogue: ${instanceType} has no sourced reserved discount`);
    const usd = pricing === "on-demand" ? type.onDemand.usd : type.onDemand.usd * (1 - (discount?.fraction ?? 0));
    return {
        id: `aws-${instanceType}-${pricing}`,
        provider: "aws",
        label: `AWS ${instanceType} (${type.gpu.count}x ${GPUS[type.gpu.id].label}), ${pricing}`,
        gpu: type.gpu.id,
        gpuCount: type.gpu.count,
        pricing,
        instanceType,
        price: { usd, per: type.onDemand.per },
        provenance: pricing === "on-demand" ? type.onDemand.provenance : (discount?.provenance ?? type.onDemand.provenance),
    };
};

const OFFER_LIST: readonly GpuOffer[] = [
    // The seed article's four options, in the unit it quotes (per month).
    { id: "lambda-8xa100-seed", provider: "lambda", label: "Lambda Labs 8x A100 80GB (seed)", gpu: "a100-80gb", gpuCount: 8, pricing: "as-quoted", price: { usd: 7920, per: "month" }, provenance: SEED },
    { id: "aws-p4d-seed", provider: "aws", label: "AWS p4d.24xlarge as quoted by the seed (~1-year reserved rate)", gpu: "a100-40gb", gpuCount: 8, pricing: "as-quoted", instanceType: "p4d.24xlarge", price: { usd: 9800, per: "month" }, provenance: SEED },
    { id: "vast-8xa100-seed-low", provider: "vast", label: "Vast.ai 8x A100 spot, low end (seed)", gpu: "a100-80gb", gpuCount: 8, pricing: "spot", price: { usd: 3200, per: "month" }, provenance: SEED },
    { id: "vast-8xa100-seed-high", provider: "vast", label: "Vast.ai 8x A100 spot, high end (seed)", gpu: "a100-80gb", gpuCount: 8, pricing: "spot", price: { usd: 5500, per: "month" }, provenance: SEED },
    { id: "runpod-8xa100-secure-seed", provider: "runpod", label: "RunPod secure 8x A100 (seed)", gpu: "a100-80gb", gpuCount: 8, pricing: "as-quoted", price: { usd: 5600, per: "month" }, provenance: SEED },
    // Current AWS list and reserved prices.
    awsOffer("p4d.24xlarge", "on-demand"),
    awsOffer("p4d.24xlarge", "reserved-1y"),
    awsOffer("p4de.24xlarge", "on-demand"),
    awsOffer("p4de.24xlarge", "reserved-1y"),
    awsOffer("p5.48xlarge", "on-demand"),
    awsOffer("p5en.48xlarge", "on-demand"),
    // Current per-GPU-hour figures for 8x A100 80GB elsewhere (docs/sources.md §4).
    { id: "lambda-8xa100", provider: "lambda", label: "Lambda 8x A100 80GB", gpu: "a100-80gb", gpuCount: 8, pricing: "on-demand", price: { usdPerGpuHour: 2.79 }, provenance: { source: "lambda.ai/instances", region: "global", date: "2026-09" } },
    { id: "runpod-8xa100-secure", provider: "runpod", label: "RunPod secure cloud 8x A100 80GB", gpu: "a100-80gb", gpuCount: 8, pricing: "on-demand", price: { usdPerGpuHour: 1.79 }, provenance: { source: "RunPod pricing page", region: "global", date: "2026-11" } },
    { id: "runpod-8xa100-community", provider: "runpod", label: "RunPod community cloud 8x A100 80GB", gpu: "a100-80gb", gpuCount: 8, pricing: "marketplace", price: { usdPerGpuHour: 1.39 }, provenance: { source: "RunPod pricing page", region: "global", date: "2026-11" } },
    { id: "vast-8xa100-median-low", provider: "vast", label: "Vast.ai 8x A100 80GB marketplace median, low", gpu: "a100-80gb", gpuCount: 8, pricing: "marketplace", price: { usdPerGpuHour: 1.14 }, provenance: { source: "Vast.ai marketplace (moved 50% in a day)", region: "global", date: "2026-10", confidence: "low" } },
    { id: "vast-8xa100-median-high", provider: "vast", label: "Vast.ai 8x A100 80GB marketplace median, high", gpu: "a100-80gb", gpuCount: 8, pricing: "marketplace", price: { usdPerGpuHour: 1.70 }, provenance: { source: "Vast.ai marketplace (moved 50% in a day)", region: "global", date: "2026-10", confidence: "low" } },
    { id: "coreweave-8xa100", provider: "coreweave", label: "CoreWeave 8x A100 80GB", gpu: "a100-80gb", gpuCount: 8, pricing: "on-demand", price: { usdPerGpuHour: 2.70 }, provenance: { source: "CoreWeave pricing page", region: "global", date: "2026-07", confidence: "low" } },
];

export const GPU_OFFERS: ReadonlyMap<string, GpuOffer> = new Map(OFFER_LIST.map((o) => [o.id, o]));

// ---------------------------------------------------------------------------------------------
// Managed API models (USD per million tokens).
// ---------------------------------------------------------------------------------------------

export type ApiTier = "cheap" | "mid" | "frontier";

export interface ApiModel {
    readonly id: string;
    readonly provider: string;
    /** The model id LiteLLM expects (`provider/model`). */
    readonly litellmModel: string;
    readonly label: string;
    readonly tier: ApiTier;
    readonly inputUsdPerMTok: number;
    readonly outputUsdPerMTok: number;
    readonly provenance: Provenance;
}

const api = (id: string, litellmModel: string, label: string, tier: ApiTier, inputUsdPerMTok: number, outputUsdPerMTok: number, vendor: string): ApiModel => ({
    id, provider: id.split("/")[0] ?? id, litellmModel, label, tier, inputUsdPerMTok, outputUsdPerMTok, provenance: VENDOR(vendor),
});

const API_LIST: readonly ApiModel[] = [
    api("openai/gpt-4o", "openai/gpt-4o", "GPT-4o", "frontier", 2.5, 10, "OpenAI"),
    api("openai/gpt-4o-mini", "openai/gpt-4o-mini", "GPT-4o mini", "cheap", 0.15, 0.6, "OpenAI"),
    api("openai/gpt-4.1", "openai/gpt-4.1", "GPT-4.1", "frontier", 2, 8, "OpenAI"),
    api("openai/gpt-4.1-mini", "openai/gpt-4.1-mini", "GPT-4.1 mini", "mid", 0.4, 1.6, "OpenAI"),
    api("openai/gpt-4.1-nano", "openai/gpt-4.1-nano", "GPT-4.1 nano", "cheap", 0.1, 0.4, "OpenAI"),
    api("anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4-5", "Claude Sonnet 4.x", "frontier", 3, 15, "Anthropic"),
    api("anthropic/claude-haiku-4.5", "anthropic/claude-haiku-4-5", "Claude Haiku 4.5", "mid", 1, 5, "Anthropic"),
    api("gemini/gemini-2.0-flash", "gemini/gemini-2.0-flash", "Gemini 2.0 Flash", "cheap", 0.1, 0.4, "Google"),
    api("gemini/gemini-2.5-flash", "gemini/gemini-2.5-flash", "Gemini 2.5 Flash", "mid", 0.3, 2.5, "Google"),
    api("groq/llama-3.1-8b", "groq/llama-3.1-8b-instant", "Llama 3.1 8B on Groq", "cheap", 0.05, 0.08, "Groq"),
    api("deepinfra/llama-3.1-8b", "deepinfra/meta-llama/Meta-Llama-3.1-8B-Instruct", "Llama 3.1 8B on DeepInfra", "cheap", 0.03, 0.05, "DeepInfra"),
    api("together/llama-3.1-8b", "together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "Llama 3.1 8B on Together", "cheap", 0.18, 0.18, "Together"),
    api("fireworks/llama-3.1-8b", "fireworks_ai/accounts/fireworks/models/llama-v3p1-8b-instruct", "Llama 3.1 8B on Fireworks", "cheap", 0.2, 0.2, "Fireworks"),
    api("groq/llama-3.3-70b", "groq/llama-3.3-70b-versatile", "Llama 3.3 70B on Groq", "mid", 0.59, 0.79, "Groq"),
    api("together/llama-3.3-70b", "together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo", "Llama 3.3 70B on Together", "mid", 0.88, 0.88, "Together"),
    api("fireworks/llama-3.3-70b", "fireworks_ai/accounts/fireworks/models/llama-v3p3-70b-instruct", "Llama 3.3 70B on Fireworks", "mid", 0.9, 0.9, "Fireworks"),
    api("deepinfra/llama-3.3-70b", "deepinfra/meta-llama/Llama-3.3-70B-Instruct", "Llama 3.3 70B on DeepInfra", "mid", 0.13, 0.4, "DeepInfra"),
];

export const API_MODELS: ReadonlyMap<string, ApiModel> = new Map(API_LIST.map((m) => [m.id, m]));

// ---------------------------------------------------------------------------------------------
// Open models that can be self-hosted.
// ---------------------------------------------------------------------------------------------

export type Precision = "bf16" | "fp16" | "fp8" | "int8" | "int4";

export const BYTES_PER_PARAMETER: Readonly<Record<Precision, number>> = { bf16: 2, fp16: 2, fp8: 1, int8: 1, int4: 0.5 };

/**
 * Precisions vLLM serves from a model's published checkpoint (fp8 quantized as it loads). int8 and
 * int4 need a pre-quantized (GPTQ/AWQ) checkpoint the catalogue does not name: the engine can still
 * estimate them, a stack cannot deploy them.
 */
export const SERVABLE_PRECISIONS: readonly Precision[] = ["bf16", "fp16", "fp8"];
/** Why a precision outside SERVABLE_PRECISIONS cannot be deployed. */
export const UNSERVABLE_PRECISION = "it needs a pre-quantized (GPTQ/AWQ) checkpoint, which the catalogue does not name";

export interface OpenModel {
    readonly id: string;
    /** Hugging Face repository vLLM serves. */
    readonly huggingFaceId: string;
    readonly label: string;
    readonly parameters: number;
    readonly layers: number;
    readonly kvHeads: number;
    readonly headDim: number;
    readonly maxContextTokens: number;
    readonly provenance: Provenance;
}

const HF_CONFIG = (repo: string): Provenance => ({ source: `Hugging Face ${repo} config.json`, region: "global", date: "2024-12" });

const OPEN_MODEL_LIST: readonly OpenModel[] = [
    { id: "llama-3.3-70b-instruct", huggingFaceId: "meta-llama/Llama-3.3-70B-Instruct", label: "Llama 3.3 70B Instruct", parameters: 70.6e9, layers: 80, kvHeads: 8, headDim: 128, maxContextTokens: 131072, provenance: HF_CONFIG("meta-llama/Llama-3.3-70B-Instruct") },
    { id: "llama-3.1-70b-instruct", huggingFaceId: "meta-llama/Llama-3.1-70B-Instruct", label: "Llama 3.1 70B Instruct", parameters: 70.6e9, layers: 80, kvHeads: 8, headDim: 128, maxContextTokens: 131072, provenance: HF_CONFIG("meta-llama/Llama-3.1-70B-Instruct") },
    { id: "llama-3.1-8b-instruct", huggingFaceId: "meta-llama/Llama-3.1-8B-Instruct", label: "Llama 3.1 8B Instruct", parameters: 8.03e9, layers: 32, kvHeads: 8, headDim: 128, maxContextTokens: 131072, provenance: HF_CONFIG("meta-llama/Llama-3.1-8B-Instruct") },
];

export const OPEN_MODELS: ReadonlyMap<string, OpenModel> = new Map(OPEN_MODEL_LIST.map((m) => [m.id, m]));

// ---------------------------------------------------------------------------------------------
// The seed article's other assumptions, kept as data so the `seed` preset reproduces it exactly.
// ---------------------------------------------------------------------------------------------

export const SEED_ASSUMPTIONS = {
    offerId: "lambda-8xa100-seed",
    nodes: 2,
    overhead: {
        /** 20% of a $150-250k/yr fully loaded ML infra engineer, as the seed rounds it. */
        engineeringMonthlyUsd: 3500,
        monitoringMonthlyUsd: 200,
        storageNetworkEgressMonthlyUsd: 400,
    },
    tokensPerMonth: 500e6,
    routedUsdPerMTok: 0.8,
    unroutedUsdPerMTok: 5,
    /** The seed's "cheap hosted models" range. */
    cheapHostedUsdPerMTok: { low: 0.06, high: 0.12 },
    model: "llama-3.3-70b-instruct",
    precision: "bf16" as Precision,
    provenance: SEED,
} as const;

/** The seed's decision thresholds on monthly API spend (with routing). */
export const DECISION_THRESHOLDS = {
    stayManagedBelowMonthlyUsd: 20_000,
    hybridAnalysisAboveMonthlyUsd: 80_000,
    provenance: SEED,
} as const;

// The capacity model's measurements and fitted constants live in cost/data/vllm-runs.json and
// cost/data/capacity-fit.json; its hardware facts in cost/capacity/specs.ts.

// ---------------------------------------------------------------------------------------------
// Embedding models (USD per million input tokens): the gateway's semantic cache embeds every prompt.
// ---------------------------------------------------------------------------------------------

export interface EmbeddingModel {
    readonly id: string;
    /** The model id LiteLLM expects (`provider/model`). */
    readonly litellmModel: string;
    readonly label: string;
    /** Embeddings bill input tokens only. */
    readonly inputUsdPerMTok: number;
    readonly provenance: Provenance;
}

const EMBEDDING_LIST: readonly EmbeddingModel[] = [
    // Not in docs/sources.md: OpenAI's list price for text-embedding-3-small, read from its pricing page.
    { id: "openai/text-embedding-3-small", litellmModel: "openai/text-embedding-3-small", label: "OpenAI text-embedding-3-small", inputUsdPerMTok: 0.02, provenance: VENDOR("OpenAI") },
];

export const EMBEDDING_MODELS: ReadonlyMap<string, EmbeddingModel> = new Map(EMBEDDING_LIST.map((m) => [m.id, m]));
