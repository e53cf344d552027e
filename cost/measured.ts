/**
 * Measured usage: the workload figures (tokens per month, input:output ratio, peak-to-average, cache
 * hit rate, realised $/M tokens) computed from counter samples that a Prometheus range query returned.
 * Pure: the CLI (cli/commands/usage.ts) fetches the samples, this module does the arithmetic and says what it
 * could not measure. A missing series, a reset counter, a gap in the data or a window too short to
 * stand for a month is reported, never read as zero.
 */
import { HOURS_PER_MONTH, TOKENS_PER_MTOK } from "./units";

/** One sample: unix seconds and the value. */
export interface Sample {
    readonly t: number;
    readonly v: number;
}

/** One series of a range query: its labels and its samples in time order. */
export interface Series {
    readonly labels: Readonly<Record<string, string>>;
    readonly samples: readonly Sample[];
}

export interface Gap {
    readonly fromS: number;
    readonly toS: number;
}

export interface Reset {
    readonly atS: number;
    readonly labels: Readonly<Record<string, string>>;
}

export type FindingKind = "missing-series" | "counter-reset" | "gap" | "window-too-short";

export interface Finding {
    readonly kind: FindingKind;
    /** error: the figure it concerns is not measured; warning: measured, with the caveat said. */
    readonly severity: "error" | "warning";
    readonly message: string;
}

/** What the counters of one metric added up to over the window. */
export interface CounterTotals {
    readonly total: number;
    /** Increase per interval start (unix seconds), from intervals with no gap. */
    readonly intervals: ReadonlyMap<number, number>;
    readonly resets: readonly Reset[];
    readonly gaps: readonly Gap[];
    readonly firstS: number;
    readonly lastS: number;
}

/**
 * Adds up counter series sampled every stepSeconds. Between two samples the increase is the
 * difference, or, when the value fell (the process restarted and the counter began again at 0),
 * the new value. Two samples further apart than 1.5 steps bound a gap: their increase still counts
 * toward the total (the counter kept counting while nothing was scraped), but it cannot be placed
 * in an hour.
 */
export function counterTotals(series: readonly Series[], stepSeconds: number): CounterTotals | undefined {
    if (series.length === 0) return undefined;
    const intervals = new Map<number, number>();
    const resets: Reset[] = [];
    const gaps: Gap[] = [];
    let total = 0;
    let firstS = Infinity;
    let lastS = -Infinity;
    for (const s of series) {
        const samples = s.samples;
        if (samples.length === 0) continue;
        firstS = Math.min(firstS, (samples[0] as Sample).t);
        lastS = Math.max(lastS, (samples[samples.length - 1] as Sample).t);
        for (let i = 1; i < samples.length; i++) {
            const prev = samples[i - 1] as Sample;
            const cur = samples[i] as Sample;
            const reset = cur.v < prev.v;
            const increase = reset ? cur.v : cur.v - prev.v;
            if (reset) resets.push({ atS: cur.t, labels: s.labels });
            total += increase;
            if (cur.t - prev.t > 1.5 * stepSeconds) {
                gaps.push({ fromS: prev.t, toS: cur.t });
            } else {
                intervals.set(prev.t, (intervals.get(prev.t) ?? 0) + increase);
            }
        }
    }
    if (!Number.isFinite(firstS)) return undefined;
    return { total, intervals, resets, gaps: mergeGaps(gaps), firstS, lastS };
}

function mergeGaps(gaps: readonly Gap[]): Gap[] {
    const sorted = [...gaps].sort((a, b) => a.fromS - b.fromS);
    const merged: Gap[] = [];
    for (const g of sorted) {
        const last = merged[merged.length - 1];
        if (last !== undefined && g.fromS <= last.toS) merged[merged.length - 1] = { fromS: last.fromS, toS: Math.max(last.toS, g.toS) };
        else merged.push(g);
    }
    return merged;
}

/**
 * Tokens per clock hour, over the hours the window covers whole and no gap touches (an hour is
 * complete when its first interval starts at or after the first sample and its last ends by the
 * last sample).
 */
export function hourlyTotals(counters: readonly CounterTotals[], gaps: readonly Gap[]): number[] {
    const firstS = Math.min(...counters.map((c) => c.firstS));
    const lastS = Math.max(...counters.map((c) => c.lastS));
    const byHour = new Map<number, number>();
    for (const c of counters) {
        for (const [startS, increase] of c.intervals) {
            const hour = Math.floor(startS / 3600);
            byHour.set(hour, (byHour.get(hour) ?? 0) + increase);
        }
    }
    const hours: number[] = [];
    for (let hour = Math.ceil(firstS / 3600); (hour + 1) * 3600 <= lastS; hour++) {
        const fromS = hour * 3600;
        const toS = fromS + 3600;
        if (gaps.some((g) => g.fromS < toS && g.toS > fromS)) continue;
        hours.push(byHour.get(hour) ?? 0);
    }
    return hours;
}

export interface MeasureInput {
    /** Seconds between the points of every range query; divides an hour. */
    readonly stepSeconds: number;
    /** Input (prompt) token counters; empty when the query found none. */
    readonly inputTokens: readonly Series[];
    readonly outputTokens: readonly Series[];
    /** The query each figure came from, for the messages. */
    readonly queries: { readonly inputTokens: string; readonly outputTokens: string; readonly [name: string]: string };
    /** Fewest hours of data that stand for a month. */
    readonly minCoverageHours: number;
    /** Cache hit and miss counters (requests), when the stack has a cache that reports them. */
    readonly cache?: { readonly hits: readonly Series[]; readonly misses: readonly Series[] };
    /** GPU nodes over time (a gauge) and the catalogue's price of one node-hour, for self-hosted stacks. */
    readonly nodes?: { readonly count: readonly Series[]; readonly hourlyUsd: number; readonly priceBasis: string };
}

export interface MeasuredFigures {
    readonly tokensPerMonth: number;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly inputOutputRatio: number;
    /** Busiest complete hour over the mean complete hour; undefined with no complete hour. */
    readonly peakToAverage: number | undefined;
    readonly completeHours: number;
    /** undefined when the stack has no cache or the cache reports nothing. */
    readonly cacheHitRate: number | undefined;
    readonly selfHosted?: { readonly nodeHours: number; readonly meanNodes: number; readonly nodeHourlyUsd: number; readonly priceBasis: string; readonly realisedUsdPerMTok: number };
}

export interface Measurement {
    readonly coveredFromS: number | undefined;
    readonly coveredToS: number | undefined;
    readonly coveredHours: number;
    /** undefined when an error finding says why. */
    readonly figures: MeasuredFigures | undefined;
    readonly findings: readonly Finding[];
}

const iso = (s: number): string => new Date(s * 1000).toISOString().replace(".000Z", "Z");
const hoursOf = (s: number): string => `${(s / 3600).toFixed(1)} h`;

/** The figures a range query's counters give, with every caveat said. */
export function measure(input: MeasureInput): Measurement {
    const findings: Finding[] = [];
    const missing = (what: string, query: string): Finding => ({
        kind: "missing-series", severity: "error",
        message: `no ${what} series: \`${query}\` returned nothing in the window; check the exporter is scraped (and --match, --namespace), never read as 0 tokens`,
    });
    const input_ = counterTotals(input.inputTokens, input.stepSeconds);
    const output = counterTotals(input.outputTokens, input.stepSeconds);
    if (input_ === undefined) findings.push(missing("input-token", input.queries.inputTokens));
    if (output === undefined) findings.push(missing("output-token", input.queries.outputTokens));
    if (input_ === undefined || output === undefined) {
        const only = input_ ?? output;
        return { coveredFromS: only?.firstS, coveredToS: only?.lastS, coveredHours: only !== undefined ? (only.lastS - only.firstS) / 3600 : 0, figures: undefined, findings };
    }
    const counters = [input_, output];
    const fromS = Math.min(input_.firstS, output.firstS);
    const toS = Math.max(input_.lastS, output.lastS);
    const coveredHours = (toS - fromS) / 3600;
    const gaps = mergeGaps([...input_.gaps, ...output.gaps]);
    for (const g of gaps) {
        findings.push({ kind: "gap", severity: "warning", message: `no samples from ${iso(g.fromS)} to ${iso(g.toS)} (${hoursOf(g.toS - g.fromS)}): the tokens counted across it are in the totals, its hours are left out of peak-to-average` });
    }
    for (const r of [...input_.resets, ...output.resets]) {
        findings.push({ kind: "counter-reset", severity: "warning", message: `counter reset at ${iso(r.atS)} (${Object.entries(r.labels).map(([k, v]) => `${k}="${v}"`).join(", ")}): counted from 0 after the restart` });
    }
    if (coveredHours < input.minCoverageHours) {
        findings.push({
            kind: "window-too-short", severity: "error",
            message: `the data covers ${hoursOf(toS - fromS)} (${iso(fromS)} to ${iso(toS)}), under the ${input.minCoverageHours} h needed to stand for a month; measure over a longer window (--since) once the stack has served that long, or lower --min-coverage knowingly`,
        });
        return { coveredFromS: fromS, coveredToS: toS, coveredHours, figures: undefined, findings };
    }
    const flat = [[input_, "input-token", input.queries.inputTokens], [output, "output-token", input.queries.outputTokens]] as const;
    const still = flat.filter(([c]) => c.total === 0);
    if (still.length > 0) {
        for (const [, what, query] of still) findings.push({ kind: "missing-series", severity: "error", message: `the ${what} counters (\`${query}\`) did not move in the window: no ratio or volume can be measured from them` });
        return { coveredFromS: fromS, coveredToS: toS, coveredHours, figures: undefined, findings };
    }
    const tokens = input_.total + output.total;
    const hours = hourlyTotals(counters, gaps);
    const meanHour = hours.reduce((a, b) => a + b, 0) / hours.length;
    const peakToAverage = hours.length > 0 && meanHour > 0 ? Math.max(...hours) / meanHour : undefined;
    const figures: MeasuredFigures = {
        tokensPerMonth: (tokens / coveredHours) * HOURS_PER_MONTH,
        inputTokens: input_.total,
        outputTokens: output.total,
        inputOutputRatio: input_.total / output.total,
        peakToAverage,
        completeHours: hours.length,
        cacheHitRate: cacheHitRate(input.cache, input.stepSeconds),
        ...(input.nodes !== undefined ? selfHostedCost(input.nodes, coveredHours, tokens, findings, input.queries["nodes"] ?? "GPU nodes") : {}),
    };
    return { coveredFromS: fromS, coveredToS: toS, coveredHours, figures, findings };
}

function cacheHitRate(cache: MeasureInput["cache"], stepSeconds: number): number | undefined {
    if (cache === undefined) return undefined;
    const hits = counterTotals(cache.hits, stepSeconds);
    const misses = counterTotals(cache.misses, stepSeconds);
    if (hits === undefined && misses === undefined) return undefined;
    const lookups = (hits?.total ?? 0) + (misses?.total ?? 0);
    return lookups > 0 ? (hits?.total ?? 0) / lookups : undefined;
}

/** Node-hours: the mean node count over the samples the gauge has, across the whole covered span. */
function selfHostedCost(nodes: NonNullable<MeasureInput["nodes"]>, coveredHours: number, tokens: number, findings: Finding[], query: string): Pick<MeasuredFigures, "selfHosted"> {
    const samples = nodes.count.flatMap((s) => s.samples);
    if (samples.length === 0) {
        findings.push({ kind: "missing-series", severity: "warning", message: `no GPU node series: \`${query}\` returned nothing, so the realised $/M tokens is not measured` });
        return {};
    }
    const meanNodes = samples.reduce((a, s) => a + s.v, 0) / samples.length;
    const nodeHours = meanNodes * coveredHours;
    const usd = nodeHours * nodes.hourlyUsd;
    return { selfHosted: { nodeHours, meanNodes, nodeHourlyUsd: nodes.hourlyUsd, priceBasis: nodes.priceBasis, realisedUsdPerMTok: tokens > 0 ? usd / (tokens / TOKENS_PER_MTOK) : Infinity } };
}
