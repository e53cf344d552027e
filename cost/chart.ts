/**
 * The break-even chart: monthly cost against tokens per month. A Vega-Lite spec built from an
 * estimate, rendered to SVG by Vega's headless View (no hand-built SVG).
 *
 * Series: the capacity-aware self-hosted step curve (nodes needed at peak, N+1), the configured
 * nodes' flat cost (the seed's view), the API at the routed rate and all through the frontier model;
 * the break-even points are marked and labelled.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { capacityAwareMonthlyUsd } from "./breakEven";
import { Estimate } from "./estimate";
import { formatTokens, formatUsd } from "./units";
import { apiMonthlyUsd } from "./workload";

interface CurvePoint {
    readonly series: string;
    /** Draw order within a series (the step curve has two points at each step). */
    readonly i: number;
    readonly tokensB: number;
    readonly monthlyUsd: number;
}

interface Marker {
    readonly label: string;
    readonly tokensB: number;
    readonly monthlyUsd: number;
}

/** Most steps drawn; beyond that the step curve is sampled (it looks like a line at that scale). */
const MAX_STEPS = 400;

function chartRangeTokens(e: Estimate): number {
    const candidates = [
        e.scenario.tokensPerMonth, e.breakEven.tokensPerMonth, e.breakEven.unroutedTokensPerMonth,
        e.capacity.breakEven.tokensPerMonth, e.capacity.unroutedBreakEven.tokensPerMonth,
    ].filter((v): v is number => v !== null && Number.isFinite(v));
    return Math.max(...candidates) * 1.25;
}

export function chartSpec(e: Estimate): TopLevelSpec {
    const xMax = chartRangeTokens(e);
    const curve = e.capacity.curve;
    const cache = e.api.cacheHitRate;
    const stepSeries = `Self-hosted, sized for volume (${curve.redundancy ? "N+1, " : ""}peak x${curve.peakToAverage})`;
    const fixedSeries = `Self-hosted, ${e.selfHosted.nodes} configured nodes`;
    const routedSeries = `API routed (${formatUsd(e.api.usdPerMTok)}/M)`;
    const unroutedSeries = `API all-frontier (${formatUsd(e.unrouted.usdPerMTok)}/M)`;
    const points: CurvePoint[] = [];
    const push = (series: string, tokens: number, monthlyUsd: number): void => {
        points.push({ series, i: points.length, tokensB: tokens / 1e9, monthlyUsd });
    };

    // The step curve: flat while the node count holds, a jump where one more node is needed.
    const servedPerNode = curve.nodeTokensPerMonth / curve.peakToAverage;
    const steps = Math.ceil(xMax / servedPerNode);
    const stride = Math.max(1, Math.ceil(steps / MAX_STEPS));
    push(stepSeries, 0, capacityAwareMonthlyUsd(curve, 0));
    for (let k = stride; k * servedPerNode < xMax; k += stride) {
        const edge = k * servedPerNode;
        push(stepSeries, edge, capacityAwareMonthlyUsd(curve, edge));
        // Just past the edge (well clear of nodesNeeded's float slack): one more node.
        push(stepSeries, edge, capacityAwareMonthlyUsd(curve, edge * (1 + 1e-6)));
    }
    push(stepSeries, xMax, capacityAwareMonthlyUsd(curve, xMax));
    push(fixedSeries, 0, e.selfHosted.monthlyUsd);
    push(fixedSeries, xMax, e.selfHosted.monthlyUsd);
    push(routedSeries, 0, 0);
    push(routedSeries, xMax, apiMonthlyUsd({ tokensPerMonth: xMax, usdPerMTok: e.api.usdPerMTok, cacheHitRate: cache }));
    push(unroutedSeries, 0, 0);
    push(unroutedSeries, xMax, apiMonthlyUsd({ tokensPerMonth: xMax, usdPerMTok: e.unrouted.usdPerMTok, cacheHitRate: cache }));

    const markers: Marker[] = [];
    const mark = (label: string, tokens: number | null, monthlyUsd: number): void => {
        if (tokens === null || !Number.isFinite(tokens)) return;
        // The fixed-node and capacity-aware break-evens coincide when the configured nodes serve it: one marker.
        const same = markers.findIndex((m) => Math.abs(m.tokensB - tokens / 1e9) <= 1e-6 * m.tokensB && Math.abs(m.monthlyUsd - monthlyUsd) < 0.01);
        const existing = markers[same];
        if (existing !== undefined) markers[same] = { ...existing, label: `${existing.label} (also ${label.replace(/^break-even /, "")})` };
        else markers.push({ label: `${label}: ${formatTokens(tokens)}`, tokensB: tokens / 1e9, monthlyUsd });
    };
    mark("break-even routed, configured nodes", e.breakEven.tokensPerMonth, e.selfHosted.monthlyUsd);
    mark("break-even all-frontier, configured nodes", e.breakEven.unroutedTokensPerMonth, e.selfHosted.monthlyUsd);
    if (e.capacity.breakEven.kind === "breaks-even") mark("break-even routed, capacity-aware", e.capacity.breakEven.tokensPerMonth, e.capacity.breakEven.monthlyUsd);
    if (e.capacity.unroutedBreakEven.kind === "breaks-even") mark("break-even all-frontier, capacity-aware", e.capacity.unroutedBreakEven.tokensPerMonth, e.capacity.unroutedBreakEven.monthlyUsd);

    const x = { field: "tokensB", type: "quantitative" as const, title: "Tokens per month (billions, input + output)", scale: { domain: [0, xMax / 1e9] } };
    const y = { field: "monthlyUsd", type: "quantitative" as const, title: "Monthly cost (USD)", axis: { format: "$,.0f" } };
    return {
        $schema: "https://vega.github.io/schema/vega-lite/v5.json",
        title: {
            text: `Self-hosted vs API: ${e.scenario.name}`,
            subtitle: `${e.selfHosted.offerLabel}; ${e.capacity.perNode.model} ${e.capacity.perNode.precision}, ${formatTokens(e.capacity.perNode.tokensPerMonth)} tokens/month per node flat out`,
        },
        width: 720,
        height: 420,
        layer: [
            {
                data: { values: points as unknown as Record<string, unknown>[] },
                mark: { type: "line", strokeWidth: 2 },
                encoding: {
                    x, y,
                    color: { field: "series", type: "nominal", title: null, legend: { orient: "top-left", labelLimit: 400 } },
                    strokeDash: { field: "series", type: "nominal", title: null, legend: { orient: "top-left", labelLimit: 400 } },
                    order: { field: "i", type: "quantitative" },
                },
            },
            {
                data: { values: markers as unknown as Record<string, unknown>[] },
                layer: [
                    { mark: { type: "point", filled: true, size: 90, color: "black" }, encoding: { x, y } },
                    { mark: { type: "text", align: "left", dx: 8, dy: -8, fontSize: 11 }, encoding: { x, y, text: { field: "label", type: "nominal" } } },
                ],
            },
        ],
    };
}

/** The chart as an SVG document. */
export async function renderChartSvg(e: Estimate): Promise<string> {
    const compiled = vl.compile(chartSpec(e)).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    try {
        return await view.toSVG();
    } finally {
        view.finalize();
    }
}
