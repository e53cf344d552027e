/**
 * Break-even: the monthly volume at which self-hosting costs what the API costs.
 *
 * Two answers, side by side:
 *  - fixed nodes (the seed): the configured nodes cost the same at any volume, so break-even is
 *    self-hosted monthly / API rate. It says nothing about whether those nodes can serve that volume;
 *  - capacity-aware: the self-hosted cost is a step function of volume (nodes needed at peak, N+1),
 *    and break-even is the smallest volume at which that step curve is at or below the API line, or
 *    the statement that there is none (when a node costs more than the API bill of what it serves).
 */
import { nodesNeeded } from "./capacity";
import { TOKENS_PER_MTOK, formatTokens, formatUsd } from "./units";

/** API USD per million tokens after the semantic cache. */
export function effectiveUsdPerMTok(usdPerMTok: number, cacheHitRate = 0): number {
    return usdPerMTok * (1 - cacheHitRate);
}

/**
 * Seed-style break-even: monthly tokens at which `selfHostedMonthlyUsd` equals the API bill at the
 * rate (net of the cache). Infinity when the API costs nothing per token (a 100% cache hit rate).
 */
export function breakEvenTokensPerMonth(selfHostedMonthlyUsd: number, usdPerMTok: number, cacheHitRate = 0): number {
    const rate = effectiveUsdPerMTok(usdPerMTok, cacheHitRate);
    return rate > 0 ? (selfHostedMonthlyUsd / rate) * TOKENS_PER_MTOK : Number.POSITIVE_INFINITY;
}

/** What the capacity-aware self-hosted cost depends on. */
export interface CapacityCurve {
    readonly nodeMonthlyUsd: number;
    readonly overheadMonthlyUsd: number;
    /** Input + output tokens one node serves per month flat out. */
    readonly nodeTokensPerMonth: number;
    readonly peakToAverage: number;
    readonly redundancy: boolean;
}

/** Self-hosted monthly cost at a volume when the node count follows the volume. */
export function capacityAwareMonthlyUsd(curve: CapacityCurve, tokensPerMonth: number): number {
    return nodesNeeded({ tokensPerMonth, peakToAverage: curve.peakToAverage, nodeTokensPerMonth: curve.nodeTokensPerMonth, redundancy: curve.redundancy }) * curve.nodeMonthlyUsd + curve.overheadMonthlyUsd;
}

export interface FixedNodesBreakEven {
    /** null when the API costs nothing per token (never breaks even). */
    readonly tokensPerMonth: number | null;
    readonly selfHostedMonthlyUsd: number;
    readonly usdPerMTok: number;
    /** Whether the configured nodes serve the break-even volume at peak (with their spare, when redundant). */
    readonly servedByConfiguredNodes?: boolean;
    readonly statement: string;
}

export type CapacityAwareBreakEven =
    | {
        readonly kind: "breaks-even";
        readonly tokensPerMonth: number;
        /** Nodes the break-even volume needs, and their monthly cost with overhead. */
        readonly nodes: number;
        readonly monthlyUsd: number;
        readonly statement: string;
    }
    | { readonly kind: "never"; readonly tokensPerMonth: null; readonly statement: string };

export function fixedNodesBreakEven(input: {
    readonly selfHostedMonthlyUsd: number;
    readonly usdPerMTok: number;
    readonly cacheHitRate?: number;
    /** Most tokens the configured nodes serve at peak; default unknown (not stated). */
    readonly servableTokensPerMonth?: number;
}): FixedNodesBreakEven {
    const tokens = breakEvenTokensPerMonth(input.selfHostedMonthlyUsd, input.usdPerMTok, input.cacheHitRate);
    const rate = `${formatUsd(input.usdPerMTok)}/M${(input.cacheHitRate ?? 0) > 0 ? ` (${formatUsd(effectiveUsdPerMTok(input.usdPerMTok, input.cacheHitRate))}/M after a ${((input.cacheHitRate ?? 0) * 100).toFixed(0)}% cache hit rate)` : ""}`;
    if (!Number.isFinite(tokens)) {
        return { tokensPerMonth: null, selfHostedMonthlyUsd: input.selfHostedMonthlyUsd, usdPerMTok: input.usdPerMTok, statement: `never: the API costs nothing per token at ${rate}` };
    }
    const served = input.servableTokensPerMonth === undefined ? undefined : tokens <= input.servableTokensPerMonth;
    const capacityNote = served === undefined
        ? ""
        : served
            ? `; the configured nodes serve it (up to ${formatTokens(input.servableTokensPerMonth ?? 0)} at peak)`
            : `; but the configured nodes serve only ${formatTokens(input.servableTokensPerMonth ?? 0)} at peak, so this volume needs more nodes and costs more`;
    return {
        tokensPerMonth: tokens,
        selfHostedMonthlyUsd: input.selfHostedMonthlyUsd,
        usdPerMTok: input.usdPerMTok,
        ...(served !== undefined ? { servedByConfiguredNodes: served } : {}),
        statement: `${formatTokens(tokens)} tokens/month = ${formatUsd(input.selfHostedMonthlyUsd)} / ${rate}${capacityNote}`,
    };
}

/** Beyond this many nodes a break-even is not a deployment anyone runs (80,000 GPUs at 8 per node). */
export const MAX_FLEET_NODES = 10_000;
const MAX_EDGE_STEPS = 64;

/**
 * The smallest volume at which the capacity-aware self-hosted cost is at or below the API bill.
 *
 * With n nodes (n >= the floor) the curve is flat at n x node + overhead over the volumes n nodes
 * serve, up to (n - spare) x capacity / peak. It crosses the API line within that step exactly when
 * (n x node + overhead) / rate <= (n - spare) x capacity / peak, i.e. n x slope >= constant, with
 * slope = capacity / peak - node / rate. A slope at or below zero means each node costs at least
 * the API bill of what it serves: the curves never cross. Closed form, so 100,000 estimates are cheap.
 */
export function capacityAwareBreakEven(curve: CapacityCurve, usdPerMTok: number, cacheHitRate = 0): CapacityAwareBreakEven {
    const rate = effectiveUsdPerMTok(usdPerMTok, cacheHitRate) / TOKENS_PER_MTOK;
    const servedPerNode = curve.nodeTokensPerMonth / curve.peakToAverage;
    const spare = curve.redundancy ? 1 : 0;
    const floor = curve.redundancy ? 2 : 1;
    const perNodeApiUsd = servedPerNode * rate;
    if (!(rate > 0) || perNodeApiUsd <= curve.nodeMonthlyUsd) {
        return {
            kind: "never",
            tokensPerMonth: null,
            statement: rate > 0
                ? `never: a node costs ${formatUsd(curve.nodeMonthlyUsd)}/month but serves ${formatTokens(servedPerNode)} tokens/month at peak, worth only ${formatUsd(perNodeApiUsd)} at ${formatUsd(usdPerMTok)}/M${cacheHitRate > 0 ? ` less the ${(cacheHitRate * 100).toFixed(0)}% cache hits` : ""}`
                : "never: the API costs nothing per token",
        };
    }
    const slope = servedPerNode - curve.nodeMonthlyUsd / rate;
    const constant = curve.overheadMonthlyUsd / rate + spare * servedPerNode;
    let nodes = Math.max(floor, Math.ceil(constant / slope - 1e-9));
    if (!(nodes <= MAX_FLEET_NODES)) {
        // A slope barely above zero puts the crossing at an absurd fleet (or past 2^53, where
        // nodes + 1 === nodes): report it as never, with the reason, rather than a meaningless figure.
        return {
            kind: "never",
            tokensPerMonth: null,
            statement: `never in practice: the curves would cross only beyond ${formatTokens(MAX_FLEET_NODES)} nodes, because a node (${formatUsd(curve.nodeMonthlyUsd)}/month) costs almost as much as the API bill of what it serves (${formatUsd(perNodeApiUsd)})`,
        };
    }
    // Guard the closed form against float noise at a step edge: walk to the first step that
    // crosses. Noise moves it by a node or two; the walk is bounded so no input can make it spin.
    for (let step = 0; step < MAX_EDGE_STEPS && nodes > floor && crosses(curve, nodes - 1, rate, servedPerNode, spare); step++) nodes -= 1;
    for (let step = 0; step < MAX_EDGE_STEPS && !crosses(curve, nodes, rate, servedPerNode, spare); step++) nodes += 1;
    const monthlyUsd = nodes * curve.nodeMonthlyUsd + curve.overheadMonthlyUsd;
    const tokensPerMonth = monthlyUsd / rate;
    return {
        kind: "breaks-even",
        tokensPerMonth,
        nodes,
        monthlyUsd,
        statement: `${formatTokens(tokensPerMonth)} tokens/month on ${nodes} nodes (${formatUsd(monthlyUsd)}/month with overhead)`,
    };
}

function crosses(curve: CapacityCurve, nodes: number, ratePerToken: number, servedPerNode: number, spare: number): boolean {
    return (nodes * curve.nodeMonthlyUsd + curve.overheadMonthlyUsd) / ratePerToken <= (nodes - spare) * servedPerNode * (1 + 1e-12);
}
