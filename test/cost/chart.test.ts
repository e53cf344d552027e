/** The break-even chart: a Vega-Lite spec from the estimate (step curve, API lines, markers), rendered by Vega. */
import { describe, expect, it } from "vitest";
import { estimate, seedScenario } from "../../cost";
import { chartSpec, renderChartSvg } from "../../cost/chart";

const seed = estimate(seedScenario());

type Layer = { data: { values: Array<Record<string, unknown>> } };

describe("break-even chart", () => {
    const spec = chartSpec(seed) as unknown as { layer: Layer[] };
    const points = spec.layer[0]!.data.values as Array<{ series: string; tokensB: number; monthlyUsd: number }>;
    const markers = spec.layer[1]!.data.values as Array<{ label: string; tokensB: number; monthlyUsd: number }>;

    it("draws the capacity-aware cost as a step curve that rises one node at a time", () => {
        const step = points.filter((p) => p.series.startsWith("Self-hosted, sized for volume"));
        expect(step[0]).toMatchObject({ tokensB: 0, monthlyUsd: 19_940 });
        const costs = [...new Set(step.map((p) => p.monthlyUsd))];
        expect(costs.length).toBeGreaterThan(3);
        costs.slice(1).forEach((c, i) => expect(c - costs[i]!).toBeCloseTo(7_920, 6));
        // Vertical jumps: two points at each step edge.
        expect(step.some((p, i) => i > 0 && p.tokensB === step[i - 1]!.tokensB && p.monthlyUsd > step[i - 1]!.monthlyUsd)).toBe(true);
    });

    it("draws both API lines through the origin and the configured nodes flat", () => {
        const at = (series: string) => points.filter((p) => p.series === series);
        expect(at("API routed ($0.80/M)")[0]).toMatchObject({ tokensB: 0, monthlyUsd: 0 });
        const all = at("API all-frontier ($5/M)");
        expect(all[1]!.monthlyUsd / (all[1]!.tokensB * 1e3)).toBeCloseTo(5, 9);
        expect(at("Self-hosted, 2 configured nodes").map((p) => p.monthlyUsd)).toEqual([19_940, 19_940]);
    });

    it("marks the break-even points where the lines cross", () => {
        expect(markers.map((m) => m.label)).toEqual([
            "break-even routed, configured nodes: 24.9B",
            "break-even all-frontier, configured nodes: 3.99B (also all-frontier, capacity-aware)",
        ]);
        expect(markers[0]!.tokensB).toBeCloseTo(24.925, 9);
        expect(markers[0]!.monthlyUsd).toBe(19_940);
    });

    it("renders through Vega's View to SVG", async () => {
        const svg = await renderChartSvg(seed);
        expect(svg).toMatch(/^<svg [^>]*class="marks"/);
        expect(svg).toContain("Self-hosted vs API: seed");
        expect(svg).toContain("Monthly cost (USD)");
    });
});
