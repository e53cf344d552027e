/**
 * The JSON of a plan: exactly the fields of `llm-breakeven plan --json` (issue 6), per stack:
 * stack, mode, monthlyUsd, resources, api, breakEven, capacity, decision, verdict, violations; issue 15
 * added monthlyTotal (one total per stack, with its parts) and decision.rule.
 * report.json adds the before/after delta beside them (`planReportJson`).
 */
import type { Estimate } from "../../cost/estimate";
import { unpricedReason } from "../../cost/pricers";
import type { Violation } from "./policy";
import type { ResourceDelta, Side, StackPlan } from "./plan";
import { monthlyTotal } from "./total";

export interface ResourceJson {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Secrets are "[secret]". */
    readonly inputs: Readonly<Record<string, unknown>>;
    /** null when the catalogue cannot price it (never $0). */
    readonly monthlyUsd: number | null;
}

export interface PlanJson {
    readonly stack: string;
    readonly mode: string | null;
    /** The resources' monthly cost; null when any billable resource is unpriced or unknown without a bound. */
    readonly monthlyUsd: number | null;
    /** The stack's one monthly total and the parts that add up to it (cli/plan/total.ts); null when there is none to state. */
    readonly monthlyTotal: MonthlyTotalJson | null;
    readonly resources: readonly ResourceJson[];
    readonly api: ApiJson | null;
    readonly breakEven: BreakEvenJson | null;
    readonly capacity: CapacityJson | null;
    readonly decision: DecisionJson | null;
    readonly verdict: "pass" | "blocked";
    readonly violations: readonly ViolationJson[];
}

export interface ApiJson {
    /** What the workload would cost through managed APIs with its routing (the engine's API-equivalent), USD per month. */
    readonly monthlyUsd: number;
    readonly usdPerMTok: number;
    readonly basis: string;
    readonly cacheHitRate: number;
    readonly tokensPerMonth: number;
    readonly unroutedMonthlyUsd: number;
    readonly unroutedUsdPerMTok: number;
    /** The self-hosted alternative the engine compares with: configured nodes plus overhead. */
    readonly selfHostedMonthlyUsd: number;
}

export interface BreakEvenJson {
    /** Tokens per month at which the configured nodes cost what the API does; null when never. */
    readonly tokensPerMonth: number | null;
    readonly statement: string;
    readonly unroutedTokensPerMonth: number | null;
    /** Sizing the nodes for the volume (N+1 at peak) instead of the configured count. */
    readonly capacityAwareTokensPerMonth: number | null;
    readonly capacityAwareStatement: string;
}

export interface CapacityJson {
    readonly perNodeTokensPerMonth: number;
    readonly perNodeOutputTokensPerSecond: number;
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    readonly configuredNodes: number;
    readonly tokensPerMonth: number;
    readonly servableTokensPerMonth: number;
    readonly servesVolume: boolean;
    readonly nodesNeeded: number;
    readonly monthlyUsd: number;
}

export interface DecisionJson {
    readonly decision: string;
    /** The rule that decided (cost/decision.ts DECISION_RULES). */
    readonly rule: string;
    readonly reason: string;
}

export interface MonthlyTotalJson {
    readonly monthlyUsd: number;
    readonly parts: ReadonlyArray<{ readonly id: string; readonly label: string; readonly monthlyUsd: number }>;
}

function monthlyTotalJson(plan: StackPlan): MonthlyTotalJson | null {
    const total = monthlyTotal(plan);
    return total === undefined ? null : { monthlyUsd: round2(total.monthlyUsd)!, parts: total.parts.map((p) => ({ id: p.id, label: p.label, monthlyUsd: round2(p.monthlyUsd)! })) };
}

export interface ViolationJson {
    readonly policy: string;
    readonly enforcementLevel: string;
    readonly message: string;
}

function round2(usd: number | null): number | null {
    return usd === null ? null : Math.round(usd * 100) / 100;
}

function resourcesJson(side: Side): ResourceJson[] {
    return side.rows.map((r) => ({ urn: r.state.urn, type: r.state.type, name: r.state.name, inputs: r.state.inputs, monthlyUsd: round2(r.monthlyUsd) }));
}

function apiJson(e: Estimate): ApiJson {
    return {
        monthlyUsd: round2(e.api.monthlyUsd)!, usdPerMTok: e.api.usdPerMTok, basis: e.api.basis, cacheHitRate: e.api.cacheHitRate, tokensPerMonth: e.scenario.tokensPerMonth,
        unroutedMonthlyUsd: round2(e.unrouted.monthlyUsd)!, unroutedUsdPerMTok: e.unrouted.usdPerMTok, selfHostedMonthlyUsd: round2(e.selfHosted.monthlyUsd)!,
    };
}

function breakEvenJson(e: Estimate): BreakEvenJson {
    return {
        tokensPerMonth: e.breakEven.tokensPerMonth, statement: e.breakEven.statement, unroutedTokensPerMonth: e.breakEven.unroutedTokensPerMonth,
        capacityAwareTokensPerMonth: e.capacity.breakEven.tokensPerMonth, capacityAwareStatement: e.capacity.breakEven.statement,
    };
}

function capacityJson(e: Estimate): CapacityJson {
    const c = e.capacity;
    return {
        perNodeTokensPerMonth: c.perNode.tokensPerMonth, perNodeOutputTokensPerSecond: c.perNode.outputTokensPerSecond,
        tensorParallelSize: c.perNode.tensorParallelSize, replicasPerNode: c.perNode.replicasPerNode, configuredNodes: e.selfHosted.nodes,
        tokensPerMonth: c.tokensPerMonth, servableTokensPerMonth: c.servableTokensPerMonth, servesVolume: c.servesVolume, nodesNeeded: c.nodesNeeded, monthlyUsd: round2(c.monthlyUsd)!,
    };
}

function violationJson(v: Violation): ViolationJson {
    return { policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message };
}

export function planJson(plan: StackPlan): PlanJson {
    const e = plan.estimate;
    return {
        stack: plan.stack,
        mode: plan.mode,
        monthlyUsd: round2(plan.after.monthlyUsd),
        monthlyTotal: monthlyTotalJson(plan),
        resources: resourcesJson(plan.after),
        api: e === undefined ? null : apiJson(e),
        breakEven: e === undefined ? null : breakEvenJson(e),
        capacity: e === undefined ? null : capacityJson(e),
        decision: e === undefined ? null : { decision: e.decision, rule: e.decisionRule, reason: e.decisionReason },
        verdict: plan.verdict.verdict,
        violations: plan.verdict.violations.map(violationJson),
    };
}

/** report.json per stack: the --json fields, plus the before side and the per-resource delta when there is one. */
export interface PlanReportJson extends PlanJson {
    readonly source: StackPlan["source"];
    readonly complete: boolean;
    readonly pricedMonthlyUsd: number;
    readonly unpriced: readonly { readonly urn: string; readonly type: string; readonly reason: string }[];
    readonly before?: { readonly monthlyUsd: number | null; readonly pricedMonthlyUsd: number };
    readonly deltaMonthlyUsd?: number | null;
    readonly deltas?: readonly ResourceDelta[];
}

function unpricedOf(side: Side): { urn: string; type: string; reason: string }[] {
    return [...side.pricing.unpriced, ...side.pricing.unbounded].map((e) => ({
        urn: e.urn, type: e.type,
        reason: unpricedReason(e.price),
    }));
}

export function planReportJson(plan: StackPlan): PlanReportJson {
    const before = plan.before;
    return {
        ...planJson(plan),
        source: plan.source,
        complete: plan.complete,
        pricedMonthlyUsd: round2(plan.after.pricedMonthlyUsd)!,
        unpriced: unpricedOf(plan.after),
        ...(before !== undefined ? { before: { monthlyUsd: round2(before.monthlyUsd), pricedMonthlyUsd: round2(before.pricedMonthlyUsd)! }, deltaMonthlyUsd: round2(plan.deltaMonthlyUsd ?? null) } : {}),
        ...(plan.deltas !== undefined ? { deltas: plan.deltas.filter((d) => d.op !== "same" || d.deltaMonthlyUsd !== 0) } : {}),
    };
}
