/**
 * The self-hosted network's monthly bill in the stack's region, for the stack output `network` and
 * the warning when it outgrows the overhead's storage/network/egress line. Two parts, each priced
 * once:
 *
 * - what is billed by the hour (NAT gateways, their public IPv4 addresses, interface endpoint ENIs)
 *   is the resources the VPC built (`Vpc.resources`), priced by cost/pricers/: the same functions the
 *   offline plan and the policy pack run on the same resources, so the figures cannot drift apart and
 *   a different NAT strategy or endpoint list is billed as built, not as a count typed beside it;
 * - the usage (NAT processing and data transfer out per GB) is the engine's, from the stack's egress
 *   volume (cost/egress.ts).
 *
 * A price the region's file lacks is listed with the region's file and the fix, never counted as $0;
 * then there is no total.
 */
import { KeyedCostLine } from "../cost/costLine";
import { egressMonthlyCost } from "../cost/egress";
import { priceResources } from "../cost/pricers";
import { ResourceLike } from "../cost/resource";
import { formatUsd } from "../cost/units";
import { NAMESPACE } from "../config/stack";

export interface NetworkCost {
    /** The priced lines: each billable resource's (id: its type token and name), then the usage lines (nat-processing, egress tiers). */
    readonly lines: readonly KeyedCostLine[];
    /** The sum of `lines`: the network's bill only when `unpriced` is empty. */
    readonly monthlyUsd: number;
    /** The usage part alone: NAT processing plus data transfer out. */
    readonly egressMonthlyUsd: number;
    /** What could not be priced, one line per reason naming the resources, the region's file and the fix; left out, not counted as $0. */
    readonly unpriced: readonly string[];
}

/** The bill of `resources` (what the VPC built) plus `egressGBPerMonth` of egress through its NAT, in `region`. */
export function networkMonthlyCost(resources: readonly ResourceLike[], region: string, egressGBPerMonth: number): NetworkCost {
    const pricing = priceResources(resources, { region });
    const built = pricing.entries.flatMap((e) => {
        if (e.price.kind !== "priced") return [];
        const lines = e.price.lines;
        return lines.map((l, i): KeyedCostLine => ({ ...l, id: lines.length > 1 ? `${e.urn}#${i + 1}` : e.urn }));
    });
    // One line per reason: three addresses missing one price are one problem, with the three names.
    const byReason = new Map<string, string[]>();
    for (const e of [...pricing.unpriced, ...pricing.unknown]) {
        const reason = e.price.kind === "unpriced" || e.price.kind === "unknown" ? e.price.reason : "";
        byReason.set(reason, [...(byReason.get(reason) ?? []), e.name]);
    }
    const egress = egressMonthlyCost(region, egressGBPerMonth);
    const lines = [...built, ...egress.lines];
    return {
        lines,
        monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        egressMonthlyUsd: egress.monthlyUsd,
        unpriced: [...[...byReason].map(([reason, names]) => `${names.join(", ")}: ${reason}`), ...egress.unpriced],
    };
}

/** Why the stack's projection may not hold: the bill cannot be totalled, or it is above the overhead's line; undefined when it fits. */
export function networkWarning(cost: NetworkCost, input: { readonly region: string; readonly egressGBPerMonth: number; readonly overheadMonthlyUsd: number }): string | undefined {
    if (cost.unpriced.length > 0) return `the network's monthly bill cannot be totalled in ${input.region}: ${cost.unpriced.join("; ")}`;
    if (cost.monthlyUsd <= input.overheadMonthlyUsd) return undefined;
    return `the network (the VPC's NAT gateways, addresses and endpoints as built, ${input.egressGBPerMonth} GB egress) costs ${formatUsd(cost.monthlyUsd)}/month, above the overhead's storage/network/egress line (${formatUsd(input.overheadMonthlyUsd)}); raise ${NAMESPACE}:overhead.storageNetworkEgressMonthlyUsd so the projection holds`;
}

/** The stack output `network`: a partial sum is never shown as the bill; without every price there is no total, only the lines and what is missing. */
export function networkOutputs(cost: NetworkCost, overheadMonthlyUsd: number): Record<string, unknown> {
    return {
        ...(cost.unpriced.length === 0 ? { monthlyUsd: cost.monthlyUsd, egressMonthlyUsd: cost.egressMonthlyUsd } : { unpriced: cost.unpriced }),
        note: `within the overhead's storage/network/egress line (${formatUsd(overheadMonthlyUsd)}/month), not added to projectedMonthlyUsd`,
        lines: cost.lines.map((l) => ({ id: l.id, label: l.label, quantity: l.quantity, unitUsd: l.unitUsd, monthlyUsd: l.monthlyUsd })),
    };
}
