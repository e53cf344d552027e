/**
 * Property access that tells "unknown at preview" from "absent", and the guard that turns a
 * property a pricer cannot read into an `unknown` price (or `unpriced` when the value is invalid).
 */
import { isUnknownValue } from "../resource";
import { Priced, PricedResource } from "./types";

type Props = Readonly<Record<string, unknown>>;

export type Read = { readonly state: "known"; readonly value: unknown } | { readonly state: "absent" } | { readonly state: "unknown" };

export function read(props: Props, path: string): Read {
    let node: unknown = props;
    for (const key of path.split(".")) {
        if (isUnknownValue(node)) return { state: "unknown" };
        if (node === null || node === undefined || typeof node !== "object") return { state: "absent" };
        node = (node as Record<string, unknown>)[key];
    }
    if (isUnknownValue(node)) return { state: "unknown" };
    return node === undefined || node === null ? { state: "absent" } : { state: "known", value: node };
}

export class Unreadable extends Error {
    constructor(readonly property: string, readonly why: "unknown" | "absent" | "invalid", readonly detail: string) {
        super(`${property} ${why}`);
    }
}

export function requireValue(props: Props, path: string, what: string): unknown {
    const r = read(props, path);
    if (r.state === "known") return r.value;
    throw new Unreadable(path, r.state, what);
}

export function requireString(props: Props, path: string, what: string): string {
    const value = requireValue(props, path, what);
    if (typeof value !== "string" || value === "") throw new Unreadable(path, "invalid", `${what} must be a string (got ${JSON.stringify(value)})`);
    return value;
}

export function requireNumber(props: Props, path: string, what: string): number {
    const value = requireValue(props, path, what);
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new Unreadable(path, "invalid", `${what} must be a non-negative number (got ${JSON.stringify(value)})`);
    return n;
}

export function optionalNumber(props: Props, path: string, what: string): number | undefined {
    return read(props, path).state === "absent" ? undefined : requireNumber(props, path, what);
}

export function optionalString(props: Props, path: string, what: string): string | undefined {
    return read(props, path).state === "absent" ? undefined : requireString(props, path, what);
}

/** A list property: unknown or absent throws Unreadable, a non-list is invalid. */
export function requireList(props: Props, path: string, what: string): readonly unknown[] {
    const value = requireValue(props, path, what);
    if (!Array.isArray(value)) throw new Unreadable(path, "invalid", "must be a list");
    return value;
}

/** Runs a pricer body, turning an unreadable property into an `unknown` (or `unpriced` when invalid). */
export function guarded(body: () => PricedResource, worstCase?: (property: string) => Priced | undefined): PricedResource {
    try {
        return body();
    } catch (error) {
        if (!(error instanceof Unreadable)) throw error;
        if (error.why === "invalid") return { kind: "unpriced", reason: `${error.property}: ${error.detail}` };
        const reason = error.why === "unknown"
            ? `${error.property} (${error.detail}) is unknown until the resources it depends on exist`
            : `${error.property} (${error.detail}) is not set and the price depends on it`;
        let worst: Priced | undefined;
        try {
            worst = worstCase?.(error.property);
        } catch (inner) {
            if (!(inner instanceof Unreadable)) throw inner;
        }
        return worst === undefined ? { kind: "unknown", property: error.property, reason } : { kind: "unknown", property: error.property, reason, worstCase: worst };
    }
}
