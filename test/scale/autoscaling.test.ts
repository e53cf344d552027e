/**
 * The autoscaling renderers: the KEDA ScaledObject (checked against KEDA's own CRD schema at the
 * pinned chart, and its PromQL by the real promtool), the Cluster Autoscaler values and IAM policy.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import {
    autoDiscoveryTags, clusterAutoscalerPolicy, clusterAutoscalerValues, CLUSTER_AUTOSCALER_CHART, KEDA_CHART, prometheusServerAddress, renderScaledObject,
    SCALE_DOWN_STABILIZATION_SECONDS, ScaledObjectInput,
} from "../../components/selfHosted/autoscaling";
import { ScaledObjectModel, SCALED_OBJECT_SCHEMA_SOURCE } from "./kedaSchema";

const INPUT: ScaledObjectInput = {
    namespace: "vllm",
    deployment: { name: "llm-vllm-us-east-1a", minReplicas: 1, maxReplicas: 2 },
    prometheusAddress: prometheusServerAddress("monitoring"),
    waitingRequestsPerReplica: 4,
    kvCacheUsage: 0.4,
};

describe("renderScaledObject", () => {
    it("scales the zone's Deployment between its floor and maximum on the two vLLM metrics, as strings the CRD takes", () => {
        const o = renderScaledObject(INPUT);
        expect(o.spec).toMatchObject({
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm-vllm-us-east-1a" },
            minReplicaCount: 1, maxReplicaCount: 2,
            advanced: { horizontalPodAutoscalerConfig: { behavior: { scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS } } } },
        });
        expect(o.spec.triggers.map((t) => [t.name, t.metadata["threshold"], t.metadata["query"]])).toEqual([
            ["requests-waiting", "4", 'sum(vllm:num_requests_waiting{namespace="vllm", pod=~"llm-vllm-us-east-1a-[a-z0-9]+-[a-z0-9]+"})'],
            ["kv-cache-usage", "0.4", 'sum(vllm:kv_cache_usage_perc{namespace="vllm", pod=~"llm-vllm-us-east-1a-[a-z0-9]+-[a-z0-9]+"})'],
        ]);
        expect(o.spec.triggers.every((t) => t.metricType === "AverageValue" && t.metadata["serverAddress"] === "http://kube-prometheus-stack-prometheus.monitoring.svc:9090" && t.metadata["ignoreNullValues"] === "false")).toBe(true);
    });

    it.each([
        { change: { deployment: { name: "d", minReplicas: 0, maxReplicas: 2 } }, error: "minReplicas 0 must be 1 or more: scale-down keeps one replica per zone" },
        { change: { deployment: { name: "d", minReplicas: 3, maxReplicas: 2 } }, error: "maxReplicas (2) must be >= minReplicas (3)" },
        { change: { waitingRequestsPerReplica: 0 }, error: "waitingRequestsPerReplica 0 must be a whole number" },
        { change: { kvCacheUsage: 1 }, error: "kvCacheUsage 1 must be in (0, 1)" },
    ])("refuses $error", ({ change, error }) => {
        expect(() => renderScaledObject({ ...INPUT, ...change })).toThrow(error);
    });
});

describe("the ScaledObject against KEDA's CRD schema", () => {
    it("is read from the pinned chart's CRD", () => {
        expect(SCALED_OBJECT_SCHEMA_SOURCE).toContain(`keda ${KEDA_CHART.version}`);
        expect(SCALED_OBJECT_SCHEMA_SOURCE).toContain("keda/templates/crds/crd-scaledobjects.yaml");
    });

    it("accepts the rendered object", () => {
        expect(() => new ScaledObjectModel(renderScaledObject(INPUT)).validate()).not.toThrow();
    });

    it.each([
        { what: "a misspelt spec key", mutate: (o: any) => { o.spec.minReplicas = 1; }, error: /additional properties.*minReplicas/ },
        { what: "a number where the CRD wants a string", mutate: (o: any) => { o.spec.triggers[0].metadata.threshold = 4; }, error: /\/spec\/triggers\/0\/metadata\/threshold must be string/ },
        { what: "no scale target", mutate: (o: any) => { delete o.spec.scaleTargetRef; }, error: /must have required property 'scaleTargetRef'/ },
        { what: "a trigger without its type", mutate: (o: any) => { delete o.spec.triggers[0].type; }, error: /\/spec\/triggers\/0 must have required property 'type'/ },
    ])("rejects $what", ({ mutate, error }) => {
        const o = structuredClone(renderScaledObject(INPUT)) as any;
        mutate(o);
        expect(() => new ScaledObjectModel(o).validate()).toThrow(error);
    });
});

/** Debian's promtool; a missing one fails with the command that installs it (never a skip). */
function promtool(args: string[], cwd: string): string {
    const found = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if (found.error !== undefined || found.status !== 0) {
        throw new Error("promtool is not installed: run `apt-get update && apt-get install -y --no-install-recommends prometheus` (scripts/ensure-prometheus.sh does it before npm test)");
    }
    return execFileSync("promtool", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

describe("the triggers' PromQL, by promtool", () => {
    const o = renderScaledObject(INPUT);
    const record = (name: string): string => `llm_breakeven:scaler:${name.replace(/-/g, "_")}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scaler-promql-"));
    fs.writeFileSync(path.join(dir, "rules.yml"), stringify({ groups: [{ name: "scaler", rules: o.spec.triggers.map((t) => ({ record: record(t.name), expr: t.metadata["query"] })) }] }));

    it("parses (promtool check rules)", () => {
        expect(promtool(["check", "rules", "rules.yml"], dir)).toContain("SUCCESS: 2 rules found");
    });

    it("sums the zone Deployment's pods only: not another zone's, another namespace's, nor a name that only starts alike (promtool test rules)", () => {
        const pod = (p: string, ns = "vllm") => `{namespace="${ns}", pod="${p}"}`;
        const series = (metric: string, values: readonly [string, string, string, string, string]) => [
            { series: `${metric}${pod("llm-vllm-us-east-1a-5d8f7c9b4-x2k9q")}`, values: values[0] },
            { series: `${metric}${pod("llm-vllm-us-east-1a-5d8f7c9b4-p7w3z")}`, values: values[1] },
            { series: `${metric}${pod("llm-vllm-us-east-1b-7c6d5f4b8-m4n5b")}`, values: values[2] },
            { series: `${metric}${pod("llm-vllm-us-east-1a-5d8f7c9b4-x2k9q", "other")}`, values: values[3] },
            { series: `${metric}${pod("llm-vllm-us-east-1a-canary-5d8f7c9b4-aaaaa")}`, values: values[4] },
        ];
        fs.writeFileSync(path.join(dir, "test.yml"), stringify({
            rule_files: ["rules.yml"],
            evaluation_interval: "1m",
            tests: [{
                interval: "1m",
                input_series: [
                    ...series("vllm:num_requests_waiting", ["3 9", "5 1", "100 100", "100 100", "100 100"]),
                    ...series("vllm:kv_cache_usage_perc", ["0.3 0.9", "0.5 0.1", "1 1", "1 1", "1 1"]),
                ],
                promql_expr_test: [
                    { expr: record("requests-waiting"), eval_time: "0m", exp_samples: [{ labels: record("requests-waiting"), value: 8 }] },
                    { expr: record("requests-waiting"), eval_time: "1m", exp_samples: [{ labels: record("requests-waiting"), value: 10 }] },
                    { expr: record("kv-cache-usage"), eval_time: "1m", exp_samples: [{ labels: record("kv-cache-usage"), value: 1 }] },
                ],
            }],
        }));
        expect(promtool(["test", "rules", "test.yml"], dir)).toContain("SUCCESS");
    });
});

describe("Cluster Autoscaler", () => {
    it("finds the groups by the chart's auto-discovery tags, balances the zones and runs as its IRSA role", () => {
        expect(CLUSTER_AUTOSCALER_CHART).toEqual({ chart: "cluster-autoscaler", version: "9.51.0", repo: "https://kubernetes.github.io/autoscaler" });
        expect(autoDiscoveryTags("llm-prod")).toEqual({ "k8s.io/cluster-autoscaler/enabled": "true", "k8s.io/cluster-autoscaler/llm-prod": "owned" });
        expect(clusterAutoscalerValues({ clusterName: "llm-prod", region: "us-east-1", roleArn: "arn:aws:iam::123456789012:role/ca" })).toMatchObject({
            cloudProvider: "aws", awsRegion: "us-east-1", autoDiscovery: { clusterName: "llm-prod" },
            rbac: { serviceAccount: { name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/ca" } } },
            extraArgs: { "balance-similar-node-groups": true },
        });
    });

    it("may resize only this cluster's tagged groups", () => {
        const policy = JSON.parse(clusterAutoscalerPolicy("llm-prod"));
        const mutating = policy.Statement.find((s: { Action: string[] }) => s.Action.includes("autoscaling:SetDesiredCapacity"));
        expect(mutating.Action).toEqual(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
        expect(mutating.Condition).toEqual({ StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/llm-prod": "owned" } });
        expect(policy.Statement[0].Action).toContain("eks:DescribeNodegroup");
    });
});
