/**
 * Monitoring: kube-prometheus-stack and NVIDIA's DCGM exporter (Helm releases, pinned chart versions),
 * a ServiceMonitor on vLLM's /metrics, the alert rules and a Grafana dashboard, the last two rendered
 * by pure functions. Grafana's admin password is generated and kept in a Secret: the chart's default
 * ("prom-operator") is public.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { GPU_DAEMON_TOLERATION, GPU_POOL, GPU_POOL_LABEL } from "./gpuNodePools";
import { METRICS_PATH } from "./vllmRender";
import { PINS } from "../../platform/pins";
import { InputProblem, throwInputErrors } from "../inputErrors";

export const MONITORING_TYPE = "llm-breakeven:selfHosted:Monitoring";

/**
 * Pinned charts, each version read upstream at its tag with the values keys used below (platform/pins.ts).
 * kube-prometheus-stack 79.x ships Prometheus Operator CRDs for ServiceMonitor/PrometheusRule v1.
 */
export const KUBE_PROMETHEUS_STACK_CHART = { chart: "kube-prometheus-stack", version: PINS.kubePrometheusStackChart.value, repo: "https://prometheus-community.github.io/helm-charts" } as const;
export const DCGM_EXPORTER_CHART = { chart: "dcgm-exporter", version: PINS.dcgmExporterChart.value, repo: "https://nvidia.github.io/dcgm-exporter/helm-charts" } as const;

/**
 * The metric names the rules and the dashboard use, each as its exporter emits it at the pinned version
 * (docs/sources.md §12): vLLM v0.11.0's vllm/v1/metrics/loggers.py (PrometheusStatLogger; the counters
 * vllm:prompt_tokens and vllm:generation_tokens get prometheus_client's _total suffix; the old
 * vllm:gpu_cache_usage_perc is hidden from 0.11 and removed after), NVIDIA dcgm-exporter's
 * etc/default-counters.csv (labels gpu, Hostname) and kube-state-metrics' deployment metrics.
 * test/monitoring/rules.test.ts runs the rules and queries through promtool on series with those names.
 */
export const METRICS = {
    running: "vllm:num_requests_running",
    waiting: "vllm:num_requests_waiting",
    kvCache: "vllm:kv_cache_usage_perc",
    ttft: "vllm:time_to_first_token_seconds",
    e2e: "vllm:e2e_request_latency_seconds",
    promptTokens: "vllm:prompt_tokens_total",
    generationTokens: "vllm:generation_tokens_total",
    xid: "DCGM_FI_DEV_XID_ERRORS",
    gpuUtil: "DCGM_FI_DEV_GPU_UTIL",
    deploymentAvailable: "kube_deployment_status_replicas_available",
} as const;

export interface AlertRulesInput {
    readonly name: string;
    /** Where the rule object lives. */
    readonly ruleNamespace: string;
    /** The serving namespace whose vLLM metrics the rules read. */
    readonly servingNamespace: string;
    readonly deploymentNames: readonly string[];
    /** Fewest available replicas the stack may run on before paging: one per GPU zone when redundant. */
    readonly redundancyFloorReplicas: number;
    readonly gpusPerNode: number;
    /** Requests queued per replica, sustained 5 minutes, that means the replicas are saturated. Default 10. */
    readonly queueWaitingThreshold?: number;
    /** Share of the KV cache in use, sustained 10 minutes, above which requests start to be preempted. Default 0.95. */
    readonly kvCacheUsageThreshold?: number;
    /** p95 time to first token, seconds, sustained 10 minutes. Default 2. */
    readonly ttftP95Seconds?: number;
}

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "warning" | "critical" };
    readonly annotations: { readonly summary: string; readonly description: string };
}

export interface PrometheusRuleObject {
    readonly apiVersion: "monitoring.coreos.com/v1";
    readonly kind: "PrometheusRule";
    readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
    readonly spec: { readonly groups: readonly { readonly name: string; readonly rules: readonly AlertRule[] }[] };
}

/**
 * What the rules and the dashboard need, each stated once and reported under the name the caller
 * passed it by (the renderers' inputs and MonitoringArgs name two of them differently).
 */
const WATCHED = {
    deploymentNames: (names: readonly string[]) => (names.length === 0 ? "is empty: there is no vLLM Deployment to watch; pass the serving Deployments' names" : undefined),
    redundancyFloorReplicas: (replicas: number) => (Number.isInteger(replicas) && replicas >= 1 ? undefined : `(${replicas}) must be a whole number of replicas, 1 or more (one per GPU zone when redundant)`),
    gpusPerNode: (gpus: number) => (Number.isInteger(gpus) && gpus >= 1 ? undefined : `(${gpus}) must be a whole number of GPUs, 1 or more (the node's GPU count)`),
    nodeHourlyUsd: (usd: number) => (Number.isFinite(usd) && usd > 0 ? undefined : `(${usd}) must be a price above 0: an unpriced node is never $0; pass the catalogue's offer for the instance type`),
} as const;

function problemsOf(checks: Readonly<Record<string, string | undefined>>): InputProblem[] {
    return Object.entries(checks).flatMap(([propertyPath, reason]) => (reason === undefined ? [] : [{ propertyPath, reason }]));
}

export function renderAlertRules(input: AlertRulesInput): PrometheusRuleObject {
    throwInputErrors("renderAlertRules", input.name, problemsOf({
        deploymentNames: WATCHED.deploymentNames(input.deploymentNames),
        redundancyFloorReplicas: WATCHED.redundancyFloorReplicas(input.redundancyFloorReplicas),
        gpusPerNode: WATCHED.gpusPerNode(input.gpusPerNode),
    }));
    const ns = `namespace="${input.servingNamespace}"`;
    const deployments = `${ns}, deployment=~"${input.deploymentNames.join("|")}"`;
    const queue = input.queueWaitingThreshold ?? 10;
    const kv = input.kvCacheUsageThreshold ?? 0.95;
    const ttft = input.ttftP95Seconds ?? 2;
    const rule = (alert: string, expr: string, forDuration: string, severity: "warning" | "critical", summary: string, description: string): AlertRule =>
        ({ alert, expr, for: forDuration, labels: { severity }, annotations: { summary, description } });
    const serving: AlertRule[] = [
        rule("VllmRequestsQueued", `max by (pod) (${METRICS.waiting}{${ns}}) > ${queue}`, "5m", "warning",
            "vLLM requests are queueing", `{{ $labels.pod }} has had more than ${queue} requests waiting for 5 minutes: the replicas are saturated; add GPU nodes or route traffic elsewhere.`),
        rule("VllmKvCacheNearlyFull", `max by (pod) (${METRICS.kvCache}{${ns}}) > ${kv}`, "10m", "warning",
            "vLLM KV cache nearly full", `{{ $labels.pod }} has used more than ${kv * 100}% of its KV cache for 10 minutes: requests are being preempted; lower --max-num-seqs or --max-model-len, or add replicas.`),
        rule("VllmTimeToFirstTokenHigh", `histogram_quantile(0.95, sum by (le) (rate(${METRICS.ttft}_bucket{${ns}}[5m]))) > ${ttft}`, "10m", "warning",
            "vLLM time to first token is high", `p95 time to first token has been above ${ttft} s for 10 minutes.`),
        rule("VllmMetricsAbsent", `absent(${METRICS.running}{${ns}})`, "10m", "critical",
            "No vLLM metrics", `Prometheus has scraped no vLLM replica in ${input.servingNamespace} for 10 minutes: the replicas are down or the ServiceMonitor is broken.`),
        rule("VllmReplicasBelowRedundancyFloor", `sum(${METRICS.deploymentAvailable}{${deployments}}) < ${input.redundancyFloorReplicas}`, "5m", "critical",
            "vLLM replicas below the redundancy floor", `Fewer than ${input.redundancyFloorReplicas} vLLM replicas have been available for 5 minutes: one more failure is an outage.`),
        rule("VllmZoneWithoutReplicas", `max by (deployment) (${METRICS.deploymentAvailable}{${deployments}}) < 1`, "5m", "critical",
            "A GPU zone serves nothing", "{{ $labels.deployment }} has had no available replica for 5 minutes: its zone's GPU nodes are gone or failing."),
    ];
    const gpu: AlertRule[] = [
        rule("GpuXidError", `max by (Hostname, gpu) (${METRICS.xid}) > 0`, "1m", "critical",
            "GPU XID error", "GPU {{ $labels.gpu }} on {{ $labels.Hostname }} reported XID {{ $value }}: check the node (EKS node repair replaces it if the GPU is lost)."),
        rule("GpuCountPerNodeLow", `count by (Hostname) (${METRICS.gpuUtil}) < ${input.gpusPerNode}`, "5m", "critical",
            "GPU node lost GPUs", `{{ $labels.Hostname }} reports {{ $value }} of its ${input.gpusPerNode} GPUs: a replica spanning the missing GPU cannot run.`),
    ];
    return {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: input.name, namespace: input.ruleNamespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven" } },
        spec: { groups: [{ name: "llm-breakeven.vllm", rules: serving }, { name: "llm-breakeven.gpu", rules: gpu }] },
    };
}

export interface DashboardInput {
    readonly title: string;
    readonly servingNamespace: string;
    /** One GPU node's price per hour (the catalogue's offer for the stack's instance type and pricing). */
    readonly nodeHourlyUsd: number;
    /** Where the node price comes from, shown in the panel description. */
    readonly nodePriceBasis: string;
    /** The API rate the self-hosted cost competes with, drawn beside it. Default: not drawn. */
    readonly apiUsdPerMTok?: number;
}

interface Panel {
    readonly id: number;
    readonly type: "timeseries";
    readonly title: string;
    readonly description?: string;
    readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
    readonly datasource: { readonly type: "prometheus"; readonly uid: string };
    readonly fieldConfig: { readonly defaults: { readonly unit: string }; readonly overrides: readonly never[] };
    readonly targets: readonly { readonly refId: string; readonly expr: string; readonly legendFormat: string }[];
}

/** The Grafana dashboard (JSON model): tokens/s, latency, KV cache, GPU utilisation and cost per million tokens. */
export function renderDashboard(input: DashboardInput): { readonly title: string; readonly uid: string; readonly schemaVersion: number; readonly panels: readonly Panel[]; readonly [key: string]: unknown } {
    throwInputErrors("renderDashboard", input.title, problemsOf({ nodeHourlyUsd: WATCHED.nodeHourlyUsd(input.nodeHourlyUsd) }));
    const ns = `namespace="${input.servingNamespace}"`;
    const datasource = { type: "prometheus" as const, uid: "prometheus" };
    let id = 0;
    const panel = (title: string, unit: string, targets: Array<[string, string]>, description?: string): Panel => {
        const index = id++;
        return {
            id: index + 1, type: "timeseries", title, ...(description !== undefined ? { description } : {}),
            gridPos: { x: (index % 2) * 12, y: Math.floor(index / 2) * 8, w: 12, h: 8 }, datasource,
            fieldConfig: { defaults: { unit }, overrides: [] },
            targets: targets.map(([expr, legendFormat], i) => ({ refId: String.fromCharCode(65 + i), expr, legendFormat })),
        };
    };
    const gpuNodes = `count(count by (Hostname) (${METRICS.gpuUtil}))`;
    const tokensPerSecond = `(sum(rate(${METRICS.promptTokens}{${ns}}[1h])) + sum(rate(${METRICS.generationTokens}{${ns}}[1h])))`;
    const costTargets: Array<[string, string]> = [[`(${input.nodeHourlyUsd} * ${gpuNodes}) * 1e6 / (3600 * ${tokensPerSecond})`, "self-hosted $/M tokens"]];
    if (input.apiUsdPerMTok !== undefined) costTargets.push([`vector(${input.apiUsdPerMTok})`, "API $/M tokens"]);
    const panels = [
        panel("Tokens per second", "short", [
            [`sum(rate(${METRICS.generationTokens}{${ns}}[5m]))`, "output tokens/s"],
            [`sum(rate(${METRICS.promptTokens}{${ns}}[5m]))`, "prompt tokens/s"],
        ]),
        panel("Latency", "s", [
            [`histogram_quantile(0.5, sum by (le) (rate(${METRICS.ttft}_bucket{${ns}}[5m])))`, "TTFT p50"],
            [`histogram_quantile(0.95, sum by (le) (rate(${METRICS.ttft}_bucket{${ns}}[5m])))`, "TTFT p95"],
            [`histogram_quantile(0.95, sum by (le) (rate(${METRICS.e2e}_bucket{${ns}}[5m])))`, "end-to-end p95"],
        ]),
        panel("KV cache usage", "percentunit", [[`max by (pod) (${METRICS.kvCache}{${ns}})`, "{{pod}}"]]),
        panel("Requests", "short", [
            [`sum by (pod) (${METRICS.running}{${ns}})`, "running {{pod}}"],
            [`sum by (pod) (${METRICS.waiting}{${ns}})`, "waiting {{pod}}"],
        ]),
        panel("GPU utilisation", "percent", [[`avg by (Hostname) (${METRICS.gpuUtil})`, "{{Hostname}}"]]),
        panel("Cost per million tokens", "currencyUSD", costTargets,
            `GPU nodes x $${input.nodeHourlyUsd.toFixed(4)}/h (${input.nodePriceBasis}) over the last hour's prompt + output tokens; excludes the overhead (engineering, monitoring, network).`),
    ];
    return { title: input.title, uid: "llm-breakeven-vllm", schemaVersion: 39, time: { from: "now-6h", to: "now" }, refresh: "30s", tags: ["llm-breakeven", "vllm"], panels };
}

export interface MonitoringArgs {
    readonly namespace: string;
    readonly servingNamespace: string;
    /** Labels of the vLLM Service the ServiceMonitor selects. */
    readonly vllmServiceLabels: Readonly<Record<string, string>>;
    readonly vllmDeploymentNames: readonly string[];
    readonly redundancyFloorReplicas: number;
    readonly gpusPerNode: number;
    readonly nodeHourlyUsd: number;
    readonly nodePriceBasis: string;
    /** Default: not drawn on the dashboard. */
    readonly apiUsdPerMTok?: number;
    /** StorageClass for Prometheus' volume. */
    readonly storageClassName: pulumi.Input<string>;
    /** Prometheus volume. Default 50 GiB (15 days of this stack's series). */
    readonly prometheusStorageGiB?: number;
}

export class Monitoring extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly prometheusReleaseName: pulumi.Output<string>;
    readonly dcgmReleaseName: pulumi.Output<string>;
    readonly alertRuleNames: readonly string[];
    readonly dashboardConfigMapName: pulumi.Output<string>;

    constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
        super(MONITORING_TYPE, name, {}, opts);
        checkArgs(name, args);
        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
        const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, { parent: this });
        const grafanaSecretName = `${name}-grafana-admin`;
        const grafanaSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
            metadata: { name: grafanaSecretName, namespace: args.namespace },
            type: "Opaque",
            stringData: { "admin-user": "admin", "admin-password": pulumi.secret(password.result) },
        }, { parent: this, dependsOn: [namespace], additionalSecretOutputs: ["data", "stringData"] });

        const prometheus = new k8s.helm.v3.Release(`${name}-kube-prometheus-stack`, {
            name: "kube-prometheus-stack",
            chart: KUBE_PROMETHEUS_STACK_CHART.chart,
            version: KUBE_PROMETHEUS_STACK_CHART.version,
            repositoryOpts: { repo: KUBE_PROMETHEUS_STACK_CHART.repo },
            namespace: args.namespace,
            values: {
                prometheus: {
                    prometheusSpec: {
                        // Pick up the ServiceMonitors and rules of every namespace, not only the chart's own.
                        serviceMonitorSelectorNilUsesHelmValues: false,
                        podMonitorSelectorNilUsesHelmValues: false,
                        ruleSelectorNilUsesHelmValues: false,
                        retention: "15d",
                        storageSpec: { volumeClaimTemplate: { spec: { storageClassName: args.storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${args.prometheusStorageGiB ?? 50}Gi` } } } } },
                    },
                },
                grafana: {
                    admin: { existingSecret: grafanaSecretName, userKey: "admin-user", passwordKey: "admin-password" },
                    sidecar: { dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" } },
                },
            },
            atomic: true,
        }, { parent: this, dependsOn: [grafanaSecret] });
        const dcgm = new k8s.helm.v3.Release(`${name}-dcgm-exporter`, {
            name: "dcgm-exporter",
            chart: DCGM_EXPORTER_CHART.chart,
            version: DCGM_EXPORTER_CHART.version,
            repositoryOpts: { repo: DCGM_EXPORTER_CHART.repo },
            namespace: args.namespace,
            values: {
                serviceMonitor: { enabled: true, interval: "15s" },
                tolerations: [{ ...GPU_DAEMON_TOLERATION }],
                nodeSelector: { [GPU_POOL_LABEL]: GPU_POOL },
            },
            atomic: true,
        }, { parent: this, dependsOn: [prometheus] });

        // The ServiceMonitor and PrometheusRule kinds exist once the chart has installed its CRDs.
        new k8s.apiextensions.CustomResource(`${name}-vllm`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: { name: `${name}-vllm`, namespace: args.servingNamespace, labels: { release: "kube-prometheus-stack" } },
            spec: {
                selector: { matchLabels: { ...args.vllmServiceLabels } },
                namespaceSelector: { matchNames: [args.servingNamespace] },
                endpoints: [{ port: "http", path: METRICS_PATH, interval: "15s" }],
            },
        }, { parent: this, dependsOn: [prometheus] });

        const ruleName = `${name}-rules`;
        const rules = renderAlertRules({
            name: ruleName, ruleNamespace: args.namespace, servingNamespace: args.servingNamespace, deploymentNames: args.vllmDeploymentNames,
            redundancyFloorReplicas: args.redundancyFloorReplicas, gpusPerNode: args.gpusPerNode,
        });
        new k8s.apiextensions.CustomResource(ruleName, {
            apiVersion: rules.apiVersion,
            kind: rules.kind,
            metadata: rules.metadata,
            spec: rules.spec,
        }, { parent: this, dependsOn: [prometheus] });

        const dashboard = renderDashboard({
            title: "llm-breakeven: vLLM serving", servingNamespace: args.servingNamespace, nodeHourlyUsd: args.nodeHourlyUsd, nodePriceBasis: args.nodePriceBasis,
            ...(args.apiUsdPerMTok !== undefined ? { apiUsdPerMTok: args.apiUsdPerMTok } : {}),
        });
        const dashboardMap = new k8s.core.v1.ConfigMap(`${name}-dashboard`, {
            metadata: { name: `${name}-dashboard`, namespace: args.namespace, labels: { grafana_dashboard: "1" } },
            data: { "llm-breakeven-vllm.json": JSON.stringify(dashboard) },
        }, { parent: this, dependsOn: [namespace] });

        this.namespace = namespace.metadata.name;
        this.prometheusReleaseName = prometheus.name;
        this.dcgmReleaseName = dcgm.name;
        this.alertRuleNames = rules.spec.groups.flatMap((g) => g.rules.map((r) => r.alert));
        this.dashboardConfigMapName = dashboardMap.metadata.name;
        this.registerOutputs({
            namespace: this.namespace,
            prometheusReleaseName: this.prometheusReleaseName,
            dcgmReleaseName: this.dcgmReleaseName,
            alertRuleNames: this.alertRuleNames,
            dashboardConfigMapName: this.dashboardConfigMapName,
        });
    }
}

/** The component's own invariants, before any child exists (config rules are the schema's, config/rules.ts). */
function checkArgs(name: string, args: MonitoringArgs): void {
    throwInputErrors("Monitoring", name, problemsOf({
        vllmDeploymentNames: WATCHED.deploymentNames(args.vllmDeploymentNames),
        redundancyFloorReplicas: WATCHED.redundancyFloorReplicas(args.redundancyFloorReplicas),
        gpusPerNode: WATCHED.gpusPerNode(args.gpusPerNode),
        nodeHourlyUsd: WATCHED.nodeHourlyUsd(args.nodeHourlyUsd),
    }));
}
