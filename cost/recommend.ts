/**
 * Right-sizing: every catalogue offer x every precision its GPU can serve x every replica layout
 * that fits x the offer's pricing, each sized with N+1 at the declared peak, ranked by monthly cost
 * beside the managed-API bill and the seed's decision. Pure: the CLI (`llm-breakeven recommend`)
 * prints it and writes a stack from it.
 *
 * Pricing: an offer's own (on-demand, reserved-1y, spot or marketplace, as the catalogue has it;
 * quotes the seed article made are not current prices and are left out, saying so). A reserved
 * floor bursts on demand. An interruptible offer (spot, marketplace) never holds the redundancy
 * floor: one node per zone stays on demand, from the same provider's on-demand offer for the same
 * GPUs; the spot nodes fill the rest of the N+1 fleet. Without such an on-demand offer the spot
 * configuration is left out, saying so.
 */
import { BYTES_PER_PARAMETER, GPU_OFFERS, GPUS, GpuOffer, OPEN_MODELS, OpenModel, Precision, SERVABLE_PRECISIONS } from "./catalogue";
import { CapacityError, NodeCapacity, nodeCapacity, nodesNeeded } from "./capacity";
import { decide, Decision } from "./decision";
import { Overhead, overheadMonthlyUsd } from "./selfHosted";
import { offerMonthlyUsd } from "./units";
import { apiMonthlyUsd } from "./workload";

/** One GPU node group per zone, as the stacks build them: the N+1 fleet is split evenly over the zones. */
export const RECOMMEND_ZONES = 2;
const INTERRUPTIBLE = new Set(["spot", "marketplace"]);

export interface RecommendInput {
    readonly tokensPerMonth: number;
    readonly inputOutputRatio: number;
    readonly peakToAverage: number;
    readonly model: string;
    /** The managed-API rate the workload pays today, USD per million tokens. */
    readonly apiUsdPerMTok: number;
    readonly apiBasis: string;
    readonly cacheHitRate: number;
    readonly residencyRequired: boolean;
    readonly overhead: Overhead;
    /** The most the month may cost with every burst node up (GPU nodes + overhead); default: the API bill. */
    readonly maxMonthlyUsd?: number;
    /** Time per output token objective, ms: layouts whose decode step is slower are left out. Default: none. */
    readonly tpotMs?: number;
}

export interface Configuration {
    readonly rank: number;
    readonly offerId: string;
    readonly offerLabel: string;
    readonly provider: GpuOffer["provider"];
    readonly instanceType?: string;
    readonly gpu: string;
    readonly pricing: GpuOffer["pricing"];
    readonly precision: Precision;
    readonly layout: { readonly tensorParallelSize: number; readonly replicasPerNode: number; readonly batchPerReplica: number; readonly decodeStepMs: number; readonly outputTokensPerSecondPerNode: number };
    readonly nodes: {
        /** N+1 at the declared peak, by the engine. */
        readonly needed: number;
        /** The floor: `needed` rounded up to whole nodes per zone. */
        readonly floor: number;
        /** The most the budget pays for. */
        readonly ceiling: number;
        /** Of the floor, nodes on demand (all but the spot nodes). */
        readonly onDemand: number;
        readonly spot: number;
    };
    readonly floorNodeMonthlyUsd: number;
    readonly burstNodeMonthlyUsd: number;
    /** GPU nodes + overhead; expected is the floor: the floor serves the declared peak with a spare. */
    readonly monthlyUsd: { readonly floor: number; readonly expected: number; readonly ceiling: number };
    /** Expected spend below the API bill (negative: self-hosting loses). */
    readonly savingMonthlyUsd: number;
    /** Whether this project's stacks can deploy it (an AWS instance type at on-demand or reserved-1y pricing). */
    readonly deployable: boolean;
}

export interface Recommendation {
    readonly workload: Pick<RecommendInput, "tokensPerMonth" | "inputOutputRatio" | "peakToAverage" | "model" | "cacheHitRate" | "residencyRequired">;
    readonly api: { readonly usdPerMTok: number; readonly basis: string; readonly monthlyUsd: number };
    readonly budgetMonthlyUsd: number;
    /** The seed article's decision on this API bill, with the cheapest configuration as the self-hosted cost. */
    readonly seed: { readonly decision: Decision; readonly reason: string };
    readonly configurations: readonly Configuration[];
    /** What was not ranked, and why. */
    readonly notConsidered: readonly { readonly what: string; readonly why: string }[];
}

/** Precisions a GPU serves: the servable ones, fp8 only where the GPU has FP8; one of each size (bf16 stands for fp16). */
export function precisionsFor(gpu: string): Precision[] {
    const spec = GPUS[gpu as keyof typeof GPUS];
    const seen = new Set<number>();
    return SERVABLE_PRECISIONS.filter((p) => (p !== "fp8" || spec.fp8) && !seen.has(BYTES_PER_PARAMETER[p]) && seen.add(BYTES_PER_PARAMETER[p]) !== undefined);
}

function fittingLayouts(model: OpenModel, precision: Precision, offer: GpuOffer, ratio: number): NodeCapacity[] {
    let best: NodeCapacity;
    try {
        best = nodeCapacity({ model, precision, gpu: offer.gpu, gpusPerNode: offer.gpuCount, inputOutputRatio: ratio });
    } catch (error) {
        if (error instanceof CapacityError) return [];
        throw error;
    }
    return best.layouts.filter((l) => l.fits).map((l) => (l.tensorParallelSize === best.tensorParallelSize ? best : nodeCapacity({ model, precision, gpu: offer.gpu, gpusPerNode: offer.gpuCount, inputOutputRatio: ratio, tensorParallelSize: l.tensorParallelSize })));
}

/** The on-demand offer of the same provider and GPUs: the floor of an interruptible offer, the burst of a reserved one. */
function onDemandTwin(offer: GpuOffer): GpuOffer | undefined {
    if (offer.pricing === "on-demand") return offer;
    return [...GPU_OFFERS.values()].find((o) => o.pricing === "on-demand" && o.provider === offer.provider && o.gpu === offer.gpu && o.gpuCount === offer.gpuCount && o.instanceType === offer.instanceType);
}

export function recommend(input: RecommendInput): Recommendation {
    const model = OPEN_MODELS.get(input.model);
    if (model === undefined) throw new Error(`model "${input.model}" is not in the catalogue; known: ${[...OPEN_MODELS.keys()].join(", ")}`);
    const api = apiMonthlyUsd({ tokensPerMonth: input.tokensPerMonth, usdPerMTok: input.apiUsdPerMTok, cacheHitRate: input.cacheHitRate });
    const budget = input.maxMonthlyUsd ?? api;
    const overhead = overheadMonthlyUsd(input.overhead);
    const notConsidered: { what: string; why: string }[] = [];
    const unranked: Omit<Configuration, "rank">[] = [];
    for (const offer of GPU_OFFERS.values()) {
        if (offer.pricing === "as-quoted") {
            notConsidered.push({ what: offer.id, why: "a price the seed article quoted, not a current one (its decision is shown beside the ranking)" });
            continue;
        }
        const twin = onDemandTwin(offer);
        const interruptible = INTERRUPTIBLE.has(offer.pricing);
        if (interruptible && twin === undefined) {
            notConsidered.push({ what: offer.id, why: `${offer.pricing} capacity may be reclaimed at once, so one node per zone must be on demand, and the catalogue has no on-demand ${offer.provider} offer for ${offer.gpuCount}x ${GPUS[offer.gpu].label}` });
            continue;
        }
        for (const precision of precisionsFor(offer.gpu)) {
            const layouts = fittingLayouts(model, precision, offer, input.inputOutputRatio);
            if (layouts.length === 0) notConsidered.push({ what: `${offer.id} ${precision}`, why: `${model.label} at ${precision} does not fit ${offer.gpuCount}x ${GPUS[offer.gpu].label}` });
            for (const capacity of layouts) {
                if (input.tpotMs !== undefined && capacity.decodeStepMs > input.tpotMs) {
                    notConsidered.push({ what: `${offer.id} ${precision} TP${capacity.tensorParallelSize}`, why: `decode step ${capacity.decodeStepMs.toFixed(1)} ms per output token is above the ${input.tpotMs} ms TPOT objective` });
                    continue;
                }
                unranked.push(configuration(input, offer, twin, precision, capacity, overhead, api, budget, interruptible));
            }
        }
    }
    for (const offer of GPU_OFFERS.values()) {
        if (offer.provider === "aws" && offer.pricing === "reserved-1y") notConsidered.push({ what: `${offer.instanceType ?? offer.id} reserved-3y`, why: "the catalogue has no sourced 3-year reserved rate" });
    }
    const ranked = unranked
        .filter((c) => !(c.nodes.spot === 0 && INTERRUPTIBLE.has(c.pricing))) // a spot fleet with no spot node is its on-demand twin
        .sort((a, b) => a.monthlyUsd.expected - b.monthlyUsd.expected || a.monthlyUsd.ceiling - b.monthlyUsd.ceiling || a.offerId.localeCompare(b.offerId))
        .map((c, i) => ({ rank: i + 1, ...c }));
    const cheapest = ranked[0];
    if (cheapest === undefined) throw new CapacityError(`no catalogue offer serves ${model.label}: ${notConsidered.map((n) => `${n.what}: ${n.why}`).join("; ")}`);
    const verdict = decide({ apiMonthlyUsd: api, residencyRequired: input.residencyRequired, capacityAwareSelfHostedMonthlyUsd: cheapest.monthlyUsd.expected });
    return {
        workload: { tokensPerMonth: input.tokensPerMonth, inputOutputRatio: input.inputOutputRatio, peakToAverage: input.peakToAverage, model: input.model, cacheHitRate: input.cacheHitRate, residencyRequired: input.residencyRequired },
        api: { usdPerMTok: input.apiUsdPerMTok, basis: input.apiBasis, monthlyUsd: api },
        budgetMonthlyUsd: budget,
        seed: { decision: verdict.decision, reason: verdict.reason },
        configurations: ranked,
        notConsidered,
    };
}

function configuration(input: RecommendInput, offer: GpuOffer, twin: GpuOffer | undefined, precision: Precision, capacity: NodeCapacity, overhead: number, api: number, budget: number, interruptible: boolean): Omit<Configuration, "rank"> {
    const needed = nodesNeeded({ tokensPerMonth: input.tokensPerMonth, peakToAverage: input.peakToAverage, nodeTokensPerMonth: capacity.tokensPerMonth, redundancy: true });
    const floor = Math.ceil(needed / RECOMMEND_ZONES) * RECOMMEND_ZONES;
    const nodeUsd = offerMonthlyUsd(offer);
    const twinUsd = twin !== undefined ? offerMonthlyUsd(twin) : nodeUsd;
    // Interruptible: one on-demand node per zone, spot for the rest; reserved: the floor reserved, bursts on demand.
    const onDemand = interruptible ? RECOMMEND_ZONES : floor;
    const spot = floor - onDemand;
    const floorGpuUsd = interruptible ? onDemand * twinUsd + spot * nodeUsd : floor * nodeUsd;
    const burstNodeMonthlyUsd = interruptible ? nodeUsd : twinUsd;
    const floorUsd = floorGpuUsd + overhead;
    const bursts = Math.max(0, Math.floor((budget - floorUsd + 0.01) / burstNodeMonthlyUsd));
    return {
        offerId: offer.id,
        offerLabel: offer.label,
        provider: offer.provider,
        ...(offer.instanceType !== undefined ? { instanceType: offer.instanceType } : {}),
        gpu: offer.gpu,
        pricing: offer.pricing,
        precision,
        layout: { tensorParallelSize: capacity.tensorParallelSize, replicasPerNode: capacity.replicasPerNode, batchPerReplica: capacity.batchPerReplica, decodeStepMs: capacity.decodeStepMs, outputTokensPerSecondPerNode: capacity.outputTokensPerSecond },
        nodes: { needed, floor, ceiling: floor + bursts, onDemand, spot },
        floorNodeMonthlyUsd: interruptible ? twinUsd : nodeUsd,
        burstNodeMonthlyUsd,
        monthlyUsd: { floor: floorUsd, expected: floorUsd, ceiling: floorUsd + bursts * burstNodeMonthlyUsd },
        savingMonthlyUsd: api - floorUsd,
        deployable: offer.provider === "aws" && offer.instanceType !== undefined && (offer.pricing === "on-demand" || offer.pricing === "reserved-1y"),
    };
}
