/**
 * What each alert and dashboard query is checked against: for every alert, input series on which it
 * must fire (with the labels and value it must fire with) and series on which it must stay silent.
 * Series carry the labels the exporters emit at the pinned versions, plus the target labels the
 * Prometheus Operator adds to every ServiceMonitor target (namespace, pod):
 *
 * - vLLM v0.11.0 (config/stack.ts vllmImage): vllm-project/vllm vllm/v1/metrics/loggers.py,
 *   PrometheusStatLogger: gauges vllm:num_requests_running / vllm:num_requests_waiting /
 *   vllm:kv_cache_usage_perc, counters vllm:prompt_tokens / vllm:generation_tokens (exposed by
 *   prometheus_client with the _total suffix), histograms vllm:time_to_first_token_seconds and
 *   vllm:e2e_request_latency_seconds; labels model_name and engine (docs/sources.md §6).
 * - DCGM exporter: NVIDIA/dcgm-exporter etc/default-counters.csv (DCGM_FI_DEV_GPU_UTIL gauge,
 *   DCGM_FI_DEV_XID_ERRORS gauge "value of the last XID error"); labels gpu, UUID, device,
 *   modelName, Hostname (docs/sources.md §12).
 * - kube-state-metrics: kube_deployment_status_replicas_available{namespace, deployment}
 *   (docs/sources.md §12).
 */
import { InputSeries, series } from "./promtool";

export interface StackFacts {
    readonly servingNamespace: string;
    /** The vLLM Deployments and the replicas each runs. */
    readonly deployments: readonly { readonly name: string; readonly replicas: number }[];
    readonly gpusPerNode: number;
}

export interface ExpectedAlert {
    /** The labels the alert carries besides severity. */
    readonly labels: Readonly<Record<string, string>>;
    /** What {{ $value }} renders to. */
    readonly value?: string;
}

export interface AlertCase {
    readonly alert: string;
    readonly firing: { readonly series: readonly InputSeries[]; readonly expect: readonly ExpectedAlert[] };
    readonly healthy: readonly InputSeries[];
}

/** Samples are one minute apart; alerts are judged at EVAL_MINUTES, past every rule's `for`. */
export const EVAL_MINUTES = 20;
const SAMPLES = 30;
const flat = (value: number): string => `${value}x${SAMPLES}`;

export function alertCases(facts: StackFacts): readonly AlertCase[] {
    const ns = facts.servingNamespace;
    const pod = (name: string): Record<string, string> => ({ namespace: ns, pod: name, model_name: "llama", engine: "0" });
    const gauge = (name: string, podName: string, value: number): InputSeries => ({ series: series(name, pod(podName)), values: flat(value) });
    // Time to first token: one request a second, every one landing in the bucket whose upper bound is `le`.
    const ttft = (le: string): InputSeries[] => ["0.5", "1.0", "2.5", "5.0", "+Inf"].map((bound) => ({
        series: series("vllm:time_to_first_token_seconds_bucket", { ...pod("p1"), le: bound }),
        values: Number(bound) >= Number(le) || bound === "+Inf" ? `0+60x${SAMPLES}` : flat(0),
    }));
    const available = (replicasOf: (d: { readonly name: string; readonly replicas: number }) => number): InputSeries[] => facts.deployments.map((d) => ({
        series: series("kube_deployment_status_replicas_available", { namespace: ns, deployment: d.name }), values: flat(replicasOf(d)),
    }));
    const gpus = (host: string, count: number, xid = 0): InputSeries[] => Array.from({ length: count }, (_, gpu) => [
        { series: series("DCGM_FI_DEV_GPU_UTIL", { gpu: String(gpu), UUID: `GPU-${host}-${gpu}`, device: `nvidia${gpu}`, modelName: "NVIDIA A100-SXM4-80GB", Hostname: host }), values: flat(60) },
        { series: series("DCGM_FI_DEV_XID_ERRORS", { gpu: String(gpu), UUID: `GPU-${host}-${gpu}`, device: `nvidia${gpu}`, modelName: "NVIDIA A100-SXM4-80GB", Hostname: host }), values: flat(gpu === 0 ? xid : 0) },
    ]).flat();
    const lost = facts.deployments[0];
    if (lost === undefined) throw new Error("alertCases: the stack runs no vLLM Deployment");
    return [
        { alert: "VllmRequestsQueued", firing: { series: [gauge("vllm:num_requests_waiting", "p1", 25), gauge("vllm:num_requests_waiting", "p2", 1)], expect: [{ labels: { pod: "p1" }, value: "25" }] },
            // A queue in another namespace is not this stack's.
            healthy: [gauge("vllm:num_requests_waiting", "p1", 3), { series: series("vllm:num_requests_waiting", { ...pod("p9"), namespace: "elsewhere" }), values: flat(50) }] },
        { alert: "VllmKvCacheNearlyFull", firing: { series: [gauge("vllm:kv_cache_usage_perc", "p1", 0.99)], expect: [{ labels: { pod: "p1" } }] },
            healthy: [gauge("vllm:kv_cache_usage_perc", "p1", 0.6)] },
        { alert: "VllmTimeToFirstTokenHigh", firing: { series: ttft("5.0"), expect: [{ labels: {} }] }, healthy: ttft("0.5") },
        // A replica in another namespace does not count: the rule watches the serving namespace only.
        { alert: "VllmMetricsAbsent", firing: { series: [{ series: series("vllm:num_requests_running", { ...pod("p1"), namespace: "elsewhere" }), values: flat(1) }], expect: [{ labels: { namespace: ns } }] },
            healthy: [gauge("vllm:num_requests_running", "p1", 1)] },
        { alert: "VllmReplicasBelowRedundancyFloor", firing: { series: available(() => 0), expect: [{ labels: {} }] }, healthy: available((d) => d.replicas) },
        // One zone's Deployment loses every replica: that zone alone is named.
        { alert: "VllmZoneWithoutReplicas", firing: { series: available((d) => (d === lost ? 0 : d.replicas)), expect: [{ labels: { deployment: lost.name } }] },
            healthy: available((d) => d.replicas) },
        { alert: "GpuXidError", firing: { series: gpus("node-a", facts.gpusPerNode, 79), expect: [{ labels: { Hostname: "node-a", gpu: "0" }, value: "79" }] },
            healthy: gpus("node-a", facts.gpusPerNode) },
        { alert: "GpuCountPerNodeLow", firing: { series: [...gpus("node-a", facts.gpusPerNode - 1), ...gpus("node-b", facts.gpusPerNode)], expect: [{ labels: { Hostname: "node-a" }, value: String(facts.gpusPerNode - 1) }] },
            healthy: [...gpus("node-a", facts.gpusPerNode), ...gpus("node-b", facts.gpusPerNode)] },
    ];
}

/** A known month-free series for the dashboard: 10 prompt + 5 output tokens/s on two GPU nodes. */
export const DASHBOARD_SERIES = { promptTokensPerSecond: 10, generationTokensPerSecond: 5, gpuNodes: 2, evalMinutes: 120 } as const;

export function dashboardSeries(facts: StackFacts): InputSeries[] {
    const pod = { namespace: facts.servingNamespace, pod: "p1", model_name: "llama", engine: "0" };
    const minutes = DASHBOARD_SERIES.evalMinutes + 10;
    const hosts = Array.from({ length: DASHBOARD_SERIES.gpuNodes }, (_, i) => `node-${i}`);
    return [
        { series: series("vllm:prompt_tokens_total", pod), values: `0+${DASHBOARD_SERIES.promptTokensPerSecond * 60}x${minutes}` },
        { series: series("vllm:generation_tokens_total", pod), values: `0+${DASHBOARD_SERIES.generationTokensPerSecond * 60}x${minutes}` },
        // A series in another namespace that the panels must leave out.
        { series: series("vllm:prompt_tokens_total", { ...pod, namespace: "elsewhere" }), values: `0+6000x${minutes}` },
        ...hosts.flatMap((host) => Array.from({ length: facts.gpusPerNode }, (_, gpu) => ({ series: series("DCGM_FI_DEV_GPU_UTIL", { gpu: String(gpu), Hostname: host }), values: `50x${minutes}` }))),
    ];
}

/** Expands the {{ $labels.x }} and {{ $value }} of an annotation the way Prometheus' template does for these plain strings. */
export function expandAnnotation(template: string, labels: Readonly<Record<string, string>>, value: string | undefined): string {
    return template
        .replace(/\{\{\s*\$labels\.(\w+)\s*\}\}/g, (_, key: string) => labels[key] ?? "")
        .replace(/\{\{\s*\$value\s*\}\}/g, () => {
            if (value === undefined) throw new Error(`annotation "${template}" renders {{ $value }}: give the case its expected value`);
            return value;
        });
}
