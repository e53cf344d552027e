/**
 * monthly-budget (mandatory): a hard ceiling per environment on the stack's projected monthly
 * spend: priced resources, plus the operational overhead when it self-hosts, plus the API bill of
 * the tokens it routes to managed APIs. It judges the ceiling of that spend by default (every node
 * group at its maximum all month, policies/lib/spendRange.ts); a stack with no ceiling is blocked.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { selfHosts } from "./lib/breakEven";
import { costEngine } from "./lib/engine";
import { stackPolicy } from "./lib/stackPolicy";
import { perMonth, topResources, unpricedProblems, assumptions } from "./lib/format";
import { BUDGET_USD_RANGE } from "../cost/workload";
import { judgedSpend, SPEND_BASIS_SCHEMA } from "./lib/spendRange";
import { rangedNumber } from "./lib/configSchema";
import { overheadMonthlyUsd, resolveWorkload, WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";

// Annotated: its own message quotes monthlyBudget.name, a self-reference inference cannot type.
export const monthlyBudget: StackValidationPolicy = stackPolicy({
    name: "monthly-budget",
    description: "The stack's projected monthly spend (resources, overhead and routed API bill) must stay under the environment's ceiling.",
    enforcementLevel: "mandatory",
    config: {
        maxMonthlyUsd: rangedNumber(BUDGET_USD_RANGE, "The ceiling in USD per month (set per environment in policies/config/<env>.json)."),
        includeApiSpend: { type: "boolean", default: true, description: "Count the API bill of the tokens routed to managed APIs against the ceiling." },
        ...WORKLOAD_OVERRIDE_SCHEMA,
        ...SPEND_BASIS_SCHEMA,
    },
    validate: ({ config, stackView }, reportViolation) => {
        if (config.maxMonthlyUsd === undefined) {
            return reportViolation(`No ceiling configured: set "${monthlyBudget.name}": { "maxMonthlyUsd": <USD> } in the environment's policy config (policies/config/<env>.json).`);
        }
        const view = stackView();
        const problems = unpricedProblems(view.pricing);
        if (problems.length > 0) {
            return reportViolation(`Cannot hold the stack to its ${perMonth(config.maxMonthlyUsd)} ceiling: ${problems.length} billable resource${problems.length === 1 ? "" : "s"} cannot be priced:\n${problems.join("\n")}`);
        }
        const stack = view.stackConfig.kind === "parsed" ? view.stackConfig.config : undefined;
        const overhead = selfHosts(view) ? overheadMonthlyUsd(stack, config) : { monthlyUsd: 0, source: "no self-hosting" };
        let apiMonthlyUsd = 0;
        const routesToApis = stack !== undefined && stack.mode !== "self-hosted";
        if ((config.includeApiSpend ?? true) && (routesToApis || view.stackConfig.kind === "invalid")) {
            const resolved = resolveWorkload(view.stackConfig, config);
            if (!resolved.ok) return reportViolation(`Cannot project the routed API bill: ${resolved.problem}.`);
            apiMonthlyUsd = costEngine().apiSpend(resolved.value.workload, stack?.mode ?? "gateway").remainingApiMonthlyUsd;
        }
        const floor = view.pricing.monthlyUsd + overhead.monthlyUsd + apiMonthlyUsd;
        const judged = judgedSpend(view, config, floor);
        if (!judged.ok) return reportViolation(`Cannot hold the stack to its ${perMonth(config.maxMonthlyUsd)} ceiling: ${judged.problem}.`);
        const total = judged.monthlyUsd;
        if (total <= config.maxMonthlyUsd) return;
        reportViolation([
            `Projected monthly spend ${perMonth(total)} (the ${judged.basis}) is above this environment's ceiling of ${perMonth(config.maxMonthlyUsd)} by ${perMonth(total - config.maxMonthlyUsd)}.`,
            `  ${judged.describe}`,
            `  floor: resources ${perMonth(view.pricing.monthlyUsd)} + overhead ${perMonth(overhead.monthlyUsd)} (${overhead.source}) + routed API bill ${perMonth(apiMonthlyUsd)}`,
            "  most expensive resources:",
            ...topResources(view.pricing),
            `  assumptions: ${assumptions(view)}.`,
            "Fix: shrink the stack or its node groups' maximum (llm-breakeven:selfHosted.autoscaling.gpuCeilingMonthlyUsd), or raise maxMonthlyUsd in policies/config/<env>.json with the budget owner's approval.",
        ].join("\n"));
    },
});
