/**
 * vLLM serving: one Deployment per GPU zone (pinned to that zone by required node affinity, so losing
 * a zone loses only its replicas), an internal ClusterIP Service exposing the OpenAI-compatible API on
 * 8000, a PodDisruptionBudget that lets one GPU node drain at a time, the Hugging Face token (when
 * given) as a Kubernetes Secret made from the Pulumi secret, and the namespace's egress NetworkPolicy.
 *
 * Two model sources:
 * - an in-region S3 mirror: vLLM streams the safetensors from `s3://bucket/prefix` straight into GPU
 *   memory with the Run:ai model streamer (`--load-format runai_streamer`; the vllm/vllm-openai image
 *   ships runai-model-streamer[s3]), as a service account bound to an IRSA role that may read only
 *   that prefix. Nothing is written to the node, so the namespace runs at the "baseline" Pod Security
 *   level. The traffic goes through the VPC's S3 gateway endpoint, off NAT.
 * - Hugging Face: vLLM downloads into a node-local cache (below), with the token.
 *
 * Hugging Face model cache: a hostPath directory on the GPU node's sized gp3 root volume, not a PVC. The replicas
 * on one node (two TP4 replicas, say) share one copy of the weights; it survives pod restarts and
 * rollouts (a restart reloads ~141 GB from local disk instead of the internet); and it needs no EBS
 * CSI volume per replica pinned to a zone, to be re-attached on every reschedule. It is lost when the
 * node is replaced, which costs one download. The namespace therefore runs at the "privileged" Pod
 * Security level (baseline forbids hostPath); the container itself does not escalate privileges.
 *
 * Every object is rendered by a pure function (tested on its own, and validated against the
 * Kubernetes OpenAPI schema); the component only wires them.
 */
import * as k8s from "@pulumi/kubernetes";
import * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { Precision, SERVABLE_PRECISIONS, UNSERVABLE_PRECISION } from "../../cost/catalogue";
import { openModel } from "../../cost/estimate";
import { weightsGB } from "../../cost/memory";
import { PodApiKey, apiKeyEnv, createApiKeySecret, API_KEY_CHECKSUM_ANNOTATION } from "./apiKey";
import { ServingEgressPolicy } from "./egress";
import { GPU_POOL, GPU_POOL_LABEL, GPU_TOLERATION } from "./gpuNodePools";

export const VLLM_SERVING_TYPE = "llm-breakeven:selfHosted:VllmServing";
export const VLLM_PORT = 8000;
export const HEALTH_PATH = "/health";
export const METRICS_PATH = "/metrics";
export const ZONE_TOPOLOGY_KEY = "topology.kubernetes.io/zone";
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

export interface VllmServingArgs {
    /** Namespace to create and serve from. */
    readonly namespace: string;
    /** KEDA owns the replica count (components/selfHosted/autoscaling.ts): an update must not reset it. Default false. */
    readonly autoscaled?: boolean;
    readonly image: string;
    readonly huggingFaceId: string;
    readonly servedModelName: string;
    readonly precision: Precision;
    /** GPUs per replica, from the capacity model. */
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    /** The GPU zones, one Deployment each. */
    readonly zones: readonly string[];
    readonly nodesPerZone: number;
    readonly instance: InstanceShape;
    readonly gpuMemoryUtilization: number;
    readonly maxModelLen: number;
    readonly maxNumSeqs: number;
    /** Model weights, GB: sizes the startup probe budget. */
    readonly weightsGB: number;
    /** Where the weights come from, and the address ranges the pods reach it on (egress on 443). */
    readonly modelSource: ServingModelSource;
    /** The Hugging Face token, a Pulumi secret: required with Hugging Face, optional with S3 (no Secret is made without it). */
    readonly hfToken?: pulumi.Input<string>;
    /** Subnets holding the VPC interface endpoints (egress on 443). */
    readonly endpointCidrs: readonly string[];
    /** vLLM's bearer key, a Pulumi secret. Default: none (vLLM checks no key; the hybrid gateway's path). */
    readonly apiKey?: pulumi.Input<string>;
    /** With an internal endpoint: the ingress the namespace admits (the load balancer's subnets, Prometheus). Default: no ingress policy. */
    readonly ingress?: { readonly loadBalancerCidrs: readonly string[]; readonly monitoringNamespace: string };
}

/** The model source as the serving component wires it. */
export type ServingModelSource =
    /** The Hugging Face CDN's address ranges (from the stack config). */
    | { readonly kind: "huggingface"; readonly cidrs: readonly string[] }
    /** `s3://bucket/prefix`; the IRSA role its service account assumes; the region's S3 ranges (from the prefix list). */
    | { readonly kind: "s3"; readonly uri: string; readonly region: string; readonly roleArn: pulumi.Input<string>; readonly cidrs: pulumi.Input<readonly string[]> };

/** The vLLM pods' service account (S3 mode), derived from the component's name so the IRSA trust can name it first. */
export function vllmServiceAccountName(componentName: string): string {
    return componentName;
}

/** Pod Security level of the serving namespace: hostPath (the Hugging Face cache) needs "privileged"; streaming from S3 runs at "baseline". */
export function servingPodSecurityLevel(kind: ServingModelSource["kind"]): "privileged" | "baseline" {
    return kind === "huggingface" ? "privileged" : "baseline";
}

export class VllmServing extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    /** The OpenAI-compatible base URL inside the cluster. */
    readonly endpoint: pulumi.Output<string>;
    /** Deployment names, in zone order (set explicitly, so known before the deployment: alert rules name them). */
    readonly deploymentNames: readonly string[];
    /** Labels of every vLLM pod (the Services and the PDB select them). */
    readonly appLabels: Readonly<Record<string, string>>;
    /** The in-cluster Service's labels: the ServiceMonitor selects them, and only that Service has them. */
    readonly serviceLabels: Readonly<Record<string, string>>;
    readonly totalReplicas: number;
    readonly args: readonly string[];
    readonly pdbName: pulumi.Output<string>;

    constructor(name: string, args: VllmServingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VLLM_SERVING_TYPE, name, {}, opts);
        const appLabels = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name, "app.kubernetes.io/part-of": "llm-breakeven" };
        const source = args.modelSource;
        // Before any child exists.
        if (source.kind === "huggingface" && args.hfToken === undefined) throw new Error(`VllmServing ${name}: the Hugging Face model source needs hfToken`);
        const vllmArgs = renderVllmArgs({
            huggingFaceId: args.huggingFaceId, servedModelName: args.servedModelName, precision: args.precision, tensorParallelSize: args.tensorParallelSize,
            gpuMemoryUtilization: args.gpuMemoryUtilization, maxModelLen: args.maxModelLen, maxNumSeqs: args.maxNumSeqs,
            weights: source.kind === "s3" ? { kind: "s3", uri: source.uri } : { kind: "huggingface" },
        });
        const resources = replicaResources(args.instance, args.tensorParallelSize);
        const replicasPerZone = args.nodesPerZone * args.replicasPerNode;

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: args.namespace, labels: { "pod-security.kubernetes.io/enforce": servingPodSecurityLevel(source.kind), "pod-security.kubernetes.io/warn": "baseline" } },
        }, { parent: this });
        const ns = args.namespace;
        const egress = new ServingEgressPolicy(name, {
            namespace: ns, modelSourceCidrs: source.cidrs, endpointCidrs: args.endpointCidrs,
            ...(args.ingress !== undefined ? { ingress: { port: VLLM_PORT, ...args.ingress } } : {}),
        }, { parent: this, dependsOn: [namespace] });
        // Everything a pod needs exists before it starts: the egress policy, the token, the service account.
        const podPrerequisites: pulumi.Resource[] = [egress];
        let tokenSecretName: string | undefined;
        if (args.hfToken !== undefined) {
            tokenSecretName = `${name}-hf-token`;
            podPrerequisites.push(new k8s.core.v1.Secret(tokenSecretName, {
                metadata: { name: tokenSecretName, namespace: ns },
                type: "Opaque",
                stringData: { [HF_TOKEN_KEY]: pulumi.secret(args.hfToken) },
            }, { parent: this, dependsOn: [namespace], additionalSecretOutputs: ["data", "stringData"] }));
        }
        let apiKey: PodApiKey | undefined;
        if (args.apiKey !== undefined) {
            const created = createApiKeySecret(`${name}-api-key`, ns, args.apiKey, { parent: this, dependsOn: [namespace] });
            podPrerequisites.push(created.secret);
            apiKey = created.podApiKey;
        }
        let podSource: PodWeightsSource;
        if (source.kind === "s3") {
            const serviceAccountName = vllmServiceAccountName(name);
            podPrerequisites.push(new k8s.core.v1.ServiceAccount(`${name}-sa`, {
                metadata: {
                    name: serviceAccountName, namespace: ns, labels: { ...appLabels },
                    annotations: { [IRSA_ROLE_ANNOTATION]: source.roleArn, [IRSA_REGIONAL_STS_ANNOTATION]: "true" },
                },
                // vLLM never calls the Kubernetes API; the IRSA webhook projects its own token for STS.
                automountServiceAccountToken: false,
            }, { parent: this, dependsOn: [namespace] }));
            podSource = { kind: "s3", serviceAccountName, region: source.region, ...(tokenSecretName !== undefined ? { hfTokenSecretName: tokenSecretName } : {}) };
        } else {
            if (tokenSecretName === undefined) throw new Error(`VllmServing ${name}: unreachable: hfToken checked above`);
            podSource = { kind: "huggingface", hfTokenSecretName: tokenSecretName };
        }

        // One zone after the other: each Deployment waits for the previous zone's rollout, so a change that
        // touches every zone (a new key, a new image) never takes all zones' replicas down at once.
        let previousZone: k8s.apps.v1.Deployment | undefined;
        for (const zone of args.zones) {
            const object = renderVllmDeployment({
                name: `${name}-${zone}`, namespace: ns, zone, replicas: replicasPerZone, image: args.image, args: vllmArgs, resources,
                source: podSource, startupFailureThreshold: startupProbeFailureThreshold(args.weightsGB), appLabels, ...(apiKey !== undefined ? { apiKey } : {}),
            });
            // Pulumi waits for the rollout; a replica may take the whole startup budget (10 minutes for 70B) plus image pull and node boot.
            previousZone = new k8s.apps.v1.Deployment(`${name}-${zone}`, { metadata: object.metadata, spec: object.spec }, {
                parent: this, dependsOn: previousZone !== undefined ? [...podPrerequisites, previousZone] : podPrerequisites, customTimeouts: { create: "40m", update: "40m" },
                ...(args.autoscaled === true ? { ignoreChanges: ["spec.replicas"] } : {}),
            });
        }
        const serviceObject = renderVllmService(name, ns, appLabels);
        const service = new k8s.core.v1.Service(`${name}-svc`, { metadata: serviceObject.metadata, spec: serviceObject.spec }, { parent: this, dependsOn: [namespace] });
        const totalReplicas = replicasPerZone * args.zones.length;
        const pdbObject = renderPodDisruptionBudget(name, ns, appLabels, totalReplicas, args.replicasPerNode);
        const pdb = new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: pdbObject.metadata, spec: pdbObject.spec }, { parent: this, dependsOn: [namespace] });

        this.namespace = namespace.metadata.name;
        this.serviceName = service.metadata.name;
        this.endpoint = pulumi.interpolate`http://${service.metadata.name}.${namespace.metadata.name}.svc.cluster.local:${VLLM_PORT}/v1`;
        this.deploymentNames = args.zones.map((zone) => `${name}-${zone}`);
        this.appLabels = appLabels;
        this.serviceLabels = vllmServiceLabels(appLabels);
        this.totalReplicas = totalReplicas;
        this.args = vllmArgs;
        this.pdbName = pdb.metadata.name;
        this.registerOutputs({
            namespace: this.namespace,
            serviceName: this.serviceName,
            endpoint: this.endpoint,
            deploymentNames: this.deploymentNames,
            appLabels: this.appLabels,
            serviceLabels: this.serviceLabels,
            totalReplicas: this.totalReplicas,
            args: this.args,
            pdbName: this.pdbName,
        });
    }
}
