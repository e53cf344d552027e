/**
 * The self-hosted mode: redundant GPU node pools on EKS serving an open model with vLLM, with
 * monitoring and a closed egress. `createSelfHosted` builds the infrastructure and hands back the
 * private vLLM endpoint (the hybrid mode calls it too); `buildSelfHosted` adds the cost engine's view
 * and returns the stack outputs.
 *
 * Everything that can be wrong with the config is found before the first resource is registered:
 * the schema (config/: every rule config can break, including the secrets it needs, the root volume,
 * the network plan and the egress ranges) first, then `preflightSelfHosted` here with only what config
 * cannot know (the run context: the example bucket, the endpoint's certificate under a real deploy;
 * the cost engine's prices; the autoscaling plan), all problems in one ConfigError.
 *
 * The model source decides the egress: an S3 mirror is reached on the region's S3 prefix-list ranges
 * (read at deploy time) with an IRSA role scoped to its prefix; Hugging Face on the configured CDN
 * ranges, with the token.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EC2_INSTANCE_TYPES, Ec2InstanceType, GpuOffer, OPEN_MODELS, OpenModel } from "../cost/catalogue";
import { ec2NodeHourly } from "../cost/prices/lookup";
import { missingPriceFix } from "../cost/prices/store";
import { Estimate } from "../cost/estimate";
import { checkpointGB } from "../cost/memory";
import { offerHourlyUsd } from "../cost/units";
import { StackSecrets, requireSecretsRead } from "../config/pulumi";
import { estimateStack } from "../config/scenario";
import { offerFor } from "../cost/scenario";
import { EXAMPLE_ACCOUNT, RunContext, runContext } from "./runContext";
import { ENDPOINT_DEFAULTS, EndpointAuth, EndpointConfig, deployProblems, endpointAuth } from "../config/endpoint";
import { ConfigError, NAMESPACE, SelfHostedConfig, StackConfig } from "../config/stack";
import { albLcuPerHour } from "../cost/loadBalancer";
import { Cluster } from "../components/selfHosted/cluster";
import { VllmEndpoint, endpointListener } from "../components/selfHosted/endpoint";
import { GpuNodePools } from "../components/selfHosted/gpuNodePools";
import { Monitoring } from "../components/selfHosted/monitoring";
import { S3ModelSource } from "../components/selfHosted/modelSource";
import { NODE_INTERFACE_ENDPOINT_SERVICES, Vpc } from "../components/network/vpc";
import { planSubnets } from "../platform/subnets";
import { NetworkCost, networkMonthlyCost, networkOutputs, networkWarning } from "./network";
import { ServingModelSource, VllmServing, vllmServiceAccountName } from "../components/selfHosted/vllm";
import type { StackOutputs } from "./index";
import { INFRASTRUCTURE_SPEND_NOTE } from "./gateway";
import { AutoscalingPlan, createAutoscaling, planAutoscaling } from "./autoscaling";

export const SERVING_NAMESPACE = "vllm";
export const MONITORING_NAMESPACE = "monitoring";

export interface Preflight {
    readonly selfHosted: SelfHostedConfig;
    readonly model: OpenModel;
    readonly instance: Ec2InstanceType & { readonly gpu: NonNullable<Ec2InstanceType["gpu"]> };
    /** Required with Hugging Face; optional with an S3 mirror. */
    readonly hfToken: pulumi.Output<string> | undefined;
    /** The internal endpoint; undefined in self-hosted mode without selfHosted.endpoint (in-cluster only). */
    readonly endpoint: EndpointConfig | undefined;
    /** Who checks callers of the endpoint; with api-key, the key (a Pulumi secret). */
    readonly auth: EndpointAuth | undefined;
    readonly vllmApiKey: pulumi.Output<string> | undefined;
    readonly estimate: Estimate;
    /** Node bounds and KEDA thresholds; undefined without selfHosted.autoscaling (fixed pools). */
    readonly autoscaling: AutoscalingPlan | undefined;
}

/**
 * The shipped self-hosted and hybrid stacks name their S3 model mirror in AWS's documentation account
 * (EXAMPLE_ACCOUNT) so that they plan; a real deploy would stream weights from a bucket that is not
 * yours (a bucket name is global: at best AccessDenied after the cluster and GPU nodes exist). A real
 * `pulumi up` refuses it before any resource is registered; previews and the offline plan go on.
 */
export function modelBucketRefusal(input: RunContext & { readonly modelSource: SelfHostedConfig["modelSource"]; readonly region: string }): string | undefined {
    if (input.dryRun || input.offlinePlan || input.modelSource.kind !== "s3") return undefined;
    if (!input.modelSource.bucket.includes(EXAMPLE_ACCOUNT)) return undefined;
    return `${NAMESPACE}:selfHosted.modelSource.bucket: "${input.modelSource.bucket}" is the shipped example (it names AWS's documentation account ${EXAMPLE_ACCOUNT}), not your model mirror; create a bucket in ${input.region}, fill it as the stack file's comment shows, and run \`pulumi config set --path 'llm-breakeven:selfHosted.modelSource.bucket' <your-bucket>\``;
}

/**
 * Everything the schema cannot know (the run context, the prices, the autoscaling plan), checked before
 * any resource exists; every problem named with its key, value and fix, all at once.
 */
export function preflightSelfHosted(config: StackConfig, secrets: StackSecrets): Preflight {
    const key = (path: string): string => `${NAMESPACE}:${path}`;
    const selfHosted = config.selfHosted;
    // The schema requires the section in this mode (config/rules.ts): a config that lacks it did not come through it.
    if (selfHosted === undefined) throw new Error(`preflightSelfHosted: mode "${config.mode}" without selfHosted; parse the config with config/stack.ts first`);
    requireSecretsRead(config, secrets);
    const problems: string[] = [];
    // Hybrid always has one (the gateway calls it; production must name it: the schema's rule).
    const endpoint = selfHosted.endpoint ?? (config.mode === "hybrid" ? ENDPOINT_DEFAULTS : undefined);
    const auth = endpoint !== undefined ? endpointAuth(endpoint, config.mode === "hybrid" ? "hybrid" : "self-hosted") : undefined;
    const run = runContext();
    if (endpoint !== undefined) problems.push(...deployProblems(endpoint, config.environment, run.offlinePlan));
    const bucket = modelBucketRefusal({ ...run, modelSource: selfHosted.modelSource, region: config.region });
    if (bucket !== undefined) problems.push(bucket);
    const model = OPEN_MODELS.get(selfHosted.model);
    const instance = EC2_INSTANCE_TYPES[selfHosted.instanceType];
    let estimate: Estimate | undefined;
    try {
        estimate = estimateStack(config);
    } catch (error) {
        problems.push(...(error instanceof ConfigError ? error.problems : [`${key("selfHosted")}: the cost engine cannot price this stack: ${(error as Error).message}`]));
    }
    let autoscaling: AutoscalingPlan | undefined;
    if (model !== undefined && estimate !== undefined) {
        try {
            autoscaling = planAutoscaling(selfHosted, model, estimate);
        } catch (error) {
            problems.push((error as Error).message);
        }
    }
    if (problems.length > 0 || model === undefined || instance?.gpu === undefined || estimate === undefined) {
        throw new ConfigError(problems.length > 0 ? problems : [`${key("selfHosted")}: model or instance type unknown to the catalogue`]);
    }
    return { selfHosted, model, instance: { ...instance, gpu: instance.gpu }, hfToken: secrets.hfToken, endpoint, auth, vllmApiKey: auth === "api-key" ? secrets.vllmApiKey : undefined, estimate, autoscaling };
}

export interface SelfHostedDeployment {
    /** The OpenAI-compatible base URL inside the cluster (the in-cluster Service). */
    readonly clusterEndpoint: pulumi.Output<string>;
    /** The model name clients send. */
    readonly servedModelName: string;
    readonly clusterName: pulumi.Output<string>;
    readonly gpuNodeGroups: pulumi.Output<string>[];
    readonly network: Vpc;
    /** The network's monthly bill (what the VPC built, priced by cost/pricers/, plus the egress), within the overhead's storage/network/egress line. */
    readonly networkCost: NetworkCost;
    readonly cluster: Cluster;
    readonly gpuPools: GpuNodePools;
    readonly serving: VllmServing;
    /** The internal load balancer applications (or, in hybrid, the gateway) call; undefined without selfHosted.endpoint (self-hosted mode). */
    readonly endpoint: VllmEndpoint | undefined;
    readonly auth: EndpointAuth | undefined;
    /** vLLM's key (a Pulumi secret) when auth is api-key. */
    readonly vllmApiKey: pulumi.Output<string> | undefined;
    /** The S3 mirror's reader role and address ranges; undefined with Hugging Face. */
    readonly modelSource: S3ModelSource | undefined;
    readonly monitoring: Monitoring;
    readonly estimate: Estimate;
}

export interface CreateSelfHostedOptions {
    /** Prefix of every resource name. Default "llm". */
    readonly name?: string;
    /** Parent of the components. Default: the stack. */
    readonly parent?: pulumi.Resource;
}

/** Builds the self-hosted infrastructure for a validated config (self-hosted or hybrid mode). */
export async function createSelfHosted(config: StackConfig, secrets: StackSecrets, options: CreateSelfHostedOptions = {}): Promise<SelfHostedDeployment> {
    const { selfHosted, model, instance, hfToken, endpoint: endpointConfig, auth, vllmApiKey, estimate, autoscaling } = preflightSelfHosted(config, secrets);
    const name = options.name ?? "llm";
    const parentOpts = options.parent !== undefined ? { parent: options.parent } : {};

    // Standard zones only (local and wavelength zones have no p4de capacity and no NAT gateways).
    const available = await aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
    const zones = available.names.slice(0, selfHosted.availabilityZones);
    if (zones.length < selfHosted.availabilityZones) {
        throw new ConfigError([`${NAMESPACE}:selfHosted.availabilityZones: ${selfHosted.availabilityZones} zones asked, but ${config.region} has ${zones.length} standard zones available (${zones.join(", ")}); allowed: 2..${zones.length}`]);
    }
    const gpuZones = zones.slice(0, selfHosted.gpuZones);
    const clusterName = `${name}-${pulumi.getStack()}`.slice(0, 100);
    const tags = { "llm-breakeven:stack": pulumi.getStack(), "llm-breakeven:mode": config.mode, "llm-breakeven:environment": config.environment };

    // Nodes in private subnets only, a NAT per zone, and endpoints so image pulls (ECR, whose layers live in S3),
    // STS for IRSA and CloudWatch Logs stay off NAT's per-GB charge.
    const network = new Vpc(`${name}-net`, {
        vpcCidr: selfHosted.vpcCidr, subnets: planSubnets(selfHosted.vpcCidr, zones), natGateways: "per-zone",
        endpoints: { region: config.region, interfaceServices: NODE_INTERFACE_ENDPOINT_SERVICES },
        privateSubnetTags: { "kubernetes.io/role/internal-elb": "1", [`kubernetes.io/cluster/${clusterName}`]: "shared" }, tags,
    }, parentOpts);
    // The hourly part is what the VPC built, priced by cost/pricers/ (as the plan and the pack price it); the per-GB part is the workload's egress.
    const networkCost = networkMonthlyCost(network.resources, config.region, selfHosted.egressGBPerMonth);
    const networkProblem = networkWarning(networkCost, { region: config.region, egressGBPerMonth: selfHosted.egressGBPerMonth, overheadMonthlyUsd: config.overhead.storageNetworkEgressMonthlyUsd });
    if (networkProblem !== undefined) pulumi.log.warn(networkProblem);
    const cluster = new Cluster(`${name}-cluster`, {
        region: config.region, clusterName, kubernetesVersion: selfHosted.kubernetesVersion, privateSubnetIds: network.privateSubnetIds,
        publicApiEndpoint: selfHosted.publicApiEndpoint, systemInstanceType: selfHosted.systemInstanceType, tags,
    }, parentOpts);
    const k8sOpts = { ...parentOpts, providers: { kubernetes: cluster.provider } };
    const gpuPools = new GpuNodePools(`${name}-gpu`, {
        clusterName: cluster.clusterName, nodeRoleArn: cluster.nodeRoleArn, kubernetesVersion: selfHosted.kubernetesVersion,
        // The GPU zones are the VPC's first zones: GPU zone i uses private subnet i, and only it.
        zones: gpuZones.map((zone, i) => ({ zone, subnetId: subnetAt(network, i) })),
        instanceType: selfHosted.instanceType, nodesPerZone: selfHosted.nodesPerZone, rootVolumeSizeGiB: selfHosted.rootVolumeSizeGiB, accelerator: instance.gpu.id,
        ...(autoscaling !== undefined ? { maxNodesPerZone: autoscaling.bounds.perZone.map((z) => z.maxNodes) } : {}),
        capacityType: selfHosted.capacityType, ...(selfHosted.capacityReservationId !== undefined ? { capacityReservationId: selfHosted.capacityReservationId } : {}), tags,
    }, k8sOpts);
    const servingName = `${name}-vllm`;
    const source = selfHosted.modelSource;
    let mirror: S3ModelSource | undefined;
    let modelSource: ServingModelSource;
    if (source.kind === "s3") {
        mirror = new S3ModelSource(`${name}-model`, {
            region: config.region, bucket: source.bucket, prefix: source.prefix ?? model.huggingFaceId,
            namespace: SERVING_NAMESPACE, serviceAccountName: vllmServiceAccountName(servingName),
            oidcProviderArn: cluster.oidcProviderArn, oidcIssuerUrl: cluster.oidcIssuerUrl, tags,
        }, parentOpts);
        modelSource = { kind: "s3", uri: mirror.uri, region: config.region, roleArn: mirror.roleArn, cidrs: mirror.cidrs };
    } else {
        modelSource = { kind: "huggingface", cidrs: selfHosted.egressAllowedCidrs };
    }
    // The replica layout is the cost engine's: the same TP size, replicas per node and --max-num-seqs (the SLO's batch when an SLO sets it) it priced the capacity at.
    const layout = estimate.capacity.perNode;
    const serving = new VllmServing(servingName, {
        namespace: SERVING_NAMESPACE, image: selfHosted.vllmImage, huggingFaceId: model.huggingFaceId, servedModelName: model.id, precision: selfHosted.precision,
        tensorParallelSize: layout.tensorParallelSize, replicasPerNode: layout.replicasPerNode, zones: gpuZones, nodesPerZone: selfHosted.nodesPerZone,
        instance: { vcpu: instance.vcpu, memoryGiB: instance.memoryGiB, gpus: instance.gpu.count },
        gpuMemoryUtilization: selfHosted.gpuMemoryUtilization, maxModelLen: selfHosted.maxModelLen, maxNumSeqs: layout.maxNumSeqs,
        weightsGB: checkpointGB(model, selfHosted.precision), ...(hfToken !== undefined ? { hfToken } : {}), modelSource, endpointCidrs: network.privateSubnetCidrs,
        ...(vllmApiKey !== undefined ? { apiKey: vllmApiKey } : {}),
        // The load balancer's nodes live in the private subnets: the namespace admits them, and Prometheus.
        ...(endpointConfig !== undefined ? { ingress: { loadBalancerCidrs: network.privateSubnetCidrs, monitoringNamespace: MONITORING_NAMESPACE } } : {}),
        autoscaled: autoscaling !== undefined,
    }, { ...k8sOpts, dependsOn: mirror !== undefined ? [gpuPools, mirror] : [gpuPools] }); // the reader role's policy is attached before a pod starts
    const endpoint = endpointConfig === undefined ? undefined : createEndpoint(`${name}-vllm-endpoint`, endpointConfig, auth, {
        clusterName: cluster.clusterName, gpuZones, gpuPools, network, serving, estimate, tags,
    }, { ...k8sOpts, dependsOn: [serving] });
    const offer = offerFor(selfHosted);
    const monitoring = new Monitoring(`${name}-mon`, {
        namespace: MONITORING_NAMESPACE, servingNamespace: SERVING_NAMESPACE, vllmServiceLabels: serving.serviceLabels, vllmDeploymentNames: serving.deploymentNames,
        // The floor: one replica per GPU zone when redundant (a zone can fail and the stack still serves).
        redundancyFloorReplicas: selfHosted.redundancy ? gpuZones.length : 1,
        gpusPerNode: instance.gpu.count, ...dashboardNodePrice(config.region, selfHosted, offer),
        apiUsdPerMTok: estimate.api.usdPerMTok, storageClassName: cluster.storageClassName,
    }, { ...k8sOpts, dependsOn: [gpuPools] });
    if (autoscaling !== undefined) {
        createAutoscaling(`${name}-scale`, {
            plan: autoscaling, clusterName: cluster.clusterName, region: config.region, oidcProviderArn: cluster.oidcProviderArn, oidcIssuerUrl: cluster.oidcIssuerUrl,
            autoscalingGroupNames: gpuPools.autoscalingGroupNames, servingNamespace: SERVING_NAMESPACE, monitoringNamespace: MONITORING_NAMESPACE,
            deploymentNames: serving.deploymentNames, replicasPerNode: layout.replicasPerNode, tags,
        }, { ...k8sOpts, dependsOn: [serving, monitoring] });
    }

    return {
        clusterEndpoint: serving.endpoint, servedModelName: model.id, clusterName: cluster.clusterName, gpuNodeGroups: gpuPools.nodeGroupNames,
        network, networkCost, cluster, gpuPools, serving, endpoint, auth, vllmApiKey, modelSource: mirror, monitoring, estimate,
    };
}

/**
 * The GPU node's hourly price the dashboard's $/M panel uses: the stack region's own rate. Where the
 * region's file has none, the stack cannot deploy (the plan and the pack block its unpriced node
 * groups); the panel then shows the reference region's offer and says so, rather than $0.
 */
function dashboardNodePrice(region: string, selfHosted: Pick<SelfHostedConfig, "instanceType" | "pricing">, offer: GpuOffer): { nodeHourlyUsd: number; nodePriceBasis: string } {
    const node = ec2NodeHourly(region, selfHosted.instanceType, selfHosted.pricing);
    if (node !== undefined) return { nodeHourlyUsd: node.hourlyUsd, nodePriceBasis: `${node.label} in ${region}, ${node.provenance.source}, ${node.provenance.date}` };
    return {
        nodeHourlyUsd: offerHourlyUsd(offer),
        nodePriceBasis: `${offer.label}, ${offer.provenance.source}, ${offer.provenance.date}: ${region}'s price file has no ${selfHosted.instanceType} rate (${missingPriceFix(region)})`,
    };
}

/** The internal load balancer in front of the GPU zones' replicas (hybrid: the gateway's callers, the VPC). */
function createEndpoint(name: string, e: EndpointConfig, auth: EndpointAuth | undefined, from: {
    readonly clusterName: pulumi.Output<string>; readonly gpuZones: readonly string[]; readonly gpuPools: GpuNodePools; readonly network: Vpc;
    readonly serving: VllmServing; readonly estimate: Estimate; readonly tags: Record<string, string>;
}, opts: pulumi.ComponentResourceOptions): VllmEndpoint {
    const { network, estimate } = from;
    return new VllmEndpoint(name, {
        clusterName: from.clusterName, zones: from.gpuZones.map((zone, i) => ({ zone, nodeGroupName: nodeGroupAt(from.gpuPools, i) })),
        namespace: SERVING_NAMESPACE, podLabels: from.serving.appLabels, vpcId: network.vpcId, vpcCidr: network.vpcCidr, privateSubnetIds: network.privateSubnetIds,
        listener: endpointListener(e.certificateArn, e.hostName), allowedSecurityGroupIds: e.allowedSecurityGroupIds, idleTimeoutSeconds: e.idleTimeoutSeconds,
        // Hybrid: the gateway's tasks run in this VPC and call the endpoint (its virtual keys are the auth).
        allowedCidrs: auth === "gateway" ? [...new Set([...e.allowedCidrs, network.vpcCidr])] : e.allowedCidrs,
        ...(e.privateHostedZoneId !== undefined ? { privateHostedZoneId: e.privateHostedZoneId } : {}),
        lcuPerHour: albLcuPerHour({ requestsPerMonth: e.requestsPerMonth, tokensPerMonth: estimate.scenario.tokensPerMonth, peakToAverage: estimate.scenario.peakToAverage }).lcuPerHour,
        tags: from.tags,
    }, opts);
}

function nodeGroupAt(pools: GpuNodePools, index: number): pulumi.Output<string> {
    const group = pools.nodeGroupNames[index];
    if (group === undefined) throw new Error(`no GPU node group ${index} (${pools.nodeGroupNames.length} made)`);
    return group;
}

function subnetAt(network: Vpc, index: number): pulumi.Output<string> {
    const subnet = network.privateSubnetIds[index];
    if (subnet === undefined) throw new Error(`network has no private subnet ${index} (zones: ${network.availabilityZoneNames.join(", ")})`);
    return subnet;
}

/** The stack outputs of the self-hosted mode: the endpoint and the cost engine's view. */
export async function buildSelfHosted(config: StackConfig, secrets: StackSecrets): Promise<StackOutputs> {
    const deployment = await createSelfHosted(config, secrets);
    const e = deployment.estimate;
    return {
        endpoint: deployment.endpoint?.url ?? deployment.clusterEndpoint,
        ...(deployment.endpoint !== undefined ? { call: callOutputs({ ...deployment, endpoint: deployment.endpoint }) } : {}),
        ...(deployment.vllmApiKey !== undefined ? { apiKey: pulumi.secret(deployment.vllmApiKey) } : {}),
        clusterEndpoint: deployment.clusterEndpoint,
        servedModelName: deployment.servedModelName,
        clusterName: deployment.clusterName,
        gpuNodeGroups: deployment.gpuNodeGroups,
        vllmArgs: deployment.serving.args,
        modelSource: deployment.modelSource !== undefined
            ? { kind: "s3", uri: deployment.modelSource.uri, readerRoleArn: deployment.modelSource.roleArn, prefixListId: deployment.modelSource.prefixListId }
            : { kind: "huggingface" },
        projectedMonthlyUsd: e.selfHosted.monthlyUsd,
        // Named, so it is not read as the stack's whole bill (plan's monthly total and the pack add the rest).
        projectedMonthlyUsdCovers: `the GPU node groups and the overhead: the cost side of the break-even; the rest of the stack (control plane, system nodes, network, endpoint) is ${INFRASTRUCTURE_SPEND_NOTE}`,
        costBreakdown: e.selfHosted.lines.map((l) => ({ id: l.id, label: l.label, quantity: l.quantity, unit: l.unit, unitUsd: l.unitUsd, monthlyUsd: l.monthlyUsd })),
        network: networkOutputs(deployment.networkCost, config.overhead.storageNetworkEgressMonthlyUsd),
        apiEquivalentMonthlyUsd: e.api.monthlyUsd,
        breakEven: {
            tokensPerMonth: e.breakEven.tokensPerMonth,
            statement: e.breakEven.statement,
            unroutedTokensPerMonth: e.breakEven.unroutedTokensPerMonth,
            capacityAware: e.capacity.breakEven,
        },
        capacity: {
            tensorParallelSize: e.capacity.perNode.tensorParallelSize,
            replicasPerNode: e.capacity.perNode.replicasPerNode,
            outputTokensPerSecondPerNode: e.capacity.perNode.outputTokensPerSecond,
            tokensPerMonth: e.capacity.tokensPerMonth,
            servableTokensPerMonth: e.capacity.servableTokensPerMonth,
            servesVolume: e.capacity.servesVolume,
            nodesNeeded: e.capacity.nodesNeeded,
        },
        decision: { decision: e.decision, reason: e.decisionReason },
    };
}

/**
 * How to call the model, as stack outputs: the URL, the header, and the commands (`smoke` reads these;
 * the key itself is the secret output `apiKey`, shown only with --show-secrets).
 */
export function callOutputs(deployment: { readonly endpoint: VllmEndpoint; readonly auth: EndpointAuth | undefined; readonly servedModelName: string }): Record<string, pulumi.Input<unknown>> {
    const stack = pulumi.getStack();
    const key = deployment.auth === "api-key" ? "$(pulumi stack output apiKey --show-secrets -s " + stack + ")" : "<a gateway virtual key>";
    return {
        url: deployment.endpoint.url,
        protocol: deployment.endpoint.protocol,
        model: deployment.servedModelName,
        auth: deployment.auth,
        header: deployment.auth === "api-key" ? "Authorization: Bearer <stack output apiKey>" : "Authorization: Bearer <gateway virtual key>",
        curl: pulumi.interpolate`curl -sS ${deployment.endpoint.url}/chat/completions -H "Authorization: Bearer ${key}" -H 'Content-Type: application/json' -d '{"model":"${deployment.servedModelName}","messages":[{"role":"user","content":"ping"}],"max_tokens":8}'`,
        smoke: `npx llm-breakeven smoke --stack ${stack}`,
    };
}
