/**
 * The stack configuration at the edge: raw `llm-breakeven:*` values (a flat Pulumi config map, a
 * stack file) parsed once through the schema (schema.ts, rules.ts), every problem reported at once
 * (errors.ts). The schema's names are re-exported here, the one door the program, the policy pack
 * and the CLI import config through.
 */
import { z } from "zod";
import { supportedRegions } from "../cost/prices/store";
import { ConfigError, formatIssues } from "./errors";
import { PartialConfig, checkCrossFields } from "./rules";
import { NAMESPACE, SECRET_KEYS, SecretsPresent, StackConfig, baseSchema, gatewaySchema, secretKeysIn, selfHostedSchema, stackConfigFor, workloadSchema } from "./schema";

export * from "./schema";
export { ConfigError, editDistance, formatIssues, suggest } from "./errors";
export { requiredSecrets } from "./rules";

/**
 * Parses the raw `llm-breakeven:*` values (already JSON-decoded, keyed without the namespace), with
 * `secrets`: which secret keys the stack sets (presence only), or "unread" for a caller that deploys
 * nothing. Throws ConfigError listing every problem at once.
 */
export function parseStackConfig(raw: Record<string, unknown>, secrets: SecretsPresent): StackConfig {
    const result = stackConfigFor(secrets).safeParse(raw);
    if (result.success) return result.data;
    // The cross-field checks only run on a structurally valid config; run them on the sections that
    // parse on their own, so one error lists every problem.
    const problems = formatIssues(result.error, raw);
    const section = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
        const parsed = schema.safeParse(value);
        return parsed.success ? parsed.data : undefined;
    };
    const partial: PartialConfig = {
        mode: section(baseSchema.shape.mode, raw["mode"]),
        environment: section(baseSchema.shape.environment, raw["environment"]),
        workload: section(workloadSchema, raw["workload"]),
        selfHosted: section(selfHostedSchema, raw["selfHosted"]),
        gateway: section(gatewaySchema, raw["gateway"]),
    };
    const structural = result.error.issues.some((i) => i.code !== "custom");
    if (structural) {
        checkCrossFields(partial, (path, message) => {
            const key = `${NAMESPACE}:${path.map(String).join(".")}`;
            const line = `${key}: ${message}`;
            if (!problems.includes(line)) problems.push(line);
        }, secrets, { selfHosted: raw["selfHosted"] !== undefined, gateway: raw["gateway"] !== undefined });
    }
    throw new ConfigError(problems);
}

/**
 * Reads the raw values from a flat Pulumi config map (`llm-breakeven:workload` -> JSON text),
 * as `pulumi.runtime.allConfig()` and the PULUMI_CONFIG environment variable give it.
 * Secret keys are skipped: they are read as secrets, elsewhere.
 */
export function rawConfigFromFlat(flat: Record<string, string>): Record<string, unknown> {
    const raw: Record<string, unknown> = {};
    const secretKeys = new Set<string>(Object.values(SECRET_KEYS));
    for (const [fullKey, text] of Object.entries(flat)) {
        const [namespace, key] = splitKey(fullKey);
        if (namespace !== NAMESPACE || key === undefined || secretKeys.has(key)) continue;
        raw[key] = decode(text);
    }
    return raw;
}

function splitKey(fullKey: string): [string, string | undefined] {
    const colon = fullKey.indexOf(":");
    return colon < 0 ? [fullKey, undefined] : [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
}

/** Config values are strings; objects and numbers arrive as JSON text. */
function decode(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

/**
 * Parses a whole flat config map. The secrets the rules ask for are the ones the map sets: `pulumi up`
 * and the policy pack get the stack's config with its secrets, the offline plan with its placeholders.
 */
export function parseFlatConfig(flat: Record<string, string>, secrets: SecretsPresent = secretKeysIn(flat)): StackConfig {
    const config = parseStackConfig(rawConfigFromFlat(flat), secrets);
    // The provider deploys to aws:region and the catalogue prices llm-breakeven:region: they must agree.
    const awsRegion = flat["aws:region"];
    if (awsRegion !== undefined && awsRegion !== config.region) {
        throw new ConfigError([`aws:region: "${awsRegion}" differs from ${NAMESPACE}:region "${config.region}": set both to the region the stack deploys to (supported: ${supportedRegions().join(", ")})`]);
    }
    return config;
}

/** A stack's llm-breakeven config as a consumer finds it: parsed, absent (no llm-breakeven keys), or invalid. */
export type StackConfigState =
    | { readonly kind: "parsed"; readonly config: StackConfig }
    | { readonly kind: "absent" }
    | { readonly kind: "invalid"; readonly problems: readonly string[] };

/** Reads a flat config map (the Pulumi CLI's PULUMI_CONFIG, a stack file, a preview's config) through the schema. */
export function readFlatConfig(flat: Readonly<Record<string, string>>, secrets: SecretsPresent = secretKeysIn(flat)): StackConfigState {
    if (!Object.keys(flat).some((k) => k.startsWith(`${NAMESPACE}:`))) return { kind: "absent" };
    try {
        return { kind: "parsed", config: parseFlatConfig({ ...flat }, secrets) };
    } catch (error) {
        if (error instanceof ConfigError) return { kind: "invalid", problems: error.problems };
        throw error;
    }
}

