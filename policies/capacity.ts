/**
 * capacity-covers-workload (mandatory): the GPU nodes the stack creates (each group's floor: its
 * desired size) are at least the nodes the cost engine says the declared peak needs, N+1 when the
 * stack is redundant: the engine's nodesNeeded itself, so the two never disagree. A fleet of mixed
 * GPU types serves the peak with its largest node lost.
 */
import { PEAK_TO_AVERAGE_RANGE } from "../cost/workload";
import { costEngine } from "./lib/engine";
import { stackPolicy } from "./lib/stackPolicy";
import { formatTokens, formatWhole } from "./lib/format";
import { rangedNumber } from "./lib/configSchema";
import { WORKLOAD_OVERRIDE_SCHEMA } from "./lib/workload";
import { gpuWorkload } from "./lib/spendRange";
import { selfHostedOrDefault } from "../config/scenario";

export const capacityCoversWorkload = stackPolicy({
    name: "capacity-covers-workload",
    description: "The GPU nodes the stack creates must serve the declared peak, by the capacity model.",
    enforcementLevel: "mandatory",
    config: {
        tokensPerMonth: WORKLOAD_OVERRIDE_SCHEMA.tokensPerMonth,
        inputOutputRatio: WORKLOAD_OVERRIDE_SCHEMA.inputOutputRatio,
        peakToAverage: rangedNumber(PEAK_TO_AVERAGE_RANGE, "Peak-hour rate over the monthly average; overrides llm-breakeven:workload.peakToAverage."),
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        if (view.gpuCapacity.length === 0) return args.notApplicable("the stack creates no GPU capacity");
        if (view.stackConfig.kind !== "parsed") {
            return reportViolation(view.stackConfig.kind === "absent"
                ? "The stack creates GPU capacity but has no llm-breakeven stack config, so the model it serves (and so its capacity) is unknown. Set llm-breakeven:mode, workload and selfHosted."
                : `The stack config is invalid, so the capacity cannot be checked:\n  - ${view.stackConfig.problems.join("\n  - ")}`);
        }
        const stack = view.stackConfig.config;
        const gpu = gpuWorkload(stack, view.stackConfig, config);
        if (!gpu.ok) return reportViolation(`Cannot check capacity: ${gpu.problem}.`);
        const { workload } = gpu;
        const engine = costEngine();
        const redundant = selfHostedOrDefault(stack).redundancy;

        const problems: string[] = [];
        const fleet: { nodes: number; perNode: number; nodesNeeded: number; type: string }[] = [];
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
            fleet.push({ nodes: c.nodes, perNode: capacity.perNodeTokensPerSecond, nodesNeeded: capacity.nodesNeeded, type: c.instanceType });
            peakTokensPerSecond = capacity.peakTokensPerSecond;
            basis.push(`${c.resource.name}: ${c.nodes} x ${c.instanceType} at ${formatWhole(capacity.perNodeTokensPerSecond)} output tokens/s per node (${capacity.basis})`);
        }
        const nodes = fleet.reduce((s, f) => s + f.nodes, 0);
        const types = new Set(fleet.map((f) => f.type));
        const single = fleet[0];
        let verdict: string | undefined;
        if (problems.length === 0 && types.size === 1 && single !== undefined) {
            // One GPU type: the engine's count, N+1 at peak.
            if (nodes >= single.nodesNeeded) return;
            verdict = `The stack runs ${nodes} ${single.type} GPU node${nodes === 1 ? "" : "s"}; the declared peak needs ${single.nodesNeeded} (${formatTokens(workload.tokensPerMonth)} tokens/month x peak factor ${workload.peakToAverage} = ${formatWhole(peakTokensPerSecond)} output tokens/s${redundant ? ", plus one spare node (N+1)" : ""}, by the cost engine's nodes-needed).`;
        } else if (problems.length === 0) {
            // Mixed types: the peak served with the largest node lost.
            const served = fleet.reduce((s, f) => s + f.nodes * f.perNode, 0) - (redundant ? Math.max(...fleet.map((f) => f.perNode)) : 0);
            if (served >= peakTokensPerSecond && nodes >= (redundant ? 2 : 1)) return;
            verdict = `The GPU nodes serve ${formatWhole(served)} output tokens/s${redundant ? " with their largest node lost (N+1)" : ""}, below the declared peak of ${formatWhole(peakTokensPerSecond)} (${formatTokens(workload.tokensPerMonth)} tokens/month x peak factor ${workload.peakToAverage}).`;
        }
        reportViolation([
            verdict ?? "Cannot show that the GPU nodes serve the declared peak:",
            ...problems.map((p) => `  - ${p}`),
            ...basis.map((b) => `  - ${b}`),
            "Fix: raise llm-breakeven:selfHosted.nodesPerZone or gpuZones, pick a faster instance type, lower precision (fp8 on H100/H200), or relax selfHosted.slo (a latency target lowers each replica's batch).",
        ].join("\n"));
    },
});
