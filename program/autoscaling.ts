/**
 * The self-hosted stack's autoscaling, from its config and the engine's estimate: each zone's node
 * bounds (the floor it declares, the maximum its GPU budget ceiling pays for) and the KEDA
 * thresholds (the capacity model's queue and KV-cache figures). Pure: the preflight checks it
 * before any resource exists; createAutoscaling wires the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_OUTPUT_TOKENS } from "../cost/capacity";
import { Estimate } from "../cost/estimate";
import { NodeBounds, nodeBounds, scalingThresholds, ScalingThresholds } from "../cost/scaling";
import { offerMonthlyUsd } from "../cost/units";
import { offerFor } from "../cost/scenario";
import { NAMESPACE, SelfHostedConfig } from "../config/stack";
import { OpenModel } from "../cost/catalogue";
import { Autoscaling, AutoscalingArgs } from "../components/selfHosted/autoscaling";

export interface AutoscalingPlan {
    readonly bounds: NodeBounds;
    readonly thresholds: ScalingThresholds;
}

/** undefined without selfHosted.autoscaling (fixed pools); throws one message naming the key, value and fix. */
export function planAutoscaling(selfHosted: SelfHostedConfig, model: OpenModel, estimate: Estimate): AutoscalingPlan | undefined {
    const config = selfHosted.autoscaling;
    if (config === undefined) return undefined;
    const floorOffer = offerFor(selfHosted);
    const burstOffer = offerFor({ instanceType: selfHosted.instanceType, pricing: "on-demand" });
    let bounds: NodeBounds;
    try {
        bounds = nodeBounds({
            zones: selfHosted.gpuZones, floorNodesPerZone: selfHosted.nodesPerZone,
            floorNodeMonthlyUsd: offerMonthlyUsd(floorOffer), burstNodeMonthlyUsd: offerMonthlyUsd(burstOffer),
            gpuCeilingMonthlyUsd: config.gpuCeilingMonthlyUsd,
        });
    } catch (error) {
        throw new Error(`${NAMESPACE}:selfHosted.autoscaling.gpuCeilingMonthlyUsd: ${(error as Error).message} (${selfHosted.gpuZones} zones x ${selfHosted.nodesPerZone} ${selfHosted.instanceType} at ${floorOffer.label})`);
    }
    const perNode = estimate.capacity.perNode;
    const thresholds = scalingThresholds({
        model, precision: selfHosted.precision, gpu: floorOffer.gpu, tensorParallelSize: perNode.tensorParallelSize, replicasPerNode: perNode.replicasPerNode,
        batchPerReplica: perNode.batchPerReplica, nodeOutputTokensPerSecond: perNode.outputTokensPerSecond, inputOutputRatio: estimate.scenario.inputOutputRatio,
        contextTokens: contextTokensOf(estimate), gpuMemoryUtilization: selfHosted.gpuMemoryUtilization,
        ttftSloSeconds: config.ttftSloSeconds,
    });
    return { bounds, thresholds };
}

/**
 * Tokens in the KV cache per running sequence, as the capacity model sizes it: the prompt plus half
 * the answer (cost/capacity.ts: input = ratio x output when the workload gives only the output).
 */
function contextTokensOf(estimate: Estimate): number {
    const output = estimate.scenario.selfHosted.outputTokensPerRequest ?? DEFAULT_OUTPUT_TOKENS;
    return estimate.scenario.inputOutputRatio * output + output / 2;
}

/** The component's arguments, with the deployments and thresholds still to be derived from the plan. */
export interface AutoscalingWiring extends Omit<AutoscalingArgs, "deployments" | "waitingRequestsPerReplica" | "kvCacheUsage"> {
    readonly plan: AutoscalingPlan;
    /** The zone Deployments, in zone order (as the node bounds). */
    readonly deploymentNames: readonly string[];
    readonly replicasPerNode: number;
}

export function createAutoscaling(name: string, wiring: AutoscalingWiring, opts: pulumi.ComponentResourceOptions): Autoscaling {
    const { plan, deploymentNames, replicasPerNode, ...args } = wiring;
    const { bounds, thresholds } = plan;
    return new Autoscaling(name, {
        ...args,
        deployments: deploymentNames.map((deployment, i) => {
            const zone = bounds.perZone[i];
            if (zone === undefined) throw new Error(`autoscaling: no node bounds for zone ${i} (${deployment})`);
            return { name: deployment, minReplicas: zone.minNodes * replicasPerNode, maxReplicas: zone.maxNodes * replicasPerNode };
        }),
        waitingRequestsPerReplica: thresholds.waitingRequestsPerReplica, kvCacheUsage: thresholds.kvCacheUsage,
    }, opts);
}
