/**
 * The decision: the seed's framework on monthly API spend (with routing), plus residency, plus the
 * capacity-aware verdict (does self-hosting at this volume, with the nodes it really needs, cost less).
 * The thresholds and their source: DECISION_THRESHOLDS (cost/catalogue.ts, docs/sources.md §1).
 *
 * Each result names the rule that decided (a stable code, for the CLI, the JSON and the README's
 * "How the decision is made") and says why with the figures, so no caller works it out again.
 */
import { DECISION_THRESHOLDS } from "./catalogue";
import { formatUsd } from "./units";

export const DECISIONS = ["stay-managed", "optimize-routing", "hybrid-analysis", "self-host"] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * The rule that decided, in the order they are tried:
 * - `residency`: a data-residency or compliance requirement: self-host, whatever the cost;
 * - `spend-below-low`: API spend below the low threshold: stay managed;
 * - `spend-between`: API spend from the low to the high threshold: optimise routing first;
 * - `spend-above-self-host-cheaper`: above the high threshold, and the nodes the volume needs cost less: self-host;
 * - `spend-above-self-host-dearer`: above the high threshold, but they cost more: run the hybrid analysis.
 */
export const DECISION_RULES = ["residency", "spend-below-low", "spend-between", "spend-above-self-host-cheaper", "spend-above-self-host-dearer"] as const;
export type DecisionRule = (typeof DECISION_RULES)[number];

export interface DecisionInput {
    /** The workload's monthly API bill with routing (and the cache). */
    readonly apiMonthlyUsd: number;
    /** The workload must stay in a jurisdiction no managed provider serves. */
    readonly residencyRequired: boolean;
    /** Capacity-aware self-hosted cost at the workload's volume (nodes needed at peak, N+1). */
    readonly capacityAwareSelfHostedMonthlyUsd: number;
}

export interface DecisionResult {
    readonly decision: Decision;
    readonly rule: DecisionRule;
    /** The rule and the figures in one sentence: "API spend $36,000/month is between $20,000 and $80,000: ..." */
    readonly reason: string;
}

/** What self-hosting this volume would do to the monthly bill: "would save $6,494/month" or "would cost $8,173/month more". */
export function selfHostingDelta(apiMonthlyUsd: number, selfHostedMonthlyUsd: number): string {
    return selfHostedMonthlyUsd < apiMonthlyUsd
        ? `self-hosting would save ${formatUsd(apiMonthlyUsd - selfHostedMonthlyUsd)}/month`
        : `self-hosting would cost ${formatUsd(selfHostedMonthlyUsd - apiMonthlyUsd)}/month more`;
}

export function decide(input: DecisionInput): DecisionResult {
    const api = formatUsd(input.apiMonthlyUsd);
    const selfHosted = input.capacityAwareSelfHostedMonthlyUsd;
    const delta = selfHostingDelta(input.apiMonthlyUsd, selfHosted);
    const low = formatUsd(DECISION_THRESHOLDS.stayManagedBelowMonthlyUsd);
    const high = formatUsd(DECISION_THRESHOLDS.hybridAnalysisAboveMonthlyUsd);
    if (input.residencyRequired) {
        return { decision: "self-host", rule: "residency", reason: `data residency or compliance requires it, whatever the cost: self-host the workloads that need it and keep the rest on managed APIs (self-hosted ${formatUsd(selfHosted)}/month at this volume vs API ${api}/month)` };
    }
    if (input.apiMonthlyUsd < DECISION_THRESHOLDS.stayManagedBelowMonthlyUsd) {
        return { decision: "stay-managed", rule: "spend-below-low", reason: `API spend ${api}/month is below ${low}: stay on managed APIs, not worth the infrastructure overhead; ${delta}` };
    }
    if (input.apiMonthlyUsd <= DECISION_THRESHOLDS.hybridAnalysisAboveMonthlyUsd) {
        return { decision: "optimize-routing", rule: "spend-between", reason: `API spend ${api}/month is between ${low} and ${high}: optimise routing first; ${delta}` };
    }
    if (selfHosted < input.apiMonthlyUsd) {
        return { decision: "self-host", rule: "spend-above-self-host-cheaper", reason: `API spend ${api}/month is above ${high}, and the nodes this volume needs at peak cost ${formatUsd(selfHosted)}/month with overhead: self-host; ${delta}` };
    }
    return { decision: "hybrid-analysis", rule: "spend-above-self-host-dearer", reason: `API spend ${api}/month is above ${high}, but self-hosting this volume would cost ${formatUsd(selfHosted)}/month with the nodes it needs at peak: run the hybrid analysis (self-host select workloads)` };
}

/** The rule in a few words, for a table cell: "API $20k-$80k". */
export function ruleLabel(rule: DecisionRule): string {
    const k = (usd: number): string => `$${usd / 1000}k`;
    const low = k(DECISION_THRESHOLDS.stayManagedBelowMonthlyUsd);
    const high = k(DECISION_THRESHOLDS.hybridAnalysisAboveMonthlyUsd);
    switch (rule) {
        case "residency": return "residency";
        case "spend-below-low": return `API < ${low}`;
        case "spend-between": return `API ${low}-${high}`;
        case "spend-above-self-host-cheaper": return `API > ${high}, GPUs cheaper`;
        case "spend-above-self-host-dearer": return `API > ${high}, GPUs dearer`;
    }
}
