/** Message pieces shared by the policies: money, volumes, resource lists and the assumptions line. */
import { PricedEntry, StackPricing, unpricedReason } from "../../cost/pricers";
import { HOURS_PER_MONTH, formatTokens, formatUsd, formatWhole } from "../../cost/units";
import { StackView } from "./view";

export { formatTokens, formatUsd, formatWhole };

export function perMonth(usd: number): string {
    return `${formatUsd(usd)}/month`;
}

export function rate(usdPerMTok: number): string {
    return `$${usdPerMTok.toFixed(usdPerMTok < 0.1 ? 3 : 2)} per million tokens`;
}

/** "1. gpu-a (aws:eks/nodeGroup:NodeGroup): $20,036/month" lines of the most expensive resources. */
export function topResources(pricing: StackPricing): string[] {
    return pricing.top.map((t, i) => `    ${i + 1}. ${t.name} (${t.type}): ${perMonth(t.monthlyUsd)}${t.worstCase ? " (worst case: a size is unknown at preview)" : ""}`);
}

/** The oldest and newest provenance dates behind the priced lines. */
export function priceDates(pricing: StackPricing): string {
    const dates = new Set<string>();
    for (const e of pricing.entries) {
        const priced = e.price.kind === "priced" ? e.price : e.price.kind === "unknown" ? e.price.worstCase : undefined;
        for (const l of priced?.lines ?? []) dates.add(l.provenance.date);
    }
    const sorted = [...dates].sort();
    if (sorted.length === 0) return "no priced resources";
    return sorted.length === 1 ? `prices as of ${sorted[0]}` : `prices dated ${sorted[0]} to ${sorted[sorted.length - 1]}`;
}

/** Where a stack's AWS prices come from: its own region's list prices and their dates. */
export function priceBasis(region: string, pricing: StackPricing): string {
    return `${priceDates(pricing)} (${region} list prices, cost/prices/data/aws/${region}.json)`;
}

export function assumptions(view: StackView): string {
    const pricing = view.stackConfig.kind === "parsed" ? view.stackConfig.config.selfHosted?.pricing ?? "on-demand" : "on-demand";
    return `region ${view.region}; ${priceBasis(view.region, view.pricing)}; ${HOURS_PER_MONTH} hours a month; EC2 ${pricing}`;
}

function describeEntry(e: PricedEntry): string {
    return `${e.name} (${e.type}): ${unpricedReason(e.price)}`;
}

/** The unpriced and unbounded-unknown resources, one per line; empty when the total can be trusted. */
export function unpricedProblems(pricing: StackPricing): string[] {
    return [...pricing.unpriced, ...pricing.unbounded].map((e) => `  - ${describeEntry(e)}`);
}
