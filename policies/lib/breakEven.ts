/**
 * The break-even analysis behind `projected-spend-below-api-break-even` and `break-even-exemption`:
 * the stack's projected monthly spend (priced resources + overhead + the API bill of the tokens it
 * does not serve itself) against the API bill of the whole declared workload.
 */
import { ExemptionConfig } from "../../config/stack";
import { ConfigOf, ConfigProperties } from "./configSchema";
import { costEngine } from "./engine";
import { assumptions, formatTokens, perMonth, rate, topResources, unpricedProblems } from "./format";
import { overheadMonthlyUsd, resolveWorkload, WorkloadOverrides } from "./workload";
import { judgedSpend, SpendBasisConfig } from "./spendRange";
import { StackView } from "./view";

export type BreakEven =
    | { readonly kind: "not-applicable"; readonly reason: string }
    | { readonly kind: "cannot-project"; readonly message: string }
    | {
        readonly kind: "projected";
        /** Projected spend above the API bill of the whole declared workload. */
        readonly above: boolean;
        /** The full explanation, for a violation or an advisory. */
        readonly message: string;
    };

/**
 * Self-hosting stacks: self-hosted or hybrid mode, or any stack that creates GPU capacity (which
 * counts an instance type that is unknown or outside the catalogue: it may have GPUs).
 */
export function selfHosts(view: StackView): boolean {
    const mode = view.stackConfig.kind === "parsed" ? view.stackConfig.config.mode : undefined;
    return mode === "self-hosted" || mode === "hybrid" || view.gpuCapacity.length > 0;
}

export function analyseBreakEven(view: StackView, overrides: WorkloadOverrides & SpendBasisConfig): BreakEven {
    if (!selfHosts(view)) return { kind: "not-applicable", reason: "the stack creates no GPU capacity and is not in self-hosted or hybrid mode" };
    const resolved = resolveWorkload(view.stackConfig, overrides);
    if (!resolved.ok) return { kind: "cannot-project", message: `Cannot compare this stack with the API break-even: ${resolved.problem}.` };
    const problems = unpricedProblems(view.pricing);
    if (problems.length > 0) {
        return {
            kind: "cannot-project",
            message: `Cannot project this stack's monthly spend: ${problems.length} billable resource${problems.length === 1 ? "" : "s"} cannot be priced, and a missing price is never counted as $0:\n${problems.join("\n")}\n`
                + `Fix: use an instance type or size that ${view.region}'s price file (cost/prices/data/aws/${view.region}.json) prices, add a missing AWS price with \`llm-breakeven prices update --region ${view.region}\`, or set the unknown value from config.`,
        };
    }
    // The engine is asked only once the stack can be priced: an unpriced resource is the first thing to fix.
    const engine = costEngine();
    const { tokensPerMonth, workload, sources } = resolved.value;
    const config = view.stackConfig.kind === "parsed" ? view.stackConfig.config : undefined;
    const mode = config?.mode ?? "self-hosted";
    const spend = engine.apiSpend(workload, mode);
    const overhead = overheadMonthlyUsd(config, overrides);
    const fixedMonthlyUsd = view.pricing.monthlyUsd + overhead.monthlyUsd;
    // The range's judged point (the ceiling by default): burst nodes count against the API bill too.
    const judged = judgedSpend(view, overrides, fixedMonthlyUsd + spend.remainingApiMonthlyUsd);
    if (!judged.ok) return { kind: "cannot-project", message: `Cannot compare this stack with the API break-even: ${judged.problem}.` };
    const projectedMonthlyUsd = judged.monthlyUsd;
    // The break-even volume is where the API bill the stack saves equals its fixed cost.
    const breakEvenTokensPerMonth = spend.savedUsdPerMTok > 0 ? engine.breakEvenTokensPerMonth(fixedMonthlyUsd, spend.savedUsdPerMTok, 0) : Infinity;
    const above = projectedMonthlyUsd > spend.allApiMonthlyUsd;
    const lines = [
        above
            ? `Projected monthly spend ${perMonth(projectedMonthlyUsd)} is above the ${perMonth(spend.allApiMonthlyUsd)} the declared workload would cost through managed APIs: self-hosting this volume loses ${perMonth(projectedMonthlyUsd - spend.allApiMonthlyUsd)}.`
            : `Projected monthly spend ${perMonth(projectedMonthlyUsd)} is below the ${perMonth(spend.allApiMonthlyUsd)} the declared workload would cost through managed APIs.`,
        `  declared volume:      ${formatTokens(tokensPerMonth)} tokens/month (${sources.tokensPerMonth})`,
        `  API-equivalent spend: ${perMonth(spend.allApiMonthlyUsd)} at ${rate(spend.allApiUsdPerMTok)} (${sources.apiUsdPerMTok})${workload.cacheHitRate > 0 ? `, net of a ${Math.round(workload.cacheHitRate * 100)}% cache hit rate` : ""}`,
        `  judged:               the ${judged.basis}; ${judged.describe}`,
        `  floor:                ${perMonth(judged.range.floorMonthlyUsd)} = resources ${perMonth(view.pricing.monthlyUsd)} + overhead ${perMonth(overhead.monthlyUsd)} (${overhead.source})`
            + (spend.remainingApiMonthlyUsd > 0 ? ` + API bill of the ${Math.round((1 - spend.selfHostedShare) * 100)}% of tokens not self-hosted ${perMonth(spend.remainingApiMonthlyUsd)}` : ""),
        `  break-even volume:    ${Number.isFinite(breakEvenTokensPerMonth) ? `${formatTokens(breakEvenTokensPerMonth)} tokens/month` : "none (self-hosting saves nothing per token)"}; below it, managed APIs are cheaper`,
        "  most expensive resources:",
        ...topResources(view.pricing),
        `  assumptions: ${assumptions(view)}.`,
    ];
    if (above) {
        lines.push("Fix: serve this volume through managed APIs (mode: gateway), shrink the GPU fleet or its instance type, correct the declared workload if it is higher, "
            + "or record an approved exemption (llm-breakeven:exemption with kind, reason, approvedBy, expires).");
    }
    return { kind: "projected", above, message: lines.join("\n") };
}

export type ExemptionState =
    | { readonly kind: "none" }
    | { readonly kind: "active"; readonly exemption: ExemptionConfig }
    | { readonly kind: "expired"; readonly exemption: ExemptionConfig };

/** An exemption applies through the whole of its expiry day (UTC). */
export function exemptionState(view: StackView, today: Date = new Date()): ExemptionState {
    const exemption = view.stackConfig.kind === "parsed" ? view.stackConfig.config.exemption : undefined;
    if (exemption === undefined) return { kind: "none" };
    const todayIso = today.toISOString().slice(0, 10);
    return exemption.expires >= todayIso ? { kind: "active", exemption } : { kind: "expired", exemption };
}

/**
 * Whether an environment honours exemptions. The same key on both policies of the pair:
 * projected-spend-below-api-break-even blocks unless it is honoured, break-even-exemption reports
 * it only when it is (the offline plan checks that the two are set alike).
 */
export const EXEMPTION_SWITCH_SCHEMA = {
    allowExemptions: {
        type: "boolean",
        default: true,
        description: "Whether an unexpired llm-breakeven:exemption turns the break-even block into the break-even-exemption advisory; set it alike on both policies.",
    },
} satisfies ConfigProperties;

export type ExemptionSwitch = ConfigOf<typeof EXEMPTION_SWITCH_SCHEMA>;

export function exemptionsAllowed(config: ExemptionSwitch): boolean {
    return config.allowExemptions ?? true;
}

export function describeExemption(e: ExemptionConfig): string {
    return `${e.kind} exemption approved by ${e.approvedBy}${e.ticket !== undefined ? ` (${e.ticket})` : ""}, expires ${e.expires}: "${e.reason}"`;
}
