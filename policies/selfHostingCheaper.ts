/**
 * self-hosting-would-be-cheaper (advisory, gateway stacks): the mirror of the break-even block.
 * When the declared volume is above the break-even of the smallest redundant self-hosted
 * deployment the engine can size, say so, with both monthly figures.
 */
import { costEngine } from "./lib/engine";
import { stackPolicy } from "./lib/stackPolicy";
import { formatTokens, perMonth } from "./lib/format";
import { resolveWorkload, WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";

export const selfHostingWouldBeCheaper = stackPolicy({
    name: "self-hosting-would-be-cheaper",
    description: "Advises a gateway stack whose declared volume is above the self-hosting break-even.",
    enforcementLevel: "advisory",
    config: { ...WORKLOAD_OVERRIDE_SCHEMA },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        if (view.stackConfig.kind !== "parsed" || view.stackConfig.config.mode !== "gateway") {
            return args.notApplicable("only gateway stacks (llm-breakeven:mode gateway) are compared with self-hosting");
        }
        const stack = view.stackConfig.config;
        const resolved = resolveWorkload(view.stackConfig, config);
        if (!resolved.ok) return reportViolation(`Cannot compare with self-hosting: ${resolved.problem}.`);
        const engine = costEngine();
        const spend = engine.apiSpend(resolved.value.workload, "gateway");
        const gatewayMonthlyUsd = spend.allApiMonthlyUsd + view.pricing.monthlyUsd;
        const alternative = engine.selfHostedAlternative(stack, resolved.value.workload);
        const residency = resolved.value.workload.residencyRequired;
        if (alternative.monthlyUsd >= gatewayMonthlyUsd && !residency) return;
        reportViolation([
            alternative.monthlyUsd < gatewayMonthlyUsd
                ? `Self-hosting would be cheaper: ${formatTokens(resolved.value.tokensPerMonth)} tokens/month is above the ${formatTokens(alternative.breakEvenTokensPerMonth)} break-even of ${alternative.label}, which would cost ${perMonth(alternative.monthlyUsd)} against this gateway's ${perMonth(gatewayMonthlyUsd)} (API bill ${perMonth(spend.allApiMonthlyUsd)} + gateway resources ${perMonth(view.pricing.monthlyUsd)}).`
                : `The workload requires data residency (llm-breakeven:workload.residencyRequired): self-host those workloads, even though ${alternative.label} would cost ${perMonth(alternative.monthlyUsd)} against this gateway's ${perMonth(gatewayMonthlyUsd)}.`,
            "Consider: `llm-breakeven estimate` with this volume, then mode self-hosted or hybrid for the bulk tiers.",
        ].join("\n"));
    },
});
