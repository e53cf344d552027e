/**
 * The break-even chart: monthly cost against tokens per month. A Vega-Lite spec built from an
 * estimate, rendered to SVG by Vega's headless View (no hand-built SVG).
 *
 * Series: the capacity-aware self-hosted step curve (nodes needed at peak, N+1), the configured
 * nodes' flat cost (the seed's view), the API at the routed rate and all through the frontier model;
 * the break-even points are marked and labelled, and so is where the workload stands: its own volume,
 * with what it costs on each line.
 *
 * Several stacks (`plan --all --out`) get one panel each, each with its own legend (the labels carry
 * that stack's rates and node count), and the same colour and dash for the same line in every panel:
 * the colour scale's domain is the four series keys, in a fixed order, with fixed colours.
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import type { TopLevelSpec } from "vega-lite";
import { capacityAwareMonthlyUsd } from "./breakEven";
import { Estimate } from "./estimate";
import { formatTokens, formatUsd } from "./units";
import { apiMonthlyUsd } from "./workload";

/** The four lines, by a key that is the same in every panel. */
export const SERIES_KEYS = ["self-hosted-sized", "self-hosted-configured", "api-routed", "api-all-frontier"] as const;
export type SeriesKey = (typeof SERIES_KEYS)[number];
/** Vega's Tableau10 blue, orange, red and teal, in SERIES_KEYS order: fixed, so a line keeps its colour across panels. */
export const SERIES_COLORS: readonly string[] = ["#4c78a8", "#f58518", "#e45756", "#72b7b2"];
const SERIES_DASHES: ReadonlyArray<readonly number[]> = [[1, 0], [6, 3], [1, 0], [2, 2]];

interface CurvePoint {
    readonly series: string;
    readonly key: SeriesKey;
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

/** Where the workload stands on one line: its volume and that line's cost there. */
interface VolumeMark {
    readonly key: SeriesKey;
    /** The line's colour, given directly: these marks add nothing to the legend. */
    readonly color: string;
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

function seriesLabels(e: Estimate): Record<SeriesKey, string> {
    const curve = e.capacity.curve;
    return {
        "self-hosted-sized": `Self-hosted, sized for volume (${curve.redundancy ? "N+1, " : ""}peak x${curve.peakToAverage})`,
        "self-hosted-configured": `Self-hosted, ${e.selfHosted.nodes} configured nodes`,
        "api-routed": `API routed (${formatUsd(e.api.usdPerMTok)}/M)`,
        "api-all-frontier": `API all-frontier (${formatUsd(e.unrouted.usdPerMTok)}/M)`,
    };
}

/** Each line's monthly cost at a volume. */
function costAt(e: Estimate, key: SeriesKey, tokens: number): number {
    const cache = e.api.cacheHitRate;
    switch (key) {
        case "self-hosted-sized": return capacityAwareMonthlyUsd(e.capacity.curve, tokens);
        case "self-hosted-configured": return e.selfHosted.monthlyUsd;
        case "api-routed": return apiMonthlyUsd({ tokensPerMonth: tokens, usdPerMTok: e.api.usdPerMTok, cacheHitRate: cache });
        case "api-all-frontier": return apiMonthlyUsd({ tokensPerMonth: tokens, usdPerMTok: e.unrouted.usdPerMTok, cacheHitRate: cache });
    }
}

function curvePoints(e: Estimate, xMax: number, labels: Record<SeriesKey, string>): CurvePoint[] {
    const curve = e.capacity.curve;
    const points: CurvePoint[] = [];
    const push = (key: SeriesKey, tokens: number, monthlyUsd: number): void => {
        points.push({ series: labels[key], key, i: points.length, tokensB: tokens / 1e9, monthlyUsd });
    };
    // The step curve: flat while the node count holds, a jump where one more node is needed.
    const servedPerNode = curve.nodeTokensPerMonth / curve.peakToAverage;
    const steps = Math.ceil(xMax / servedPerNode);
    const stride = Math.max(1, Math.ceil(steps / MAX_STEPS));
    push("self-hosted-sized", 0, capacityAwareMonthlyUsd(curve, 0));
    for (let k = stride; k * servedPerNode < xMax; k += stride) {
        const edge = k * servedPerNode;
        push("self-hosted-sized", edge, capacityAwareMonthlyUsd(curve, edge));
        // Just past the edge (well clear of nodesNeeded's float slack): one more node.
        push("self-hosted-sized", edge, capacityAwareMonthlyUsd(curve, edge * (1 + 1e-6)));
    }
    push("self-hosted-sized", xMax, capacityAwareMonthlyUsd(curve, xMax));
    for (const key of ["self-hosted-configured", "api-routed", "api-all-frontier"] as const) {
        push(key, 0, costAt(e, key, 0));
        push(key, xMax, costAt(e, key, xMax));
    }
    return points;
}

function breakEvenMarkers(e: Estimate): Marker[] {
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
    return markers;
}

/** The workload's own volume on each line, labelled with that line's cost; lines that meet there share one label. */
export function volumeMarks(e: Estimate): VolumeMark[] {
    const tokens = e.scenario.tokensPerMonth;
    const marks: VolumeMark[] = [];
    for (const key of SERIES_KEYS) {
        const monthlyUsd = costAt(e, key, tokens);
        const shown = marks.some((m) => Math.abs(m.monthlyUsd - monthlyUsd) < 0.5);
        marks.push({ key, color: SERIES_COLORS[SERIES_KEYS.indexOf(key)]!, label: shown ? "" : formatUsd(monthlyUsd), tokensB: tokens / 1e9, monthlyUsd });
    }
    return marks;
}

/** One stack's chart as a layer spec without $schema, for a single chart or a panel among several. */
function panel(e: Estimate, title: string): Record<string, unknown> {
    const xMax = chartRangeTokens(e);
    const labels = seriesLabels(e);
    const x = { field: "tokensB", type: "quantitative" as const, title: "Tokens per month (billions, input + output)", scale: { domain: [0, xMax / 1e9] } };
    const y = { field: "monthlyUsd", type: "quantitative" as const, title: "Monthly cost (USD)", axis: { format: "$,.0f" } };
    // The legend shows this panel's labels for the shared keys.
    const labelExpr = `${JSON.stringify(labels)}[datum.label]`;
    const legend = { orient: "top-left", labelLimit: 400, labelExpr, title: null };
    const color = { field: "key", type: "nominal" as const, scale: { domain: [...SERIES_KEYS], range: [...SERIES_COLORS] }, legend };
    const strokeDash = { field: "key", type: "nominal" as const, scale: { domain: [...SERIES_KEYS], range: SERIES_DASHES.map((d) => [...d]) }, legend };
    const ownColor = { field: "color", type: "nominal" as const, scale: null };
    const volume = e.scenario.tokensPerMonth;
    return {
        title: {
            text: title,
            subtitle: `${e.selfHosted.offerLabel}; ${e.capacity.perNode.model} ${e.capacity.perNode.precision}, ${formatTokens(e.capacity.perNode.tokensPerMonth)} tokens/month per node flat out`,
        },
        width: 720,
        height: 420,
        layer: [
            {
                data: { values: curvePoints(e, xMax, labels) as unknown as Record<string, unknown>[] },
                mark: { type: "line", strokeWidth: 2 },
                encoding: { x, y, color, strokeDash, order: { field: "i", type: "quantitative" } },
            },
            {
                data: { values: breakEvenMarkers(e) as unknown as Record<string, unknown>[] },
                layer: [
                    { mark: { type: "point", filled: true, size: 90, color: "black" }, encoding: { x, y } },
                    { mark: { type: "text", align: "left", dx: 8, dy: -8, fontSize: 11 }, encoding: { x, y, text: { field: "label", type: "nominal" } } },
                ],
            },
            {
                // Where this workload stands: its volume, and its cost on each line.
                data: { values: volumeMarks(e) as unknown as Record<string, unknown>[] },
                layer: [
                    { mark: { type: "rule", strokeDash: [3, 3], color: "gray" }, encoding: { x } },
                    { mark: { type: "point", shape: "diamond", filled: true, size: 110 }, encoding: { x, y, color: ownColor } },
                    { mark: { type: "text", align: "right", dx: -8, dy: -8, fontSize: 11, fontWeight: "bold" }, encoding: { x, y, text: { field: "label", type: "nominal" }, color: ownColor } },
                ],
            },
            {
                data: { values: [{ tokensB: volume / 1e9, label: `this workload: ${formatTokens(volume)} tokens/month` }] },
                // Right of the rule, or left of it when the volume sits in the right part of the chart.
                mark: { type: "text", align: volume > 0.6 * xMax ? "right" : "left", baseline: "top", dx: volume > 0.6 * xMax ? -4 : 4, dy: 4, fontSize: 11, color: "gray" },
                encoding: { x, y: { value: 0 }, text: { field: "label", type: "nominal" } },
            },
        ],
    };
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

export function chartSpec(e: Estimate): TopLevelSpec {
    return { $schema: SCHEMA, ...panel(e, `Self-hosted vs API: ${e.scenario.name}`) } as TopLevelSpec;
}

/**
 * Several stacks, one panel each, stacked vertically. Scales are independent per panel (each its own
 * axes and legend), and the colour and dash scales share an explicit domain and range, so a line has
 * the same colour and dash in every panel.
 */
export function chartPanelsSpec(panels: ReadonlyArray<{ readonly title: string; readonly estimate: Estimate }>): TopLevelSpec {
    if (panels.length === 1) return { $schema: SCHEMA, ...panel(panels[0]!.estimate, panels[0]!.title) } as TopLevelSpec;
    return {
        $schema: SCHEMA,
        vconcat: panels.map((p) => panel(p.estimate, p.title)),
        resolve: { scale: { x: "independent", y: "independent", color: "independent", strokeDash: "independent" }, legend: { color: "independent", strokeDash: "independent" } },
        spacing: 40,
    } as unknown as TopLevelSpec;
}

/** A spec as an SVG document. */
export async function renderSpecSvg(spec: TopLevelSpec): Promise<string> {
    const compiled = vl.compile(spec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "none" });
    try {
        return await view.toSVG();
    } finally {
        view.finalize();
    }
}

/** The chart as an SVG document. */
export async function renderChartSvg(e: Estimate): Promise<string> {
    return renderSpecSvg(chartSpec(e));
}
