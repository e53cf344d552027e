/**
 * The declared workload and API rate a policy compares the stack with: from the stack's own
 * config (`llm-breakeven:workload`), overridden key by key by the policy's config. Neither is a
 * violation, never a pass.
 */
import { ConfigOf, ConfigProperties, rangedNumber } from "./configSchema";
import { StackConfig, StackConfigState, Workload, workloadSchema } from "../../config/stack";
import { SEED_ASSUMPTIONS } from "../../cost/catalogue";
import { overheadMonthlyUsd as sumOverhead } from "../../cost/selfHosted";
import { formatTokens, formatUsd, parseTokenCount } from "../../cost/units";
import { INPUT_OUTPUT_RATIO_RANGE, OVERHEAD_USD_RANGE, TOKENS_PER_MONTH_RANGE, USD_PER_MTOK_RANGE, inRange, rangeText } from "../../cost/workload";
import { MEASURED_FILE_SCHEMA, readMeasuredFile } from "./measured";

/** What a policy judges: the stack's declared workload, or the one `llm-breakeven usage` measured. */
export const WORKLOAD_SOURCES = ["declared", "measured"] as const;

/** JSON schema of the overrides, shared by every policy that accepts them. */
export const WORKLOAD_OVERRIDE_SCHEMA = {
    tokensPerMonth: {
        // A number is held to the range here; text ("500M") by resolveWorkload, with the same range.
        ...rangedNumber(TOKENS_PER_MONTH_RANGE, "Declared tokens per month (5e8, \"500M\", \"24.9B\"); overrides llm-breakeven:workload.tokensPerMonth."),
        type: ["number", "string"],
    },
    apiUsdPerMTok: rangedNumber(USD_PER_MTOK_RANGE, "Blended managed-API rate in USD per million tokens; overrides the rate derived from the stack's workload."),
    inputOutputRatio: rangedNumber(INPUT_OUTPUT_RATIO_RANGE, "Input tokens per output token, for the blended rate of the routing mix; overrides llm-breakeven:workload.inputOutputRatio."),
    overheadMonthlyUsd: rangedNumber(OVERHEAD_USD_RANGE, "Operational overhead per month in USD (engineering, monitoring, storage/network/egress); overrides llm-breakeven:overhead."),
    workloadSource: {
        type: "string",
        enum: [...WORKLOAD_SOURCES],
        description: "declared (default): the stack's llm-breakeven:workload; measured: the measuredFile written by `llm-breakeven usage`.",
    },
    ...MEASURED_FILE_SCHEMA,
} satisfies ConfigProperties;

/** Policy config keys that override the stack's workload (the schema above is their one declaration). */
export type WorkloadOverrides = ConfigOf<typeof WORKLOAD_OVERRIDE_SCHEMA>;

export interface ResolvedWorkload {
    readonly tokensPerMonth: number;
    /** The stack workload with the overrides applied (the routing mix, cache hit rate, peak factor). */
    readonly workload: Workload;
    /** Where each figure came from, for the message. */
    readonly sources: { readonly tokensPerMonth: string; readonly apiUsdPerMTok: string };
}

export type WorkloadResult = { readonly ok: true; readonly value: ResolvedWorkload } | { readonly ok: false; readonly problem: string };

const FIX = "set llm-breakeven:workload in the stack config (pulumi config set --path 'llm-breakeven:workload.tokensPerMonth' 500M) or tokensPerMonth and apiUsdPerMTok in the policy config (--policy-pack-config)";

/** A tokensPerMonth override as the number of tokens it names (5e8, "500M"); undefined when it names none. */
export function overrideTokenCount(value: number | string): number | undefined {
    return typeof value === "number" ? value : parseTokenCount(value);
}

export function resolveWorkload(stack: StackConfigState, overrides: WorkloadOverrides): WorkloadResult {
    if (overrides.workloadSource === "measured") return resolveMeasured(stack, overrides);
    if (stack.kind === "invalid" && (overrides.tokensPerMonth === undefined || overrides.apiUsdPerMTok === undefined)) {
        return { ok: false, problem: `the stack config is invalid, so the declared workload cannot be read:\n  - ${stack.problems.join("\n  - ")}` };
    }
    const base: Workload | undefined = stack.kind === "parsed" ? stack.config.workload : undefined;
    let tokensPerMonth = base?.tokensPerMonth;
    let tokensSource = "stack config llm-breakeven:workload.tokensPerMonth";
    if (overrides.tokensPerMonth !== undefined) {
        const parsed = overrideTokenCount(overrides.tokensPerMonth);
        if (parsed === undefined || !inRange(parsed, TOKENS_PER_MONTH_RANGE)) {
            return { ok: false, problem: `policy config tokensPerMonth ${JSON.stringify(overrides.tokensPerMonth)} is not a token count ${rangeText(TOKENS_PER_MONTH_RANGE, formatTokens)} (5e8, "500M", "24.9B")` };
        }
        tokensPerMonth = parsed;
        tokensSource = "policy config tokensPerMonth";
    }
    if (tokensPerMonth === undefined) return { ok: false, problem: `no declared workload: ${FIX}` };
    const apiUsdPerMTok = overrides.apiUsdPerMTok ?? base?.apiUsdPerMTok;
    if (apiUsdPerMTok === undefined && base?.routing === undefined) {
        return { ok: false, problem: `no API rate to compare with: ${FIX}` };
    }
    // With no stack workload, the schema's defaults (peak factor, cache hit rate, mix) apply.
    const workload: Workload = {
        ...(base ?? workloadSchema.parse({ tokensPerMonth, apiUsdPerMTok })),
        tokensPerMonth,
        ...(apiUsdPerMTok !== undefined ? { apiUsdPerMTok } : {}),
        ...(overrides.inputOutputRatio !== undefined ? { inputOutputRatio: overrides.inputOutputRatio } : {}),
    };
    const rateSource = overrides.apiUsdPerMTok !== undefined ? "policy config apiUsdPerMTok"
        : base?.apiUsdPerMTok !== undefined ? "stack config llm-breakeven:workload.apiUsdPerMTok"
            : `the routing mix in llm-breakeven:workload.routing at ${workload.inputOutputRatio}:1 input:output`;
    return { ok: true, value: { tokensPerMonth, workload, sources: { tokensPerMonth: tokensSource, apiUsdPerMTok: rateSource } } };
}

/**
 * The stack's overhead per month: the policy config's figure, else the stack config's three parts.
 * Without a readable stack config, the seed's overhead that llm-breakeven:overhead defaults to:
 * an undeclared overhead is never $0, which would make self-hosting look cheaper than it is.
 */
export function overheadMonthlyUsd(config: StackConfig | undefined, overrides: WorkloadOverrides): { readonly monthlyUsd: number; readonly source: string } {
    if (overrides.overheadMonthlyUsd !== undefined) return { monthlyUsd: overrides.overheadMonthlyUsd, source: "policy config overheadMonthlyUsd" };
    const o = config?.overhead ?? SEED_ASSUMPTIONS.overhead;
    return {
        monthlyUsd: sumOverhead(o),
        source: `${config !== undefined ? "stack config llm-breakeven:overhead" : "no stack config, so llm-breakeven:overhead's default"}: engineering ${formatUsd(o.engineeringMonthlyUsd)} + monitoring ${formatUsd(o.monitoringMonthlyUsd)} + storage/network/egress ${formatUsd(o.storageNetworkEgressMonthlyUsd)}`,
    };
}

/** workloadSource measured: the measured figures over the declared ones; the routing mix and API rate stay the stack's. */
function resolveMeasured(stack: StackConfigState, overrides: WorkloadOverrides): WorkloadResult {
    if (overrides.tokensPerMonth !== undefined || overrides.inputOutputRatio !== undefined) {
        return { ok: false, problem: "workloadSource measured takes the volume and ratio from measuredFile: drop tokensPerMonth and inputOutputRatio from the policy config, or use workloadSource declared" };
    }
    const read = readMeasuredFile(overrides);
    if (read === undefined) return { ok: false, problem: "workloadSource is measured but no measuredFile is set: write one with `llm-breakeven usage --write-workload usage.json` and set measuredFile" };
    if (!read.ok) return { ok: false, problem: read.problem };
    const m = read.value.workload;
    const declared = resolveWorkload(stack, { ...overrides, workloadSource: "declared", tokensPerMonth: m.tokensPerMonth });
    if (!declared.ok) return declared;
    const workload: Workload = {
        ...declared.value.workload, tokensPerMonth: m.tokensPerMonth, inputOutputRatio: m.inputOutputRatio,
        ...(m.peakToAverage !== undefined ? { peakToAverage: m.peakToAverage } : {}),
        ...(m.cacheHitRate !== undefined ? { cacheHitRate: m.cacheHitRate } : {}),
    };
    return { ok: true, value: { tokensPerMonth: m.tokensPerMonth, workload, sources: { ...declared.value.sources, tokensPerMonth: read.label } } };
}
