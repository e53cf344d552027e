/**
 * `llm-breakeven usage` against a real Prometheus: the generator's month of counters is built into
 * TSDB blocks by promtool, served by the prometheus binary on a loopback port, and read through
 * bin/llm-breakeven.js as a user would. Expected figures come from the generator's increments.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMeasuredWorkload } from "../../config/measuredWorkload";
import { selfHostedOrDefault } from "../../config/scenario";
import { offerFor } from "../../cost/scenario";
import { offerHourlyUsd } from "../../cost/units";
import { SERVING_NAMESPACE } from "../../program/selfHosted";
import { DEFAULT_SERVING_NAMESPACE } from "../../cli/commands/usage";
import { removeTempDirs, tempDir } from "../tempDirs";
import { END_S, GAP, GW_CACHE_HIT_SHARE, GW_MODELS, NODES, RESET_AT_S, generate, truth, writeOpenMetrics, Fixture } from "./generator";
import { createBlocks, RunningPrometheus, startPrometheus } from "./prometheusServer";
import { readStackFile } from "../../mockrun";
import { parseFlatConfig } from "../../config/stack";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");
const END = new Date(END_S * 1000).toISOString();

let fixture: Fixture;
let prometheus: RunningPrometheus | undefined;
let work: string;

beforeAll(async () => {
    work = tempDir("usage-");
    fixture = generate();
    const openMetrics = path.join(work, "fixture.om");
    writeOpenMetrics(fixture, openMetrics);
    const data = path.join(work, "data");
    fs.mkdirSync(data);
    createBlocks(openMetrics, data);
    prometheus = await startPrometheus(data, work);
}, 180_000);

afterAll(async () => {
    await prometheus?.stop();
    removeTempDirs();
});

function usage(...args: string[]): { status: number | null; stdout: string; stderr: string } {
    if (prometheus === undefined) throw new Error("prometheus is not running");
    const child = spawnSync(process.execPath, [BIN, "usage", "--prometheus", prometheus.url, "--end", END, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

const within1pct = (actual: number | undefined, expected: number): void => {
    expect(actual).toBeDefined();
    expect(Math.abs((actual as number) - expected) / expected, `${actual} vs ${expected}`).toBeLessThan(0.01);
};

describe("usage against a real Prometheus", () => {
    it("self-hosted: tokens/month, input:output, peak-to-average and realised $/M within 1% of the generator's", () => {
        const file = path.join(work, "usage.json");
        const run = usage("--stack", "self-hosted-prod", "--match", 'cluster="main"', "--write-workload", file, "--json");
        expect(run.stderr).not.toMatch(/error:/);
        expect(run.status).toBe(0);
        const parsed = parseMeasuredWorkload(fs.readFileSync(file, "utf8"), file);
        if (!parsed.ok) throw new Error(parsed.problem);
        const m = parsed.value;
        const t = truth(fixture, "main", "vllm:prompt_tokens", "vllm:generation_tokens");
        within1pct(m.workload.tokensPerMonth, t.tokensPerMonth);
        within1pct(m.workload.inputOutputRatio, t.inputOutputRatio);
        within1pct(m.workload.peakToAverage, t.peakToAverage);
        // Node-hours priced from the catalogue over the tokens served: NODES nodes for the whole window.
        const hourly = offerHourlyUsd(offerFor(selfHostedOrDefault(parseFlatConfig(readStackFile("self-hosted-prod").config))));
        within1pct(m.selfHosted?.realisedUsdPerMTok, (NODES * t.coveredHours * hourly) / (t.totalTokens / 1e6));
        expect(m.window.coveredHours).toBeCloseTo(t.coveredHours, 6);
        expect(m.workload.cacheHitRate).toBeUndefined();
        expect(JSON.parse(run.stdout)).toEqual(m);
    });

    it("counter reset: counted from 0 after the restart, and said", () => {
        const run = usage("--stack", "self-hosted-prod", "--match", 'cluster="main"');
        expect(run.status).toBe(0);
        expect(run.stderr).toContain(`counter reset at ${new Date(RESET_AT_S * 1000).toISOString().replace(".000Z", "Z")}`);
        expect(run.stderr).toContain('pod="p2"');
    });

    it("gap: said with its span, its tokens kept in the total and its hours out of peak-to-average", () => {
        const run = usage("--stack", "self-hosted-prod", "--match", 'cluster="main"');
        expect(run.status).toBe(0);
        const gaps = run.stderr.split("\n").filter((l) => l.includes("no samples from"));
        expect(gaps).toHaveLength(1);
        expect(gaps[0]).toContain(`to ${new Date(GAP.toS * 1000).toISOString().replace(".000Z", "Z")}`);
        expect(run.stdout).toMatch(/peak-to-average: +\d/);
    });

    it("missing series: no generation-token counter is an error naming the query, nothing written, never 0", () => {
        const file = path.join(work, "missing.json");
        const run = usage("--match", 'cluster="missing"', "--write-workload", file);
        expect(run.status).toBe(3);
        expect(run.stderr).toContain('no output-token series: `vllm:generation_tokens_total{namespace="vllm",cluster="missing"}` returned nothing');
        expect(run.stdout).not.toMatch(/tokens\/month/);
        expect(fs.existsSync(file)).toBe(false);
    });

    it("too short a window: 36 hours of data does not stand for a month", () => {
        const run = usage("--match", 'cluster="short"');
        expect(run.status).toBe(3);
        expect(run.stderr).toMatch(/the data covers 36\.0 h .* under the 168 h needed/);
        const asked = usage("--match", 'cluster="main"', "--since", "2d");
        expect(asked.status).toBe(2);
        expect(asked.stderr).toContain("--since 2d is shorter than the 168 h");
    });

    it("gateway: LiteLLM's tokens by model, spend and cache hit rate", () => {
        const run = usage("--source", "litellm", "--match", 'cluster="gw"', "--json");
        expect(run.status).toBe(0);
        const parsed = parseMeasuredWorkload(run.stdout, "stdout");
        if (!parsed.ok) throw new Error(parsed.problem);
        const t = truth(fixture, "gw", "litellm_input_tokens_metric", "litellm_output_tokens_metric");
        within1pct(parsed.value.workload.tokensPerMonth, t.tokensPerMonth);
        within1pct(parsed.value.workload.inputOutputRatio, t.inputOutputRatio);
        within1pct(parsed.value.workload.cacheHitRate, GW_CACHE_HIT_SHARE);
        expect(parsed.value.byModel?.map((r) => r.model).sort()).toEqual(GW_MODELS.map((m) => m.model).sort());
        for (const m of GW_MODELS) {
            const row = parsed.value.byModel?.find((r) => r.model === m.model);
            const series = fixture.series.filter((s) => s.labels["cluster"] === "gw" && s.labels["model"] === m.model);
            const perMonth = (family: string): number => (series.filter((s) => s.family === family).reduce((a, s) => a + s.increments.reduce((x, y) => x + y, 0), 0) / t.coveredHours) * 730;
            within1pct(row?.tokensPerMonth, perMonth("litellm_input_tokens_metric") + perMonth("litellm_output_tokens_metric"));
            within1pct(row?.spendUsdPerMonth, perMonth("litellm_spend_metric"));
            expect(row?.provider).toBe(m.model.split("/")[0]);
        }
    });

    it("an unreachable Prometheus is a usage error naming the URL", () => {
        const child = spawnSync(process.execPath, [BIN, "usage", "--prometheus", "http://127.0.0.1:9", "--end", END], { cwd: ROOT, encoding: "utf8" });
        expect(child.status).toBe(2);
        expect(child.stderr).toContain("cannot reach Prometheus at http://127.0.0.1:9");
    });
});

it("the default namespace is the one the self-hosted program serves vLLM in", () => {
    expect(DEFAULT_SERVING_NAMESPACE).toBe(SERVING_NAMESPACE);
});
