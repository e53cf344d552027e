/**
 * Subnet plans for the one VPC component (components/network/vpc.ts): pure functions from a VPC CIDR and its zones to
 * one private and one public subnet per zone. Two layouts, because the two modes fill their private
 * subnets very differently, and a stack that exists keeps the layout it was built with (a subnet
 * whose CIDR changes is replaced, and everything in it with it).
 */
import { formatCidr, parseCidr } from "./cidr";

export interface SubnetPlan {
    readonly zone: string;
    /** Nodes, pods, tasks, cache and database: nothing here has a public address. */
    readonly privateCidr: string;
    /** The NAT gateways and, for an internet-facing load balancer, its nodes. */
    readonly publicCidr: string;
}

/** Up to 6 zones in either layout (no AWS region offers more standard zones to one account). */
export const MAX_ZONES = 6;
/** A /20 VPC gives /23 private subnets (~500 pod and node addresses per zone), the smallest that serves a GPU pool. */
export const SMALLEST_VPC_PREFIX = 20;

/** Parses the VPC's CIDR and checks it is large enough for the node subnet plan. */
export function parseVpcCidr(cidr: string): { readonly base: number; readonly prefix: number } {
    const parsed = parseCidr(cidr);
    if (parsed.prefix > SMALLEST_VPC_PREFIX) throw new Error(`"${cidr}" is too small for per-zone node subnets (pods take VPC addresses); allowed: a /${SMALLEST_VPC_PREFIX} or larger, such as 10.40.0.0/16`);
    return parsed;
}

/**
 * The self-hosted layout, for EKS nodes (the VPC CNI gives every pod a VPC address: the private
 * subnets are large): zone i gets the i-th /N+3 block as its private subnet; public subnets, which
 * hold only the NAT gateways, are /N+8 blocks carved from the 7th /N+3 block (a /16 gives private
 * /19s with 8,190 addresses each and public /24s). Nothing overlaps and everything lies inside the
 * VPC (property-tested).
 */
export function planSubnets(vpcCidr: string, zones: readonly string[]): SubnetPlan[] {
    const { base, prefix } = parseVpcCidr(vpcCidr);
    if (zones.length < 1 || zones.length > MAX_ZONES) throw new Error(`${zones.length} zones: the plan holds 1 to ${MAX_ZONES}`);
    const privateSize = 2 ** (32 - (prefix + 3));
    const publicSize = 2 ** (32 - (prefix + 8));
    const publicBase = base + MAX_ZONES * privateSize;
    return zones.map((zone, i) => ({
        zone,
        privateCidr: formatCidr(base + i * privateSize, prefix + 3),
        publicCidr: formatCidr(publicBase + i * publicSize, prefix + 8),
    }));
}

/**
 * The gateway layout: the VPC in 16 equal blocks (/N+4); zone i gets block i as its private subnet
 * and block 8+i as its public one (the load balancer's nodes live there when it faces the internet).
 * A /16 gives /20s (4,091 usable addresses each), ample for tasks, cache and database. An
 * Application Load Balancer needs subnets in at least 2 zones.
 */
export function planGatewaySubnets(vpcCidr: string, zones: readonly string[]): SubnetPlan[] {
    const { base, prefix } = parseCidr(vpcCidr);
    if (prefix < 16 || prefix > 20) throw new Error(`"${vpcCidr}" must be a /16 to /20 (AWS allows /16 at most; a /20 leaves /24 subnets)`);
    if (zones.length < 2 || zones.length > MAX_ZONES) {
        throw new Error(`${zones.length} zones; an Application Load Balancer needs subnets in at least 2 zones, and the plan holds at most ${MAX_ZONES}`);
    }
    const block = 2 ** (32 - prefix) / 16;
    return zones.map((zone, i) => ({
        zone,
        privateCidr: formatCidr(base + i * block, prefix + 4),
        publicCidr: formatCidr(base + (8 + i) * block, prefix + 4),
    }));
}
