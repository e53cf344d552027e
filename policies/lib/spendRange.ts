/**
 * The stack's monthly spend as a range (cost/range.ts) and which point of it a spend policy judges.
 * monthly-budget and projected-spend-below-api-break-even judge the ceiling by default: what the
 * stack costs if the autoscaler runs every node group to its maximum all month. A policy config may
 * judge the expected spend instead, and must say why (judgeReason). A stack with a node group that
 * has no maximum has no ceiling: it cannot be judged, and is blocked.
 */
import { ConfigOf, ConfigProperties } from "./configSchema";
import { CostRange, rangeOfResources } from "../../cost/range";
import { costEngine } from "./engine";
import { perMonth } from "./format";
import { StackView } from "./view";
import { resolveWorkload, WorkloadOverrides } from "./workload";
import { StackConfig, StackConfigState, Workload } from "../../config/stack";

export const SPEND_BASES = ["ceiling", "expected"] as const;
export type SpendBasis = (typeof SPEND_BASES)[number];

export const SPEND_BASIS_SCHEMA = {
    judge: {
        type: "string",
        enum: [...SPEND_BASES],
        default: "ceiling",
        description: "Judge the ceiling (every node group at its maximum all month; the default) or the expected spend (the floor plus the nodes the declared peak needs); \"expected\" needs judgeReason.",
    },
    judgeReason: { type: "string", minLength: 10, description: "Why the expected spend is the one to judge (required with judge: \"expected\")." },
} satisfies ConfigProperties;

export type SpendBasisConfig = ConfigOf<typeof SPEND_BASIS_SCHEMA>;

export type JudgedSpend =
    | { readonly ok: true; readonly monthlyUsd: number; readonly basis: SpendBasis; readonly range: CostRange; readonly describe: string }
    | { readonly ok: false; readonly problem: string };

/**
 * The workload the stack's GPUs serve: the declared one (policy config overrides applied), in hybrid
 * mode only the tiers routed to the self-hosted model, at the policy's peak factor when it sets one.
 */
export function gpuWorkload(stack: StackConfig, state: StackConfigState, overrides: WorkloadOverrides & { readonly peakToAverage?: number }): { readonly ok: true; readonly workload: Workload } | { readonly ok: false; readonly problem: string } {
    const resolved = resolveWorkload(state, overrides);
    if (!resolved.ok) return resolved;
    const share = costEngine().apiSpend(resolved.value.workload, stack.mode).selfHostedShare;
    return {
        ok: true,
        workload: {
            ...resolved.value.workload,
            tokensPerMonth: resolved.value.tokensPerMonth * share,
            ...(overrides.peakToAverage !== undefined ? { peakToAverage: overrides.peakToAverage } : {}),
        },
    };
}

/**
 * GPU nodes the declared peak needs (N+1), by the engine, for the stack's first catalogued GPU type;
 * undefined without a readable stack config or workload (the expected spend is then the floor).
 */
export function nodesNeededAtPeak(view: StackView, overrides: WorkloadOverrides & { readonly peakToAverage?: number }): number | undefined {
    if (view.stackConfig.kind !== "parsed") return undefined;
    const type = view.gpuCapacity.find((c) => c.instanceType !== undefined && c.gpu !== undefined)?.instanceType;
    const gpu = gpuWorkload(view.stackConfig.config, view.stackConfig, overrides);
    if (!gpu.ok || type === undefined) return undefined;
    return costEngine().capacity(view.stackConfig.config, type, gpu.workload).nodesNeeded;
}

/** The range of a stack whose floor (priced resources + overhead + API bill) is `floorMonthlyUsd`. */
export function stackRange(view: StackView, floorMonthlyUsd: number, nodesNeeded: number | undefined): CostRange {
    return rangeOfResources({ resources: view.resources, region: view.region, floorMonthlyUsd, ...(nodesNeeded !== undefined ? { nodesNeeded } : {}) });
}

export function describeRange(range: CostRange): string {
    const ceiling = range.ceilingMonthlyUsd === null ? `unbounded (no maximum: ${range.unbounded.join(", ")})` : `${perMonth(range.ceilingMonthlyUsd)} (${range.ceilingNodes ?? "?"} GPU nodes)`;
    return `floor ${perMonth(range.floorMonthlyUsd)} (${range.floorNodes} GPU nodes), expected ${perMonth(range.expectedMonthlyUsd)} (${range.expectedNodes}), ceiling ${ceiling}`;
}

/** The point of the range a policy holds to its limit, or why it cannot. */
export function judgedSpend(view: StackView, config: SpendBasisConfig & WorkloadOverrides, floorMonthlyUsd: number): JudgedSpend {
    const basis = config.judge ?? "ceiling";
    if (basis === "expected" && (config.judgeReason === undefined || config.judgeReason.trim().length < 10)) {
        return { ok: false, problem: "judge \"expected\" needs a stated reason: set judgeReason (at least 10 characters) beside it in the policy config, or judge the ceiling" };
    }
    const range = stackRange(view, floorMonthlyUsd, nodesNeededAtPeak(view, config));
    if (range.ceilingMonthlyUsd === null) {
        return {
            ok: false,
            problem: `the stack's spend has no ceiling: node group${range.unbounded.length === 1 ? "" : "s"} ${range.unbounded.join(", ")} ${range.unbounded.length === 1 ? "has" : "have"} no maximum size (or its burst node has no price), so an autoscaler could grow it without bound. Set scalingConfig.maxSize (llm-breakeven:selfHosted.autoscaling.gpuCeilingMonthlyUsd sets it for the GPU pools)`,
        };
    }
    const monthlyUsd = basis === "ceiling" ? range.ceilingMonthlyUsd : range.expectedMonthlyUsd;
    const describe = `range: ${describeRange(range)}${basis === "expected" ? `; judged on expected because: ${config.judgeReason ?? ""}` : ""}`;
    return { ok: true, monthlyUsd, basis, range, describe };
}
