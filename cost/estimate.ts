/**
 * One scenario in, every figure out: self-hosted cost (fixed nodes, as the seed), API cost (routed
 * and unrouted), both break-evens, the capacity of the nodes, and the decision. Pure: the CLI, the
 * Pulumi program, the policy pack and the benchmark all call this.
 */
import { GPUS, GPU_OFFERS, GpuOffer, OPEN_MODELS, OpenModel, Precision, Provenance, SEED_ASSUMPTIONS } from "./catalogue";
import { CapacityAwareBreakEven, CapacityCurve, breakEvenTokensPerMonth, capacityAwareBreakEven, capacityAwareMonthlyUsd, fixedNodesBreakEven } from "./breakEven";
import { EngineId, LatencySlo, NodeCapacity, nodeCapacity, nodesNeeded, servableTokensPerMonth } from "./capacity";
import { Decision, DecisionRule, decide } from "./decision";
import { KeyedCostLine } from "./costLine";
import { Overhead, selfHostedCost } from "./selfHosted";
import { CACHE_HIT_RATE_RANGE, INPUT_OUTPUT_RATIO_RANGE, MAX_NODES, PEAK_TO_AVERAGE_RANGE, Range, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, apiMonthlyUsd, inRange, rangeText } from "./workload";
import { HOURS_PER_MONTH, formatUsd } from "./units";

export interface Scenario {
    /** What the scenario is ("seed", a stack name, "custom"); shown in the output. */
    readonly name: string;
    /** Input + output tokens per month. */
    readonly tokensPerMonth: number;
    /** Input tokens per output token (3 means 3:1). */
    readonly inputOutputRatio: number;
    /** Peak-hour rate over the monthly average; capacity is sized for the peak. */
    readonly peakToAverage: number;
    /** Share of tokens answered by the semantic cache, 0..1. */
    readonly cacheHitRate: number;
    readonly residencyRequired: boolean;
    readonly api: {
        /** The workload's API rate (routed, or given), USD per million tokens. */
        readonly usdPerMTok: number;
        /** How the rate was reached ("seed's blended routed rate", "routing mix ..."). */
        readonly basis: string;
        /** Everything through the frontier model, the comparison the seed calls "unrouted". */
        readonly unroutedUsdPerMTok: number;
        readonly unroutedBasis: string;
    };
    readonly selfHosted: {
        /** A GPU_OFFERS id. */
        readonly offerId: string;
        /** The configured node count (fixed, as the seed). */
        readonly nodes: number;
        /** N+1 and at least two nodes when sizing for the volume. */
        readonly redundancy: boolean;
        /** An OPEN_MODELS id. */
        readonly model: string;
        readonly precision: Precision;
        /** Default: whichever layout serves the most within the SLO. */
        readonly tensorParallelSize?: number;
        /** Default 256. */
        readonly maxNumSeqs?: number;
        /** Default 0.90. */
        readonly gpuMemoryUtilization?: number;
        /** vLLM engine generation; default vllm-v1 (the stacks' pinned vLLM). */
        readonly engine?: EngineId;
        /** Latency targets per replica; default none (peak throughput). */
        readonly slo?: LatencySlo;
        /** Mean output tokens per request; default 512 (input follows from inputOutputRatio). */
        readonly outputTokensPerRequest?: number;
    };
    readonly overhead: Overhead;
    /** Where the overhead figures came from; default none. */
    readonly overheadProvenance?: Provenance;
}

export interface Assumption {
    readonly text: string;
    readonly provenance?: Provenance;
}

export interface Estimate {
    readonly scenario: Scenario;
    readonly selfHosted: {
        readonly offerId: string;
        readonly offerLabel: string;
        readonly nodes: number;
        readonly nodeMonthlyUsd: number;
        readonly gpuMonthlyUsd: number;
        readonly overheadMonthlyUsd: number;
        readonly monthlyUsd: number;
        readonly lines: readonly KeyedCostLine[];
    };
    readonly api: {
        readonly usdPerMTok: number;
        readonly basis: string;
        readonly cacheHitRate: number;
        readonly monthlyUsd: number;
    };
    readonly unrouted: {
        readonly usdPerMTok: number;
        readonly basis: string;
        readonly monthlyUsd: number;
    };
    readonly breakEven: {
        /** Seed-style, at the configured nodes and the routed rate; null when it never breaks even. */
        readonly tokensPerMonth: number | null;
        readonly statement: string;
        /** Whether the configured nodes serve the break-even volume at peak (keeping a spare when redundant); null when it never breaks even. */
        readonly servedByConfiguredNodes: boolean | null;
        readonly unroutedTokensPerMonth: number | null;
        /** Break-even at the routed rate over break-even unrouted (the seed's "6x": 6.25). */
        readonly routedToUnroutedRatio: number | null;
    };
    readonly capacity: {
        readonly perNode: Omit<NodeCapacity, "layouts" | "assumptions">;
        /** What the configured nodes serve per month flat out (input + output tokens). */
        readonly tokensPerMonth: number;
        /** What the configured nodes serve at peak, keeping a spare node when redundant. */
        readonly servableTokensPerMonth: number;
        readonly servesVolume: boolean;
        /** Nodes the volume needs at peak (N+1, at least 2, when redundant). */
        readonly nodesNeeded: number;
        /** Self-hosted cost with those nodes and the overhead. */
        readonly monthlyUsd: number;
        readonly breakEven: CapacityAwareBreakEven;
        readonly unroutedBreakEven: CapacityAwareBreakEven;
        readonly curve: CapacityCurve;
    };
    readonly decision: Decision;
    /** Which rule of the framework decided (cost/decision.ts). */
    readonly decisionRule: DecisionRule;
    readonly decisionReason: string;
    readonly assumptions: readonly Assumption[];
}

/** The offer with this id; errors name the id (the CLI adds the nearest ids). */
export function gpuOffer(id: string): GpuOffer {
    const offer = GPU_OFFERS.get(id);
    if (offer === undefined) throw new Error(`"${id}" is not a GPU offer in the catalogue; known: ${[...GPU_OFFERS.keys()].join(", ")}`);
    return offer;
}

export function openModel(id: string): OpenModel {
    const model = OPEN_MODELS.get(id);
    if (model === undefined) throw new Error(`"${id}" is not an open model in the catalogue; known: ${[...OPEN_MODELS.keys()].join(", ")}`);
    return model;
}

function checkScenario(s: Scenario): void {
    const problems: string[] = [];
    const check = (key: string, value: number, range: Range): void => {
        if (!inRange(value, range)) problems.push(`${key} ${value} must be ${rangeText(range)}`);
    };
    check("tokensPerMonth", s.tokensPerMonth, TOKENS_PER_MONTH_RANGE);
    check("inputOutputRatio", s.inputOutputRatio, INPUT_OUTPUT_RATIO_RANGE);
    check("peakToAverage", s.peakToAverage, PEAK_TO_AVERAGE_RANGE);
    check("cacheHitRate", s.cacheHitRate, CACHE_HIT_RATE_RANGE);
    check("api.usdPerMTok", s.api.usdPerMTok, USD_PER_MTOK_RANGE);
    check("api.unroutedUsdPerMTok", s.api.unroutedUsdPerMTok, USD_PER_MTOK_RANGE);
    if (!(Number.isInteger(s.selfHosted.nodes) && s.selfHosted.nodes >= 1 && s.selfHosted.nodes <= MAX_NODES)) problems.push(`selfHosted.nodes ${s.selfHosted.nodes} must be a whole number from 1 to ${MAX_NODES}`);
    if (problems.length > 0) throw new Error(`scenario "${s.name}": ${problems.join("; ")}`);
}

export function estimate(scenario: Scenario): Estimate {
    checkScenario(scenario);
    const offer = gpuOffer(scenario.selfHosted.offerId);
    const model = openModel(scenario.selfHosted.model);
    const cost = selfHostedCost({
        offer, nodes: scenario.selfHosted.nodes, overhead: scenario.overhead,
        ...(scenario.overheadProvenance !== undefined ? { overheadProvenance: scenario.overheadProvenance } : {}),
    });
    const { cacheHitRate, tokensPerMonth, peakToAverage } = scenario;
    const redundancy = scenario.selfHosted.redundancy;

    const perNode = nodeCapacity({
        model, precision: scenario.selfHosted.precision, gpu: offer.gpu, gpusPerNode: offer.gpuCount, inputOutputRatio: scenario.inputOutputRatio,
        ...(scenario.selfHosted.tensorParallelSize !== undefined ? { tensorParallelSize: scenario.selfHosted.tensorParallelSize } : {}),
        ...(scenario.selfHosted.maxNumSeqs !== undefined ? { maxNumSeqs: scenario.selfHosted.maxNumSeqs } : {}),
        ...(scenario.selfHosted.gpuMemoryUtilization !== undefined ? { gpuMemoryUtilization: scenario.selfHosted.gpuMemoryUtilization } : {}),
        ...(scenario.selfHosted.engine !== undefined ? { engine: scenario.selfHosted.engine } : {}),
        ...(scenario.selfHosted.slo !== undefined ? { slo: scenario.selfHosted.slo } : {}),
        ...(scenario.selfHosted.outputTokensPerRequest !== undefined ? { outputTokens: scenario.selfHosted.outputTokensPerRequest } : {}),
    });
    const curve: CapacityCurve = { nodeMonthlyUsd: cost.nodeMonthlyUsd, overheadMonthlyUsd: cost.overheadMonthlyUsd, nodeTokensPerMonth: perNode.tokensPerMonth, peakToAverage, redundancy };
    const servable = servableTokensPerMonth({ nodes: scenario.selfHosted.nodes, nodeTokensPerMonth: perNode.tokensPerMonth, peakToAverage, redundancy });

    const routed = fixedNodesBreakEven({ selfHostedMonthlyUsd: cost.monthlyUsd, usdPerMTok: scenario.api.usdPerMTok, cacheHitRate, servableTokensPerMonth: servable });
    const unroutedTokens = breakEvenTokensPerMonth(cost.monthlyUsd, scenario.api.unroutedUsdPerMTok, cacheHitRate);
    const unroutedBreakEven = Number.isFinite(unroutedTokens) ? unroutedTokens : null;
    const needed = nodesNeeded({ tokensPerMonth, peakToAverage, nodeTokensPerMonth: perNode.tokensPerMonth, redundancy });
    const capacityMonthlyUsd = capacityAwareMonthlyUsd(curve, tokensPerMonth);
    const api = apiMonthlyUsd({ tokensPerMonth, usdPerMTok: scenario.api.usdPerMTok, cacheHitRate });
    const unroutedMonthlyUsd = apiMonthlyUsd({ tokensPerMonth, usdPerMTok: scenario.api.unroutedUsdPerMTok, cacheHitRate });
    const verdict = decide({ apiMonthlyUsd: api, residencyRequired: scenario.residencyRequired, capacityAwareSelfHostedMonthlyUsd: capacityMonthlyUsd });

    const { layouts: _layouts, assumptions: capacityAssumptions, ...perNodeFigures } = perNode;
    const assumptions: Assumption[] = [
        { text: `${HOURS_PER_MONTH} hours a month; node price ${formatUsd(cost.nodeMonthlyUsd)}/month (${offer.label})`, provenance: offer.provenance },
        { text: `API rate ${formatUsd(scenario.api.usdPerMTok)}/M: ${scenario.api.basis}` },
        { text: `unrouted rate ${formatUsd(scenario.api.unroutedUsdPerMTok)}/M: ${scenario.api.unroutedBasis}` },
        { text: `overhead ${formatUsd(cost.overheadMonthlyUsd)}/month (engineering, monitoring, storage/network/egress)`, ...(scenario.overheadProvenance !== undefined ? { provenance: scenario.overheadProvenance } : {}) },
        { text: `peak-to-average ${peakToAverage}; ${redundancy ? "N+1 redundancy, at least 2 nodes" : "no redundancy"}; semantic cache hit rate ${(cacheHitRate * 100).toFixed(0)}% (it lowers the API bill, not the self-hosted one)` },
        { text: `${model.label}: ${(model.parameters / 1e9).toFixed(1)}B parameters, ${model.layers} layers, ${model.kvHeads} KV heads x ${model.headDim}`, provenance: model.provenance },
        { text: `${GPUS[offer.gpu].label}: ${GPUS[offer.gpu].memoryGB} GB, ${GPUS[offer.gpu].memoryBandwidthTBps} TB/s, ${GPUS[offer.gpu].bf16Tflops} BF16 TFLOP/s`, provenance: GPUS[offer.gpu].provenance },
        ...capacityAssumptions.map((text) => ({ text })),
    ];
    return {
        scenario,
        selfHosted: {
            offerId: offer.id, offerLabel: offer.label, nodes: scenario.selfHosted.nodes,
            nodeMonthlyUsd: cost.nodeMonthlyUsd, gpuMonthlyUsd: cost.gpuMonthlyUsd, overheadMonthlyUsd: cost.overheadMonthlyUsd, monthlyUsd: cost.monthlyUsd, lines: cost.lines,
        },
        api: { usdPerMTok: scenario.api.usdPerMTok, basis: scenario.api.basis, cacheHitRate, monthlyUsd: api },
        unrouted: { usdPerMTok: scenario.api.unroutedUsdPerMTok, basis: scenario.api.unroutedBasis, monthlyUsd: unroutedMonthlyUsd },
        breakEven: {
            tokensPerMonth: routed.tokensPerMonth,
            statement: routed.statement,
            servedByConfiguredNodes: routed.servedByConfiguredNodes ?? null,
            unroutedTokensPerMonth: unroutedBreakEven,
            routedToUnroutedRatio: routed.tokensPerMonth !== null && unroutedBreakEven !== null ? routed.tokensPerMonth / unroutedBreakEven : null,
        },
        capacity: {
            perNode: perNodeFigures,
            tokensPerMonth: perNode.tokensPerMonth * scenario.selfHosted.nodes,
            servableTokensPerMonth: servable,
            servesVolume: tokensPerMonth <= servable,
            nodesNeeded: needed,
            monthlyUsd: capacityMonthlyUsd,
            breakEven: capacityAwareBreakEven(curve, scenario.api.usdPerMTok, cacheHitRate),
            unroutedBreakEven: capacityAwareBreakEven(curve, scenario.api.unroutedUsdPerMTok, cacheHitRate),
            curve,
        },
        decision: verdict.decision,
        decisionRule: verdict.rule,
        decisionReason: verdict.reason,
        assumptions,
    };
}

/**
 * The seed article's scenario, exactly: 2 Lambda 8x A100 nodes at $7,920, $4,100 overhead, 500M
 * tokens, $0.80/M routed and $5/M unrouted. Its input:output ratio is 2:1, the ratio at which GPT-4o's
 * list prices blend to the seed's $5/M; its peak-to-average is the stack schema's default, 2.
 */
export function seedScenario(): Scenario {
    const seed = SEED_ASSUMPTIONS;
    return {
        name: "seed",
        tokensPerMonth: seed.tokensPerMonth,
        inputOutputRatio: SEED_INPUT_OUTPUT_RATIO,
        peakToAverage: SEED_PEAK_TO_AVERAGE,
        cacheHitRate: 0,
        residencyRequired: false,
        api: {
            usdPerMTok: seed.routedUsdPerMTok,
            basis: "the seed's blended rate with routing (~$0.80/M)",
            unroutedUsdPerMTok: seed.unroutedUsdPerMTok,
            unroutedBasis: "the seed's all-GPT-4o rate ($5/M; GPT-4o's $2.50/$10 list prices blended at 2:1)",
        },
        selfHosted: { offerId: seed.offerId, nodes: seed.nodes, redundancy: true, model: seed.model, precision: seed.precision },
        overhead: seed.overhead,
        overheadProvenance: seed.provenance,
    };
}

/** GPT-4o's $2.50 input / $10 output blend to the seed's $5/M at 2 input tokens per output token. */
export const SEED_INPUT_OUTPUT_RATIO = 2;
/** The seed gives no peak factor; the stack schema's default. */
export const SEED_PEAK_TO_AVERAGE = 2;
