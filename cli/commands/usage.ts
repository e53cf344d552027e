/**
 * `llm-breakeven usage --prometheus <url> [--since 30d] [--stack <env>] [--json] [--write-workload FILE]`:
 * the workload as measured. Range queries over a real Prometheus read the token counters the stack's
 * exporters publish, cost/measured.ts turns them into the workload figures, and the result is printed,
 * or written as the measured-workload file `plan --measured`, `estimate --measured` and the policy
 * pack read. Metric names, at the pinned versions (docs/sources.md §12):
 *
 * - vLLM v0.11.0, vllm/v1/metrics/loggers.py: counters vllm:prompt_tokens / vllm:generation_tokens,
 *   exposed as vllm:prompt_tokens_total / vllm:generation_tokens_total; DCGM exporter
 *   etc/default-counters.csv: DCGM_FI_DEV_GPU_UTIL with a Hostname label per node.
 * - LiteLLM, litellm/integrations/prometheus.py (PrometheusLogger) and
 *   litellm/types/integrations/prometheus.py (PrometheusMetricLabels): counters
 *   litellm_input_tokens_metric, litellm_output_tokens_metric, litellm_spend_metric,
 *   litellm_cache_hits_metric, litellm_cache_misses_metric (exposed with _total), label `model`.
 *
 * Exit codes: 0 measured (warnings said), 3 a figure could not be measured (missing series, too
 * short a window: nothing is written), 2 bad input or an unreachable Prometheus.
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { MEASURED_WORKLOAD_KIND, MeasuredWorkload } from "../../config/measuredWorkload";
import { selfHostedOrDefault } from "../../config/scenario";
import { offerFor } from "../../cost/scenario";
import { MODES, NAMESPACE, StackConfig, parseStackConfig } from "../../config/stack";
import { counterTotals, Measurement, measure, Series } from "../../cost/measured";
import { formatTokens, formatUsd, HOURS_PER_MONTH, offerHourlyUsd } from "../../cost/units";
import { EXIT, UsageError } from "../errors";
import { numberFlag } from "../flags";
import { outputFile } from "../output/write";
import { authHeaders, prometheusClient, PrometheusClient, stepFor } from "../usage/prometheus";

/** A measurement with a figure missing: said on stderr, nothing written. */
export const EXIT_NOT_MEASURED = 3;
/** The namespace the self-hosted program serves vLLM in (program/selfHosted.ts SERVING_NAMESPACE; a test holds them equal). */
export const DEFAULT_SERVING_NAMESPACE = "vllm";
const SOURCES = ["vllm", "litellm"] as const;
type Source = (typeof SOURCES)[number];

export interface UsageOptions {
    readonly prometheus: string;
    readonly since: string;
    readonly end?: string;
    readonly stack?: string;
    readonly source?: string;
    readonly namespace: string;
    readonly match?: string;
    readonly minCoverage: string;
    readonly json?: boolean;
    readonly writeWorkload?: string;
}

export function registerUsage(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("usage")
        .description("Measure the workload from Prometheus (token counters, ratio, peak-to-average, cache hits, realised $/M tokens); --write-workload for plan/estimate --measured and the policy pack.")
        .requiredOption("--prometheus <url>", "Prometheus base URL (auth from PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH=user:password)")
        .option("--since <duration>", "window to measure, ending at --end: 30d, 2w, 72h", "30d")
        .option("--end <time>", "end of the window: ISO 8601 or unix seconds (default: now)")
        .option("--stack <env>", "the stack measured (stacks/Pulumi.<env>.yaml): picks the counters by mode and prices its GPU nodes")
        .option("--source <name>", `whose counters to read: ${SOURCES.join(" or ")} (default: vllm for self-hosted, litellm for gateway and hybrid)`)
        .option("--namespace <ns>", "Kubernetes namespace vLLM serves in", DEFAULT_SERVING_NAMESPACE)
        .option("--match <matchers>", "extra label matchers on every query, e.g. 'cluster=\"prod\"'")
        .option("--min-coverage <hours>", "fewest hours of data that stand for a month", "168")
        .option("--json", "print the measurement as JSON")
        .option("--write-workload <file>", "write the measured-workload file (window, queries, values)")
        .action(async (options: UsageOptions) => {
            setExitCode(await runUsage(options, process.env, new Date()));
        });
}

export async function runUsage(options: UsageOptions, env: NodeJS.ProcessEnv, now: Date): Promise<number> {
    // Checked before any query (cli/output/write.ts): an unwritable path is one line, exit 2.
    const out = options.writeWorkload !== undefined ? outputFile("--write-workload", options.writeWorkload, { extensions: [".json"] }) : undefined;
    const stack = options.stack !== undefined ? readStack(options.stack) : undefined;
    const source = sourceFor(options.source, stack?.mode);
    const endS = options.end !== undefined ? timeFlag(options.end) : Math.floor(now.getTime() / 1000);
    const spanS = durationFlag(options.since);
    const minCoverageHours = numberFlag("--min-coverage", options.minCoverage, "hours, e.g. 168");
    if (spanS / 3600 < minCoverageHours) throw new UsageError(`--since ${options.since} is shorter than the ${minCoverageHours} h a month's figures need (--min-coverage); measure over a longer window`);
    const stepS = stepFor(spanS);
    const window = { startS: Math.floor((endS - spanS) / stepS) * stepS, endS: Math.floor(endS / stepS) * stepS, stepS };
    const client = prometheusClient(options.prometheus, authHeaders(env));
    const queries = queriesFor(source, options.namespace, matchFlag(options.match));
    const fetched = await fetchAll(client, queries, window);
    const nodes = source === "vllm" && stack !== undefined && stack.mode !== "gateway" ? nodePrice(stack) : undefined;
    const measurement = measure({
        stepSeconds: stepS, minCoverageHours, queries,
        inputTokens: fetched["inputTokens"] ?? [], outputTokens: fetched["outputTokens"] ?? [],
        ...(source === "litellm" ? { cache: { hits: fetched["cacheHits"] ?? [], misses: fetched["cacheMisses"] ?? [] } } : {}),
        ...(nodes !== undefined ? { nodes: { count: fetched["nodes"] ?? [], ...nodes } } : {}),
    });
    const file = measurement.figures !== undefined ? workloadFile(options, client.url, source, queries, stepS, measurement, fetched, now) : undefined;
    process.stdout.write(options.json === true ? `${JSON.stringify(file ?? { findings: measurement.findings }, null, 2)}\n` : renderUsage(measurement, file, options.stack));
    for (const f of measurement.findings) process.stderr.write(`usage: ${f.severity}: ${f.message}\n`);
    if (file === undefined) return EXIT_NOT_MEASURED;
    out?.write(`${JSON.stringify(file, null, 2)}\n`);
    return EXIT.ok;
}

/** The query of each figure; counters are read raw and added up in cost/measured.ts (resets and gaps said there). */
export type UsageQueries = { readonly inputTokens: string; readonly outputTokens: string } & Readonly<Record<string, string>>;

export function queriesFor(source: Source, namespace: string, match: string): UsageQueries {
    const sel = (extra: string): string => `{${[extra, match].filter((s) => s !== "").join(",")}}`;
    const ns = `namespace="${namespace}"`;
    if (source === "vllm") {
        return {
            inputTokens: `vllm:prompt_tokens_total${sel(ns)}`,
            outputTokens: `vllm:generation_tokens_total${sel(ns)}`,
            nodes: `count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL${sel("")}))`,
        };
    }
    return {
        inputTokens: `litellm_input_tokens_metric_total${sel("")}`,
        outputTokens: `litellm_output_tokens_metric_total${sel("")}`,
        spend: `litellm_spend_metric_total${sel("")}`,
        cacheHits: `litellm_cache_hits_metric_total${sel("")}`,
        cacheMisses: `litellm_cache_misses_metric_total${sel("")}`,
    };
}

async function fetchAll(client: PrometheusClient, queries: UsageQueries, w: { startS: number; endS: number; stepS: number }): Promise<Record<string, Series[]>> {
    const entries = await Promise.all(Object.entries(queries).map(async ([name, q]) => [name, await client.queryRange(q, w.startS, w.endS, w.stepS)] as const));
    return Object.fromEntries(entries);
}

function workloadFile(options: UsageOptions, url: string, source: Source, queries: UsageQueries, stepS: number, m: Measurement, fetched: Record<string, Series[]>, now: Date): MeasuredWorkload {
    const f = m.figures;
    if (f === undefined || m.coveredFromS === undefined || m.coveredToS === undefined) throw new Error("workloadFile: no figures");
    const iso = (s: number): string => new Date(s * 1000).toISOString();
    return {
        kind: MEASURED_WORKLOAD_KIND, version: 1, ...(options.stack !== undefined ? { stack: options.stack } : {}), prometheus: url, measuredAt: now.toISOString(),
        window: { from: iso(m.coveredFromS), to: iso(m.coveredToS), coveredHours: m.coveredHours, stepSeconds: stepS },
        source, queries,
        workload: {
            tokensPerMonth: f.tokensPerMonth, inputOutputRatio: f.inputOutputRatio,
            ...(f.peakToAverage !== undefined ? { peakToAverage: f.peakToAverage } : {}),
            ...(f.cacheHitRate !== undefined ? { cacheHitRate: f.cacheHitRate } : {}),
        },
        ...(f.selfHosted !== undefined ? { selfHosted: f.selfHosted } : {}),
        ...(source === "litellm" ? { byModel: byModel(fetched, stepS, m.coveredHours) } : {}),
        findings: [...m.findings],
    };
}

/** LiteLLM's tokens and spend per model (label `model`; the provider from `api_provider` where the release has it, else the model's prefix). */
function byModel(fetched: Record<string, Series[]>, stepS: number, coveredHours: number): NonNullable<MeasuredWorkload["byModel"]> {
    const perMonth = (x: number): number => (x / coveredHours) * HOURS_PER_MONTH;
    const groups = new Map<string, { tokens: Series[]; spend: Series[]; provider: string | undefined }>();
    const add = (series: readonly Series[], key: "tokens" | "spend"): void => {
        for (const s of series) {
            const model = s.labels["model"] ?? "(no model label)";
            const g = groups.get(model) ?? { tokens: [], spend: [], provider: s.labels["api_provider"] ?? (model.includes("/") ? model.split("/")[0] : undefined) };
            g[key].push(s);
            groups.set(model, g);
        }
    };
    add([...(fetched["inputTokens"] ?? []), ...(fetched["outputTokens"] ?? [])], "tokens");
    add(fetched["spend"] ?? [], "spend");
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([model, g]) => {
        const spend = counterTotals(g.spend, stepS);
        return {
            model, ...(g.provider !== undefined ? { provider: g.provider } : {}),
            tokensPerMonth: perMonth(counterTotals(g.tokens, stepS)?.total ?? 0),
            ...(spend !== undefined ? { spendUsdPerMonth: perMonth(spend.total) } : {}),
        };
    });
}

export function renderUsage(m: Measurement, file: MeasuredWorkload | undefined, stack: string | undefined): string {
    const lines = [`Measured usage${stack !== undefined ? ` of ${stack}` : ""}`];
    if (m.coveredFromS !== undefined && m.coveredToS !== undefined) {
        lines.push(`  window:            ${new Date(m.coveredFromS * 1000).toISOString()} to ${new Date(m.coveredToS * 1000).toISOString()} (${m.coveredHours.toFixed(1)} h of data)`);
    }
    if (file === undefined) {
        lines.push("  not measured: see the errors below");
        return `${lines.join("\n")}\n`;
    }
    const w = file.workload;
    lines.push(
        `  tokens/month:      ${formatTokens(w.tokensPerMonth)}`,
        `  input:output:      ${w.inputOutputRatio.toFixed(2)}:1`,
        `  peak-to-average:   ${w.peakToAverage !== undefined ? `${w.peakToAverage.toFixed(2)} (busiest hour over the mean of ${m.figures?.completeHours ?? 0} whole hours)` : "not measured (no whole hour without a gap)"}`,
        `  cache hit rate:    ${w.cacheHitRate !== undefined ? `${(w.cacheHitRate * 100).toFixed(1)}%` : "not reported by this stack's counters"}`,
    );
    if (file.selfHosted !== undefined) {
        const s = file.selfHosted;
        lines.push(`  realised $/M:      ${formatUsd(s.realisedUsdPerMTok)} (${s.nodeHours.toFixed(0)} node-hours x $${s.nodeHourlyUsd.toFixed(2)}/h, ${s.priceBasis})`);
    }
    for (const row of file.byModel ?? []) {
        lines.push(`  ${row.model}: ${formatTokens(row.tokensPerMonth)} tokens/month${row.spendUsdPerMonth !== undefined ? `, ${formatUsd(row.spendUsdPerMonth)}/month` : ""}`);
    }
    return `${lines.join("\n")}\n`;
}

function readStack(env: string): StackConfig {
    const file = path.join(__dirname, "..", "..", "stacks", `Pulumi.${env}.yaml`);
    if (!fs.existsSync(file)) throw new UsageError(`--stack "${env}": ${path.relative(process.cwd(), file)} does not exist`);
    const config = ((parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null)?.config) ?? {};
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (key.startsWith(`${NAMESPACE}:`) && !(value !== null && typeof value === "object" && "secure" in value)) raw[key.slice(NAMESPACE.length + 1)] = value;
    }
    // No secret is read: usage compares the file's projection with measured usage, it deploys nothing.
    return parseStackConfig(raw, "unread");
}

function sourceFor(flag: string | undefined, mode: (typeof MODES)[number] | undefined): Source {
    if (flag !== undefined) {
        if (!(SOURCES as readonly string[]).includes(flag)) throw new UsageError(`--source "${flag}" is not known; accepted: ${SOURCES.join(", ")}`);
        return flag as Source;
    }
    return mode === "gateway" || mode === "hybrid" ? "litellm" : "vllm";
}

function nodePrice(stack: StackConfig): { hourlyUsd: number; priceBasis: string } {
    const offer = offerFor(selfHostedOrDefault(stack));
    return { hourlyUsd: offerHourlyUsd(offer), priceBasis: `${offer.label}, ${offer.provenance.source}, ${offer.provenance.date}` };
}

export function durationFlag(text: string): number {
    const m = /^(\d+)([hdw])$/.exec(text.trim());
    if (m === null || Number(m[1]) <= 0) throw new UsageError(`--since "${text}" is not a duration; accepted: a whole number of hours, days or weeks, e.g. 72h, 30d, 2w`);
    return Number(m[1]) * { h: 3600, d: 86_400, w: 604_800 }[m[2] as "h" | "d" | "w"];
}

function timeFlag(text: string): number {
    const s = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Date.parse(text) / 1000;
    if (!Number.isFinite(s)) throw new UsageError(`--end "${text}" is not a time; accepted: ISO 8601 (2026-11-01T00:00:00Z) or unix seconds`);
    return Math.floor(s);
}

const MATCHER = /^\s*[a-zA-Z_]\w*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*$/;

function matchFlag(text: string | undefined): string {
    if (text === undefined || text.trim() === "") return "";
    const parts = text.split(/,(?=\s*[a-zA-Z_]\w*\s*(?:=|!=|=~|!~))/);
    for (const p of parts) if (!MATCHER.test(p)) throw new UsageError(`--match "${text}": "${p.trim()}" is not a label matcher; accepted: name="value" (=, !=, =~, !~), comma-separated`);
    return parts.map((p) => p.trim()).join(",");
}
