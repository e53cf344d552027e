/**
 * A stack as the engine sees it, and the stack's estimate.
 *
 * The engine takes typed values (StackInputs: what config/stack.ts's StackConfig holds, with the
 * self-hosted section resolved to the schema's defaults by config/scenario.ts); this module is the
 * one place that knows how a stack's `llm-breakeven:*` settings map onto a Scenario:
 *  - the self-hosted offer is `aws-<instanceType>-<pricing>` from the catalogue (unpriced: fail closed);
 *  - the configured nodes are gpuZones x nodesPerZone;
 *  - the API rate is workload.apiUsdPerMTok, else the routing mix's blended rate over its API models;
 *  - in hybrid mode the GPUs serve only the tiers routed to `self-hosted`; those tokens are compared
 *    with the cheapest hosted copy of the same open model (what they would cost at an API).
 *
 * It also carries the functions the policy pack asks the engine (policies/lib/engine.ts):
 * apiSpend, capacityFor, selfHostedAlternative (and breakEven.ts's breakEvenTokensPerMonth).
 */
import { API_MODELS, EC2_INSTANCE_TYPES, GPU_OFFERS, GpuId, GpuOffer, OPEN_MODELS, OpenModel, Precision } from "./catalogue";
import { capacityAwareBreakEven } from "./breakEven";
import { EngineId, LatencySlo, NodeCapacity, SECONDS_PER_MONTH, engineForImage, nodeCapacity, nodesNeeded } from "./capacity";
import { ConfigError } from "./errors";
import { Estimate, Scenario, estimate } from "./estimate";
import { Overhead, overheadMonthlyUsd } from "./selfHosted";
import { offerMonthlyUsd, TOKENS_PER_MTOK } from "./units";
import { allFrontierRate, apiModel, apiMonthlyUsd, blendedUsdPerMTok, routedUsdPerMTok } from "./workload";
import { SELF_HOSTED_ROUTE } from "./gateway";

export type Mode = "self-hosted" | "gateway" | "hybrid";

/** The workload as the engine reads it (config/stack.ts's Workload, defaults applied). */
export interface Workload {
    readonly tokensPerMonth: number;
    readonly inputOutputRatio: number;
    readonly peakToAverage: number;
    readonly cacheHitRate: number;
    readonly residencyRequired: boolean;
    /** Share of tokens per model (`self-hosted`: the stack's own vLLM endpoint). */
    readonly routing?: readonly { readonly model: string; readonly share: number }[] | undefined;
    readonly apiUsdPerMTok?: number | undefined;
}

/** The self-hosted deployment as the engine reads it (config/stack.ts's SelfHostedConfig). */
export interface SelfHostedInputs {
    readonly model: string;
    readonly precision: Precision;
    readonly instanceType: string;
    readonly pricing: "on-demand" | "reserved-1y";
    readonly gpuZones: number;
    readonly nodesPerZone: number;
    readonly redundancy: boolean;
    readonly vllmImage: string;
    readonly maxNumSeqs: number;
    readonly gpuMemoryUtilization: number;
    readonly tensorParallelSize?: number | undefined;
    readonly slo?: LatencySlo | undefined;
}

/** A stack as the engine reads it: its config, with the self-hosted section (or the schema's defaults) resolved. */
export interface StackInputs {
    readonly mode: Mode;
    readonly environment: string;
    readonly region: string;
    readonly workload: Workload;
    /** The stack's self-hosted section, or the deployment a gateway stack is compared with. */
    readonly selfHosted: SelfHostedInputs;
    readonly overhead: Overhead;
}


/** The catalogue offer a self-hosted section prices its nodes at; fails closed when it has none. */
export function offerFor(selfHosted: Pick<SelfHostedInputs, "instanceType" | "pricing">): GpuOffer {
    const id = `aws-${selfHosted.instanceType}-${selfHosted.pricing}`;
    const offer = GPU_OFFERS.get(id);
    if (offer === undefined) {
        const priced = [...GPU_OFFERS.values()].filter((o) => o.provider === "aws" && o.instanceType !== undefined && o.pricing === selfHosted.pricing).map((o) => o.instanceType);
        throw new ConfigError([
            `llm-breakeven:selfHosted.instanceType: "${selfHosted.instanceType}" has no ${selfHosted.pricing} price in the catalogue (no offer "${id}"), so the stack cannot be priced; use one of ${priced.join(", ")}${selfHosted.pricing === "reserved-1y" ? ", or pricing on-demand" : ""}, or add the price with its source to cost/catalogue.ts`,
        ]);
    }
    return offer;
}

function openModelOf(selfHosted: SelfHostedInputs): OpenModel {
    const model = OPEN_MODELS.get(selfHosted.model);
    if (model === undefined) throw new ConfigError([`llm-breakeven:selfHosted.model: "${selfHosted.model}" is not a model in the catalogue; allowed: ${[...OPEN_MODELS.keys()].join(", ")}`]);
    return model;
}

/**
 * What the self-hosted tier's tokens would cost at an API: the cheapest hosted copy of the same open
 * model (self-hosting has to beat the cheapest provider of what it serves).
 */
export function hostedEquivalent(modelId: string, inputOutputRatio: number): { readonly usdPerMTok: number; readonly basis: string } {
    const stem = modelId.replace(/-instruct$/, "");
    const copies = [...API_MODELS.values()].filter((m) => m.id.split("/")[1] === stem);
    const cheapest = copies.map((m) => ({ m, usd: blendedUsdPerMTok(m, inputOutputRatio) })).sort((a, b) => a.usd - b.usd)[0];
    if (cheapest === undefined) {
        throw new ConfigError([`llm-breakeven:workload.apiUsdPerMTok: is required for a hybrid stack serving "${modelId}": the catalogue has no hosted copy of it to price the self-hosted tier against`]);
    }
    return { usdPerMTok: cheapest.usd, basis: `the cheapest hosted copy of ${modelId}: ${cheapest.m.label} at ${inputOutputRatio}:1 (of ${copies.map((c) => c.id).join(", ")})` };
}

/** Share of the tokens the routing sends to the stack's own vLLM endpoint. */
function selfHostedShareOf(workload: Workload): number {
    return (workload.routing ?? []).filter((r) => r.model === SELF_HOSTED_ROUTE).reduce((sum, r) => sum + r.share, 0);
}

function apiEntries(workload: Workload): { model: string; share: number }[] {
    return (workload.routing ?? []).filter((r) => r.model !== SELF_HOSTED_ROUTE);
}

/** The rate of the tokens that go to APIs: the given rate, else the routing mix over its API models. */
function apiTierRate(workload: Workload): { readonly usdPerMTok: number; readonly basis: string } | undefined {
    if (workload.apiUsdPerMTok !== undefined) return { usdPerMTok: workload.apiUsdPerMTok, basis: "llm-breakeven:workload.apiUsdPerMTok, given directly" };
    const entries = apiEntries(workload);
    if (entries.length === 0 || entries.every((e) => e.share === 0)) return undefined;
    return {
        usdPerMTok: routedUsdPerMTok(entries, workload.inputOutputRatio),
        basis: `routing mix ${entries.map((e) => `${e.model} ${(e.share * 100).toFixed(0)}%`).join(", ")}, list prices blended at ${workload.inputOutputRatio}:1`,
    };
}

/** Everything through the frontier: the routing's priciest frontier model, else GPT-4o. */
function unroutedRate(workload: Workload): { readonly usdPerMTok: number; readonly basis: string } {
    const frontier = apiEntries(workload).map((e) => apiModel(e.model)).filter((m) => m.tier === "frontier")
        .sort((a, b) => blendedUsdPerMTok(b, workload.inputOutputRatio) - blendedUsdPerMTok(a, workload.inputOutputRatio))[0];
    return allFrontierRate(workload.inputOutputRatio, frontier);
}

export interface HybridSplit {
    /** Share of the month's tokens routed to the stack's own vLLM endpoint. */
    readonly selfHostedShare: number;
    readonly selfHostedTokensPerMonth: number;
    readonly apiTokensPerMonth: number;
    /** Rate of the API tiers (0 when every tier is self-hosted). */
    readonly apiUsdPerMTok: number;
    readonly apiBasis: string;
    /** The API tiers' monthly bill, net of the cache. */
    readonly apiMonthlyUsd: number;
    /** What the self-hosted tier's tokens would cost at an API. */
    readonly selfHostedApiEquivalentUsdPerMTok: number;
    readonly selfHostedApiEquivalentBasis: string;
}

/** How a hybrid stack's tokens divide between its GPUs and the API tiers. */
export function hybridSplit(config: Pick<StackInputs, "workload" | "selfHosted">): HybridSplit {
    const workload = config.workload;
    const selfHostedShare = selfHostedShareOf(workload);
    const tier = apiTierRate(workload);
    const apiTokensPerMonth = workload.tokensPerMonth * (1 - selfHostedShare);
    const equivalent = workload.apiUsdPerMTok !== undefined
        ? { usdPerMTok: workload.apiUsdPerMTok, basis: "llm-breakeven:workload.apiUsdPerMTok, given directly" }
        : hostedEquivalent(config.selfHosted.model, workload.inputOutputRatio);
    return {
        selfHostedShare,
        selfHostedTokensPerMonth: workload.tokensPerMonth * selfHostedShare,
        apiTokensPerMonth,
        apiUsdPerMTok: tier?.usdPerMTok ?? 0,
        apiBasis: tier?.basis ?? "no API tiers",
        apiMonthlyUsd: tier === undefined ? 0 : apiMonthlyUsd({ tokensPerMonth: apiTokensPerMonth, usdPerMTok: tier.usdPerMTok, cacheHitRate: workload.cacheHitRate }),
        selfHostedApiEquivalentUsdPerMTok: equivalent.usdPerMTok,
        selfHostedApiEquivalentBasis: equivalent.basis,
    };
}

/**
 * The engine scenario of a stack. Self-hosted and gateway stacks compare all their tokens with the
 * configured (or default) GPU deployment; a hybrid stack compares the tokens of its self-hosted tier.
 */
export function scenarioFromStackConfig(config: StackInputs, name = `${config.mode} (${config.environment})`): Scenario {
    const workload = config.workload;
    const selfHosted = config.selfHosted;
    const offer = offerFor(selfHosted);
    openModelOf(selfHosted);
    let tokensPerMonth = workload.tokensPerMonth;
    let rate: { usdPerMTok: number; basis: string };
    if (config.mode === "hybrid") {
        const split = hybridSplit(config);
        if (!(split.selfHostedTokensPerMonth > 0)) {
            throw new ConfigError([`llm-breakeven:workload.routing: a hybrid stack must route a positive share to "${SELF_HOSTED_ROUTE}" (got ${split.selfHostedShare})`]);
        }
        tokensPerMonth = split.selfHostedTokensPerMonth;
        rate = { usdPerMTok: split.selfHostedApiEquivalentUsdPerMTok, basis: `the self-hosted tier's ${(split.selfHostedShare * 100).toFixed(0)}% of the tokens at ${split.selfHostedApiEquivalentBasis}` };
    } else {
        const tier = apiTierRate(workload);
        if (tier === undefined) throw new ConfigError(["llm-breakeven:workload.apiUsdPerMTok: is required when workload.routing names no API model with a positive share"]);
        rate = tier;
    }
    const unrouted = unroutedRate(workload);
    return {
        name,
        tokensPerMonth,
        inputOutputRatio: workload.inputOutputRatio,
        peakToAverage: workload.peakToAverage,
        cacheHitRate: workload.cacheHitRate,
        residencyRequired: workload.residencyRequired,
        api: { usdPerMTok: rate.usdPerMTok, basis: rate.basis, unroutedUsdPerMTok: unrouted.usdPerMTok, unroutedBasis: unrouted.basis },
        selfHosted: {
            offerId: offer.id,
            nodes: selfHosted.gpuZones * selfHosted.nodesPerZone,
            redundancy: selfHosted.redundancy,
            model: selfHosted.model,
            precision: selfHosted.precision,
            ...vllmCapacitySettings(selfHosted),
        },
        overhead: config.overhead,
        overheadProvenance: { source: "stack config llm-breakeven:overhead (default: the seed's $3,500 + $200 + $400)", region: config.region, date: "as configured" },
    };
}

/** The stack's estimate: what the Pulumi program reports and the CLI prints for a stack. */
export function estimateStack(config: StackInputs): Estimate {
    return estimate(scenarioFromStackConfig(config));
}

/* What the policy pack asks the engine (policies/lib/engine.ts, through config/scenario.ts's defaults): */

export interface ApiSpend {
    readonly allApiUsdPerMTok: number;
    readonly allApiMonthlyUsd: number;
    readonly selfHostedShare: number;
    readonly remainingApiMonthlyUsd: number;
    /** The API bill self-hosting saves per million tokens of the workload (all minus remaining, net of cache hits). */
    readonly savedUsdPerMTok: number;
}

/**
 * The workload's API spend: all of it through APIs (the self-hosted tier at the cheapest hosted copy
 * of `selfHostedModel`), the share the stack serves itself, and the API bill of the rest.
 */
export function apiSpend(workload: Workload, mode: Mode, selfHostedModel: string): ApiSpend {
    const selfHostedShare = mode === "self-hosted" ? 1 : mode === "gateway" ? 0 : selfHostedShareOf(workload);
    let allApiUsdPerMTok: number;
    if (workload.apiUsdPerMTok !== undefined) {
        allApiUsdPerMTok = workload.apiUsdPerMTok;
    } else {
        const routing = workload.routing ?? [];
        const totalShare = routing.reduce((s, r) => s + r.share, 0);
        const selfHostedRate = routing.some((r) => r.model === SELF_HOSTED_ROUTE) ? hostedEquivalent(selfHostedModel, workload.inputOutputRatio).usdPerMTok : 0;
        const weighted = routing.reduce((s, r) => s + r.share * (r.model === SELF_HOSTED_ROUTE ? selfHostedRate : blendedUsdPerMTok(apiModel(r.model), workload.inputOutputRatio)), 0);
        if (!(totalShare > 0)) throw new ConfigError(["llm-breakeven:workload: needs apiUsdPerMTok or a routing mix with a positive share"]);
        allApiUsdPerMTok = weighted / totalShare;
    }
    const allApiMonthlyUsd = apiMonthlyUsd({ tokensPerMonth: workload.tokensPerMonth, usdPerMTok: allApiUsdPerMTok, cacheHitRate: workload.cacheHitRate });
    const tier = apiTierRate(workload);
    const remainingApiMonthlyUsd = mode === "self-hosted" ? 0
        : mode === "gateway" ? allApiMonthlyUsd
            : tier === undefined ? 0 : apiMonthlyUsd({ tokensPerMonth: workload.tokensPerMonth * (1 - selfHostedShare), usdPerMTok: tier.usdPerMTok, cacheHitRate: workload.cacheHitRate });
    const savedUsdPerMTok = ((allApiMonthlyUsd - remainingApiMonthlyUsd) / workload.tokensPerMonth) * TOKENS_PER_MTOK;
    return { allApiUsdPerMTok, allApiMonthlyUsd, selfHostedShare, remainingApiMonthlyUsd, savedUsdPerMTok };
}

/** The vLLM settings the capacity model reads from the stack: the pinned image's engine generation, the flags, the SLO. */
export function vllmCapacitySettings(selfHosted: SelfHostedInputs): {
    readonly engine: EngineId; readonly maxNumSeqs: number; readonly gpuMemoryUtilization: number; readonly tensorParallelSize?: number; readonly slo?: LatencySlo;
} {
    return {
        engine: engineForImage(selfHosted.vllmImage).engine,
        maxNumSeqs: selfHosted.maxNumSeqs,
        gpuMemoryUtilization: selfHosted.gpuMemoryUtilization,
        ...(selfHosted.tensorParallelSize !== undefined ? { tensorParallelSize: selfHosted.tensorParallelSize } : {}),
        ...(selfHosted.slo !== undefined ? { slo: { ...selfHosted.slo } } : {}),
    };
}

/** One node's capacity for the stack's model and vLLM settings. */
function stackNodeCapacity(selfHosted: SelfHostedInputs, gpu: GpuId, gpusPerNode: number, inputOutputRatio: number): NodeCapacity {
    return nodeCapacity({ model: openModelOf(selfHosted), precision: selfHosted.precision, gpu, gpusPerNode, inputOutputRatio, ...vllmCapacitySettings(selfHosted) });
}

export interface CapacityForStack {
    /** Output tokens per second one node serves. */
    readonly perNodeTokensPerSecond: number;
    /** Output tokens per second the workload needs at its peak. */
    readonly peakTokensPerSecond: number;
    readonly nodesNeeded: number;
    readonly basis: string;
}

/** The capacity of one `instanceType` node for the stack's model, against `workload` (the tokens the GPUs serve). */
export function capacityFor(config: Pick<StackInputs, "selfHosted">, instanceType: string, workload: Workload): CapacityForStack {
    const selfHosted = config.selfHosted;
    const gpu = EC2_INSTANCE_TYPES[instanceType]?.gpu;
    if (gpu === undefined) throw new ConfigError([`instance type "${instanceType}" is not a GPU instance type in the catalogue: no capacity model`]);
    const capacity = stackNodeCapacity(selfHosted, gpu.id, gpu.count, workload.inputOutputRatio);
    const peakTokensPerSecond = ((workload.tokensPerMonth / SECONDS_PER_MONTH) * workload.peakToAverage) / (1 + workload.inputOutputRatio);
    return {
        perNodeTokensPerSecond: capacity.outputTokensPerSecond,
        peakTokensPerSecond,
        nodesNeeded: nodesNeeded({ tokensPerMonth: workload.tokensPerMonth, peakToAverage: workload.peakToAverage, nodeTokensPerMonth: capacity.tokensPerMonth, redundancy: selfHosted.redundancy }),
        basis: `${selfHosted.model} ${selfHosted.precision}, ${capacity.replicasPerNode} x TP${capacity.tensorParallelSize}, batch ${capacity.batchPerReplica}, ${capacity.engine}, step ${capacity.decodeStepMs.toFixed(1)} ms (fitted to published vLLM runs), ${workload.inputOutputRatio}:1 input:output`,
    };
}

export interface SelfHostedAlternative {
    readonly monthlyUsd: number;
    /** Capacity-aware break-even against the workload's all-API rate; Infinity when there is none. */
    readonly breakEvenTokensPerMonth: number;
    readonly label: string;
}

/** The smallest redundant self-hosted deployment (the stack's selfHosted section or the defaults) that serves the workload. */
export function selfHostedAlternative(config: Pick<StackInputs, "selfHosted" | "overhead">, workload: Workload): SelfHostedAlternative {
    const selfHosted = config.selfHosted;
    const offer = offerFor(selfHosted);
    const capacity = stackNodeCapacity(selfHosted, offer.gpu, offer.gpuCount, workload.inputOutputRatio);
    const curve = { nodeMonthlyUsd: offerMonthlyUsd(offer), overheadMonthlyUsd: overheadMonthlyUsd(config.overhead), nodeTokensPerMonth: capacity.tokensPerMonth, peakToAverage: workload.peakToAverage, redundancy: true };
    const nodes = nodesNeeded({ tokensPerMonth: workload.tokensPerMonth, peakToAverage: workload.peakToAverage, nodeTokensPerMonth: capacity.tokensPerMonth, redundancy: true });
    const spend = apiSpend(workload, "gateway", selfHosted.model);
    const breakEven = capacityAwareBreakEven(curve, spend.allApiUsdPerMTok, workload.cacheHitRate);
    return {
        monthlyUsd: nodes * curve.nodeMonthlyUsd + curve.overheadMonthlyUsd,
        breakEvenTokensPerMonth: breakEven.tokensPerMonth ?? Number.POSITIVE_INFINITY,
        label: `${nodes} x ${selfHosted.instanceType} (${selfHosted.pricing}) serving ${selfHosted.model}`,
    };
}
