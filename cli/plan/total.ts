/**
 * One monthly total per stack, made of named parts that add up on screen: what the policy pack
 * projects (policies/lib/breakEven.ts, policies/monthlyBudget.ts: the stack's priced resources,
 * plus overhead when it self-hosts, plus the API bill of the tokens it does not serve itself),
 * split so the cost engine's own figure (GPU instances + overhead, as the seed counts) is visible
 * inside it instead of beside it as a second, different total.
 */
import { apiSpend } from "../../config/scenario";
import type { StackPlan } from "./plan";

export type TotalPartId = "gpu-instances" | "rest-of-stack" | "stack-resources" | "overhead" | "api-bill";

export interface TotalPart {
    readonly id: TotalPartId;
    readonly label: string;
    readonly monthlyUsd: number;
    /** Where the figure comes from, for the reader. */
    readonly source: string;
}

export interface MonthlyTotal {
    readonly monthlyUsd: number;
    /** Add up to monthlyUsd. */
    readonly parts: readonly TotalPart[];
    /** The engine's self-hosted figure (GPU instances + overhead) when the stack self-hosts. */
    readonly engineSelfHostedMonthlyUsd?: number;
}

/**
 * The stack's monthly total, or undefined when there is none to state: a preview without the
 * unchanged resources, a stack with an unpriced resource (the total would be a floor), or a stack
 * without llm-breakeven config.
 */
export function monthlyTotal(plan: Pick<StackPlan, "complete" | "after" | "config" | "estimate">): MonthlyTotal | undefined {
    const resourcesUsd = plan.after.monthlyUsd;
    const config = plan.config;
    const e = plan.estimate;
    if (!plan.complete || resourcesUsd === null || config === undefined || e === undefined) return undefined;
    const selfHosts = config.mode !== "gateway";
    const apiBill = apiSpend(config.workload, config.mode, config.selfHosted?.model).remainingApiMonthlyUsd;
    const parts: TotalPart[] = [];
    const gpu = e.selfHosted.gpuMonthlyUsd;
    if (selfHosts && resourcesUsd + 0.005 >= gpu) {
        parts.push(
            { id: "gpu-instances", label: "GPU instances", monthlyUsd: gpu, source: `${e.selfHosted.nodes} x ${e.selfHosted.offerLabel} (cost engine)` },
            { id: "rest-of-stack", label: "rest of the stack", monthlyUsd: Math.max(0, resourcesUsd - gpu), source: "the resources table beyond the GPU instances: cluster, network, storage" },
        );
    } else {
        parts.push({ id: "stack-resources", label: "stack resources", monthlyUsd: resourcesUsd, source: "the resources table" });
    }
    if (selfHosts) parts.push({ id: "overhead", label: "overhead", monthlyUsd: e.selfHosted.overheadMonthlyUsd, source: "llm-breakeven:overhead: engineering, monitoring, storage/network/egress" });
    if (apiBill > 0) parts.push({ id: "api-bill", label: config.mode === "hybrid" ? "API bill, tiers not self-hosted" : "API bill, routed", monthlyUsd: apiBill, source: "the workload's routing mix at list prices, net of cache hits" });
    return {
        monthlyUsd: parts.reduce((sum, p) => sum + p.monthlyUsd, 0),
        parts,
        ...(selfHosts ? { engineSelfHostedMonthlyUsd: e.selfHosted.monthlyUsd } : {}),
    };
}
