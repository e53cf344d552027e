/**
 * The policy config of an environment without policies/config/<env>.json, derived from its stack
 * file so a new environment plans instead of failing monthly-budget for want of a ceiling:
 *
 * - every policy at the pack's own default level and settings (gpu-redundancy in production only);
 * - monthly-budget's ceiling = the stack's projected monthly total today (cli/plan/total.ts: what the
 *   pack projects) plus 20% headroom, rounded up to $100. A baseline, not a budget anyone approved:
 *   the stack as written passes, and a change that raises the projection by more than a fifth blocks
 *   until someone writes the environment's policy config with the budget owner's figure.
 *
 * The Pulumi CLI has no such fallback: `pulumi preview --policy-pack policies` runs monthly-budget
 * without a ceiling (a violation) unless given `--policy-pack-config policies/config/<env>.json`; the
 * README's "Add an environment" says how to write it (the verdict line prints the derived figure).
 */
import { formatUsd } from "../../cost/units";
import { monthlyBudget } from "../../policies/monthlyBudget";
import { normalisePolicyConfig, PolicyPackConfig } from "./policy";
import type { StackPlan } from "./plan";
import { monthlyTotal } from "./total";

/** Headroom over today's projection: room for ordinary growth, not for a second node. */
export const DERIVED_HEADROOM = 1.2;
const ROUND_TO_USD = 100;

export interface DerivedPolicy {
    readonly config: PolicyPackConfig;
    readonly source: string;
    /** The policy-pack-config JSON the derivation stands for. */
    readonly json: Readonly<Record<string, unknown>>;
}

/**
 * The derived config for a plan of `stack`. Without a total to derive from (an unpriced resource, a
 * preview of the changes only) the ceiling stays unset, and monthly-budget says so as it always has.
 */
export function derivedPolicyConfig(stack: string, baseline: Pick<StackPlan, "complete" | "after" | "config" | "estimate">): DerivedPolicy {
    const total = monthlyTotal(baseline);
    const where = `derived from stacks/Pulumi.${stack}.yaml (no policies/config/${stack}.json)`;
    if (total === undefined) {
        return { config: normalisePolicyConfig({}), source: `${where}; no ceiling: the stack's total cannot be projected`, json: {} };
    }
    const maxMonthlyUsd = Math.ceil((total.monthlyUsd * DERIVED_HEADROOM) / ROUND_TO_USD) * ROUND_TO_USD;
    const json = { [monthlyBudget.name]: { enforcementLevel: "mandatory", maxMonthlyUsd } };
    return {
        config: normalisePolicyConfig(json, where),
        source: `${where}: monthly-budget ceiling ${formatUsd(maxMonthlyUsd)} = projected ${formatUsd(total.monthlyUsd)} + ${Math.round((DERIVED_HEADROOM - 1) * 100)}%, rounded up to ${formatUsd(ROUND_TO_USD)}`,
        json,
    };
}
