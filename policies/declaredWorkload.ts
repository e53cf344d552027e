/**
 * declared-workload-matches-measured (advisory by default): the declared volume
 * (`llm-breakeven:workload.tokensPerMonth`) is within a tolerance of what `llm-breakeven usage`
 * measured. Every cost, break-even and capacity verdict of the pack rests on the declared figure; a
 * declaration far from the measurement makes them all wrong. Not applicable until a measured-workload
 * file is configured (measuredFile); a configured file that is missing, malformed or stale is a violation.
 */
import { compareWorkload, DEFAULT_DRIFT_TOLERANCE } from "../cost/drift";
import { stackPolicy } from "./lib/stackPolicy";
import { formatTokens } from "./lib/format";
import { MEASURED_FILE_SCHEMA, readMeasuredFile } from "./lib/measured";

export const declaredWorkloadMatchesMeasured = stackPolicy({
    name: "declared-workload-matches-measured",
    description: "Checks the declared tokens per month against the volume `llm-breakeven usage` measured.",
    enforcementLevel: "advisory",
    config: {
        ...MEASURED_FILE_SCHEMA,
        tolerance: { type: "number", minimum: 0, description: `Largest drift of the declared volume from the measured one, as a fraction of the measured (default ${DEFAULT_DRIFT_TOLERANCE}).` },
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const read = readMeasuredFile(config);
        if (read === undefined) return args.notApplicable("no measured-workload file configured (measuredFile): run `llm-breakeven usage --write-workload usage.json` and set it");
        if (!read.ok) return reportViolation(`Cannot compare the declared workload with the measured one: ${read.problem}.`);
        const view = stackView();
        if (view.stackConfig.kind !== "parsed") return reportViolation(`Cannot compare the declared workload with the measured one: the stack config is invalid:\n  - ${view.stackConfig.kind === "invalid" ? view.stackConfig.problems.join("\n  - ") : "no llm-breakeven config"}`);
        const declared = view.stackConfig.config.workload;
        const verdict = compareWorkload(declared, read.value.workload, config.tolerance ?? DEFAULT_DRIFT_TOLERANCE);
        if (verdict.withinTolerance) return;
        reportViolation([
            `Declared workload drifts from the measured one: ${verdict.summary}.`,
            `  declared: ${formatTokens(declared.tokensPerMonth)} tokens/month (stack config llm-breakeven:workload.tokensPerMonth)`,
            `  measured: ${read.label}`,
            `Fix: set llm-breakeven:workload.tokensPerMonth to the measured volume (pulumi config set --path 'llm-breakeven:workload.tokensPerMonth' ${formatTokens(read.value.workload.tokensPerMonth)}), or judge the break-even against the measurement (workloadSource: measured).`,
        ].join("\n"));
    },
});
