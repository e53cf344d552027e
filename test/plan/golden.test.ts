/**
 * Issue 17's guard for the restructuring: `plan --all --json` must print exactly what it printed
 * before (test/plan/golden/plan-all.json). A refactor never updates the golden file; a change that
 * means to change the plan (a price, a capacity fit, a new resource) regenerates it with
 * `npx vitest run test/plan/golden.test.ts -u` and says why in its commit.
 *
 * The clock is fixed, so the prices-are-current advisory ("dated 2024-07 (N days)") reads the same
 * every day.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { cli } from "../scale/cli";

const GOLDEN_NOW = new Date("2026-11-30T12:00:00Z");

describe("plan --all --json (golden)", () => {
    beforeAll(() => {
        vi.useFakeTimers({ toFake: ["Date"] });
        vi.setSystemTime(GOLDEN_NOW);
    });
    afterAll(() => vi.useRealTimers());

    it("prints the same plan for every shipped stack as before the change", async () => {
        const run = await cli("plan", "--all", "--json");
        expect(run.code).toBe(0);
        const plans = JSON.parse(run.stdout) as Array<{ stack: string; resources: unknown[] }>;
        // Something was planned: four stacks, each with resources (an empty mock run must fail here).
        expect(plans.map((p) => p.stack)).toEqual(["gateway-dev", "gateway-prod", "hybrid-prod", "self-hosted-prod"]);
        for (const p of plans) expect(p.resources.length).toBeGreaterThan(10);
        await expect(`${JSON.stringify(plans, null, 2)}\n`).toMatchFileSnapshot("golden/plan-all.json");
    });
});
