/**
 * Which prices behind a stack's bill are older than PRICE_MAX_AGE_DAYS: AWS moves prices (P4/P5 fell
 * ~45% in June 2025), so an old figure is a reason to refresh, said as an advisory, never a block.
 */
import type { StackPricing } from "../pricers";
import { PRICE_MAX_AGE_DAYS, priceAgeDays } from "./store";

export interface StalePrice {
    /** The priced line's unit ("NAT gateway-hour"), which names the price. */
    readonly unit: string;
    readonly date: string;
    readonly ageDays: number;
    readonly source: string;
    /** The resources whose bill uses it. */
    readonly resources: readonly string[];
}

/** The distinct prices (by unit, source and date) older than maxAgeDays, oldest first. */
export function stalePrices(pricing: StackPricing, maxAgeDays: number = PRICE_MAX_AGE_DAYS, now: Date = new Date()): StalePrice[] {
    const byKey = new Map<string, { unit: string; date: string; ageDays: number; source: string; resources: Set<string> }>();
    for (const e of pricing.entries) {
        const priced = e.price.kind === "priced" ? e.price : e.price.kind === "unknown" ? e.price.worstCase : undefined;
        for (const l of priced?.lines ?? []) {
            const ageDays = priceAgeDays({ publicationDate: l.provenance.date }, now);
            if (!(ageDays > maxAgeDays)) continue;
            const key = `${l.unit}\u0000${l.provenance.source}\u0000${l.provenance.date}`;
            const found = byKey.get(key) ?? { unit: l.unit, date: l.provenance.date, ageDays, source: l.provenance.source, resources: new Set<string>() };
            found.resources.add(e.name);
            byKey.set(key, found);
        }
    }
    return [...byKey.values()].sort((a, b) => b.ageDays - a.ageDays || a.unit.localeCompare(b.unit)).map((s) => ({ ...s, resources: [...s.resources].sort() }));
}

/** The advisory, in a few lines; undefined when every price is recent enough. */
export function stalePriceAdvisory(pricing: StackPricing, region: string, maxAgeDays: number = PRICE_MAX_AGE_DAYS, now: Date = new Date()): string | undefined {
    const stale = stalePrices(pricing, maxAgeDays, now);
    if (stale.length === 0) return undefined;
    const lines = stale.slice(0, 5).map((s) => `  - ${s.unit}: dated ${s.date} (${s.ageDays} days), ${s.source}; used by ${s.resources.slice(0, 3).join(", ")}${s.resources.length > 3 ? ` and ${s.resources.length - 3} more` : ""}`);
    const more = stale.length > 5 ? [`  - and ${stale.length - 5} more`] : [];
    return [
        `${stale.length} price${stale.length === 1 ? "" : "s"} behind this stack's bill ${stale.length === 1 ? "is" : "are"} older than ${maxAgeDays} days:`,
        ...lines,
        ...more,
        `Refresh them: \`llm-breakeven prices update --region ${region}\` (README "Prices").`,
    ].join("\n");
}
