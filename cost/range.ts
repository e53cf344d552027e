/**
 * Monthly cost as a range: floor, expected and ceiling.
 *
 *  - floor: every resource as priced (node groups at their desired size, which is their minimum:
 *    the N+1 floor at the declared peak), plus the overhead and any API bill;
 *  - expected: the floor plus the burst nodes the declared peak needs beyond the floor (the engine's
 *    nodes-needed, N+1 at peak-to-average), which is the floor whenever the floor covers the peak;
 *  - ceiling: every node group at its maximum for the whole month: what the budget must survive
 *    if the autoscaler runs to its bound. A node group without a maximum has no ceiling: the
 *    range is unbounded and the policies block it.
 *
 * Burst nodes are priced on demand: a 1-year reservation covers the floor the stack committed to,
 * not the nodes the autoscaler adds.
 */
import { EC2_INSTANCE_TYPES } from "./catalogue";
import { isUnknownValue, referencesOf, ResourceLike } from "./resource";
import { priceResource, PricingContext } from "./pricers";

export const NODE_GROUP_TYPE = "aws:eks/nodeGroup:NodeGroup";

/** A node group as the autoscaler sees it. */
export interface ScalableGroup {
    readonly name: string;
    /** Its instance type has GPUs in the catalogue (the declared peak's burst lands on these). */
    readonly gpu: boolean;
    readonly minNodes: number;
    readonly desiredNodes: number;
    /** undefined: no maximum (or unknown at preview), so no ceiling. */
    readonly maxNodes: number | undefined;
    /** One more node, on demand (instance and its volumes), per month; undefined when it cannot be priced. */
    readonly burstNodeMonthlyUsd: number | undefined;
}

export interface CostRange {
    readonly floorMonthlyUsd: number;
    readonly expectedMonthlyUsd: number;
    /** null: unbounded (a node group has no maximum). */
    readonly ceilingMonthlyUsd: number | null;
    readonly floorNodes: number;
    readonly expectedNodes: number;
    /** null when unbounded. */
    readonly ceilingNodes: number | null;
    /** Node groups with no maximum, or whose burst node has no price: each makes the ceiling unbounded. */
    readonly unbounded: readonly string[];
}

export interface CostRangeInput {
    /** Everything as priced: resources at their desired size, overhead and API bill. */
    readonly floorMonthlyUsd: number;
    readonly groups: readonly ScalableGroup[];
    /** Nodes the declared peak needs across the groups (N+1); default: the floor. */
    readonly nodesNeeded?: number;
}

export function costRange(input: CostRangeInput): CostRange {
    const floorNodes = input.groups.reduce((s, g) => s + g.desiredNodes, 0);
    const unbounded = input.groups.filter((g) => g.maxNodes === undefined || (g.maxNodes > g.desiredNodes && g.burstNodeMonthlyUsd === undefined)).map((g) => g.name);
    const burst = (g: ScalableGroup, nodes: number): number => (nodes === 0 ? 0 : nodes * (g.burstNodeMonthlyUsd ?? Number.NaN));

    // The expected burst: the shortfall at peak, added one node at a time to the group with the fewest
    // nodes that may still grow (as balance-similar-node-groups spreads a scale-up over the zones).
    const sizes = input.groups.map((g) => g.desiredNodes);
    let shortfall = Math.max(0, (input.nodesNeeded ?? floorNodes) - floorNodes);
    while (shortfall > 0) {
        const growable = input.groups.map((g, i) => ({ g, i })).filter(({ g, i }) => g.maxNodes === undefined || (sizes[i] ?? 0) < g.maxNodes);
        const next = growable.sort((a, b) => (sizes[a.i] ?? 0) - (sizes[b.i] ?? 0))[0];
        if (next === undefined) break; // every group at its maximum: the peak is not served (capacity-covers-workload says so)
        sizes[next.i] = (sizes[next.i] ?? 0) + 1;
        shortfall--;
    }
    const expectedBurstUsd = input.groups.reduce((s, g, i) => s + burst(g, (sizes[i] ?? 0) - g.desiredNodes), 0);
    const expectedNodes = sizes.reduce((s, n) => s + n, 0);
    if (unbounded.length > 0) {
        return { floorMonthlyUsd: input.floorMonthlyUsd, expectedMonthlyUsd: input.floorMonthlyUsd + expectedBurstUsd, ceilingMonthlyUsd: null, floorNodes, expectedNodes, ceilingNodes: null, unbounded };
    }
    const ceilingBurstUsd = input.groups.reduce((s, g) => s + burst(g, (g.maxNodes ?? g.desiredNodes) - g.desiredNodes), 0);
    return {
        floorMonthlyUsd: input.floorMonthlyUsd,
        expectedMonthlyUsd: input.floorMonthlyUsd + expectedBurstUsd,
        ceilingMonthlyUsd: input.floorMonthlyUsd + ceilingBurstUsd,
        floorNodes,
        expectedNodes,
        ceilingNodes: input.groups.reduce((s, g) => s + (g.maxNodes ?? g.desiredNodes), 0),
        unbounded,
    };
}

function knownNumber(value: unknown): number | undefined {
    return typeof value === "number" && Number.isFinite(value) && !isUnknownValue(value) ? value : undefined;
}

/**
 * The stack's node groups with their bounds, each burst node priced by the same pricer as the
 * floor (cost/pricers/), on demand. `include` picks the groups (default: all).
 */
export function scalableGroups(resources: readonly ResourceLike[], ctx: Omit<PricingContext, "lookup" | "ec2Pricing"> = {}, include: (r: ResourceLike) => boolean = () => true): ScalableGroup[] {
    const index = new Map<string, ResourceLike>();
    for (const r of resources) for (const ref of referencesOf(r)) if (!index.has(ref)) index.set(ref, r);
    const onDemand: PricingContext = { ...ctx, ec2Pricing: "on-demand", lookup: (ref) => index.get(ref) };
    return resources.filter((r) => r.type === NODE_GROUP_TYPE && r.custom !== false && include(r)).map((r) => {
        const scaling = (r.props["scalingConfig"] ?? {}) as Record<string, unknown>;
        const desiredNodes = knownNumber(scaling["desiredSize"]) ?? knownNumber(scaling["maxSize"]) ?? 0;
        const priceAt = (nodes: number): number | undefined => {
            const priced = priceResource({ ...r, props: { ...r.props, scalingConfig: { ...scaling, desiredSize: nodes } } }, onDemand);
            return priced.kind === "priced" ? priced.monthlyUsd : undefined;
        };
        const listed = r.props["instanceTypes"];
        const templateId = (r.props["launchTemplate"] as Record<string, unknown> | undefined)?.["id"];
        const template = [...(typeof templateId === "string" ? [templateId] : []), ...(r.propertyDependencies?.["launchTemplate"] ?? [])].map((ref) => index.get(ref)).find((t) => t !== undefined);
        const instanceType = Array.isArray(listed) && typeof listed[0] === "string" ? listed[0] : template?.props["instanceType"];
        const one = priceAt(desiredNodes + 1);
        const base = priceAt(desiredNodes);
        return {
            name: r.name,
            gpu: typeof instanceType === "string" && EC2_INSTANCE_TYPES[instanceType]?.gpu !== undefined,
            minNodes: knownNumber(scaling["minSize"]) ?? desiredNodes,
            desiredNodes,
            maxNodes: knownNumber(scaling["maxSize"]),
            burstNodeMonthlyUsd: one !== undefined && base !== undefined ? one - base : undefined,
        };
    });
}

export interface ResourcesRangeInput {
    readonly resources: readonly ResourceLike[];
    readonly region?: string;
    /** Everything as priced (resources at their desired size, plus whatever else the caller counts: overhead, API bill). */
    readonly floorMonthlyUsd: number;
    /** GPU nodes the declared peak needs (N+1); default: the floor. */
    readonly nodesNeeded?: number;
}

/** A stack's range from its resources: the peak's shortfall lands on the GPU groups; every group's maximum counts toward the ceiling. */
export function rangeOfResources(input: ResourcesRangeInput): CostRange {
    const groups = scalableGroups(input.resources, input.region !== undefined ? { region: input.region } : {});
    const gpu = costRange({ floorMonthlyUsd: 0, groups: groups.filter((g) => g.gpu), ...(input.nodesNeeded !== undefined ? { nodesNeeded: input.nodesNeeded } : {}) });
    const other = costRange({ floorMonthlyUsd: 0, groups: groups.filter((g) => !g.gpu) });
    const ceiling = gpu.ceilingMonthlyUsd === null || other.ceilingMonthlyUsd === null ? null : input.floorMonthlyUsd + gpu.ceilingMonthlyUsd + other.ceilingMonthlyUsd;
    return {
        floorMonthlyUsd: input.floorMonthlyUsd,
        expectedMonthlyUsd: input.floorMonthlyUsd + gpu.expectedMonthlyUsd,
        ceilingMonthlyUsd: ceiling,
        floorNodes: gpu.floorNodes,
        expectedNodes: gpu.expectedNodes,
        ceilingNodes: gpu.ceilingNodes,
        unbounded: [...gpu.unbounded, ...other.unbounded],
    };
}
