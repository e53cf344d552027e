/**
 * Which offer-file SKUs the pricers need, and where each lands in a region's price file. Usage types
 * and attributes are the price list's own (docs/sources.md §14); a usage type matches with or without
 * its region prefix ("EUW1-NatGateway-Hours", bare "NatGateway-Hours" in us-east-1), and a lower-case
 * prefix ("SyncDurability-NodeUsage:...", "ExtendedSupportYr3-...") is a different meter and never matches.
 */
import { OfferHeader, OfferProduct, OfferTerm, OfferVisitor, PriceDimension } from "./offer";
import { EBS_VOLUME_TYPES, EbsVolumeType, Ec2Prices, PriceFileServiceKey, PricePoint, PurchaseOption, RdsPrices, RegionPriceFile, ReservedPoint } from "./schema";

/** The offers `prices update` reads by default: every service cost/pricers/ prices. */
export const DEFAULT_OFFERS = ["AmazonEC2", "AmazonVPC", "AmazonEKS", "AWSELB", "AmazonECS", "AWSSecretsManager", "AmazonCloudWatch", "AWSDataTransfer", "AmazonElastiCache", "AmazonRDS"] as const;

/** A per-GB tier is picked by a volume inside it: tiers are [beginRange, endRange) in GB. */
interface ServiceRule {
    readonly key: PriceFileServiceKey;
    readonly usage: string;
    readonly unit: string;
    readonly productFamily?: string;
    readonly atGB?: number;
}

const SERVICE_RULES: readonly ServiceRule[] = [
    { key: "natGatewayHour", usage: "NatGateway-Hours", unit: "Hrs" },
    { key: "natGatewayPerGB", usage: "NatGateway-Bytes", unit: "GB" },
    { key: "eksClusterHour", usage: "AmazonEKS-Hours:perCluster", unit: "Hrs" },
    { key: "eksExtendedSupportClusterHour", usage: "AmazonEKS-Hours:extendedSupport", unit: "Hrs" },
    { key: "albHour", usage: "LoadBalancerUsage", unit: "Hrs", productFamily: "Load Balancer-Application" },
    { key: "albLcuHour", usage: "LCUUsage", unit: "LCU-Hrs", productFamily: "Load Balancer-Application" },
    { key: "fargateVcpuHour", usage: "Fargate-vCPU-Hours:perCPU", unit: "hours" },
    { key: "fargateGBHour", usage: "Fargate-GB-Hours", unit: "hours" },
    { key: "publicIpv4Hour", usage: "PublicIPv4:InUseAddress", unit: "Hrs" },
    { key: "vpcInterfaceEndpointAzHour", usage: "VpcEndpoint-Hours", unit: "Hrs" },
    { key: "vpcInterfaceEndpointPerGB", usage: "VpcEndpoint-Bytes", unit: "GB", atGB: 1 },
    { key: "secretsManagerSecretMonth", usage: "AWSSecretsManager-Secrets", unit: "Secrets" },
    { key: "cloudwatchAlarmMonth", usage: "CW:AlarmMonitorUsage", unit: "Alarms" },
    { key: "cloudwatchHighResAlarmMonth", usage: "CW:HighResAlarmMonitorUsage", unit: "Alarms" },
    { key: "cloudwatchDashboardMonth", usage: "CW:DashboardsUsage", unit: "Dashboards" },
    { key: "cloudwatchLogsIngestPerGB", usage: "DataProcessing-Bytes", unit: "GB", atGB: 1 },
    { key: "dataTransferOutFirst10TBPerGB", usage: "DataTransfer-Out-Bytes", unit: "GB", atGB: 5 * 1024 },
    { key: "dataTransferOutNext40TBPerGB", usage: "DataTransfer-Out-Bytes", unit: "GB", atGB: 20 * 1024 },
    { key: "dataTransferOutNext100TBPerGB", usage: "DataTransfer-Out-Bytes", unit: "GB", atGB: 100 * 1024 },
    { key: "crossAzPerGBEachWay", usage: "DataTransfer-Regional-Bytes", unit: "GB" },
    { key: "rdsGp3GBMonth", usage: "RDS:GP3-Storage", unit: "GB-Mo" },
];

/** "EUW1-X", "APN1-X" or bare "X" (us-east-1): an upper-case region prefix or none. */
function usageIs(usagetype: string | undefined, key: string): boolean {
    if (usagetype === undefined) return false;
    if (usagetype === key) return true;
    return usagetype.endsWith(`-${key}`) && /^[A-Z]+[0-9]*$/.test(usagetype.slice(0, usagetype.length - key.length - 1));
}

/** The key after a usage-type stem ("EU-InstanceUsage:db.r6g.xlarge" -> "db.r6g.xlarge"). */
function usageSuffix(usagetype: string | undefined, stem: string): string | undefined {
    const m = usagetype === undefined ? null : new RegExp(`^(?:[A-Z]+[0-9]*-)?${stem.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(.+)$`).exec(usagetype);
    return m?.[1];
}

/** Linux, shared tenancy, no pre-installed software, capacity status Used, on-demand market: the instance the pricers bill. */
function isLinuxInstance(p: OfferProduct): boolean {
    const a = p.attributes;
    return p.productFamily === "Compute Instance" && a["operatingSystem"] === "Linux" && a["tenancy"] === "Shared" && a["preInstalledSw"] === "NA"
        && a["capacitystatus"] === "Used" && a["instanceType"] !== undefined && (a["marketoption"] === undefined || a["marketoption"] === "OnDemand");
}

type Target =
    | { readonly kind: "ec2"; readonly instanceType: string }
    | { readonly kind: "ebs"; readonly volume: EbsVolumeType }
    | { readonly kind: "rds"; readonly instanceClass: string; readonly az: keyof RdsPrices }
    | { readonly kind: "elasticache"; readonly engine: string; readonly nodeType: string }
    | { readonly kind: "services"; readonly rules: readonly ServiceRule[] };

/** Where a product's prices go, or undefined when the pricers do not need it (it is dropped unread). */
export function targetOf(p: OfferProduct): Target | undefined {
    const a = p.attributes;
    const usage = a["usagetype"];
    if (isLinuxInstance(p)) return { kind: "ec2", instanceType: a["instanceType"]! };
    if (p.productFamily === "Storage" && (EBS_VOLUME_TYPES as readonly string[]).includes(a["volumeApiName"] ?? "")) return { kind: "ebs", volume: a["volumeApiName"] as EbsVolumeType };
    if (p.productFamily === "Database Instance" && a["databaseEngine"] === "PostgreSQL") {
        const single = usageSuffix(usage, "InstanceUsage:");
        const multi = usageSuffix(usage, "Multi-AZUsage:");
        if (single !== undefined && a["deploymentOption"] === "Single-AZ") return { kind: "rds", instanceClass: single, az: "singleAz" };
        if (multi !== undefined && a["deploymentOption"] === "Multi-AZ") return { kind: "rds", instanceClass: multi, az: "multiAz" };
        return undefined;
    }
    const node = usageSuffix(usage, "NodeUsage:");
    const engine = a["cacheEngine"];
    if (node !== undefined && (engine === "Redis" || engine === "Valkey")) return { kind: "elasticache", engine: engine.toLowerCase(), nodeType: node };
    const rules = SERVICE_RULES.filter((r) => usageIs(usage, r.usage) && (r.productFamily === undefined || r.productFamily === p.productFamily));
    return rules.length > 0 ? { kind: "services", rules } : undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: Mutable<T[K]> };

/** Collects one region's prices from the offer files read for it. */
export class RegionCollector {
    readonly file: Mutable<RegionPriceFile>;

    constructor(readonly region: string, base: RegionPriceFile) {
        this.file = JSON.parse(JSON.stringify(base)) as Mutable<RegionPriceFile>;
        this.file.region = region;
    }

    /** Drops what an offer is about to replace, so a SKU AWS retired does not linger. */
    clearOffer(offerCode: string): void {
        const f = this.file;
        const from = (p: PricePoint | undefined): boolean => p !== undefined && p.source.includes(`/${offerCode}/`);
        for (const [type, prices] of Object.entries(f.ec2)) {
            if (from(prices.onDemand)) delete prices.onDemand;
            for (const [option, r] of Object.entries(prices.reserved1y ?? {})) if (from(r)) delete prices.reserved1y![option as PurchaseOption];
            if (prices.reserved1y !== undefined && Object.keys(prices.reserved1y).length === 0) delete prices.reserved1y;
            if (prices.onDemand === undefined && prices.reserved1y === undefined) delete f.ec2[type];
        }
        for (const [k, p] of Object.entries(f.ebs)) if (from(p)) delete f.ebs[k as EbsVolumeType];
        for (const [k, p] of Object.entries(f.services)) if (from(p)) delete f.services[k as PriceFileServiceKey];
        for (const classes of Object.values(f.rds)) for (const [k, p] of Object.entries(classes)) {
            if (from(p.singleAz)) delete p.singleAz;
            if (from(p.multiAz)) delete p.multiAz;
            if (p.singleAz === undefined && p.multiAz === undefined) delete classes[k];
        }
        for (const nodes of Object.values(f.elasticache)) for (const [k, p] of Object.entries(nodes)) if (from(p)) delete nodes[k];
    }

    visitor(sourceUrl: string): OfferVisitor {
        return {
            keep: (product) => targetOf(product) !== undefined,
            term: (product, term, header) => this.add(product, term, header, sourceUrl),
        };
    }

    private add(product: OfferProduct, term: OfferTerm, header: OfferHeader, source: string): void {
        const target = targetOf(product);
        if (target === undefined) return;
        const point = (d: PriceDimension): PricePoint => ({ usd: d.usd, unit: d.unit, sku: product.sku, offerVersion: header.version, publicationDate: header.publicationDate, source });
        const f = this.file;
        if (target.kind === "ec2") {
            const prices: Mutable<Ec2Prices> = (f.ec2[target.instanceType] ??= {});
            if (term.kind === "OnDemand") {
                const hourly = term.dimensions.find((d) => d.unit === "Hrs");
                if (hourly !== undefined) prices.onDemand = point(hourly);
            } else {
                const reserved = reservedOf(term, point);
                if (reserved !== undefined) (prices.reserved1y ??= {})[reserved.option] = reserved.point;
            }
            if (prices.onDemand === undefined && prices.reserved1y === undefined) delete f.ec2[target.instanceType];
            return;
        }
        if (term.kind !== "OnDemand") return;
        const first = term.dimensions.find((d) => (d.beginRange ?? 0) === 0) ?? term.dimensions[0];
        if (target.kind === "ebs") {
            const gbMonth = term.dimensions.find((d) => d.unit === "GB-Mo");
            if (gbMonth !== undefined) f.ebs[target.volume] = point(gbMonth);
        } else if (target.kind === "rds") {
            const hourly = term.dimensions.find((d) => d.unit === "Hrs");
            if (hourly !== undefined) ((f.rds["postgres"] ??= {})[target.instanceClass] ??= {})[target.az] = point(hourly);
        } else if (target.kind === "elasticache") {
            const hourly = term.dimensions.find((d) => d.unit === "Hrs");
            if (hourly !== undefined) (f.elasticache[target.engine] ??= {})[target.nodeType] = point(hourly);
        } else {
            for (const rule of target.rules) {
                const d = rule.atGB === undefined ? first : term.dimensions.find((x) => (x.beginRange ?? 0) <= rule.atGB! && rule.atGB! < (x.endRange ?? Number.POSITIVE_INFINITY));
                if (d !== undefined) f.services[rule.key] = point(d);
            }
        }
    }
}

/** A 1-year standard reserved term: its upfront fee spread over the year's 8,760 hours plus its hourly fee. */
function reservedOf(term: OfferTerm, point: (d: PriceDimension) => PricePoint): { option: PurchaseOption; point: ReservedPoint } | undefined {
    const t = term.termAttributes;
    const option = t["PurchaseOption"];
    if (t["LeaseContractLength"] !== "1yr" || t["OfferingClass"] !== "standard") return undefined;
    if (option !== "No Upfront" && option !== "Partial Upfront" && option !== "All Upfront") return undefined;
    const hourly = term.dimensions.find((d) => d.unit === "Hrs");
    const upfront = term.dimensions.find((d) => d.unit === "Quantity");
    const base = hourly ?? upfront;
    if (base === undefined) return undefined;
    const hourlyUsd = hourly?.usd ?? 0;
    const upfrontUsd = upfront?.usd ?? 0;
    const usd = Number((upfrontUsd / 8760 + hourlyUsd).toPrecision(10));
    return { option, point: { ...point(base), usd, unit: "Hrs", offerTermCode: term.offerTermCode, upfrontUsd, hourlyUsd } };
}
