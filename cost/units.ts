import { EC2_INSTANCE_TYPES, GpuOffer, QuotedPrice } from "./catalogue";

/** AWS bills a month as 730 hours (8,760 hours a year / 12); every monthly figure here uses it. */
export const HOURS_PER_MONTH = 730;

export const TOKENS_PER_MTOK = 1_000_000;

export function monthlyFromHourly(hourlyUsd: number): number {
    return hourlyUsd * HOURS_PER_MONTH;
}

export function hourlyFromMonthly(monthlyUsd: number): number {
    return monthlyUsd / HOURS_PER_MONTH;
}

export function quotedHourlyUsd(price: QuotedPrice): number {
    return price.per === "hour" ? price.usd : hourlyFromMonthly(price.usd);
}

export function quotedMonthlyUsd(price: QuotedPrice): number {
    return price.per === "month" ? price.usd : monthlyFromHourly(price.usd);
}

/** One node of the offer, per hour. */
export function offerHourlyUsd(offer: GpuOffer): number {
    return "usdPerGpuHour" in offer.price ? offer.price.usdPerGpuHour * offer.gpuCount : quotedHourlyUsd(offer.price);
}

/** One node of the offer, per month; a figure quoted monthly is returned as quoted, to the cent. */
export function offerMonthlyUsd(offer: GpuOffer): number {
    return "usdPerGpuHour" in offer.price ? monthlyFromHourly(offer.price.usdPerGpuHour * offer.gpuCount) : quotedMonthlyUsd(offer.price);
}

/** On-demand hourly price of an EC2 instance type, or undefined when the catalogue has none. */
export function ec2OnDemandHourlyUsd(instanceType: string): number | undefined {
    const price = EC2_INSTANCE_TYPES[instanceType]?.onDemand;
    return price === undefined ? undefined : quotedHourlyUsd(price);
}

/** Parses a token volume: 500M, 24.9B, 5e8, 1.2T, 750k, 500000000. Returns undefined when it is not one. */
export function parseTokenCount(text: string): number | undefined {
    const match = /^\s*(\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*([kmbt])?\s*$/i.exec(text);
    if (match === null) return undefined;
    const multiplier = { k: 1e3, m: 1e6, b: 1e9, t: 1e12 }[(match[2] ?? "").toLowerCase() as "k" | "m" | "b" | "t"] ?? 1;
    const value = Number(match[1]) * multiplier;
    return Number.isFinite(value) ? value : undefined;
}

/** 24_900_000_000 -> "24.9B"; for messages and tables. */
export function formatTokens(tokens: number): string {
    const units: Array<[number, string]> = [[1e12, "T"], [1e9, "B"], [1e6, "M"], [1e3, "k"]];
    for (const [size, suffix] of units) {
        if (Math.abs(tokens) >= size) return `${trimNumber(tokens / size)}${suffix}`;
    }
    return trimNumber(tokens);
}

/**
 * "1234567.891" -> "1,234,567.89": Intl.NumberFormat("en-US") by hand. Intl's first formatter costs
 * the process ~10 ms of ICU start-up, a tenth of `plan --all`'s own work. Rounds as ICU does: the
 * shortest decimal that names the double (1.005, not 1.00499...; 1.4649999999999999 stays below the
 * half), half away from zero, on its digits (no second rounding through a float); a property test
 * pins it to Intl. Figures past 1e15 and non-finite ones go to Intl itself.
 */
function grouped(value: number, fractionDigits: 0 | 2): string {
    const magnitude = Math.abs(value);
    if (!Number.isFinite(magnitude) || magnitude >= 1e15) return intlFormatter(fractionDigits).format(value);
    // Below 1e-6 a number prints in exponent form, and rounds to zero either way.
    const [whole = "0", fraction = ""] = magnitude < 1e-6 ? ["0"] : String(magnitude).split(".");
    let scaled = BigInt(`${whole}${fraction.slice(0, fractionDigits).padEnd(fractionDigits, "0")}`);
    if ((fraction[fractionDigits] ?? "0") >= "5") scaled += 1n;
    const digits = scaled.toString().padStart(fractionDigits + 1, "0");
    const integer = digits.slice(0, digits.length - fractionDigits).replace(/\B(?=(\d{3})+$)/g, ",");
    const text = fractionDigits === 0 ? integer : `${integer}.${digits.slice(-fractionDigits)}`;
    return value < 0 || Object.is(value, -0) ? `-${text}` : text;
}

const intlFormatters = new Map<number, Intl.NumberFormat>();

/** Built on first use only (starting ICU is the cost grouped() avoids), then kept. */
function intlFormatter(fractionDigits: 0 | 2): Intl.NumberFormat {
    let formatter = intlFormatters.get(fractionDigits);
    if (formatter === undefined) {
        formatter = new Intl.NumberFormat("en-US", { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
        intlFormatters.set(fractionDigits, formatter);
    }
    return formatter;
}

/** 19940 -> "$19,940"; 0.8 -> "$0.80". */
export function formatUsd(usd: number): string {
    const cents = Math.abs(usd) < 10 && usd !== Math.round(usd);
    return `${usd < 0 ? "-" : ""}$${grouped(Math.abs(usd), cents ? 2 : 0)}`;
}

/** 2173.6 -> "2,174"; rates and counts in messages and tables. */
export function formatWhole(value: number): string {
    return grouped(value, 0);
}

function trimNumber(value: number): string {
    return Number(value.toPrecision(3)).toString();
}
