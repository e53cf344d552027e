/**
 * What a pricer returns and what it is given. A pricer prices one resource from its type token and
 * properties; fail closed (infracost's lesson: a missing price must never count as $0):
 * - a billable type or size the catalogue has no price for is `unpriced`, never free;
 * - a price-determining property that is unknown at preview (or missing) is `unknown`, naming the
 *   property, with a `worstCase` price when the properties bound it (e.g. a node group's maxSize);
 * - a type no pricer registers is `unpriced`. Only the free list (free.ts) is free, each with a reason.
 */
import { SourcedCostLine } from "../costLine";
import { ResourceLike } from "../resource";

export interface Priced {
    readonly kind: "priced";
    readonly monthlyUsd: number;
    readonly lines: readonly SourcedCostLine[];
    /** Set when the bill is usage-based and no usage assumption was given: the fixed part is all that is counted. */
    readonly usageNote?: string;
}
export interface Free { readonly kind: "free"; readonly reason: string }
export interface Unpriced { readonly kind: "unpriced"; readonly reason: string }
export interface UnknownPrice {
    readonly kind: "unknown";
    /** The property path whose value the price depends on and that is not known. */
    readonly property: string;
    readonly reason: string;
    /** The price at the worst case the other properties allow, when they bound it. */
    readonly worstCase?: Priced;
}
export type PricedResource = Priced | Free | Unpriced | UnknownPrice;

/** Why a resource has no price to trust, in one line (an unknown's reason names its property); "" when it has one. */
export function unpricedReason(price: PricedResource): string {
    return price.kind === "unpriced" || price.kind === "unknown" ? price.reason : "";
}

/** LCUs an application load balancer is priced at when no usage is given: 1, the smallest steady load (a stated assumption). */
export const DEFAULT_ALB_LCU_PER_HOUR = 1;

export interface UsageAssumptions {
    /** GB ingested per month per CloudWatch log group. Default: none (ingest is reported as usage-based). */
    readonly logIngestGBPerMonthPerGroup?: number;
    /** GB processed per month per NAT gateway. Default: none (processing is reported as usage-based). */
    readonly natProcessedGBPerMonthPerGateway?: number;
    /** Load balancer capacity units used per hour, per ALB. Default DEFAULT_ALB_LCU_PER_HOUR. */
    readonly albLcuPerHour?: number;
    /** Requests per month through each WAF web ACL. Default: none (request charges are usage-based). */
    readonly wafRequestsPerMonth?: number;
}

export interface PricingContext {
    /** The AWS region the resources are created in. Default us-east-1; any other region is unpriced. */
    readonly region?: string;
    /** How EC2 capacity is paid for. Default on-demand; reserved-1y applies the catalogue's 1-year discount where it has one. */
    readonly ec2Pricing?: "on-demand" | "reserved-1y";
    /** Finds another resource of the stack by URN, ARN or ID (an ECS service's task definition, a node group's launch template). */
    readonly lookup?: (ref: string) => ResourceLike | undefined;
    readonly usage?: UsageAssumptions;
}

/** Prices one resource of the type it is registered for. */
export type Pricer = (r: ResourceLike, ctx: PricingContext) => PricedResource;

/** One service module's pricers, by Pulumi type token (the registry, index.ts, merges them). */
export type PricerTable = Readonly<Record<string, Pricer>>;
