/**
 * The spend policies judge the ceiling of the range (cost/range.ts) by default: a stack whose floor
 * is under the limit but whose node groups may grow past it is blocked; a node group without a
 * maximum has no ceiling and is blocked; judging the expected spend needs a stated reason.
 * Real engine, hand-built stack (test/policies/fixtures.ts), one field changed per case.
 */
import { StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { monthlyBudget } from "../../policies/monthlyBudget";
import { projectedSpendBelowApiBreakEven } from "../../policies/projectedSpend";
import { runPolicy, selfHostedStack, StackFixture, withConfig, withResource } from "../policies/fixtures";

/** The policy's violations, or one line saying it is not applicable. */
async function violations(policy: StackValidationPolicy, fixture: StackFixture, policyConfig: Record<string, unknown>): Promise<string[]> {
    const outcome = await runPolicy(policy, fixture, policyConfig);
    return outcome.notApplicable !== undefined ? [`not applicable: ${outcome.notApplicable}`] : outcome.violations;
}

/** 2B tokens/month: the engine's N+1 floor at peak is the 2 GPU nodes the fixture declares. */
const base = withConfig(selfHostedStack(), "workload", { tokensPerMonth: "2B", apiUsdPerMTok: 30, inputOutputRatio: 3, peakToAverage: 2 });
const scaling = (maxSize: number | undefined) => (fixture: StackFixture): StackFixture =>
    ["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"].reduce((f, name) => withResource(f, name, (p) => {
        const sc = p["scalingConfig"] as Record<string, unknown>;
        const { maxSize: _old, ...rest } = sc;
        return { ...p, scalingConfig: maxSize === undefined ? rest : { ...rest, maxSize } };
    }), fixture);
const fixed = scaling(1)(base);
const burst = scaling(2)(base);
const unbounded = scaling(undefined)(base);

/** "$12,345/month" figures of a message, in order. */
const dollars = (message: string): number[] => [...message.matchAll(/\$([\d,]+)\/month/g)].map((m) => Number((m[1] ?? "").replace(/,/g, "")));

describe("monthly-budget judges the ceiling", () => {
    it("blocks a stack whose ceiling breaks the budget while its floor does not", async () => {
        // The floor (2 GPU nodes) and the ceiling (4) read from the fixed stack's and the burst stack's messages at a $1 budget.
        const [floorMsg] = await violations(monthlyBudget, fixed, { maxMonthlyUsd: 1 });
        const [ceilingMsg] = await violations(monthlyBudget, burst, { maxMonthlyUsd: 1 });
        const floor = dollars(floorMsg ?? "")[0] ?? NaN;
        const ceiling = dollars(ceilingMsg ?? "")[0] ?? NaN;
        expect(ceilingMsg).toContain("(the ceiling)");
        expect(ceiling - floor).toBeGreaterThan(2 * 20_000); // two on-demand p4de burst nodes and their volumes
        const budget = Math.round((floor + ceiling) / 2);
        expect(await violations(monthlyBudget, fixed, { maxMonthlyUsd: budget })).toEqual([]);
        const [blocked] = await violations(monthlyBudget, burst, { maxMonthlyUsd: budget });
        expect(blocked).toMatch(/^Projected monthly spend \$[\d,]+\/month \(the ceiling\) is above this environment's ceiling/);
        expect(blocked).toContain("range: floor $");
        expect(blocked).toContain("(4 GPU nodes)");
    });

    it("blocks a node group with no maximum: the ceiling is unbounded", async () => {
        const [message] = await violations(monthlyBudget, unbounded, { maxMonthlyUsd: 1e9 });
        expect(message).toContain("has no ceiling");
        expect(message).toMatch(/llm-gpu-us-east-1a, llm-gpu-us-east-1b have no maximum size/);
    });

    it("judges the expected spend only with a stated reason", async () => {
        const [floorMsg] = await violations(monthlyBudget, fixed, { maxMonthlyUsd: 1 });
        const budget = (dollars(floorMsg ?? "")[0] ?? NaN) + 1000;
        expect((await violations(monthlyBudget, burst, { maxMonthlyUsd: budget, judge: "expected" }))[0]).toContain("judge \"expected\" needs a stated reason");
        expect(await violations(monthlyBudget, burst, { maxMonthlyUsd: budget, judge: "expected", judgeReason: "bursts are rare and short; finance reviews the ceiling monthly" })).toEqual([]);
    });
});

describe("projected-spend-below-api-break-even judges the ceiling", () => {
    it("blocks when the ceiling is above the API bill though the floor is below it; expected with a reason passes", async () => {
        // 2B tokens at $30/M = $60,000/month: above the 2-node floor, below the 4-node ceiling.
        expect(await violations(projectedSpendBelowApiBreakEven, fixed, {})).toEqual([]);
        const [blocked] = await violations(projectedSpendBelowApiBreakEven, burst, {});
        expect(blocked).toContain("above the $60,000/month the declared workload would cost");
        expect(blocked).toContain("judged:               the ceiling; range: floor $");
        expect(await violations(projectedSpendBelowApiBreakEven, burst, { judge: "expected", judgeReason: "burst nodes serve traffic above the declared volume only" })).toEqual([]);
        expect((await violations(projectedSpendBelowApiBreakEven, unbounded, {}))[0]).toContain("has no ceiling");
    });
});
