/**
 * gpu-redundancy (mandatory): in production, at least two GPU nodes across at least two
 * availability zones, so one node or one zone failing leaves the model served.
 */
import { environmentsProperty, outsideEnvironments } from "./lib/environments";
import { stackPolicy } from "./lib/stackPolicy";
import { zonesOf } from "./lib/view";

export const gpuRedundancy = stackPolicy({
    name: "gpu-redundancy",
    description: "Production GPU serving needs at least two GPU nodes across at least two availability zones.",
    enforcementLevel: "mandatory",
    config: {
        minGpuNodes: { type: "integer", minimum: 1, default: 2, description: "Fewest GPU nodes the stack may run." },
        minZones: { type: "integer", minimum: 1, default: 2, description: "Fewest availability zones the GPU nodes must span." },
        environments: environmentsProperty("the rule applies to"),
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const minNodes = config.minGpuNodes ?? 2;
        const minZones = config.minZones ?? 2;
        const view = stackView();
        if (view.gpuCapacity.length === 0) return args.notApplicable("the stack creates no GPU capacity");
        // Without a readable stack config the environment is unknown: hold the stack to the production rule.
        const environment = view.stackConfig.kind === "parsed" ? view.stackConfig.config.environment : "production";
        const outside = outsideEnvironments(config, environment);
        if (outside !== undefined) return args.notApplicable(outside);

        const problems: string[] = [];
        let nodes = 0;
        const zones = new Set<string>();
        for (const c of view.gpuCapacity) {
            if (c.gpu === undefined) {
                problems.push(`${c.resource.name}: instance type ${c.instanceType ?? "unknown at preview"} is not a known GPU type, so its nodes are not counted`);
                continue;
            }
            if (c.nodes === undefined) {
                problems.push(`${c.resource.name}: its desired size is unknown at preview, so its nodes are not counted`);
                continue;
            }
            if (c.nodes === 0) continue;
            nodes += c.nodes;
            const z = zonesOf(c, view);
            if (z === undefined) problems.push(`${c.resource.name}: the zones of its subnets cannot be resolved, so they are not counted`);
            else z.forEach((zone) => zones.add(zone));
        }
        if (nodes >= minNodes && zones.size >= minZones) return;
        reportViolation([
            `The stack runs ${nodes} GPU node${nodes === 1 ? "" : "s"} in ${zones.size} availability zone${zones.size === 1 ? "" : "s"}${zones.size > 0 ? ` (${[...zones].sort().join(", ")})` : ""}; environment ${environment} needs at least ${minNodes} nodes across at least ${minZones} zones, so that one node or zone failing leaves the model served.`,
            ...problems.map((p) => `  - ${p}`),
            "Fix: set llm-breakeven:selfHosted.gpuZones to 2 or more and nodesPerZone to 1 or more (one single-AZ GPU node group per zone).",
        ].join("\n"));
    },
});
