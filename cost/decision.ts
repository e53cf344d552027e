/**
 * The decision: the seed's framework on monthly API spend (with routing), plus residency, plus the
 * capacity-aware verdict (does self-hosting at this volume, with the nodes it really needs, cost less).
 */
import { DECISION_THRESHOLDS } from "./catalogue";
import { formatUsd } from "./units";

export const DECISIONS = ["stay-managed", "optimize-routing", "hybrid-analysis", "self-host"] as const;
export type Decision = (typeof DECISIONS)[number];

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
    readonly reason: string;
}

export function decide(input: DecisionInput): DecisionResult {
    const api = formatUsd(input.apiMonthlyUsd);
    const selfHosted = formatUsd(input.capacityAwareSelfHostedMonthlyUsd);
    const cheaper = input.capacityAwareSelfHostedMonthlyUsd < input.apiMonthlyUsd;
    const low = formatUsd(DECISION_THRESHOLDS.stayManagedBelowMonthlyUsd);
    const high = formatUsd(DECISION_THRESHOLDS.hybridAnalysisAboveMonthlyUsd);
    if (input.residencyRequired) {
        return { decision: "self-host", reason: `data residency or compliance requires it: self-host the workloads that need it and keep the rest on managed APIs (self-hosted ${selfHosted}/month at this volume vs API ${api}/month)` };
    }
    if (input.apiMonthlyUsd < DECISION_THRESHOLDS.stayManagedBelowMonthlyUsd) {
        return { decision: "stay-managed", reason: `API spend ${api}/month is below ${low}: not worth the infrastructure overhead${cheaper ? ` (even though self-hosting would cost ${selfHosted})` : ` (self-hosting would cost ${selfHosted})`}` };
    }
    if (input.apiMonthlyUsd <= DECISION_THRESHOLDS.hybridAnalysisAboveMonthlyUsd) {
        return { decision: "optimize-routing", reason: `API spend ${api}/month is between ${low} and ${high}: optimize routing first; self-hosting is premature (it would cost ${selfHosted})` };
    }
    if (cheaper) {
        return { decision: "self-host", reason: `API spend ${api}/month is above ${high}, and the nodes this volume needs at peak cost ${selfHosted}/month with overhead: self-hosting is cheaper` };
    }
    return { decision: "hybrid-analysis", reason: `API spend ${api}/month is above ${high}, but self-hosting this volume would cost ${selfHosted}/month with the nodes it needs at peak: run the hybrid analysis (self-host select workloads)` };
}
