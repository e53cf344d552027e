/** cost/measured.ts and cost/drift.ts by table: the arithmetic behind `usage` and `--measured`. */
import { describe, expect, it } from "vitest";
import { compareWorkload } from "../../cost/drift";
import { counterTotals, hourlyTotals, measure, MeasureInput, Series } from "../../cost/measured";

const s = (values: Array<[number, number]>, labels: Record<string, string> = { pod: "p" }): Series => ({ labels, samples: values.map(([t, v]) => ({ t, v })) });
const STEP = 300;
/** A counter rising by `per` every step from t=0 for `steps` steps. */
const ramp = (steps: number, per: number, from = 0): Series => s(Array.from({ length: steps + 1 }, (_, i) => [from + i * STEP, 1000 + i * per]));

describe("counterTotals", () => {
    it.each([
        ["steady", [s([[0, 10], [300, 20], [600, 35]])], 25, 0, 0],
        ["a reset counts the value after the restart", [s([[0, 10], [300, 50], [600, 5], [900, 15]])], 55, 1, 0],
        ["a gap keeps its increase in the total", [s([[0, 10], [300, 20], [3900, 80]])], 70, 0, 1],
        ["two series add up", [s([[0, 0], [300, 10]]), s([[0, 5], [300, 7]], { pod: "q" })], 12, 0, 0],
    ])("%s", (_, series, total, resets, gaps) => {
        const c = counterTotals(series, STEP);
        expect(c?.total).toBe(total);
        expect(c?.resets).toHaveLength(resets);
        expect(c?.gaps).toHaveLength(gaps);
    });
    it("no series, or series with no samples, is undefined: never a total of 0", () => {
        expect(counterTotals([], STEP)).toBeUndefined();
        expect(counterTotals([s([])], STEP)).toBeUndefined();
    });
});

describe("hourlyTotals", () => {
    it("counts whole hours only and leaves out the hours a gap touches", () => {
        const c = counterTotals([ramp(36, 10)], STEP)!; // 3 hours at 120 tokens an hour
        expect(hourlyTotals([c], [])).toEqual([120, 120, 120]);
        expect(hourlyTotals([c], [{ fromS: 3600, toS: 4000 }])).toEqual([120, 120]);
    });
});

describe("measure", () => {
    const queries = { inputTokens: "in", outputTokens: "out" };
    const week = 7 * 24 * 12;
    it("tokens/month scales the window to 730 hours; the ratio is input over output", () => {
        const m = measure({ stepSeconds: STEP, minCoverageHours: 168, queries, inputTokens: [ramp(week, 300)], outputTokens: [ramp(week, 100)] });
        expect(m.findings).toEqual([]);
        expect(m.figures?.tokensPerMonth).toBeCloseTo(((week * 400) / 168) * 730, 3);
        expect(m.figures?.inputOutputRatio).toBe(3);
        expect(m.figures?.peakToAverage).toBeCloseTo(1, 10);
    });
    it.each([
        ["missing output series", { outputTokens: [] as Series[] }, "missing-series", /no output-token series: `out`/],
        ["flat output counters", { outputTokens: [s([[0, 7], [week * STEP, 7]])] }, "missing-series", /output-token counters \(`out`\) did not move/],
        ["too short a window", { inputTokens: [ramp(12, 300)], outputTokens: [ramp(12, 100)] }, "window-too-short", /covers 1\.0 h/],
    ])("%s: an error, no figures", (_, change, kind, message) => {
        const base: MeasureInput = { stepSeconds: STEP, minCoverageHours: 168, queries, inputTokens: [ramp(week, 300)], outputTokens: [ramp(week, 100)] };
        const m = measure({ ...base, ...change });
        expect(m.figures).toBeUndefined();
        expect(m.findings.map((f) => [f.kind, f.severity])).toContainEqual([kind, "error"]);
        expect(m.findings.map((f) => f.message).join("\n")).toMatch(message);
    });
    it("realised $/M: node-hours at the node price over the tokens served; no node series is said, not $0", () => {
        const nodes = { count: [s(Array.from({ length: week + 1 }, (_, i) => [i * STEP, 2]))], hourlyUsd: 10, priceBasis: "test" };
        const m = measure({ stepSeconds: STEP, minCoverageHours: 168, queries, inputTokens: [ramp(week, 300)], outputTokens: [ramp(week, 100)], nodes });
        expect(m.figures?.selfHosted?.realisedUsdPerMTok).toBeCloseTo((2 * 168 * 10) / ((week * 400) / 1e6), 6);
        const none = measure({ stepSeconds: STEP, minCoverageHours: 168, queries, inputTokens: [ramp(week, 300)], outputTokens: [ramp(week, 100)], nodes: { ...nodes, count: [] } });
        expect(none.figures?.selfHosted).toBeUndefined();
        expect(none.findings.map((f) => f.message).join()).toContain("realised $/M tokens is not measured");
    });
});

describe("compareWorkload", () => {
    const declared = { tokensPerMonth: 6e9, inputOutputRatio: 3, peakToAverage: 1.5, cacheHitRate: 0 };
    it.each([
        [5e9, 0.25, true, "within 25% of the measured one (+20%)"],
        [4e9, 0.25, false, "50% above the measured one (tolerance 25%)"],
        [10e9, 0.25, false, "40% below the measured one (tolerance 25%)"],
        [4e9, 0.6, true, "within 60%"],
    ])("measured %d at tolerance %d", (tokens, tolerance, within, summary) => {
        const v = compareWorkload(declared, { tokensPerMonth: tokens, inputOutputRatio: 3 }, tolerance);
        expect(v.withinTolerance).toBe(within);
        expect(v.summary).toContain(summary);
        expect(v.rows.find((r) => r.field === "peakToAverage")?.measured).toBeUndefined();
    });
});
