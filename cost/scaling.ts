/**
 * What the autoscalers act on, derived from the capacity model (never typed by hand):
 *  - the queue a replica may hold while a waiting request still starts within the TTFT SLO;
 *  - the KV-cache share a replica uses when it runs the batch the capacity model sized it for;
 *  - the GPU node bounds: the N+1 floor the stack declares, and the most nodes the GPU budget
 *    ceiling pays for (burst nodes at the on-demand rate: a reservation covers the floor only).
 */
import { GpuId, OpenModel, Precision } from "./catalogue";
import { fitModel, kvBytesPerToken } from "./memory";

export interface ScalingThresholdsInput {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    /** The capacity model's chosen layout and its output. */
    readonly tensorParallelSize: number;
    readonly replicasPerNode: number;
    readonly batchPerReplica: number;
    readonly nodeOutputTokensPerSecond: number;
    /** Input tokens per output token. */
    readonly inputOutputRatio: number;
    /** Tokens in the KV cache per running sequence, on average (the capacity model's contextTokens). */
    readonly contextTokens: number;
    readonly gpuMemoryUtilization: number;
    /** The time-to-first-token objective, seconds. */
    readonly ttftSloSeconds: number;
}

export interface ScalingThresholds {
    /** Requests waiting per replica above which a replica is added (KEDA prometheus `threshold`, AverageValue). */
    readonly waitingRequestsPerReplica: number;
    /** KV-cache share (0..1) per replica above which a replica is added. */
    readonly kvCacheUsage: number;
    readonly outputTokensPerRequest: number;
    readonly requestsPerSecondPerReplica: number;
    /** How each figure was reached, for comments and the README. */
    readonly basis: readonly string[];
}

/**
 * A request waiting at position q starts when q running sequences finish; a replica finishes
 * requests at mu = (its output tokens/s) / (output tokens per request), so it starts within the
 * SLO while q <= SLO x mu. Output tokens per request come from the capacity model's context: a
 * running sequence holds its prompt (r x O tokens) and, on average, half its output, so
 * contextTokens = (r + 1/2) x O. Prefill time is not counted against the SLO here (the alert on
 * p95 TTFT watches the whole of it).
 */
export function scalingThresholds(input: ScalingThresholdsInput): ScalingThresholds {
    const problems: string[] = [];
    if (!(input.ttftSloSeconds > 0 && Number.isFinite(input.ttftSloSeconds))) problems.push(`ttftSloSeconds ${input.ttftSloSeconds} must be above 0`);
    if (!(Number.isInteger(input.replicasPerNode) && input.replicasPerNode >= 1)) problems.push(`replicasPerNode ${input.replicasPerNode} must be 1 or more`);
    if (!(input.batchPerReplica >= 1)) problems.push(`batchPerReplica ${input.batchPerReplica} must be 1 or more (the model does not fit this layout)`);
    if (!(input.nodeOutputTokensPerSecond > 0)) problems.push(`nodeOutputTokensPerSecond ${input.nodeOutputTokensPerSecond} must be above 0`);
    if (problems.length > 0) throw new Error(`scalingThresholds: ${problems.join("; ")}`);
    const outputTokensPerRequest = input.contextTokens / (input.inputOutputRatio + 0.5);
    const replicaOutputTokensPerSecond = input.nodeOutputTokensPerSecond / input.replicasPerNode;
    const requestsPerSecondPerReplica = replicaOutputTokensPerSecond / outputTokensPerRequest;
    // At least one: a replica with any queue at all is behind its SLO when it serves under one request per SLO.
    const waitingRequestsPerReplica = Math.max(1, Math.floor(input.ttftSloSeconds * requestsPerSecondPerReplica));
    const fit = fitModel({ model: input.model, precision: input.precision, gpu: input.gpu, gpusPerReplica: input.tensorParallelSize, gpuMemoryUtilization: input.gpuMemoryUtilization });
    const batchKvGB = (input.batchPerReplica * input.contextTokens * kvBytesPerToken(input.model, input.precision)) / 1e9;
    // The share of the cache the sized batch fills, to two places; capped just under 1 so KEDA can ever cross it.
    const kvCacheUsage = Math.min(0.99, Math.round((batchKvGB / fit.kvCacheGB) * 100) / 100);
    return {
        waitingRequestsPerReplica,
        kvCacheUsage,
        outputTokensPerRequest,
        requestsPerSecondPerReplica,
        basis: [
            `${outputTokensPerRequest.toFixed(0)} output tokens per request = ${input.contextTokens} tokens of context / (${input.inputOutputRatio} + 0.5)`,
            `${requestsPerSecondPerReplica.toFixed(2)} requests/s per replica = ${replicaOutputTokensPerSecond.toFixed(0)} output tokens/s / ${outputTokensPerRequest.toFixed(0)}`,
            `${waitingRequestsPerReplica} waiting per replica = floor(TTFT SLO ${input.ttftSloSeconds} s x ${requestsPerSecondPerReplica.toFixed(2)} requests/s)`,
            `KV cache ${(kvCacheUsage * 100).toFixed(0)}% = batch ${input.batchPerReplica} x ${input.contextTokens} tokens (${batchKvGB.toFixed(0)} GB) of ${fit.kvCacheGB.toFixed(0)} GB per replica`,
        ],
    };
}

export interface NodeBoundsInput {
    readonly zones: number;
    /** The declared N+1 floor, per zone (selfHosted.nodesPerZone). */
    readonly floorNodesPerZone: number;
    /** What one floor node costs per month (at the stack's pricing: reserved or on-demand). */
    readonly floorNodeMonthlyUsd: number;
    /** What one burst node costs per month: on-demand (a reservation covers the floor only). */
    readonly burstNodeMonthlyUsd: number;
    /** The most the GPU nodes may cost per month with every group at its maximum. */
    readonly gpuCeilingMonthlyUsd: number;
}

export interface NodeBounds {
    /** Per zone, in zone order. */
    readonly perZone: readonly { readonly minNodes: number; readonly maxNodes: number }[];
    readonly floorNodes: number;
    readonly maxNodes: number;
    readonly floorGpuMonthlyUsd: number;
    readonly ceilingGpuMonthlyUsd: number;
}

/**
 * The most whole burst nodes the ceiling pays for above the floor, spread over the zones as evenly
 * as whole nodes allow (the first zones take the remainder), as Cluster Autoscaler's
 * balance-similar-node-groups then fills them.
 */
export function nodeBounds(input: NodeBoundsInput): NodeBounds {
    const { zones, floorNodesPerZone } = input;
    if (!(Number.isInteger(zones) && zones >= 1)) throw new Error(`nodeBounds: zones ${zones} must be 1 or more`);
    if (!(Number.isInteger(floorNodesPerZone) && floorNodesPerZone >= 1)) throw new Error(`nodeBounds: floorNodesPerZone ${floorNodesPerZone} must be 1 or more`);
    if (!(input.burstNodeMonthlyUsd > 0 && input.floorNodeMonthlyUsd > 0)) throw new Error(`nodeBounds: node prices must be above 0 (floor ${input.floorNodeMonthlyUsd}, burst ${input.burstNodeMonthlyUsd})`);
    const floorNodes = zones * floorNodesPerZone;
    const floorGpuMonthlyUsd = floorNodes * input.floorNodeMonthlyUsd;
    // A cent of tolerance either way: a ceiling typed as the exact sum of node prices holds those nodes.
    if (!(input.gpuCeilingMonthlyUsd + 0.01 >= floorGpuMonthlyUsd)) {
        throw new Error(`the GPU ceiling $${input.gpuCeilingMonthlyUsd.toFixed(0)}/month is below the floor of ${floorNodes} nodes ($${floorGpuMonthlyUsd.toFixed(0)}/month); allowed: ${Math.ceil(floorGpuMonthlyUsd)} or more`);
    }
    const burstNodes = Math.max(0, Math.floor((input.gpuCeilingMonthlyUsd - floorGpuMonthlyUsd + 0.01) / input.burstNodeMonthlyUsd));
    const perZone = Array.from({ length: zones }, (_, i) => ({
        minNodes: floorNodesPerZone,
        maxNodes: floorNodesPerZone + Math.floor(burstNodes / zones) + (i < burstNodes % zones ? 1 : 0),
    }));
    return {
        perZone,
        floorNodes,
        maxNodes: floorNodes + burstNodes,
        floorGpuMonthlyUsd,
        ceilingGpuMonthlyUsd: floorGpuMonthlyUsd + burstNodes * input.burstNodeMonthlyUsd,
    };
}
