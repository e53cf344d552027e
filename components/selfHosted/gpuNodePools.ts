/**
 * GPU node pools: one EKS managed node group per GPU zone, each in that zone's private subnet only, so
 * a zone's nodes and its vLLM replicas fail together and the other zone keeps serving. Nodes run the
 * AL2023 NVIDIA AMI (drivers in the AMI), carry the `nvidia.com/gpu=true:NoSchedule` taint (only pods
 * that asked for GPUs land there) and a sized, encrypted gp3 root volume (the model cache lives on it,
 * see vllm.ts). Each group starts at, and never shrinks below, its zone's share of the N+1 floor the
 * cost engine priced; with autoscaling, Cluster Autoscaler may grow it to its maximum (the most the
 * GPU budget ceiling pays for, cost/scaling.ts), and the policy pack prices that ceiling. Without,
 * the pools are fixed-size. The NVIDIA device plugin (pinned chart) advertises `nvidia.com/gpu`.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_METADATA_OPTIONS } from "./cluster";
import { PINS } from "../../platform/pins";
import { InputProblem, throwInputErrors } from "../inputErrors";

export const GPU_NODE_POOLS_TYPE = "llm-breakeven:selfHosted:GpuNodePools";

/** An EKS API amiType value (platform/pins.ts): the AL2023 AMI with NVIDIA drivers. */
export const GPU_AMI_TYPE = PINS.gpuAmiType.value;
export const GPU_TAINT = { key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" } as const;
/** The same taint as a pod toleration. */
export const GPU_TOLERATION = { key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" } as const;
/** Node label that marks a GPU pool node (value GPU_POOL), and the label naming its zone's pool. */
export const GPU_POOL_LABEL = "llm-breakeven/pool";
export const GPU_POOL = "gpu";
export const GPU_ZONE_LABEL = "llm-breakeven/gpu-zone";
/** The taint tolerated whatever its value: the per-node daemons (device plugin, DCGM exporter). */
export const GPU_DAEMON_TOLERATION = { key: GPU_TAINT.key, operator: "Exists", effect: "NoSchedule" } as const;

/** Pinned: the chart matching the device plugin image cached by the AWS EKS blueprints (aws-ia/terraform-aws-eks-blueprints); read at its tag in platform/pins.ts. */
export const DEVICE_PLUGIN_CHART = { chart: "nvidia-device-plugin", version: PINS.nvidiaDevicePluginChart.value, repo: "https://nvidia.github.io/k8s-device-plugin" } as const;

/**
 * Cluster Autoscaler >= 1.15 treats a node carrying this label as a GPU node before the device plugin
 * has advertised its GPUs, so it does not scale out again while one boots
 * (kubernetes/autoscaler cluster-autoscaler/cloudprovider/aws/README.md, "Special note on GPU instances").
 */
export const ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator";

export function gpuNodeLabels(zone: string, accelerator?: string): Record<string, string> {
    return { [GPU_POOL_LABEL]: GPU_POOL, [GPU_ZONE_LABEL]: zone, "nvidia.com/gpu.present": "true", ...(accelerator !== undefined ? { [ACCELERATOR_LABEL]: accelerator } : {}) };
}

/** Device plugin Helm values: only on the GPU pools, tolerating their taint; no NFD/GFD (the labels come from the node group). */
export function devicePluginValues(): Record<string, unknown> {
    return {
        tolerations: [{ ...GPU_DAEMON_TOLERATION }],
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: GPU_POOL_LABEL, operator: "In", values: [GPU_POOL] }] }] } } },
        nfd: { enabled: false },
        gfd: { enabled: false },
        priorityClassName: "system-node-critical",
    };
}

export interface GpuZone {
    readonly zone: string;
    /** The zone's private subnet: the only subnet its node group may use. */
    readonly subnetId: pulumi.Input<string>;
}

export interface GpuNodePoolsArgs {
    readonly clusterName: pulumi.Input<string>;
    readonly nodeRoleArn: pulumi.Input<string>;
    readonly kubernetesVersion: string;
    readonly zones: readonly GpuZone[];
    readonly instanceType: string;
    /** The floor per zone: each group's minimum and initial size. */
    readonly nodesPerZone: number;
    /** Each zone's maximum, in zone order (cost/scaling.ts nodeBounds). Default: nodesPerZone (fixed pools). */
    readonly maxNodesPerZone?: readonly number[];
    /** The accelerator label value (the catalogue's GPU id). Default: none. */
    readonly accelerator?: string;
    /** Root volume per GPU node (AMI, container images, the model cache). */
    readonly rootVolumeSizeGiB: number;
    /** Default ON_DEMAND. CAPACITY_BLOCK needs capacityReservationId and a reservation in the zone. */
    readonly capacityType?: "ON_DEMAND" | "CAPACITY_BLOCK";
    /** The Capacity Block reservation (cr-...). Default: none. */
    readonly capacityReservationId?: string;
    readonly tags?: Readonly<Record<string, string>>;
}

export class GpuNodePools extends pulumi.ComponentResource {
    /** Node group names, in zone order. */
    readonly nodeGroupNames: pulumi.Output<string>[];
    readonly nodeGroupArns: pulumi.Output<string>[];
    /** Each group's Auto Scaling group (what Cluster Autoscaler resizes), in zone order. */
    readonly autoscalingGroupNames: pulumi.Output<string>[];
    readonly zones: readonly string[];
    readonly gpuNodes: number;
    readonly devicePluginReleaseName: pulumi.Output<string>;

    constructor(name: string, args: GpuNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(GPU_NODE_POOLS_TYPE, name, {}, opts);
        checkArgs(name, args);
        const capacityType = args.capacityType ?? "ON_DEMAND";
        const maxima = args.maxNodesPerZone ?? args.zones.map(() => args.nodesPerZone);
        const tags = { ...args.tags };
        const groups = args.zones.map(({ zone, subnetId }, i) => {
            const template = new aws.ec2.LaunchTemplate(`${name}-${zone}`, {
                description: `GPU nodes in ${zone}: IMDSv2, ${args.rootVolumeSizeGiB} GiB encrypted gp3 root volume (holds the model cache)`,
                metadataOptions: NODE_METADATA_OPTIONS,
                blockDeviceMappings: [{
                    deviceName: "/dev/xvda",
                    // 16 GB image + 141 GB of BF16 70B weights, pulled in minutes: gp3 at 500 MiB/s and 6,000 IOPS.
                    ebs: { volumeSize: args.rootVolumeSizeGiB, volumeType: "gp3", iops: 6000, throughput: 500, encrypted: "true", deleteOnTermination: "true" },
                }],
                ...(capacityType === "CAPACITY_BLOCK" ? {
                    instanceMarketOptions: { marketType: "capacity-block" },
                    capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: args.capacityReservationId } },
                } : {}),
                tagSpecifications: [{ resourceType: "instance", tags: { ...tags, Name: `${name}-${zone}` } }],
                tags,
            }, { parent: this });
            return new aws.eks.NodeGroup(`${name}-${zone}`, {
                clusterName: args.clusterName,
                nodeRoleArn: args.nodeRoleArn,
                version: args.kubernetesVersion,
                subnetIds: [subnetId],
                instanceTypes: [args.instanceType],
                amiType: GPU_AMI_TYPE,
                capacityType,
                // Starts at the floor; Cluster Autoscaler moves the desired size within [min, max], never past the priced ceiling.
                scalingConfig: { desiredSize: args.nodesPerZone, minSize: args.nodesPerZone, maxSize: maxima[i] ?? args.nodesPerZone },
                taints: [GPU_TAINT],
                labels: gpuNodeLabels(zone, args.accelerator),
                launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
                // EKS node auto repair replaces nodes whose GPUs report health failures (XID errors, lost GPUs).
                nodeRepairConfig: { enabled: true },
                updateConfig: { maxUnavailable: 1 },
                tags: { ...tags, [GPU_ZONE_LABEL]: zone },
            // The autoscaler owns the desired size once deployed: an update must not reset it to the floor.
            }, { parent: this, ignoreChanges: ["scalingConfig.desiredSize"] });
        });

        const devicePlugin = new k8s.helm.v3.Release(`${name}-device-plugin`, {
            chart: DEVICE_PLUGIN_CHART.chart,
            version: DEVICE_PLUGIN_CHART.version,
            repositoryOpts: { repo: DEVICE_PLUGIN_CHART.repo },
            namespace: "kube-system",
            values: devicePluginValues(),
            atomic: true,
        }, { parent: this });

        this.nodeGroupNames = groups.map((g) => g.nodeGroupName);
        this.nodeGroupArns = groups.map((g) => g.arn);
        this.autoscalingGroupNames = groups.map((g) => g.resources.apply((r) => r[0]?.autoscalingGroups?.[0]?.name ?? ""));
        this.zones = args.zones.map((z) => z.zone);
        this.gpuNodes = args.zones.length * args.nodesPerZone;
        this.devicePluginReleaseName = devicePlugin.name;
        this.registerOutputs({
            nodeGroupNames: this.nodeGroupNames,
            nodeGroupArns: this.nodeGroupArns,
            autoscalingGroupNames: this.autoscalingGroupNames,
            zones: this.zones,
            gpuNodes: this.gpuNodes,
            devicePluginReleaseName: this.devicePluginReleaseName,
        });
    }
}

/** The component's own invariants (a program could pass these wrongly; config rules are the schema's, config/rules.ts). */
function checkArgs(name: string, args: GpuNodePoolsArgs): void {
    const problems: InputProblem[] = [];
    if (args.zones.length === 0) problems.push({ propertyPath: "zones", reason: "is empty: there would be no GPU node group; pass at least one zone and its private subnet" });
    if (!(Number.isInteger(args.nodesPerZone) && args.nodesPerZone >= 1)) problems.push({ propertyPath: "nodesPerZone", reason: `(${args.nodesPerZone}) must be a whole number, 1 or more: each group's minimum` });
    const maxima = args.maxNodesPerZone;
    if (maxima !== undefined && (maxima.length !== args.zones.length || maxima.some((m) => !(Number.isInteger(m) && m >= args.nodesPerZone)))) {
        problems.push({ propertyPath: "maxNodesPerZone", reason: `([${maxima.join(", ")}]) must give each of the ${args.zones.length} zones a whole maximum >= 'nodesPerZone' (${args.nodesPerZone}), in zone order` });
    }
    if ((args.capacityType ?? "ON_DEMAND") === "CAPACITY_BLOCK" && args.capacityReservationId === undefined) {
        problems.push({ propertyPath: "capacityReservationId", reason: "is required with capacityType CAPACITY_BLOCK: the Capacity Block reservation's id (cr-...)" });
    }
    throwInputErrors("GpuNodePools", name, problems);
}
