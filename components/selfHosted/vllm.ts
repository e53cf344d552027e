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
 * - Hugging Face: vLLM downloads into a node-local cache (vllmRender.ts), with the token.
 *
 * Every object is rendered by a pure function (vllmRender.ts, tested on its own and validated against
 * the Kubernetes OpenAPI schema); the component calls one function per concern, each taking `parent`.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Precision } from "../../cost/catalogue";
import { throwInputErrors } from "../inputErrors";
import { PodApiKey, createApiKeySecret } from "./apiKey";
import { ServingEgressPolicy } from "./egress";
import {
    HF_TOKEN_KEY, IRSA_REGIONAL_STS_ANNOTATION, IRSA_ROLE_ANNOTATION, InstanceShape, PodWeightsSource, VLLM_PORT,
    renderPodDisruptionBudget, renderVllmArgs, renderVllmDeployment, renderVllmService, replicaResources, servingPodSecurityLevel, startupProbeFailureThreshold, vllmServiceLabels,
} from "./vllmRender";

export const VLLM_SERVING_TYPE = "llm-breakeven:selfHosted:VllmServing";

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

type Labels = Readonly<Record<string, string>>;

/** What every pod needs before it starts, and how it gets its weights and key. */
interface PodPrerequisites {
    readonly resources: pulumi.Resource[];
    readonly source: PodWeightsSource;
    readonly apiKey: PodApiKey | undefined;
}

export class VllmServing extends pulumi.ComponentResource {
    readonly namespace: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    /** The OpenAI-compatible base URL inside the cluster. */
    readonly endpoint: pulumi.Output<string>;
    /** Deployment names, in zone order (set explicitly, so known before the deployment: alert rules name them). */
    readonly deploymentNames: readonly string[];
    /** Labels of every vLLM pod (the Services and the PDB select them). */
    readonly appLabels: Labels;
    /** The in-cluster Service's labels: the ServiceMonitor selects them, and only that Service has them. */
    readonly serviceLabels: Labels;
    readonly totalReplicas: number;
    readonly args: readonly string[];
    readonly pdbName: pulumi.Output<string>;

    constructor(name: string, args: VllmServingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VLLM_SERVING_TYPE, name, {}, opts);
        checkArgs(name, args); // before any child exists
        const appLabels = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name, "app.kubernetes.io/part-of": "llm-breakeven" };
        const source = args.modelSource;
        const vllmArgs = renderVllmArgs({
            huggingFaceId: args.huggingFaceId, servedModelName: args.servedModelName, precision: args.precision, tensorParallelSize: args.tensorParallelSize,
            gpuMemoryUtilization: args.gpuMemoryUtilization, maxModelLen: args.maxModelLen, maxNumSeqs: args.maxNumSeqs,
            weights: source.kind === "s3" ? { kind: "s3", uri: source.uri } : { kind: "huggingface" },
        });
        const totalReplicas = args.nodesPerZone * args.replicasPerNode * args.zones.length;

        const namespace = createNamespace(name, args, this);
        const pods = createPodPrerequisites(name, args, appLabels, namespace, this);
        this.deploymentNames = createZoneDeployments(name, args, vllmArgs, appLabels, pods, this);
        const service = createService(name, args.namespace, appLabels, namespace, this);
        const pdb = createDisruptionBudget(name, args, appLabels, totalReplicas, namespace, this);

        this.namespace = namespace.metadata.name;
        this.serviceName = service.metadata.name;
        this.endpoint = pulumi.interpolate`http://${service.metadata.name}.${namespace.metadata.name}.svc.cluster.local:${VLLM_PORT}/v1`;
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

/** The component's own invariants (a program could pass these wrongly; config rules are the schema's). */
function checkArgs(name: string, args: VllmServingArgs): void {
    throwInputErrors("VllmServing", name, args.modelSource.kind === "huggingface" && args.hfToken === undefined
        ? [{ propertyPath: "hfToken", reason: "is required: the Hugging Face model source needs hfToken (the token the download sends)" }]
        : []);
}

function createNamespace(name: string, args: VllmServingArgs, parent: pulumi.Resource): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(`${name}-ns`, {
        metadata: { name: args.namespace, labels: { "pod-security.kubernetes.io/enforce": servingPodSecurityLevel(args.modelSource.kind), "pod-security.kubernetes.io/warn": "baseline" } },
    }, { parent });
}

/** Everything a pod needs exists before it starts: the egress policy, the token, the key, the service account. */
function createPodPrerequisites(name: string, args: VllmServingArgs, appLabels: Labels, namespace: k8s.core.v1.Namespace, parent: pulumi.Resource): PodPrerequisites {
    const ns = args.namespace;
    const source = args.modelSource;
    const inNamespace = { parent, dependsOn: [namespace] };
    const resources: pulumi.Resource[] = [new ServingEgressPolicy(name, {
        namespace: ns, modelSourceCidrs: source.cidrs, endpointCidrs: args.endpointCidrs,
        ...(args.ingress !== undefined ? { ingress: { port: VLLM_PORT, ...args.ingress } } : {}),
    }, inNamespace)];
    let tokenSecretName: string | undefined;
    if (args.hfToken !== undefined) {
        tokenSecretName = `${name}-hf-token`;
        resources.push(new k8s.core.v1.Secret(tokenSecretName, {
            metadata: { name: tokenSecretName, namespace: ns },
            type: "Opaque",
            stringData: { [HF_TOKEN_KEY]: pulumi.secret(args.hfToken) },
        }, { ...inNamespace, additionalSecretOutputs: ["data", "stringData"] }));
    }
    let apiKey: PodApiKey | undefined;
    if (args.apiKey !== undefined) {
        const created = createApiKeySecret(`${name}-api-key`, ns, args.apiKey, inNamespace);
        resources.push(created.secret);
        apiKey = created.podApiKey;
    }
    if (source.kind === "huggingface") {
        if (tokenSecretName === undefined) throw new Error(`VllmServing ${name}: unreachable: hfToken checked by checkArgs`);
        return { resources, source: { kind: "huggingface", hfTokenSecretName: tokenSecretName }, apiKey };
    }
    const serviceAccountName = vllmServiceAccountName(name);
    resources.push(new k8s.core.v1.ServiceAccount(`${name}-sa`, {
        metadata: {
            name: serviceAccountName, namespace: ns, labels: { ...appLabels },
            annotations: { [IRSA_ROLE_ANNOTATION]: source.roleArn, [IRSA_REGIONAL_STS_ANNOTATION]: "true" },
        },
        // vLLM never calls the Kubernetes API; the IRSA webhook projects its own token for STS.
        automountServiceAccountToken: false,
    }, inNamespace));
    return { resources, source: { kind: "s3", serviceAccountName, region: source.region, ...(tokenSecretName !== undefined ? { hfTokenSecretName: tokenSecretName } : {}) }, apiKey };
}

/**
 * One Deployment per zone, one zone after the other: each waits for the previous zone's rollout, so a
 * change that touches every zone (a new key, a new image) never takes all zones' replicas down at once.
 * Returns the Deployment names in zone order.
 */
function createZoneDeployments(name: string, args: VllmServingArgs, vllmArgs: readonly string[], appLabels: Labels, pods: PodPrerequisites, parent: pulumi.Resource): string[] {
    const resources = replicaResources(args.instance, args.tensorParallelSize);
    let previousZone: k8s.apps.v1.Deployment | undefined;
    return args.zones.map((zone) => {
        const object = renderVllmDeployment({
            name: `${name}-${zone}`, namespace: args.namespace, zone, replicas: args.nodesPerZone * args.replicasPerNode, image: args.image, args: vllmArgs, resources,
            source: pods.source, startupFailureThreshold: startupProbeFailureThreshold(args.weightsGB), appLabels, ...(pods.apiKey !== undefined ? { apiKey: pods.apiKey } : {}),
        });
        // Pulumi waits for the rollout; a replica may take the whole startup budget (10 minutes for 70B) plus image pull and node boot.
        previousZone = new k8s.apps.v1.Deployment(`${name}-${zone}`, { metadata: object.metadata, spec: object.spec }, {
            parent, dependsOn: previousZone !== undefined ? [...pods.resources, previousZone] : pods.resources, customTimeouts: { create: "40m", update: "40m" },
            ...(args.autoscaled === true ? { ignoreChanges: ["spec.replicas"] } : {}),
        });
        return `${name}-${zone}`;
    });
}

function createService(name: string, ns: string, appLabels: Labels, namespace: k8s.core.v1.Namespace, parent: pulumi.Resource): k8s.core.v1.Service {
    const object = renderVllmService(name, ns, appLabels);
    return new k8s.core.v1.Service(`${name}-svc`, { metadata: object.metadata, spec: object.spec }, { parent, dependsOn: [namespace] });
}

function createDisruptionBudget(name: string, args: VllmServingArgs, appLabels: Labels, totalReplicas: number, namespace: k8s.core.v1.Namespace, parent: pulumi.Resource): k8s.policy.v1.PodDisruptionBudget {
    const object = renderPodDisruptionBudget(name, args.namespace, appLabels, totalReplicas, args.replicasPerNode);
    return new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: object.metadata, spec: object.spec }, { parent, dependsOn: [namespace] });
}
