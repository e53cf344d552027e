/**
 * gateway-budget-covers-projection (advisory): the gateway's LiteLLM budget (max_budget) should
 * cover the API bill the declared workload projects; below it, the gateway refuses requests before
 * the month ends.
 */
import { costEngine } from "./lib/engine";
import { stackPolicy } from "./lib/stackPolicy";
import { formatTokens, perMonth, rate } from "./lib/format";
import { resolveWorkload, WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";

export const gatewayBudgetCoversProjection = stackPolicy({
    name: "gateway-budget-covers-projection",
    description: "The gateway's monthly budget should cover the API bill its declared workload projects.",
    enforcementLevel: "advisory",
    config: {
        ...WORKLOAD_OVERRIDE_SCHEMA,
        headroom: { type: "number", minimum: 1, default: 1, description: "Budget over projected bill to keep (1.2 = 20% headroom)." },
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        const stack = view.stackConfig.kind === "parsed" ? view.stackConfig.config : undefined;
        if (stack?.gateway === undefined || stack.mode === "self-hosted") {
            return args.notApplicable("the stack runs no gateway (llm-breakeven:mode gateway or hybrid)");
        }
        const headroom = config.headroom ?? 1;
        const resolved = resolveWorkload(view.stackConfig, config);
        if (!resolved.ok) return reportViolation(`Cannot project the gateway's API bill: ${resolved.problem}.`);
        const spend = costEngine().apiSpend(resolved.value.workload, stack.mode);
        const needed = spend.remainingApiMonthlyUsd * headroom;
        const budget = stack.gateway.budgets.monthlyUsd;
        if (budget >= needed) return;
        // A budget spent evenly runs out on this day of a 30-day month; one that covers the bill but
        // not the headroom lasts an even month.
        const day = Math.max(1, Math.floor((budget / spend.remainingApiMonthlyUsd) * 30));
        const outcome = day < 30 ? `at an even rate LiteLLM refuses requests from about day ${day} of the month` : "it lasts an even month, but a busier one runs it out before the month ends";
        reportViolation([
            `The gateway's monthly budget ${perMonth(budget)} (llm-breakeven:gateway.budgets.monthlyUsd) is below the projected API bill ${perMonth(spend.remainingApiMonthlyUsd)}${headroom > 1 ? ` plus ${Math.round((headroom - 1) * 100)}% headroom` : ""}: ${outcome}.`,
            `  declared volume: ${formatTokens(resolved.value.tokensPerMonth)} tokens/month at ${rate(spend.allApiUsdPerMTok)} (${resolved.value.sources.apiUsdPerMTok})`,
            `Fix: raise gateway.budgets.monthlyUsd to at least ${perMonth(Math.ceil(needed))}, or route more traffic to cheaper tiers.`,
        ].join("\n"));
    },
});
