/**
 * The fixture's generator: a month of exporter counters with a diurnal pattern, written as
 * OpenMetrics for `promtool tsdb create-blocks-from openmetrics`, and the truth the `usage` figures
 * are checked against, computed here from the increments it generated (never from cost/measured.ts).
 *
 * Clusters (label `cluster`), each a case:
 *   main     two vLLM pods and two GPU nodes for 30 days; pod p2's counters reset (the container
 *            restarted) on day 10; every series stops for 12 hours on day 20 (Prometheus was down;
 *            the counters kept counting)
 *   missing  one vLLM pod that publishes prompt tokens and no generation tokens
 *   short    one vLLM pod that has served for 36 hours
 *   gw       LiteLLM's token, spend and cache counters for two models, 30 days
 */
import * as fs from "fs";

export const STEP_S = 300;
export const END_S = Date.UTC(2026, 9, 31) / 1000;
export const DAYS = 30;
export const START_S = END_S - DAYS * 86_400;
export const RESET_AT_S = START_S + 10 * 86_400 + 12 * 3600;
// Twelve daytime hours: more than 1% of the month's tokens, so a total that dropped them would fail the 1% check.
export const GAP = { fromS: START_S + 20 * 86_400 + 6 * 3600, toS: START_S + 20 * 86_400 + 18 * 3600 } as const;
export const NODES = 2;
export const GPUS_PER_NODE = 2;
/** LiteLLM prices used to make the spend counter (USD per token, input and output). */
export const GW_MODELS = [
    { model: "openai/gpt-4o-mini", inputPerTok: 0.15e-6, outputPerTok: 0.6e-6, inputPerS: 900, outputPerS: 300 },
    { model: "anthropic/claude-sonnet-4", inputPerTok: 3e-6, outputPerTok: 15e-6, inputPerS: 200, outputPerS: 50 },
] as const;
export const GW_CACHE_HIT_SHARE = 0.2;

interface GenSeries {
    readonly family: string;
    readonly type: "counter" | "gauge";
    readonly labels: Readonly<Record<string, string>>;
    /** Sample times and values (counters: cumulative, as the exporter would report them). */
    readonly samples: Array<{ t: number; v: number }>;
    /** Counters: the increase over (t[i-1], t[i]] at index i (index 0 unused). */
    readonly increments: number[];
}

/** Deterministic noise in [-1, 1): the same fixture on every run. */
function noise(seed: number): () => number {
    let x = seed >>> 0;
    return () => {
        x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
        return x / 2 ** 31 - 1;
    };
}

/** Busy in the working day, quiet at night: 1 + 0.6 sin over the day, peaking at 15:00 UTC, with +-10% noise. */
function diurnal(t: number, rand: () => number): number {
    const hourOfDay = (t % 86_400) / 3600;
    return (1 + 0.6 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24)) * (1 + 0.1 * rand());
}

const times = (fromS: number, toS: number, skipGap: boolean): number[] => {
    const out: number[] = [];
    for (let t = fromS; t <= toS; t += STEP_S) if (!(skipGap && t > GAP.fromS && t < GAP.toS)) out.push(t);
    return out;
};

/**
 * A counter sampled at `ts` whose true increase per step interval is perSecond x diurnal x step.
 * Across a gap the exporter kept counting: the increase is that of every step it spans. After a
 * reset the counter starts from 0 and reports only what it counted since.
 */
function counter(family: string, labels: Record<string, string>, ts: readonly number[], perSecond: number, seed: number, resetAtS?: number): GenSeries {
    const rand = noise(seed);
    const samples: Array<{ t: number; v: number }> = [];
    const increments: number[] = [0];
    let value = Math.round(perSecond * 3600 * 24 * 3); // counted before the window opened
    samples.push({ t: ts[0] as number, v: value });
    for (let i = 1; i < ts.length; i++) {
        let increase = 0;
        for (let t = (ts[i - 1] as number) + STEP_S; t <= (ts[i] as number); t += STEP_S) increase += Math.round(perSecond * STEP_S * diurnal(t, rand));
        value = resetAtS !== undefined && ts[i] === resetAtS ? increase : value + increase;
        increments.push(increase);
        samples.push({ t: ts[i] as number, v: value });
    }
    return { family, type: "counter", labels, samples, increments };
}

function gauge(family: string, labels: Record<string, string>, ts: readonly number[], value: number): GenSeries {
    return { family, type: "gauge", labels, samples: ts.map((t) => ({ t, v: value })), increments: [] };
}

const vllmPod = (cluster: string, pod: string) => ({ cluster, namespace: "vllm", pod, model_name: "llama-3.3-70b", engine: "0" });

export interface Fixture {
    readonly series: readonly GenSeries[];
}

export function generate(): Fixture {
    const full = times(START_S, END_S, false);
    const gapped = times(START_S, END_S, true);
    const series: GenSeries[] = [];
    // main: ~1,900 tokens/s across two pods at 3:1 input:output.
    for (const [i, pod] of ["p1", "p2"].entries()) {
        const reset = pod === "p2" ? RESET_AT_S : undefined;
        series.push(counter("vllm:prompt_tokens", vllmPod("main", pod), gapped, 720 - 40 * i, 11 + i, reset));
        series.push(counter("vllm:generation_tokens", vllmPod("main", pod), gapped, 240 - 10 * i, 21 + i, reset));
    }
    for (let n = 0; n < NODES; n++) {
        for (let g = 0; g < GPUS_PER_NODE; g++) series.push(gauge("DCGM_FI_DEV_GPU_UTIL", { cluster: "main", gpu: String(g), Hostname: `node-${n}` }, gapped, 70));
    }
    series.push(counter("vllm:prompt_tokens", vllmPod("missing", "p1"), full, 500, 31));
    const shortTimes = times(END_S - 36 * 3600, END_S, false);
    series.push(counter("vllm:prompt_tokens", vllmPod("short", "p1"), shortTimes, 500, 41));
    series.push(counter("vllm:generation_tokens", vllmPod("short", "p1"), shortTimes, 150, 42));
    for (const [i, m] of GW_MODELS.entries()) {
        const labels = { cluster: "gw", model: m.model, hashed_api_key: "k1" };
        const input = counter("litellm_input_tokens_metric", labels, full, m.inputPerS, 51 + i);
        const output = counter("litellm_output_tokens_metric", labels, full, m.outputPerS, 61 + i);
        series.push(input, output);
        // Spend follows the tokens at the model's prices (to the cent of a token: a float counter).
        let spend = 0;
        series.push({
            family: "litellm_spend_metric", type: "counter", labels,
            samples: full.map((t, k) => {
                const inc = k === 0 ? 0 : (input.increments[k] as number) * m.inputPerTok + (output.increments[k] as number) * m.outputPerTok;
                spend += inc;
                return { t, v: spend };
            }),
            increments: full.map((_, k) => (k === 0 ? 0 : (input.increments[k] as number) * m.inputPerTok + (output.increments[k] as number) * m.outputPerTok)),
        });
        series.push(counter("litellm_cache_hits_metric", labels, full, 10 * GW_CACHE_HIT_SHARE, 71 + i));
        series.push(counter("litellm_cache_misses_metric", labels, full, 10 * (1 - GW_CACHE_HIT_SHARE), 81 + i));
    }
    return { series };
}

/** Writes the fixture as OpenMetrics (one family after another, each series' samples in time order). */
export function writeOpenMetrics(fixture: Fixture, file: string): void {
    const fd = fs.openSync(file, "w");
    const families = new Map<string, GenSeries[]>();
    for (const s of fixture.series) families.set(s.family, [...(families.get(s.family) ?? []), s]);
    for (const [family, list] of families) {
        const type = (list[0] as GenSeries).type;
        const lines = [`# TYPE ${family} ${type}`];
        for (const s of list) {
            const name = type === "counter" ? `${family}_total` : family;
            const labels = Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(",");
            for (const { t, v } of s.samples) lines.push(`${name}{${labels}} ${v} ${t}`);
        }
        fs.writeSync(fd, `${lines.join("\n")}\n`);
    }
    fs.writeSync(fd, "# EOF\n");
    fs.closeSync(fd);
}

/** What `usage` must find for one cluster's token counters, from the generator's own increments. */
export interface Truth {
    readonly tokensPerMonth: number;
    readonly inputOutputRatio: number;
    readonly peakToAverage: number;
    readonly totalTokens: number;
    readonly coveredHours: number;
}

export function truth(fixture: Fixture, cluster: string, inputFamily: string, outputFamily: string): Truth {
    const of = (family: string): GenSeries[] => fixture.series.filter((s) => s.labels["cluster"] === cluster && s.family === family);
    const sum = (list: readonly GenSeries[]): number => list.reduce((a, s) => a + s.increments.reduce((x, y) => x + y, 0), 0);
    const input = sum(of(inputFamily));
    const output = sum(of(outputFamily));
    const all = [...of(inputFamily), ...of(outputFamily)];
    const first = Math.min(...all.map((s) => (s.samples[0] as { t: number }).t));
    const last = Math.max(...all.map((s) => (s.samples[s.samples.length - 1] as { t: number }).t));
    const coveredHours = (last - first) / 3600;
    // Hourly tokens: each increment belongs to the hour its interval starts in; the gap's hours are left out.
    const hourly = new Map<number, number>();
    for (const s of all) {
        for (let i = 1; i < s.samples.length; i++) {
            const startS = (s.samples[i - 1] as { t: number }).t;
            if ((s.samples[i] as { t: number }).t - startS !== STEP_S) continue;
            const hour = Math.floor(startS / 3600);
            hourly.set(hour, (hourly.get(hour) ?? 0) + (s.increments[i] as number));
        }
    }
    const gapHours = new Set(Array.from({ length: (GAP.toS - GAP.fromS) / 3600 }, (_, k) => GAP.fromS / 3600 + k));
    const hours = [...hourly.entries()].filter(([h]) => !gapHours.has(h) && h * 3600 >= first && (h + 1) * 3600 <= last).map(([, v]) => v);
    const mean = hours.reduce((a, b) => a + b, 0) / hours.length;
    return { tokensPerMonth: ((input + output) / coveredHours) * 730, inputOutputRatio: input / output, peakToAverage: Math.max(...hours) / mean, totalTokens: input + output, coveredHours };
}
