/**
 * break-even-exemption (advisory): the audited exemption. An unexpired llm-breakeven:exemption
 * (kind, reason, approvedBy, expires) lets a stack above the API break-even deploy, and this policy
 * says so on every preview, quoting the reason and the full break-even analysis. An expired
 * exemption stops here and projected-spend-below-api-break-even blocks again.
 */
import { analyseBreakEven, describeExemption, EXEMPTION_SWITCH_SCHEMA, exemptionsAllowed, exemptionState } from "./lib/breakEven";
import { stackPolicy } from "./lib/stackPolicy";
import { SPEND_BASIS_SCHEMA } from "./lib/spendRange";
import { WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";
import { projectedSpendBelowApiBreakEven as blocking } from "./projectedSpend";

export const breakEvenExemption = stackPolicy({
    name: "break-even-exemption",
    description: `Reports every stack deploying above the API break-even under an approved exemption, quoting its reason, approver and expiry.`,
    enforcementLevel: "advisory",
    // The same keys as projected-spend-below-api-break-even: set them alike so both analyses agree.
    config: { ...WORKLOAD_OVERRIDE_SCHEMA, ...EXEMPTION_SWITCH_SCHEMA, ...SPEND_BASIS_SCHEMA },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        const exemption = exemptionState(view);
        if (exemption.kind !== "active") {
            return args.notApplicable(exemption.kind === "none" ? "no llm-breakeven:exemption is recorded" : `the exemption expired on ${exemption.exemption.expires}`);
        }
        if (!exemptionsAllowed(config)) {
            return args.notApplicable(`this environment honours no exemption (allowExemptions: false), so ${blocking.name} decides`);
        }
        const result = analyseBreakEven(view, config);
        if (result.kind === "not-applicable") return args.notApplicable(result.reason);
        if (result.kind === "projected" && !result.above) return;
        const what = result.kind === "projected" ? result.message : `(${result.message})`;
        reportViolation(`EXEMPT from ${blocking.name} under the ${describeExemption(exemption.exemption)}.\n${what}`);
    },
});
