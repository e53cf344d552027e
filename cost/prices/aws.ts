/**
 * The AWS service prices the cost engine reads, by region, under the keys the pricers and estimates
 * use. Every figure comes from cost/prices/data/aws/<region>.json (cost/prices/lookup.ts) with its
 * provenance; nothing here is typed by hand. A price a region's file lacks is undefined, or, where a
 * caller needs it, one error naming the region, the price and `llm-breakeven prices update --region <r>`.
 */
import type { Provenance } from "../catalogue";
import { ebsGBMonth, elasticacheHourly, knownElasticacheNodes, knownRdsPostgresClasses, rdsPostgresHourly, ServicePrice, servicePrice } from "./lookup";
import { SERVICE_KEYS, ServiceKey } from "./schema";
import { missingPriceFix } from "./store";

export type { ServicePrice } from "./lookup";

/** The region the engine's stack-independent estimates (cost/estimate.ts, the GPU offers) are priced in. */
export const REFERENCE_REGION = "us-east-1";

export type AwsServiceKey = ServiceKey | "ebsGp3GBMonth" | "ebsGp2GBMonth";

export const AWS_SERVICE_KEYS: readonly AwsServiceKey[] = [...SERVICE_KEYS, "ebsGp3GBMonth", "ebsGp2GBMonth"];

/** A service price in a region; undefined when the region's file lacks it (the caller fails closed). */
export function awsServicePrice(region: string, key: AwsServiceKey): ServicePrice | undefined {
    if (key === "ebsGp3GBMonth") return ebsGBMonth(region, "gp3");
    if (key === "ebsGp2GBMonth") return ebsGBMonth(region, "gp2");
    return servicePrice(region, key);
}

/** A price a region-specific estimate cannot do without: its absence throws the one-line fix. */
export function requireAwsServicePrice(region: string, key: AwsServiceKey): ServicePrice {
    const price = awsServicePrice(region, key);
    if (price === undefined) throw new Error(`${key} has no price in ${region} (cost/prices/data/aws/${region}.json): ${missingPriceFix(region)}`);
    return price;
}

/** The service keys a region's file has no price for, in key order (README "Prices" lists them per region). */
export function missingAwsServiceKeys(region: string): AwsServiceKey[] {
    return AWS_SERVICE_KEYS.filter((key) => awsServicePrice(region, key) === undefined);
}

/** The AWS service prices of REFERENCE_REGION, for tables and tests that need the reference figures; a stack's resources are priced in their own region. */
export const AWS_SERVICES: Readonly<Record<AwsServiceKey, ServicePrice>> = Object.fromEntries(
    AWS_SERVICE_KEYS.map((k) => [k, requireAwsServicePrice(REFERENCE_REGION, k)]),
) as Record<AwsServiceKey, ServicePrice>;

/**
 * Data transfer out to the internet is tiered by the month's volume: each tier's rate applies to the
 * GB up to its bound (1 TB = 1,024 GB). The last tier is open-ended: AWS's next-100-TB rate, applied
 * past 150 TB too, an upper bound on the lower rate AWS charges there.
 */
export const DATA_TRANSFER_OUT_TIERS: ReadonlyArray<{ readonly id: string; readonly upToGB: number; readonly price: AwsServiceKey; readonly label: string }> = [
    { id: "egress-first-10tb", upToGB: 10 * 1024, price: "dataTransferOutFirst10TBPerGB", label: "data transfer out, first 10 TB" },
    { id: "egress-next-40tb", upToGB: 50 * 1024, price: "dataTransferOutNext40TBPerGB", label: "data transfer out, next 40 TB" },
    { id: "egress-next-100tb", upToGB: Number.POSITIVE_INFINITY, price: "dataTransferOutNext100TBPerGB", label: "data transfer out, beyond 50 TB (priced at the next-100-TB rate)" },
];

/**
 * Valkey nodes are priced at 0.8x the Redis OSS node price where a region's file has no Valkey price of
 * its own (AWS ElastiCache pricing, public price tables, 2026-10, low confidence).
 */
export const VALKEY_PRICE_FACTOR = { factor: 0.8, provenance: { source: "public price tables", region: "global", date: "2026-10", confidence: "low" } as Provenance } as const;

/** Hourly prices of ElastiCache Redis OSS nodes in REFERENCE_REGION. */
export const ELASTICACHE_NODES: Readonly<Record<string, { readonly redisOssHourUsd: number; readonly provenance: Provenance }>> = Object.fromEntries(
    knownElasticacheNodes(REFERENCE_REGION, "redis").flatMap((node) => {
        const p = elasticacheHourly(REFERENCE_REGION, "redis", node);
        return p === undefined ? [] : [[node, { redisOssHourUsd: p.hourlyUsd, provenance: p.provenance }]];
    }),
);

/** Hourly prices of RDS for PostgreSQL instance classes in REFERENCE_REGION (both deployments priced). */
export const RDS_POSTGRES_INSTANCES: Readonly<Record<string, { readonly singleAzHourUsd: number; readonly multiAzHourUsd: number; readonly provenance: Provenance }>> = Object.fromEntries(
    knownRdsPostgresClasses(REFERENCE_REGION).flatMap((klass) => {
        const single = rdsPostgresHourly(REFERENCE_REGION, klass, false);
        const multi = rdsPostgresHourly(REFERENCE_REGION, klass, true);
        return single === undefined || multi === undefined ? [] : [[klass, { singleAzHourUsd: single.hourlyUsd, multiAzHourUsd: multi.hourlyUsd, provenance: single.provenance }]];
    }),
);

/** RDS gp3 storage in REFERENCE_REGION. */
export const RDS_GP3_GB_MONTH: ServicePrice = requireAwsServicePrice(REFERENCE_REGION, "rdsGp3GBMonth");
