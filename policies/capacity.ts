/**
 * capacity-covers-workload (mandatory): the GPU nodes the stack creates can serve the declared
 * peak, by the cost engine's capacity model for the stack's model, precision and instance type.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { PEAK_TO_AVERAGE_RANGE, jsonSchemaRange } from "../cost/workload";
import { costEngine } from "./lib/engine";
import { failClosed } from "./lib/failClosed";
import { formatTokens, formatWhole } from "./lib/format";
import { stackView } from "./lib/view";
import { resolveWorkload, WORKLOAD_OVERRIDE_SCHEMA, WorkloadOverrides } from "./lib/workload";

export const CAPACITY_POLICY = "capacity-covers-workload";

export interface CapacityConfig extends WorkloadOverrides {
    /** Peak-hour rate over the monthly average; overrides llm-breakeven:workload.peakToAverage. */
    readonly peakToAverage?: number;
}

export const capacityCoversWorkload: StackValidationPolicy = {
    name: CAPACITY_POLICY,
    description: "The GPU nodes the stack creates must serve the declared peak, by the capacity model.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            tokensPerMonth: WORKLOAD_OVERRIDE_SCHEMA.tokensPerMonth,
            inputOutputRatio: WORKLOAD_OVERRIDE_SCHEMA.inputOutputRatio,
            peakToAverage: { type: "number", ...jsonSchemaRange(PEAK_TO_AVERAGE_RANGE), description: "Peak-hour rate over the monthly average; overrides llm-breakeven:workload.peakToAverage." },
        },
    },
    validateStack: failClosed(CAPACITY_POLICY, (args, reportViolation) => {
        const view = stackView(args);
        if (view.gpuCapacity.length === 0) return args.notApplicable("the stack creates no GPU capacity");
        if (view.stackConfig.kind !== "parsed") {
            return reportViolation(view.stackConfig.kind === "absent"
                ? "The stack creates GPU capacity but has no llm-breakeven stack config, so the model it serves (and so its capacity) is unknown. Set llm-breakeven:mode, workload and selfHosted."
                : `The stack config is invalid, so the capacity cannot be checked:\n  - ${view.stackConfig.problems.join("\n  - ")}`);
        }
        const stack = view.stackConfig.config;
        const config = args.getConfig<CapacityConfig>();
        const resolved = resolveWorkload(view.stackConfig, config);
        if (!resolved.ok) return reportViolation(`Cannot check capacity: ${resolved.problem}.`);
        const engine = costEngine();
        // In hybrid mode the GPUs serve only the tiers routed to the self-hosted model.
        const share = engine.apiSpend(resolved.value.workload, stack.mode).selfHostedShare;
        const workload = {
            ...resolved.value.workload,
            tokensPerMonth: resolved.value.tokensPerMonth * share,
            ...(config.peakToAverage !== undefined ? { peakToAverage: config.peakToAverage } : {}),
        };

        const problems: string[] = [];
        let servedTokensPerSecond = 0;
        let peakTokensPerSecond = 0;
        const basis: string[] = [];
        for (const c of view.gpuCapacity) {
            if (c.instanceType === undefined || c.gpu === undefined) {
                problems.push(`${c.resource.name}: instance type ${c.instanceType ?? "unknown at preview"} has no capacity model (not a catalogued GPU type)`);
                continue;
            }
            if (c.nodes === undefined) {
                problems.push(`${c.resource.name}: desired size unknown at preview`);
                continue;
            }
            const capacity = engine.capacity(stack, c.instanceType, workload);
            servedTokensPerSecond += c.nodes * capacity.perNodeTokensPerSecond;
            peakTokensPerSecond = capacity.peakTokensPerSecond;
            basis.push(`${c.resource.name}: ${c.nodes} x ${c.instanceType} at ${formatWhole(capacity.perNodeTokensPerSecond)} output tokens/s per node (${capacity.basis}); ${capacity.nodesNeeded} needed`);
        }
        if (problems.length === 0 && servedTokensPerSecond >= peakTokensPerSecond) return;
        reportViolation([
            problems.length > 0
                ? "Cannot show that the GPU nodes serve the declared peak:"
                : `The GPU nodes serve ${formatWhole(servedTokensPerSecond)} output tokens/s, below the declared peak of ${formatWhole(peakTokensPerSecond)} (${formatTokens(workload.tokensPerMonth)} tokens/month x peak factor ${workload.peakToAverage}).`,
            ...problems.map((p) => `  - ${p}`),
            ...basis.map((b) => `  - ${b}`),
            "Fix: raise llm-breakeven:selfHosted.nodesPerZone or gpuZones, pick a faster instance type, lower precision (fp8 on H100/H200), or relax selfHosted.slo (a latency target lowers each replica's batch).",
        ].join("\n"));
    }),
};
