/**
 * The self-hosted side: nodes x node price + operational overhead, every line itemised with where
 * its figure came from.
 */
import { GpuOffer, Provenance } from "./catalogue";
import { KeyedCostLine } from "./costLine";
import { offerMonthlyUsd } from "./units";

/** Operational overhead per month (the seed: $3,500 engineering + $200 monitoring + $400 storage/network/egress). */
export interface Overhead {
    readonly engineeringMonthlyUsd: number;
    readonly monitoringMonthlyUsd: number;
    readonly storageNetworkEgressMonthlyUsd: number;
}

export interface SelfHostedCostInput {
    readonly offer: GpuOffer;
    readonly nodes: number;
    readonly overhead: Overhead;
    /** Provenance of the overhead figures; default none (they are the caller's). */
    readonly overheadProvenance?: Provenance;
}

export interface SelfHostedCost {
    readonly nodeMonthlyUsd: number;
    readonly gpuMonthlyUsd: number;
    readonly overheadMonthlyUsd: number;
    readonly monthlyUsd: number;
    readonly lines: readonly KeyedCostLine[];
}

export function overheadMonthlyUsd(overhead: Overhead): number {
    return overhead.engineeringMonthlyUsd + overhead.monitoringMonthlyUsd + overhead.storageNetworkEgressMonthlyUsd;
}

export function selfHostedCost(input: SelfHostedCostInput): SelfHostedCost {
    if (!(Number.isInteger(input.nodes) && input.nodes >= 0)) throw new Error(`nodes ${input.nodes} must be a whole number of nodes, 0 or more`);
    for (const [key, usd] of Object.entries(input.overhead)) {
        if (!(Number.isFinite(usd) && usd >= 0)) throw new Error(`overhead.${key} ${usd} must be a finite amount of USD, 0 or more`);
    }
    const nodeMonthlyUsd = offerMonthlyUsd(input.offer);
    const gpuMonthlyUsd = nodeMonthlyUsd * input.nodes;
    const overhead = overheadMonthlyUsd(input.overhead);
    const op = input.overheadProvenance !== undefined ? { provenance: input.overheadProvenance } : {};
    const lines: KeyedCostLine[] = [
        { id: "gpu-nodes", label: `GPU nodes: ${input.offer.label}`, quantity: input.nodes, unit: "node-month", unitUsd: nodeMonthlyUsd, monthlyUsd: gpuMonthlyUsd, provenance: input.offer.provenance },
        { id: "engineering", label: "ML infra engineering allocation", quantity: 1, unit: "month", unitUsd: input.overhead.engineeringMonthlyUsd, monthlyUsd: input.overhead.engineeringMonthlyUsd, ...op },
        { id: "monitoring", label: "Monitoring and alerting", quantity: 1, unit: "month", unitUsd: input.overhead.monitoringMonthlyUsd, monthlyUsd: input.overhead.monitoringMonthlyUsd, ...op },
        { id: "storage-network-egress", label: "Storage, networking, egress", quantity: 1, unit: "month", unitUsd: input.overhead.storageNetworkEgressMonthlyUsd, monthlyUsd: input.overhead.storageNetworkEgressMonthlyUsd, ...op },
    ];
    return { nodeMonthlyUsd, gpuMonthlyUsd, overheadMonthlyUsd: overhead, monthlyUsd: gpuMonthlyUsd + overhead, lines };
}
