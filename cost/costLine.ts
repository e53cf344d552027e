/**
 * One line of a monthly bill, wherever it is priced: a resource's (cost/pricers/), the self-hosted
 * nodes and overhead (selfHosted.ts), the API tiers (gateway.ts), the network's egress usage (egress.ts).
 */
import type { Provenance } from "./catalogue";

export interface CostLine {
    /** A stable key where readers pick the line out by it ("gpu-nodes", "api-simple"); a resource's lines go by its URN. */
    readonly id?: string;
    /** What is billed, in words (the quantity and the rate where they help). */
    readonly label: string;
    /** Units per month (instance-hours, GB-months, secrets, node-months). */
    readonly quantity: number;
    readonly unit: string;
    readonly unitUsd: number;
    readonly monthlyUsd: number;
    /** Where the unit price comes from; absent only for the stack's own figures (its overhead). */
    readonly provenance?: Provenance;
}

/** A line readers find by its id (the engine's itemised bills). */
export type KeyedCostLine = CostLine & { readonly id: string };

/** A line whose unit price has a source: every line the resource pricer writes. */
export type SourcedCostLine = CostLine & { readonly provenance: Provenance };
