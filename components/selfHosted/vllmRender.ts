/**
 * The pure core of vLLM serving: the server's arguments, the replica's resources and startup budget,
 * and the Kubernetes objects (Deployment per zone, Service, PodDisruptionBudget) as plain values,
 * tested by tables and validated against the Kubernetes OpenAPI schema. vllm.ts wires them.
 *
 * Hugging Face model cache: a hostPath directory on the GPU node's sized gp3 root volume, not a PVC. The replicas
 * on one node (two TP4 replicas, say) share one copy of the weights; it survives pod restarts and
 * rollouts (a restart reloads ~141 GB from local disk instead of the internet); and it needs no EBS
 * CSI volume per replica pinned to a zone, to be re-attached on every reschedule. It is lost when the
 * node is replaced, which costs one download. The namespace therefore runs at the "privileged" Pod
 * Security level (baseline forbids hostPath); the container itself does not escalate privileges.
 */
import * as k8sInput from "@pulumi/kubernetes/types/input";
import { Precision, SERVABLE_PRECISIONS, UNSERVABLE_PRECISION } from "../../cost/catalogue";
import { openModel } from "../../cost/estimate";
import { weightsGB } from "../../cost/memory";
import { PodApiKey, apiKeyEnv, API_KEY_CHECKSUM_ANNOTATION } from "./apiKey";
import { GPU_POOL, GPU_POOL_LABEL, GPU_TOLERATION } from "./gpuNodePools";

/**
 * vLLM's OpenAI-compatible server: its port, and the two paths it serves without the API key, so the
 * probes and Prometheus need none (docs/sources.md §6: the auth middleware checks /v1 paths only).
 */
export const VLLM_PORT = 8000;
export const HEALTH_PATH = "/health";
export const METRICS_PATH = "/metrics";
/** The well-known label every node carries with its availability zone (spread constraints key on it). */
export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
/** The environment variable huggingface_hub reads an access token from (gated models need it). */
export const HF_TOKEN_KEY = "HF_TOKEN";
/** vLLM's loader for object storage (vLLM >= 0.6.6; docs.vllm.ai "Loading models with Run:ai Model Streamer"). */
export const RUNAI_STREAMER_LOAD_FORMAT = "runai_streamer";
/** IRSA: the EKS pod identity webhook injects the role's web-identity token into pods of an annotated service account. */
export const IRSA_ROLE_ANNOTATION = "eks.amazonaws.com/role-arn";
/** Makes the webhook set AWS_STS_REGIONAL_ENDPOINTS=regional (docs.aws.amazon.com/eks/latest/userguide/configure-sts-endpoint.html). */
export const IRSA_REGIONAL_STS_ANNOTATION = "eks.amazonaws.com/sts-regional-endpoints";
/** On the node's root volume (see the module comment). */
export const MODEL_CACHE_HOST_PATH = "/opt/llm-breakeven/model-cache";
export const MODEL_CACHE_MOUNT = "/models";
/** Tensor parallelism exchanges activations through shared memory: 16-20 GiB for 8 GPUs (docs/sources.md §6). */
export const SHM_SIZE = "20Gi";
/** Llama 3.3 70B's weights in BF16, from the catalogue: what the 10-minute startup budget is for. */
export const STARTUP_REFERENCE_WEIGHTS_GB = weightsGB(openModel("llama-3.3-70b-instruct"), "bf16");
/** Probe period for the startup budget. */
export const STARTUP_PROBE_PERIOD_SECONDS = 10;

/** Where the weights are loaded from, as the vLLM arguments see it. */
export type WeightsLocation =
    | { readonly kind: "huggingface" }
    /** `s3://bucket/prefix` holding config.json, the tokenizer and the *.safetensors shards. */
    | { readonly kind: "s3"; readonly uri: string };

export interface VllmArgsInput {
    /** Hugging Face repository (`meta-llama/Llama-3.3-70B-Instruct`). */
    readonly huggingFaceId: string;
    /** Default: Hugging Face, by `huggingFaceId`. */
    readonly weights?: WeightsLocation;
    /** The model name clients send (the catalogue id). */
    readonly servedModelName: string;
    readonly precision: Precision;
    readonly tensorParallelSize: number;
    /** Default 1: a replica never spans nodes (no multi-node NCCL over EFA in this stack). */
    readonly pipelineParallelSize?: number;
    readonly gpuMemoryUtilization: number;
    readonly maxModelLen: number;
    readonly maxNumSeqs: number;
}

/** vLLM flags for a precision. INT8/INT4 need a pre-quantized checkpoint (GPTQ/AWQ) the catalogue does not name. */
export function precisionFlags(precision: Precision): string[] {
    switch (precision) {
        case "bf16":
            return ["--dtype", "bfloat16"];
        case "fp16":
            return ["--dtype", "float16"];
        case "fp8":
            // Dynamic FP8 weight quantization; A100s have no FP8 units and run it as W8A16 (Marlin kernels).
            return ["--quantization", "fp8"];
        case "int8":
        case "int4":
            throw new Error(`precision ${precision} cannot be served: ${UNSERVABLE_PRECISION}; allowed: ${SERVABLE_PRECISIONS.join(", ")} (the stack schema refuses it first)`);
    }
}

/** The vLLM server's arguments, in a fixed order. */
export function renderVllmArgs(input: VllmArgsInput): string[] {
    const pp = input.pipelineParallelSize ?? 1;
    const problems: string[] = [];
    if (!(Number.isInteger(input.tensorParallelSize) && input.tensorParallelSize >= 1)) problems.push(`tensorParallelSize ${input.tensorParallelSize} must be a whole number, 1 or more`);
    if (!(Number.isInteger(pp) && pp >= 1)) problems.push(`pipelineParallelSize ${pp} must be a whole number, 1 or more`);
    if (!(input.gpuMemoryUtilization > 0 && input.gpuMemoryUtilization <= 0.98)) problems.push(`gpuMemoryUtilization ${input.gpuMemoryUtilization} must be in (0, 0.98]`);
    if (!(Number.isInteger(input.maxModelLen) && input.maxModelLen >= 1)) problems.push(`maxModelLen ${input.maxModelLen} must be a whole number of tokens`);
    if (!(Number.isInteger(input.maxNumSeqs) && input.maxNumSeqs >= 1)) problems.push(`maxNumSeqs ${input.maxNumSeqs} must be a whole number, 1 or more`);
    const weights = input.weights ?? { kind: "huggingface" };
    if (weights.kind === "s3" && !/^s3:\/\/[^/]+\/.+[^/]$/.test(weights.uri)) problems.push(`weights uri "${weights.uri}" must be s3://bucket/prefix`);
    if (problems.length > 0) throw new Error(`renderVllmArgs: ${problems.join("; ")}`);
    return [
        "--model", weights.kind === "s3" ? weights.uri : input.huggingFaceId,
        "--served-model-name", input.servedModelName,
        "--host", "0.0.0.0",
        "--port", String(VLLM_PORT),
        ...precisionFlags(input.precision),
        "--tensor-parallel-size", String(input.tensorParallelSize),
        "--pipeline-parallel-size", String(pp),
        "--gpu-memory-utilization", String(input.gpuMemoryUtilization),
        "--max-model-len", String(input.maxModelLen),
        "--max-num-seqs", String(input.maxNumSeqs),
        "--enable-prefix-caching",
        // S3: streamed into GPU memory, nothing to download; Hugging Face: into the node's cache.
        ...(weights.kind === "s3" ? ["--load-format", RUNAI_STREAMER_LOAD_FORMAT] : ["--download-dir", `${MODEL_CACHE_MOUNT}/huggingface/hub`]),
    ];
}

/**
 * Startup budget: ~10 minutes for Llama 3.3 70B's ~141 GB of BF16 weights (download plus load, docs/sources.md
 * §6), scaled with the weights, never below 5 minutes (CUDA graph capture alone takes a minute).
 * Returned as the startup probe's failureThreshold at a 10 s period.
 */
export function startupProbeFailureThreshold(weightsGB: number): number {
    if (!(Number.isFinite(weightsGB) && weightsGB > 0)) throw new Error(`weightsGB ${weightsGB} must be above 0`);
    const budgetSeconds = Math.max(300, (weightsGB / STARTUP_REFERENCE_WEIGHTS_GB) * 600);
    return Math.ceil(budgetSeconds / STARTUP_PROBE_PERIOD_SECONDS);
}

export interface InstanceShape {
    readonly vcpu: number;
    readonly memoryGiB: number;
    readonly gpus: number;
}

/**
 * CPU and memory a replica requests: its share of the node by GPUs, 75% of it (the rest is for the
 * kubelet, the device plugin, DCGM exporter, node exporter and the CNI). Memory limit = request; no
 * CPU limit (throttling a tokenizer thread stalls every GPU of the replica).
 */
export function replicaResources(instance: InstanceShape, tensorParallelSize: number): { readonly cpu: string; readonly memory: string; readonly gpus: string } {
    if (tensorParallelSize > instance.gpus || instance.gpus % tensorParallelSize !== 0) {
        throw new Error(`tensorParallelSize ${tensorParallelSize} must divide the node's ${instance.gpus} GPUs`);
    }
    const share = (tensorParallelSize / instance.gpus) * 0.75;
    return { cpu: String(Math.floor(instance.vcpu * share)), memory: `${Math.floor(instance.memoryGiB * share)}Gi`, gpus: String(tensorParallelSize) };
}

export interface VllmDeploymentInput {
    readonly name: string;
    readonly namespace: string;
    readonly zone: string;
    readonly replicas: number;
    readonly image: string;
    readonly args: readonly string[];
    readonly resources: ReturnType<typeof replicaResources>;
    readonly source: PodWeightsSource;
    readonly startupFailureThreshold: number;
    /** Labels every vLLM pod of the stack carries (the Service and PDB select them). */
    readonly appLabels: Readonly<Record<string, string>>;
    /** vLLM's bearer key (a Secret reference and its checksum). Default: none, vLLM checks no key. */
    readonly apiKey?: PodApiKey;
}

/** How a vLLM pod gets its weights. */
export type PodWeightsSource =
    /** Downloads from Hugging Face into the node's hostPath cache, with the token from this Secret. */
    | { readonly kind: "huggingface"; readonly hfTokenSecretName: string }
    /** Streams from S3 as this service account (bound to an IRSA role); the token Secret only if one was given. */
    | { readonly kind: "s3"; readonly serviceAccountName: string; readonly region: string; readonly hfTokenSecretName?: string };

const tokenEnv = (secretName: string): k8sInput.core.v1.EnvVar => ({ name: HF_TOKEN_KEY, valueFrom: { secretKeyRef: { name: secretName, key: HF_TOKEN_KEY } } });

/** The container's environment for a weights source. */
export function vllmEnv(source: PodWeightsSource): k8sInput.core.v1.EnvVar[] {
    const common = [
        // Usage stats would be blocked by the egress policy anyway; do not try.
        { name: "VLLM_NO_USAGE_STATS", value: "1" },
        { name: "DO_NOT_TRACK", value: "1" },
    ];
    if (source.kind === "huggingface") {
        return [tokenEnv(source.hfTokenSecretName), { name: "HF_HOME", value: `${MODEL_CACHE_MOUNT}/huggingface` }, ...common];
    }
    return [
        ...(source.hfTokenSecretName !== undefined ? [tokenEnv(source.hfTokenSecretName)] : []),
        // The streamer's S3 client (the AWS C++ SDK) and boto3 resolve the regional endpoints with it.
        { name: "AWS_REGION", value: source.region },
        // The NetworkPolicy lets the pod reach STS only through the VPC's interface endpoint (regional
        // name, private DNS); the global sts.amazonaws.com would be dropped.
        { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
        // Credentials come from the IRSA web-identity token, the region from AWS_REGION: never ask the
        // instance metadata service (unreachable at hop limit 1; the AWS C++ SDK would stall on it, and
        // a fallback to the node's role must not happen).
        { name: "AWS_EC2_METADATA_DISABLED", value: "true" },
        // huggingface.co is not reachable from this namespace: fail at once instead of on a connect timeout.
        { name: "HF_HUB_OFFLINE", value: "1" },
        ...common,
    ];
}

export function renderVllmDeployment(input: VllmDeploymentInput): k8sInput.apps.v1.Deployment & { apiVersion: "apps/v1"; kind: "Deployment" } {
    const labels = { ...input.appLabels, [GPU_ZONE_POD_LABEL]: input.zone };
    const s3 = input.source.kind === "s3" ? input.source : undefined;
    const probe = (periodSeconds: number, failureThreshold: number, timeoutSeconds: number): k8sInput.core.v1.Probe => ({
        httpGet: { path: HEALTH_PATH, port: VLLM_PORT, scheme: "HTTP" }, periodSeconds, failureThreshold, timeoutSeconds,
    });
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: input.name, namespace: input.namespace, labels },
        spec: {
            replicas: input.replicas,
            selector: { matchLabels: labels },
            // No spare GPUs to surge into: replace one replica at a time (the PDB keeps the rest serving).
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
            template: {
                metadata: {
                    labels,
                    annotations: {
                        "prometheus.io/path": METRICS_PATH, "prometheus.io/port": String(VLLM_PORT),
                        // A new key is a new template: the replicas roll (the key itself is only in the Secret).
                        ...(input.apiKey !== undefined ? { [API_KEY_CHECKSUM_ANNOTATION]: input.apiKey.checksum } : {}),
                    },
                },
                spec: {
                    tolerations: [{ ...GPU_TOLERATION }],
                    affinity: {
                        nodeAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: {
                                nodeSelectorTerms: [{ matchExpressions: [
                                    { key: ZONE_TOPOLOGY_KEY, operator: "In", values: [input.zone] },
                                    { key: GPU_POOL_LABEL, operator: "In", values: [GPU_POOL] },
                                ] }],
                            },
                        },
                    },
                    topologySpreadConstraints: [
                        // Hard: a replica never lands outside its zone's domain; with the other zone's Deployment this is the cross-zone spread.
                        { maxSkew: 1, topologyKey: ZONE_TOPOLOGY_KEY, whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { ...input.appLabels } } },
                        // Hard: within the zone, replicas spread over the GPU nodes evenly.
                        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels } },
                    ],
                    // In-flight streams get two minutes to finish when a node drains.
                    terminationGracePeriodSeconds: 120,
                    ...(s3 ? { serviceAccountName: s3.serviceAccountName } : {}),
                    containers: [{
                        name: "vllm",
                        image: input.image,
                        // The OpenAI server module takes --model (the image's `vllm serve` entrypoint wants it positional).
                        command: ["python3", "-m", "vllm.entrypoints.openai.api_server"],
                        args: [...input.args],
                        ports: [{ name: "http", containerPort: VLLM_PORT, protocol: "TCP" }],
                        env: [...vllmEnv(input.source), ...(input.apiKey !== undefined ? [apiKeyEnv(input.apiKey.secretName)] : [])],
                        resources: {
                            requests: { cpu: input.resources.cpu, memory: input.resources.memory, "nvidia.com/gpu": input.resources.gpus },
                            limits: { memory: input.resources.memory, "nvidia.com/gpu": input.resources.gpus },
                        },
                        volumeMounts: [
                            { name: "dshm", mountPath: "/dev/shm" },
                            ...(s3 ? [] : [{ name: "model-cache", mountPath: MODEL_CACHE_MOUNT }]),
                        ],
                        startupProbe: probe(STARTUP_PROBE_PERIOD_SECONDS, input.startupFailureThreshold, 5),
                        readinessProbe: probe(10, 3, 5),
                        livenessProbe: probe(15, 4, 10),
                        securityContext: { allowPrivilegeEscalation: false },
                    }],
                    volumes: [
                        { name: "dshm", emptyDir: { medium: "Memory", sizeLimit: SHM_SIZE } },
                        ...(s3 ? [] : [{ name: "model-cache", hostPath: { path: MODEL_CACHE_HOST_PATH, type: "DirectoryOrCreate" } }]),
                    ],
                },
            },
        },
    };
}

/** Pod label naming the replica's zone (also its Deployment's selector). */
export const GPU_ZONE_POD_LABEL = "llm-breakeven/zone";

/**
 * The in-cluster API Service's own labels: the pods' labels plus its component, which the ServiceMonitor
 * selects. Any other Service in front of the same pods (the endpoint's NodePort) carries other labels,
 * so Prometheus scrapes each pod once.
 */
export function vllmServiceLabels(appLabels: Readonly<Record<string, string>>): Record<string, string> {
    return { ...appLabels, "app.kubernetes.io/component": "api" };
}

export function renderVllmService(name: string, namespace: string, appLabels: Readonly<Record<string, string>>): k8sInput.core.v1.Service & { apiVersion: "v1"; kind: "Service" } {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, labels: vllmServiceLabels(appLabels) },
        spec: { type: "ClusterIP", selector: { ...appLabels }, ports: [{ name: "http", port: VLLM_PORT, targetPort: "http", protocol: "TCP" }] },
    };
}

/**
 * At most one GPU node's replicas down at a time (node drains, upgrades): minAvailable = replicas - replicas per node,
 * at least 1. An integer minAvailable, because the pods belong to one Deployment per zone.
 */
export function renderPodDisruptionBudget(name: string, namespace: string, appLabels: Readonly<Record<string, string>>, totalReplicas: number, replicasPerNode: number): k8sInput.policy.v1.PodDisruptionBudget & { apiVersion: "policy/v1"; kind: "PodDisruptionBudget" } {
    return {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: { name, namespace, labels: { ...appLabels } },
        spec: { minAvailable: Math.max(1, totalReplicas - replicasPerNode), selector: { matchLabels: { ...appLabels } } },
    };
}

/** Pod Security level of the serving namespace: hostPath (the Hugging Face cache) needs "privileged"; streaming from S3 runs at "baseline". */
export function servingPodSecurityLevel(kind: WeightsLocation["kind"]): "privileged" | "baseline" {
    return kind === "huggingface" ? "privileged" : "baseline";
}
