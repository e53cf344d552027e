/**
 * What every pricer shares: the price lookup in the resource's region (a price the region's file
 * lacks fails closed, named) and the line builders. Every figure is looked up in the catalogue;
 * the pricers multiply, they never quote.
 */
import { AwsServiceKey, awsServicePrice, Provenance, REFERENCE_REGION, ServicePrice } from "../catalogue";
import { missingPriceFix } from "../prices/store";
import { HOURS_PER_MONTH } from "../units";
import { SourcedCostLine } from "../costLine";
import { Priced } from "./types";

/** The region a resource is priced in when the context names none. */
export const CATALOGUE_REGION = REFERENCE_REGION;

let activeRegion: string = CATALOGUE_REGION;

/** The region of the resource being priced (set by `inRegion` around each pricer call). */
export function pricingRegion(): string {
    return activeRegion;
}

/**
 * Runs `body` with `region` as the pricing region. Pricing is synchronous, so the region set here
 * is the one every lookup of this call sees; it is restored afterwards.
 */
export function inRegion<T>(region: string, body: () => T): T {
    const outer = activeRegion;
    activeRegion = region;
    try {
        return body();
    } finally {
        activeRegion = outer;
    }
}

/** A price the region's price file does not have: the resource is unpriced, with the fix. */
export class MissingPrice extends Error {
    constructor(what: string) {
        super(`${what} has no price in ${activeRegion} (cost/prices/data/aws/${activeRegion}.json): ${missingPriceFix(activeRegion)}`);
    }
}

/** A service price in the pricing region; throws MissingPrice when the region's file lacks it. */
export function svc(key: AwsServiceKey): ServicePrice {
    const price = awsServicePrice(activeRegion, key);
    if (price === undefined) throw new MissingPrice(`${key} (${awsServicePrice(CATALOGUE_REGION, key)?.unit ?? key})`);
    return price;
}

export function usd(value: number): string {
    return `$${Number(value.toPrecision(6))}`;
}

export function line(label: string, quantity: number, unit: string, unitUsd: number, provenance: Provenance): SourcedCostLine {
    return { label, quantity, unit, unitUsd, monthlyUsd: quantity * unitUsd, provenance };
}

/** `count` of something billed by the hour, for a 730-hour month. */
export function hourly(label: string, count: number, price: ServicePrice): SourcedCostLine {
    return line(`${label}: ${count} x ${HOURS_PER_MONTH} h at ${usd(price.usd)}/${price.unit}`, count * HOURS_PER_MONTH, price.unit, price.usd, price.provenance);
}

export function monthly(label: string, count: number, price: ServicePrice): SourcedCostLine {
    return line(`${label}: ${count} x ${usd(price.usd)}/${price.unit}`, count, price.unit, price.usd, price.provenance);
}

/** A line for `quantity` units of a service price (GB processed, requests), described by the caller. */
export function usageLine(label: string, quantity: number, price: ServicePrice): SourcedCostLine {
    return line(label, quantity, price.unit, price.usd, price.provenance);
}

export function fixed(lines: readonly SourcedCostLine[], usageNote?: string): Priced {
    const monthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
    return usageNote === undefined ? { kind: "priced", monthlyUsd, lines } : { kind: "priced", monthlyUsd, lines, usageNote };
}
