/**
 * Autoscaling on Kubernetes' own machinery:
 *  - KEDA (chart kedacore/keda, pinned) scales each zone's vLLM Deployment on two Prometheus
 *    queries: requests waiting and KV-cache use per replica, thresholds from the capacity model
 *    (cost/scaling.ts); it never goes below the floor, which keeps at least one replica per zone;
 *  - Cluster Autoscaler (chart autoscaler/cluster-autoscaler, pinned, IRSA role) adds a GPU node
 *    when a replica cannot be scheduled and removes idle ones, within each zone's node group
 *    bounds; groups are found by their auto-discovery tags and kept level across zones
 *    (balance-similar-node-groups).
 * Every chart version, value key and scaler field is cited in docs/sources.md §15.
 * Why Cluster Autoscaler and not Karpenter: the GPU pools are EKS managed node groups, one per zone,
 * whose maxSize is a number on a priced AWS resource, so the policy pack reads the budget ceiling
 * from the preview itself; Karpenter launches instances outside any node group, with limits in a
 * NodePool CRD the pack would have to trust instead.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "./cluster";
import { METRICS } from "./monitoring";
import { PINS } from "../../platform/pins";

export const AUTOSCALING_TYPE = "llm-breakeven:selfHosted:Autoscaling";

/** kedacore/charts keda/Chart.yaml at cbb9bb8 ("prepare v2.20.2 release", 2026-07-31); repo from its README's `helm repo add`. */
export const KEDA_CHART = { chart: "keda", version: PINS.kedaChart.value, repo: "https://kedacore.github.io/charts" } as const;
/**
 * kubernetes/autoscaler charts/cluster-autoscaler/Chart.yaml 9.51.0 (appVersion 1.33.0, matching the
 * clusters' Kubernetes 1.33: CA simulates the scheduler of its own minor version); repo from the chart README.
 */
export const CLUSTER_AUTOSCALER_CHART = { chart: "cluster-autoscaler", version: PINS.clusterAutoscalerChart.value, repo: "https://kubernetes.github.io/autoscaler" } as const;
export const CLUSTER_AUTOSCALER_SERVICE_ACCOUNT = "cluster-autoscaler";

/** The chart's default auto-discovery tags (cluster-autoscaler values.yaml `autoDiscovery.tags`); only the keys matter. */
export function autoDiscoveryTags(clusterName: string): Record<string, string> {
    return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/**
 * kube-prometheus-stack's Prometheus Service: `<fullname>-prometheus` on port 9090
 * (prometheus-community/helm-charts templates/prometheus/service.yaml; the release is named
 * kube-prometheus-stack in monitoring.ts, so the fullname is the release name).
 */
export function prometheusServerAddress(monitoringNamespace: string): string {
    return `http://kube-prometheus-stack-prometheus.${monitoringNamespace}.svc:9090`;
}

/**
 * A replica takes up to the ~10-minute startup budget to load a 70B model (docs/sources.md §6):
 * removing one sooner than that after a spike only buys a cold start on the next one.
 */
export const SCALE_DOWN_STABILIZATION_SECONDS = 600;
/** How often KEDA asks Prometheus: the ServiceMonitor scrapes every 15 s. */
export const POLLING_INTERVAL_SECONDS = 15;

export interface ScaledDeployment {
    /** The zone's vLLM Deployment. */
    readonly name: string;
    /** The floor: the zone's N+1 nodes x replicas per node (at least 1: scale-down keeps one replica per zone). */
    readonly minReplicas: number;
    /** The zone's node-group maximum x replicas per node. */
    readonly maxReplicas: number;
}

export interface ScaledObjectInput {
    readonly namespace: string;
    readonly deployment: ScaledDeployment;
    readonly prometheusAddress: string;
    readonly waitingRequestsPerReplica: number;
    readonly kvCacheUsage: number;
}

/** The PromQL a trigger runs: the sum over the Deployment's pods; KEDA divides by replicas (AverageValue). */
export function scalingQuery(metric: string, namespace: string, deployment: string): string {
    // Deployment pods are named <deployment>-<replicaset hash>-<pod hash>.
    return `sum(${metric}{namespace="${namespace}", pod=~"${deployment}-[a-z0-9]+-[a-z0-9]+"})`;
}

export interface ScaledObject {
    readonly apiVersion: "keda.sh/v1alpha1";
    readonly kind: "ScaledObject";
    readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
    readonly spec: {
        readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
        readonly minReplicaCount: number;
        readonly maxReplicaCount: number;
        readonly pollingInterval: number;
        readonly cooldownPeriod: number;
        readonly advanced: { readonly horizontalPodAutoscalerConfig: { readonly behavior: Record<string, unknown> } };
        readonly triggers: readonly { readonly type: "prometheus"; readonly name: string; readonly metricType: "AverageValue"; readonly metadata: Record<string, string> }[];
    };
}

/**
 * One ScaledObject per zone Deployment. Trigger metadata keys are the prometheus scaler's as KEDA
 * 2.20 documents them (kedacore/keda-docs content/docs/2.20/scalers/prometheus.md): serverAddress,
 * query, threshold, activationThreshold, ignoreNullValues. Values are strings, as the CRD requires.
 */
export function renderScaledObject(input: ScaledObjectInput): ScaledObject {
    const { deployment } = input;
    const problems: string[] = [];
    if (!(Number.isInteger(deployment.minReplicas) && deployment.minReplicas >= 1)) problems.push(`minReplicas ${deployment.minReplicas} must be 1 or more: scale-down keeps one replica per zone`);
    if (!(Number.isInteger(deployment.maxReplicas) && deployment.maxReplicas >= deployment.minReplicas)) problems.push(`maxReplicas (${deployment.maxReplicas}) must be >= minReplicas (${deployment.minReplicas})`);
    if (!(Number.isInteger(input.waitingRequestsPerReplica) && input.waitingRequestsPerReplica >= 1)) problems.push(`waitingRequestsPerReplica ${input.waitingRequestsPerReplica} must be a whole number, 1 or more`);
    if (!(input.kvCacheUsage > 0 && input.kvCacheUsage < 1)) problems.push(`kvCacheUsage ${input.kvCacheUsage} must be in (0, 1)`);
    if (problems.length > 0) throw new Error(`renderScaledObject ${deployment.name}: ${problems.join("; ")}`);
    const trigger = (name: string, metric: string, threshold: number) => ({
        type: "prometheus" as const,
        name,
        metricType: "AverageValue" as const,
        metadata: {
            serverAddress: input.prometheusAddress,
            query: scalingQuery(metric, input.namespace, deployment.name),
            threshold: String(threshold),
            // Active from the floor up: KEDA never scales these to zero (minReplicaCount >= 1).
            activationThreshold: "0",
            // A lost target is an error, so KEDA keeps the current replicas instead of reading 0 and scaling down.
            ignoreNullValues: "false",
        },
    });
    return {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: deployment.name, namespace: input.namespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven" } },
        spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deployment.name },
            minReplicaCount: deployment.minReplicas,
            maxReplicaCount: deployment.maxReplicas,
            pollingInterval: POLLING_INTERVAL_SECONDS,
            cooldownPeriod: SCALE_DOWN_STABILIZATION_SECONDS,
            advanced: {
                horizontalPodAutoscalerConfig: {
                    behavior: {
                        // One replica away at a time, after the startup budget has passed without need.
                        scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_STABILIZATION_SECONDS, policies: [{ type: "Pods", value: 1, periodSeconds: SCALE_DOWN_STABILIZATION_SECONDS }] },
                    },
                },
            },
            triggers: [
                trigger("requests-waiting", METRICS.waiting, input.waitingRequestsPerReplica),
                trigger("kv-cache-usage", METRICS.kvCache, input.kvCacheUsage),
            ],
        },
    };
}

/** KEDA's chart values: its CRDs (the ScaledObject kind) and every namespace watched. GPU nodes are tainted, so its pods land on the system nodes. */
export function kedaValues(): Record<string, unknown> {
    return { crds: { install: true }, watchNamespace: "" };
}

export interface ClusterAutoscalerValuesInput {
    readonly clusterName: string;
    readonly region: string;
    readonly roleArn: string;
}

/** Keys from the chart's values.yaml at 9.51.0 (autoDiscovery, awsRegion, cloudProvider, rbac.serviceAccount, extraArgs). */
export function clusterAutoscalerValues(input: ClusterAutoscalerValuesInput): Record<string, unknown> {
    return {
        cloudProvider: "aws",
        awsRegion: input.region,
        autoDiscovery: { clusterName: input.clusterName },
        rbac: { serviceAccount: { create: true, name: CLUSTER_AUTOSCALER_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": input.roleArn } } },
        extraArgs: {
            // One node group per zone: keep them level so a zone loss takes half the fleet, not all of the burst.
            "balance-similar-node-groups": true,
            // GPU nodes wait for the startup budget before counting as unneeded (a replica may still be loading).
            "scale-down-unneeded-time": `${SCALE_DOWN_STABILIZATION_SECONDS / 60}m`,
            "skip-nodes-with-system-pods": false,
        },
    };
}

/**
 * The IAM policy the CA AWS README gives for auto-discovery (cluster-autoscaler/cloudprovider/aws/README.md
 * at 1.33), its mutating actions limited to this cluster's tagged groups, as that README suggests.
 */
export function clusterAutoscalerPolicy(clusterName: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities", "ec2:DescribeImages", "ec2:DescribeInstanceTypes", "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
                ],
                Resource: ["*"],
            },
            {
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: ["*"],
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
            },
        ],
    });
}

export interface AutoscalingArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly region: string;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuerUrl: pulumi.Input<string>;
    /** The GPU node groups' Auto Scaling groups, tagged here for auto-discovery. */
    readonly autoscalingGroupNames: readonly pulumi.Input<string>[];
    readonly servingNamespace: string;
    readonly monitoringNamespace: string;
    readonly deployments: readonly ScaledDeployment[];
    readonly waitingRequestsPerReplica: number;
    readonly kvCacheUsage: number;
    readonly tags?: Readonly<Record<string, string>>;
}

export class Autoscaling extends pulumi.ComponentResource {
    readonly scaledObjectNames: readonly string[];
    readonly clusterAutoscalerRoleArn: pulumi.Output<string>;

    constructor(name: string, args: AutoscalingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(AUTOSCALING_TYPE, name, {}, opts);
        const keda = installKeda(name, this);
        this.clusterAutoscalerRoleArn = installClusterAutoscaler(name, args, this);
        tagForAutoDiscovery(name, args, this);
        this.scaledObjectNames = createScaledObjects(name, args, keda, this);
        this.registerOutputs({ scaledObjectNames: this.scaledObjectNames, clusterAutoscalerRoleArn: this.clusterAutoscalerRoleArn });
    }
}

function installKeda(name: string, parent: pulumi.Resource): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(`${name}-keda`, {
        name: "keda", chart: KEDA_CHART.chart, version: KEDA_CHART.version, repositoryOpts: { repo: KEDA_CHART.repo },
        namespace: "keda", createNamespace: true, values: kedaValues(), atomic: true,
    }, { parent });
}

function installClusterAutoscaler(name: string, args: AutoscalingArgs, parent: pulumi.Resource): pulumi.Output<string> {
    const role = new aws.iam.Role(`${name}-cluster-autoscaler`, {
        // Role names are account-wide: project and stack first, within IAM's 38-character prefix.
        namePrefix: `${`${pulumi.getProject()}-${pulumi.getStack()}`.slice(0, 36 - "autoscaler".length)}-autoscaler-`,
        description: "Cluster Autoscaler (IRSA): sizes the GPU node groups within their bounds",
        assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuerUrl]).apply(([arn, url]) => irsaTrustPolicy(arn, url, "kube-system", CLUSTER_AUTOSCALER_SERVICE_ACCOUNT)),
        tags: { ...args.tags },
    }, { parent });
    const policy = new aws.iam.RolePolicy(`${name}-cluster-autoscaler`, {
        role: role.name,
        policy: pulumi.output(args.clusterName).apply(clusterAutoscalerPolicy),
    }, { parent });
    new k8s.helm.v3.Release(`${name}-cluster-autoscaler`, {
        name: "cluster-autoscaler", chart: CLUSTER_AUTOSCALER_CHART.chart, version: CLUSTER_AUTOSCALER_CHART.version,
        repositoryOpts: { repo: CLUSTER_AUTOSCALER_CHART.repo }, namespace: "kube-system",
        values: pulumi.all([args.clusterName, role.arn]).apply(([clusterName, roleArn]) => clusterAutoscalerValues({ clusterName, region: args.region, roleArn })),
        atomic: true,
    }, { parent, dependsOn: [policy] });
    return role.arn;
}

/** The ASG tags auto-discovery looks for, on each GPU group's Auto Scaling group itself (node group tags do not reach it). */
function tagForAutoDiscovery(name: string, args: AutoscalingArgs, parent: pulumi.Resource): void {
    args.autoscalingGroupNames.forEach((asg, i) => {
        const tags = pulumi.output(args.clusterName).apply(autoDiscoveryTags);
        ["enabled", "cluster"].forEach((which, j) => {
            new aws.autoscaling.Tag(`${name}-asg-${i}-${which}`, {
                autoscalingGroupName: asg,
                tag: tags.apply((t) => {
                    const [key, value] = Object.entries(t)[j] as [string, string];
                    return { key, value, propagateAtLaunch: false };
                }),
            }, { parent });
        });
    });
}

function createScaledObjects(name: string, args: AutoscalingArgs, keda: k8s.helm.v3.Release, parent: pulumi.Resource): string[] {
    return args.deployments.map((deployment) => {
        const object = renderScaledObject({
            namespace: args.servingNamespace, deployment, prometheusAddress: prometheusServerAddress(args.monitoringNamespace),
            waitingRequestsPerReplica: args.waitingRequestsPerReplica, kvCacheUsage: args.kvCacheUsage,
        });
        // The ScaledObject kind exists once KEDA's chart has installed its CRDs.
        new k8s.apiextensions.CustomResource(`${name}-${deployment.name}`, { apiVersion: object.apiVersion, kind: object.kind, metadata: object.metadata, spec: object.spec }, { parent, dependsOn: [keda] });
        return object.metadata.name;
    });
}
