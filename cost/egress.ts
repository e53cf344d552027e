/**
 * The network's usage charges in the stack's region, from the workload: the egress volume through
 * the NAT gateways, billed per GB processed and per GB transferred out. What is billed by the hour
 * (the NAT gateways, their addresses, the interface endpoints) is not priced here: it is the resources
 * the program created, priced one by one by cost/pricers/ (program/network.ts puts the two together).
 * Prices from the region's file (cost/prices/data/aws/<region>.json): a price it lacks is listed, never $0.
 */
import { AwsServiceKey, awsServicePrice, DATA_TRANSFER_OUT_TIERS } from "./prices/aws";
import { missingPriceFix } from "./prices/store";
import { KeyedCostLine } from "./costLine";

export interface EgressCost {
    /** The lines the region's file prices: NAT processing, then data transfer out by tier. */
    readonly lines: readonly KeyedCostLine[];
    /** The sum of `lines`: the egress bill only when `unpriced` is empty. */
    readonly monthlyUsd: number;
    /** One line per price the region's file lacks, naming the region and the fix; such a line is left out, not counted as $0. */
    readonly unpriced: readonly string[];
}

/**
 * `egressGBPerMonth` of internet egress through NAT (model pulls, telemetry): NAT processing per GB
 * plus data transfer out at the tiered internet rate. All of the volume is priced as outbound, an
 * upper bound: model pulls are inbound (free to receive, but still NAT-processed).
 */
export function egressMonthlyCost(region: string, egressGBPerMonth: number): EgressCost {
    const gb = egressGBPerMonth;
    if (!(Number.isFinite(gb) && gb >= 0)) throw new Error(`egressGBPerMonth ${gb} must be a finite volume, 0 or more`);
    const unpriced = new Set<string>();
    const line = (id: string, key: AwsServiceKey, quantity: number, label: string): KeyedCostLine[] => {
        const price = awsServicePrice(region, key);
        if (price === undefined) {
            unpriced.add(`${key} has no price in ${region} (cost/prices/data/aws/${region}.json): ${missingPriceFix(region)}`);
            return [];
        }
        return [{ id, label, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd, provenance: price.provenance }];
    };
    let below = 0;
    const transferOut = DATA_TRANSFER_OUT_TIERS.flatMap((tier) => {
        const inTier = Math.max(Math.min(gb, tier.upToGB) - below, 0);
        below = tier.upToGB;
        return line(tier.id, tier.price, inTier, tier.label);
    });
    const lines = [...line("nat-processing", "natGatewayPerGB", gb, `${gb} GB/month through NAT`), ...transferOut];
    return { lines, monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0), unpriced: [...unpriced] };
}
