/**
 * AWS prices by region, as the catalogue and the resource pricer read them: each a figure with its
 * provenance (the offer file's SKU and version, or the mirror it was read from), or undefined when the
 * region's file lacks it. Callers turn undefined into a fail-closed error naming the region, the
 * resource and `llm-breakeven prices update --region <r>`; nothing here substitutes another region.
 */
import type { Provenance } from "../catalogue";
import { EbsVolumeType, PriceFileServiceKey, PricePoint, ReservedPoint } from "./schema";
import { regionPrices, supportedRegions } from "./store";

/** What a price is for in a message ("cluster-hour", "GB processed"), per catalogue key. */
export const SERVICE_UNITS: Readonly<Record<PriceFileServiceKey, string>> = {
    eksClusterHour: "cluster-hour",
    eksExtendedSupportClusterHour: "cluster-hour of extended support (added to the cluster-hour)",
    natGatewayHour: "NAT gateway-hour",
    natGatewayPerGB: "GB processed",
    dataTransferOutFirst10TBPerGB: "GB out to internet (first 10 TB)",
    dataTransferOutNext40TBPerGB: "GB out to internet (next 40 TB)",
    dataTransferOutNext100TBPerGB: "GB out to internet (next 100 TB)",
    crossAzPerGBEachWay: "GB cross-AZ, each direction",
    publicIpv4Hour: "public IPv4 address-hour",
    albHour: "ALB-hour",
    albLcuHour: "LCU-hour",
    fargateVcpuHour: "vCPU-hour (x86)",
    fargateGBHour: "GB-hour (x86)",
    cloudwatchLogsIngestPerGB: "GB ingested",
    cloudwatchAlarmMonth: "standard-resolution alarm-month",
    cloudwatchHighResAlarmMonth: "high-resolution alarm-month",
    cloudwatchDashboardMonth: "dashboard-month",
    managedPrometheusPer10MSamples: "10M samples ingested (first 2B/month)",
    secretsManagerSecretMonth: "secret-month",
    vpcInterfaceEndpointAzHour: "interface endpoint-AZ-hour",
    vpcInterfaceEndpointPerGB: "GB processed by an interface endpoint",
    kmsKeyMonth: "customer managed key-month",
    wafWebAclMonth: "web ACL-month",
    wafRuleMonth: "rule-month",
    wafPerMRequests: "million requests",
    rdsGp3GBMonth: "GB-month RDS gp3 (single-AZ; x2 multi-AZ)",
};

/** A price point's provenance: the offer file and SKU when read from AWS, else the mirror it names. */
export function provenanceOf(point: PricePoint, region: string): Provenance {
    const source = point.sku === null ? point.source : `AWS Price List ${point.source} (SKU ${point.sku}, offer version ${point.offerVersion ?? "?"})`;
    const low = /low confidence/.test(point.source);
    return { source, region, date: point.publicationDate.slice(0, 10), ...(low ? { confidence: "low" as const } : {}) };
}

/** Whether the catalogue has a price file for the region. */
export function hasRegion(region: string): boolean {
    return supportedRegions().includes(region);
}

/** A service price in the unit its source quotes it in, named for messages. */
export interface ServicePrice {
    readonly usd: number;
    /** What one unit is, for messages: "cluster-hour", "GB", "vCPU-hour". */
    readonly unit: string;
    readonly provenance: Provenance;
}

export interface HourlyPrice {
    readonly hourlyUsd: number;
    readonly provenance: Provenance;
}

export function ec2OnDemandHourly(region: string, instanceType: string): HourlyPrice | undefined {
    const p = hasRegion(region) ? regionPrices(region).ec2[instanceType]?.onDemand : undefined;
    return p === undefined ? undefined : { hourlyUsd: p.usd, provenance: provenanceOf(p, region) };
}

/** The 1-year standard reserved rate with no upfront payment (the option the catalogue's reserved-1y pricing means). */
export function ec2Reserved1yHourly(region: string, instanceType: string): (HourlyPrice & { readonly point: ReservedPoint }) | undefined {
    const p = hasRegion(region) ? regionPrices(region).ec2[instanceType]?.reserved1y?.["No Upfront"] : undefined;
    return p === undefined ? undefined : { hourlyUsd: p.usd, provenance: provenanceOf(p, region), point: p };
}

/**
 * What one node of the type costs an hour in the region, paid as asked: the 1-year no-upfront reserved
 * rate when asked for and listed, else on-demand (without a sourced reserved rate, the higher, safe
 * figure); undefined when the region's file has no on-demand rate for the type.
 */
export function ec2NodeHourly(region: string, instanceType: string, pricing: "on-demand" | "reserved-1y"): (HourlyPrice & { readonly label: string }) | undefined {
    const onDemand = ec2OnDemandHourly(region, instanceType);
    if (onDemand === undefined) return undefined;
    const reserved = pricing === "reserved-1y" ? ec2Reserved1yHourly(region, instanceType) : undefined;
    if (reserved !== undefined) return { hourlyUsd: reserved.hourlyUsd, provenance: reserved.provenance, label: `${instanceType} 1-year reserved` };
    return { ...onDemand, label: `${instanceType} on-demand` };
}

export function servicePrice(region: string, key: PriceFileServiceKey): ServicePrice | undefined {
    const p = hasRegion(region) ? regionPrices(region).services[key] : undefined;
    return p === undefined ? undefined : { usd: p.usd, unit: SERVICE_UNITS[key], provenance: provenanceOf(p, region) };
}

export function ebsGBMonth(region: string, volume: EbsVolumeType): ServicePrice | undefined {
    const p = hasRegion(region) ? regionPrices(region).ebs[volume] : undefined;
    return p === undefined ? undefined : { usd: p.usd, unit: `GB-month ${volume}`, provenance: provenanceOf(p, region) };
}

export function rdsPostgresHourly(region: string, instanceClass: string, multiAz: boolean): HourlyPrice | undefined {
    const prices = hasRegion(region) ? regionPrices(region).rds["postgres"]?.[instanceClass] : undefined;
    const p = multiAz ? prices?.multiAz : prices?.singleAz;
    return p === undefined ? undefined : { hourlyUsd: p.usd, provenance: provenanceOf(p, region) };
}

/** The region's own price for the engine's node; undefined when its file has none. */
export function elasticacheHourly(region: string, engine: "redis" | "valkey", nodeType: string): HourlyPrice | undefined {
    const p = hasRegion(region) ? regionPrices(region).elasticache[engine]?.[nodeType] : undefined;
    return p === undefined ? undefined : { hourlyUsd: p.usd, provenance: provenanceOf(p, region) };
}

/** Classes/types the region has prices for, for "not in the catalogue (known: ...)" messages. */
export function knownRdsPostgresClasses(region: string): string[] {
    return hasRegion(region) ? Object.keys(regionPrices(region).rds["postgres"] ?? {}).sort() : [];
}
export function knownElasticacheNodes(region: string, engine: string): string[] {
    return hasRegion(region) ? Object.keys(regionPrices(region).elasticache[engine] ?? {}).sort() : [];
}
