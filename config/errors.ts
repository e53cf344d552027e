/**
 * How config problems are worded: one line per problem naming the key (`llm-breakeven:<path>`), the
 * value found and what is allowed or the fix; "did you mean" for a near-miss; every problem at once
 * in one ConfigError.
 */
import type { z } from "zod";
import { ConfigError } from "../cost/errors";
import { CONFIG_KEYS, NAMESPACE, SECRET_KEYS } from "./keys";

function nearest(value: string, candidates: readonly string[], count = 3): string[] {
    return [...candidates].sort((a, b) => editDistance(value, a) - editDistance(value, b)).slice(0, count);
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0] ?? 0;
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j] ?? 0;
            row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length] ?? 0;
}

export function suggest(value: string, candidates: readonly string[]): string {
    return `did you mean ${nearest(value, candidates).map((c) => `"${c}"`).join(", ")}?`;
}

/** ConfigError is the engine's (cost/errors.ts: the engine throws it too and imports nothing from config/). */
export { ConfigError };

function describeValue(value: unknown): string {
    if (value === undefined) return "";
    const text = JSON.stringify(value);
    return ` (got ${text !== undefined && text.length > 80 ? `${text.slice(0, 77)}...` : text})`;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
    let node: unknown = raw;
    for (const key of path) {
        if (node === null || typeof node !== "object") return undefined;
        node = (node as Record<PropertyKey, unknown>)[key];
    }
    return node;
}

export function formatIssues(error: z.ZodError, raw: unknown): string[] {
    return error.issues.map((i) => {
        const path = [NAMESPACE, ...i.path.map(String)];
        const key = `${path[0]}:${path.slice(1).join(".")}`;
        const value = valueAt(raw, i.path);
        if (i.code === "unrecognized_keys") {
            if (i.path.length === 0) {
                const allowed = [...CONFIG_KEYS, ...Object.values(SECRET_KEYS)];
                return i.keys.map((k) => `${NAMESPACE}:${k}: unknown config key (${suggest(k, allowed)}); allowed: ${allowed.join(", ")}`).join("\n  - ");
            }
            return `${key}: unknown key${i.keys.length > 1 ? "s" : ""} ${i.keys.map((k) => `"${k}"`).join(", ")}; remove ${i.keys.length > 1 ? "them" : "it"} or check the spelling`;
        }
        if (i.code === "invalid_value") {
            return `${key}: ${JSON.stringify(value)} is not allowed; allowed: ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
        }
        if (i.code === "custom") return `${key}: ${i.message}`;
        return `${key}: ${i.message}${describeValue(value)}`;
    });
}

