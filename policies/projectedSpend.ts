/**
 * projected-spend-below-api-break-even (mandatory): a self-hosting stack must cost less per month
 * than its declared workload would through managed APIs. The stack policy prices every resource
 * the stack would create, adds the operational overhead, and compares.
 */
import { analyseBreakEven, describeExemption, EXEMPTION_SWITCH_SCHEMA, exemptionsAllowed, exemptionState } from "./lib/breakEven";
import { stackPolicy } from "./lib/stackPolicy";
import { SPEND_BASIS_SCHEMA } from "./lib/spendRange";
import { WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";

export const projectedSpendBelowApiBreakEven = stackPolicy({
    name: "projected-spend-below-api-break-even",
    description: "Blocks a self-hosting stack whose projected monthly spend is above what its declared workload would cost through managed APIs.",
    enforcementLevel: "mandatory",
    config: {
        ...WORKLOAD_OVERRIDE_SCHEMA,
        ...EXEMPTION_SWITCH_SCHEMA, ...SPEND_BASIS_SCHEMA,
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        const result = analyseBreakEven(view, config);
        if (result.kind === "not-applicable") return args.notApplicable(result.reason);
        if (result.kind === "cannot-project") return reportViolation(result.message);
        if (!result.above) return;
        const exemption = exemptionState(view);
        if (exemption.kind === "active" && exemptionsAllowed(config)) return; // break-even-exemption reports it.
        const preface = exemption.kind === "expired"
            ? `The ${describeExemption(exemption.exemption)} has expired, so the block applies again. Renew it (a new expires date, approved again) or fix the cost.\n`
            : exemption.kind === "active" ? "An exemption is recorded, but this environment's policy config does not allow exemptions (allowExemptions: false).\n" : "";
        reportViolation(preface + result.message);
    },
});
