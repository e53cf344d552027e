/** The break-even chart: a Vega-Lite spec from the estimate (step curve, API lines, markers), rendered by Vega. */
import { describe, expect, it } from "vitest";
import { estimate, seedScenario } from "../../cost";
import { SERIES_COLORS, SERIES_KEYS, chartPanelsSpec, chartSpec, renderChartSvg, renderSpecSvg, volumeMarks } from "../../cost/chart";

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

describe("where the workload stands (issue 15.7)", () => {
    const sixB = estimate({ ...seedScenario(), tokensPerMonth: 6e9, api: { ...seedScenario().api, usdPerMTok: 6 } });

    it("marks the workload's own volume on each line with that line's cost; lines that meet there share one label", () => {
        const marks = volumeMarks(seed);
        expect(marks.map((m) => m.key)).toEqual([...SERIES_KEYS]);
        for (const m of marks) expect(m.tokensB).toBe(0.5);
        // 500M tokens: both self-hosted lines cost the two nodes, $19,940; the API lines $400 and $2,500.
        expect(marks.map((m) => [m.key, Math.round(m.monthlyUsd), m.label])).toEqual([
            ["self-hosted-sized", 19_940, "$19,940"],
            ["self-hosted-configured", 19_940, ""],
            ["api-routed", 400, "$400"],
            ["api-all-frontier", 2_500, "$2,500"],
        ]);
    });

    it("draws the marks and the volume into the SVG", async () => {
        const svg = await renderChartSvg(sixB);
        expect(svg).toContain("this workload: 6B tokens/month");
        expect(svg).toContain(">$36,000<");
    });

    it("gives each stack its own panel and legend, with the same colour for the same line in every panel", async () => {
        const spec = chartPanelsSpec([{ title: "a: self-hosted vs API", estimate: seed }, { title: "b: self-hosted vs API", estimate: sixB }]) as unknown as {
            vconcat: Array<{ layer: Array<{ encoding?: { color?: { scale: { domain: string[]; range: string[] } } } }> }>;
            resolve: { legend: Record<string, string> };
        };
        expect(spec.vconcat).toHaveLength(2);
        for (const p of spec.vconcat) expect(p.layer[0]!.encoding!.color!.scale).toEqual({ domain: [...SERIES_KEYS], range: [...SERIES_COLORS] });
        expect(spec.resolve.legend).toMatchObject({ color: "independent", strokeDash: "independent" });
        const svg = await renderSpecSvg(spec as never);
        // Two legends, each with its own panel's rates.
        expect(svg.match(/role-legend"/g)?.length).toBe(2);
        expect(svg).toContain("API routed ($0.80/M)");
        expect(svg).toContain("API routed ($6/M)");
        // The routed line is the same colour in both panels.
        const routed = SERIES_COLORS[SERIES_KEYS.indexOf("api-routed")]!;
        expect(svg.split(`stroke="${routed}"`).length - 1).toBeGreaterThanOrEqual(2);
    });
});
