/**
 * The alert rules and dashboard queries of every shipped stack that runs vLLM, checked by Prometheus'
 * own promtool: `promtool check rules` on the PrometheusRule the program would create, and
 * `promtool test rules` with, per alert, a series it must fire on and one it must stay silent on, and
 * per dashboard query (tokens/s, $/M tokens) its value on a known series.
 */
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listStacks, readStackFile, runStack } from "../../mockrun";
import { parseFlatConfig } from "../../config/stack";
import { selfHostedOrDefault } from "../../config/scenario";
import { EC2_INSTANCE_TYPES } from "../../cost/catalogue";
import { ec2NodeHourly } from "../../cost/prices/lookup";
import { by, k8sObject, one } from "../selfHosted/helpers";
import { AlertCase, DASHBOARD_SERIES, EVAL_MINUTES, StackFacts, alertCases, dashboardSeries, expandAnnotation } from "./cases";
import { PROMETHEUS_INSTALL_COMMAND, runPrometheusTool, writeYaml } from "./promtool";
import { removeTempDirs, tempDir } from "../tempDirs";

afterAll(removeTempDirs);

interface Rule { readonly alert: string; readonly expr: string; readonly labels: Record<string, string>; readonly annotations: Record<string, string> }
interface RuleGroups { readonly groups: readonly { readonly name: string; readonly rules: readonly Rule[] }[] }
interface DashboardPanel { readonly title: string; readonly targets: readonly { readonly expr: string; readonly legendFormat: string }[] }

interface Rendered {
    readonly stack: string;
    readonly rules: RuleGroups;
    readonly panels: readonly DashboardPanel[];
    readonly facts: StackFacts;
    readonly nodeHourlyUsd: number;
}

const MONITORED_MODES = new Set(["self-hosted", "hybrid"]);
const monitoredStacks = listStacks().filter((s) => MONITORED_MODES.has(readStackFile(s).config["llm-breakeven:mode"] ?? ""));
const rendered = new Map<string, Rendered>();

/** The node price the dashboard's $/M panel is built on: the stack region's own rate for how the nodes are paid. */
function nodeHourlyUsdOf(region: string, selfHosted: { readonly instanceType: string; readonly pricing: "on-demand" | "reserved-1y" }): number {
    const node = ec2NodeHourly(region, selfHosted.instanceType, selfHosted.pricing);
    if (node === undefined) throw new Error(`${selfHosted.instanceType} has no price in ${region}`);
    return node.hourlyUsd;
}

beforeAll(async () => {
    for (const stack of monitoredStacks) {
        const run = await runStack(readStackFile(stack));
        const rule = k8sObject(one(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) as { spec: RuleGroups };
        const dashboards = by(run.resources, "kubernetes:core/v1:ConfigMap").map((r) => k8sObject(r) as { data?: Record<string, string> }).filter((c) => c.data?.["llm-breakeven-vllm.json"] !== undefined);
        expect(dashboards, `${stack}: one dashboard ConfigMap`).toHaveLength(1);
        const dashboard = JSON.parse(dashboards[0]?.data?.["llm-breakeven-vllm.json"] ?? "") as { panels: DashboardPanel[] };
        const deployments = by(run.resources, "kubernetes:apps/v1:Deployment").map((r) => k8sObject(r) as { metadata: { name: string; namespace: string }; spec: { replicas: number } });
        const config = parseFlatConfig(run.config);
        const selfHosted = selfHostedOrDefault(config);
        const gpusPerNode = EC2_INSTANCE_TYPES[selfHosted.instanceType]?.gpu?.count;
        if (gpusPerNode === undefined) throw new Error(`${stack}: ${selfHosted.instanceType} has no GPU in the catalogue`);
        const namespaces = new Set(deployments.map((d) => d.metadata.namespace));
        expect(namespaces.size, `${stack}: vLLM runs in one namespace`).toBe(1);
        rendered.set(stack, {
            stack, rules: rule.spec, panels: dashboard.panels, nodeHourlyUsd: nodeHourlyUsdOf(config.region, selfHosted),
            facts: { servingNamespace: [...namespaces][0] as string, deployments: deployments.map((d) => ({ name: d.metadata.name, replicas: d.spec.replicas })), gpusPerNode },
        });
    }
});

const get = (stack: string): Rendered => {
    const r = rendered.get(stack);
    if (r === undefined) throw new Error(`${stack} was not rendered`);
    return r;
};
const alertsOf = (r: Rendered): Rule[] => r.rules.groups.flatMap((g) => g.rules);
const panelExpr = (r: Rendered, title: string, legend: string): string => {
    const target = r.panels.find((p) => p.title === title)?.targets.find((t) => t.legendFormat === legend);
    if (target === undefined) throw new Error(`${r.stack}: no "${legend}" query on the "${title}" panel`);
    return target.expr;
};

/** promtool's unit-test entry for one case: fires as expected (firing) or not at all (healthy). */
function alertTest(rules: readonly Rule[], c: AlertCase, kind: "firing" | "healthy"): Record<string, unknown> {
    const rule = rules.find((r) => r.alert === c.alert);
    if (rule === undefined) throw new Error(`no rendered rule ${c.alert}`);
    const expected = kind === "firing" ? c.firing.expect.map((e) => ({
        exp_labels: { ...rule.labels, ...e.labels },
        exp_annotations: Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) => [k, expandAnnotation(v, e.labels, e.value)])),
    })) : [];
    return {
        name: `${c.alert} ${kind}`, interval: "1m", input_series: kind === "firing" ? c.firing.series : c.healthy,
        alert_rule_test: [{ eval_time: `${EVAL_MINUTES}m`, alertname: c.alert, exp_alerts: expected }],
    };
}

function promtoolTest(dir: string, rules: RuleGroups, tests: readonly Record<string, unknown>[]): { status: number; output: string } {
    writeYaml(dir, "rules.yaml", rules);
    const file = writeYaml(dir, "tests.yaml", { rule_files: ["rules.yaml"], evaluation_interval: "1m", tests });
    return runPrometheusTool("promtool", ["test", "rules", path.basename(file)], { cwd: dir });
}

describe("promtool itself", () => {
    it("a missing promtool fails with the install command instead of skipping", () => {
        expect(() => runPrometheusTool("promtool", ["--version"], { pathEnv: tempDir("no-promtool-") })).toThrow(PROMETHEUS_INSTALL_COMMAND);
    });
    it("is installed here (npm test's pretest brings it)", () => {
        expect(runPrometheusTool("promtool", ["--version"]).output).toMatch(/promtool, version 2\./);
    });
});

it("checks every shipped stack that runs vLLM", () => {
    expect(monitoredStacks).toEqual(expect.arrayContaining(["hybrid-prod", "self-hosted-prod"]));
});

describe.each(monitoredStacks)("%s", (stack) => {
    it("promtool check rules passes on the rendered PrometheusRule", () => {
        const dir = tempDir("rules-");
        const result = runPrometheusTool("promtool", ["check", "rules", writeYaml(dir, "rules.yaml", get(stack).rules)]);
        expect(result.output).toContain(`SUCCESS: ${alertsOf(get(stack)).length} rules found`);
        expect(result.status).toBe(0);
    });

    it("every dashboard query parses (promtool check rules on them as recording rules)", () => {
        const r = get(stack);
        const exprs = r.panels.flatMap((p) => p.targets.map((t) => t.expr));
        const recording = { groups: [{ name: "dashboard", rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }] };
        const result = runPrometheusTool("promtool", ["check", "rules", writeYaml(tempDir("dash-"), "dashboard.yaml", recording)]);
        expect(result.output).toContain(`SUCCESS: ${exprs.length} rules found`);
        expect(result.status).toBe(0);
    });

    it("every alert has a case, and each fires on its failing series and stays silent on its healthy one (promtool test rules)", () => {
        const r = get(stack);
        const cases = alertCases(r.facts);
        expect(alertsOf(r).map((a) => a.alert).sort()).toEqual(cases.map((c) => c.alert).sort());
        const tests = cases.flatMap((c) => [alertTest(alertsOf(r), c, "firing"), alertTest(alertsOf(r), c, "healthy")]);
        const result = promtoolTest(tempDir("unit-"), r.rules, tests);
        expect(result.output).toContain("SUCCESS");
        expect(result.status).toBe(0);
    });

    it("the dashboard's tokens/s and $/M tokens queries give the known series' figures", () => {
        const r = get(stack);
        const { promptTokensPerSecond: prompt, generationTokensPerSecond: output, gpuNodes, evalMinutes } = DASHBOARD_SERIES;
        // $/M tokens = node-hours per hour x price / tokens per hour, in the query's own order of operations.
        const usdPerMTok = ((r.nodeHourlyUsd * gpuNodes) * 1e6) / (3600 * (prompt + output));
        const sample = (expr: string, value: number): Record<string, unknown> => ({ expr, eval_time: `${evalMinutes}m`, exp_samples: [{ labels: "{}", value }] });
        const test = {
            name: "dashboard", interval: "1m", input_series: dashboardSeries(r.facts),
            promql_expr_test: [
                sample(panelExpr(r, "Tokens per second", "prompt tokens/s"), prompt),
                sample(panelExpr(r, "Tokens per second", "output tokens/s"), output),
                sample(panelExpr(r, "Cost per million tokens", "self-hosted $/M tokens"), usdPerMTok),
            ],
        };
        const result = promtoolTest(tempDir("dash-unit-"), r.rules, [test]);
        expect(result.output).toContain("SUCCESS");
        expect(result.status).toBe(0);
    });

    it("the unit tests catch a wrong metric name: vLLM's removed vllm:gpu_cache_usage_perc never fires", () => {
        const r = get(stack);
        const renamed: RuleGroups = { groups: r.rules.groups.map((g) => ({ ...g, rules: g.rules.map((rule) => ({ ...rule, expr: rule.expr.replace("vllm:kv_cache_usage_perc", "vllm:gpu_cache_usage_perc") })) })) };
        const kv = alertCases(r.facts).find((c) => c.alert === "VllmKvCacheNearlyFull") as AlertCase;
        const result = promtoolTest(tempDir("unit-bad-"), renamed, [alertTest(alertsOf(r), kv, "firing")]);
        expect(result.output).toContain("FAILED");
        expect(result.status).not.toBe(0);
    });
});
