/**
 * The self-hosted network's monthly bill in the stack's region, for the stack output `network` and the
 * warning when it outgrows the overhead's storage/network/egress line. The counts come from what the
 * VPC component built (components/network/vpc.ts), the egress volume from the stack config, the prices
 * from the region's file (cost/prices/data/aws/<region>.json): a price it lacks is listed, never $0.
 */
import { AwsServiceKey, awsServicePrice, DATA_TRANSFER_OUT_TIERS } from "./prices/aws";
import { missingPriceFix } from "./prices/store";
import { KeyedCostLine } from "./costLine";
import { HOURS_PER_MONTH } from "./units";

export interface NetworkCostInput {
    /** The stack's AWS region: every line is priced from its price file. */
    readonly region: string;
    readonly zones: number;
    readonly interfaceEndpoints: number;
    /** Internet egress through the NAT gateways per month, GB (model pulls, telemetry). */
    readonly egressGBPerMonth: number;
}

export interface NetworkCost {
    /** The lines the region's file prices. */
    readonly lines: readonly KeyedCostLine[];
    /** The sum of `lines`: the network's bill only when `unpriced` is empty. */
    readonly monthlyUsd: number;
    /** The egress part alone: NAT processing plus data transfer out. */
    readonly egressMonthlyUsd: number;
    /** One line per price the region's file lacks, naming the region and the fix; such a line is left out, not counted as $0. */
    readonly unpriced: readonly string[];
}

/**
 * The network's monthly bill in the input's region: NAT gateway hours (one per zone), the NAT's public
 * IPv4 addresses, interface endpoint hours (one ENI per zone per endpoint), and the egress volume:
 * NAT processing per GB plus data transfer out at the tiered internet rate. All of the volume is priced
 * as outbound, an upper bound: model pulls are inbound (free to receive, but still NAT-processed).
 */
export function networkMonthlyCost(input: NetworkCostInput): NetworkCost {
    const { region, zones, interfaceEndpoints, egressGBPerMonth: gb } = input;
    const unpriced = new Set<string>();
    const line = (id: string, key: AwsServiceKey, quantity: number, label: string): KeyedCostLine[] => {
        const price = awsServicePrice(region, key);
        if (price === undefined) {
            unpriced.add(`${key} has no price in ${region} (cost/prices/data/aws/${region}.json): ${missingPriceFix(region)}`);
            return [];
        }
        return [{ id, label, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd, provenance: price.provenance }];
    };
    if (!(Number.isInteger(zones) && zones >= 1)) throw new Error(`zones ${zones} must be a whole number, 1 or more`);
    if (!(Number.isFinite(gb) && gb >= 0)) throw new Error(`egressGBPerMonth ${gb} must be a finite volume, 0 or more`);
    let below = 0;
    const transferOut = DATA_TRANSFER_OUT_TIERS.flatMap((tier) => {
        const inTier = Math.max(Math.min(gb, tier.upToGB) - below, 0);
        below = tier.upToGB;
        return line(tier.id, tier.price, inTier, tier.label);
    });
    const lines = [
        ...line("nat-gateway-hours", "natGatewayHour", zones * HOURS_PER_MONTH, `${zones} NAT gateways (one per zone), ${HOURS_PER_MONTH} h`),
        ...line("nat-public-ipv4", "publicIpv4Hour", zones * HOURS_PER_MONTH, `${zones} Elastic IPs on the NAT gateways, ${HOURS_PER_MONTH} h`),
        ...line("interface-endpoint-hours", "vpcInterfaceEndpointAzHour", interfaceEndpoints * zones * HOURS_PER_MONTH, `${interfaceEndpoints} interface endpoints x ${zones} zones, ${HOURS_PER_MONTH} h`),
        ...line("nat-processing", "natGatewayPerGB", gb, `${gb} GB/month through NAT`),
        ...transferOut,
    ];
    const egressIds = new Set(["nat-processing", ...DATA_TRANSFER_OUT_TIERS.map((t) => t.id)]);
    return {
        lines,
        monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        egressMonthlyUsd: lines.filter((l) => egressIds.has(l.id)).reduce((sum, l) => sum + l.monthlyUsd, 0),
        unpriced: [...unpriced],
    };
}
