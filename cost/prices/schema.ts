/**
 * The shape of one region's AWS price file (cost/prices/data/aws/<region>.json), written by
 * `llm-breakeven prices update` from AWS's public Price List bulk offer files, or imported from a
 * public mirror of them with the mirror named in `source`. Every figure carries where it came from:
 * the SKU and offer version when read from an offer file, the mirror's repository, path and commit
 * when not. A (region, SKU) no source gives stays absent: the pricer then fails closed.
 */

/** The price-list services whose prices the pricers need, by the key the catalogue reads them under. */
export const SERVICE_KEYS = [
    "eksClusterHour",
    "natGatewayHour",
    "natGatewayPerGB",
    "dataTransferOutFirst10TBPerGB",
    "dataTransferOutNext40TBPerGB",
    "dataTransferOutNext100TBPerGB",
    "crossAzPerGBEachWay",
    "publicIpv4Hour",
    "albHour",
    "albLcuHour",
    "fargateVcpuHour",
    "fargateGBHour",
    "cloudwatchLogsIngestPerGB",
    "cloudwatchAlarmMonth",
    "cloudwatchHighResAlarmMonth",
    "cloudwatchDashboardMonth",
    "managedPrometheusPer10MSamples",
    "secretsManagerSecretMonth",
    "vpcInterfaceEndpointAzHour",
    "vpcInterfaceEndpointPerGB",
    "kmsKeyMonth",
    "wafWebAclMonth",
    "wafRuleMonth",
    "wafPerMRequests",
    "rdsGp3GBMonth",
] as const;
export type ServiceKey = (typeof SERVICE_KEYS)[number];

/**
 * Prices a region's file may lack without blocking every stack: only some resources pay them, and
 * their pricer fails closed, naming the fix, when one needs it. The EKS extended-support surcharge
 * (Price List usage type AmazonEKS-Hours:extendedSupport) is billed only for a cluster on a
 * Kubernetes version past its end of standard support (cost/pricers/eks.ts).
 */
export const OPTIONAL_SERVICE_KEYS = ["eksExtendedSupportClusterHour"] as const;
/** Every key a region file's `services` may hold. */
export type PriceFileServiceKey = ServiceKey | (typeof OPTIONAL_SERVICE_KEYS)[number];

/** EBS volume types the pricers know (the price list's `volumeApiName`). */
export const EBS_VOLUME_TYPES = ["gp2", "gp3", "io1", "io2", "st1", "sc1"] as const;
export type EbsVolumeType = (typeof EBS_VOLUME_TYPES)[number];

/** One price, as read. */
export interface PricePoint {
    readonly usd: number;
    /** The unit as the source quotes it: the price list's "Hrs", "GB-Mo", "GB", "LCU-Hrs"... */
    readonly unit: string;
    /** The price list's SKU; null when the source is a mirror that does not carry it. */
    readonly sku: string | null;
    /** The offer file's version (e.g. 20261120184233); null for a mirror. */
    readonly offerVersion: string | null;
    /** When the source published the figure (ISO date or date-time). Staleness is measured from it. */
    readonly publicationDate: string;
    /** The offer file's URL, or the mirror's repository, path and commit. */
    readonly source: string;
}

/** A 1-year reserved term: `usd` is the effective hourly rate (upfront spread over 8,760 hours plus the hourly fee). */
export interface ReservedPoint extends PricePoint {
    readonly offerTermCode: string | null;
    readonly upfrontUsd: number;
    readonly hourlyUsd: number;
}

export type PurchaseOption = "No Upfront" | "Partial Upfront" | "All Upfront";

export interface Ec2Prices {
    readonly onDemand?: PricePoint;
    /** 1-year standard reserved terms by purchase option. */
    readonly reserved1y?: Partial<Record<PurchaseOption, ReservedPoint>>;
}

export interface RdsPrices {
    readonly singleAz?: PricePoint;
    readonly multiAz?: PricePoint;
}

export interface RegionPriceFile {
    readonly region: string;
    /** instance type -> prices (Linux, shared tenancy, no pre-installed software, capacity status Used). */
    readonly ec2: Readonly<Record<string, Ec2Prices>>;
    readonly ebs: Readonly<Partial<Record<EbsVolumeType, PricePoint>>>;
    /** engine ("postgres") -> DB instance class -> prices. */
    readonly rds: Readonly<Record<string, Readonly<Record<string, RdsPrices>>>>;
    /** engine ("redis", "valkey") -> node type -> hourly price. */
    readonly elasticache: Readonly<Record<string, Readonly<Record<string, PricePoint>>>>;
    readonly services: Readonly<Partial<Record<PriceFileServiceKey, PricePoint>>>;
}

/** A region file with nothing in it. */
export function emptyRegionFile(region: string): RegionPriceFile {
    return { region, ec2: {}, ebs: {}, rds: {}, elasticache: {}, services: {} };
}

/** JSON with every object's keys sorted, two-space indented and a final newline: a stable diff. */
export function stableJson(value: unknown): string {
    return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value === null || typeof value !== "object") return value;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
}

/** Checks a parsed region file's shape: every price a finite non-negative number with a source and a date. */
export function checkRegionFile(data: unknown, where: string): RegionPriceFile {
    const problems: string[] = [];
    const obj = (v: unknown, path: string): Record<string, unknown> => {
        if (v === null || typeof v !== "object" || Array.isArray(v)) {
            problems.push(`${path}: must be an object`);
            return {};
        }
        return v as Record<string, unknown>;
    };
    const point = (v: unknown, path: string): void => {
        const p = obj(v, path);
        if (typeof p["usd"] !== "number" || !Number.isFinite(p["usd"]) || p["usd"] < 0) problems.push(`${path}.usd: must be a non-negative number`);
        for (const k of ["unit", "publicationDate", "source"]) if (typeof p[k] !== "string" || p[k] === "") problems.push(`${path}.${k}: must be a non-empty string`);
    };
    const root = obj(data, where);
    if (typeof root["region"] !== "string") problems.push(`${where}.region: must be a string`);
    for (const [type, prices] of Object.entries(obj(root["ec2"], `${where}.ec2`))) {
        const p = obj(prices, `ec2.${type}`);
        if (p["onDemand"] !== undefined) point(p["onDemand"], `ec2.${type}.onDemand`);
        for (const [option, r] of Object.entries(obj(p["reserved1y"] ?? {}, `ec2.${type}.reserved1y`))) point(r, `ec2.${type}.reserved1y.${option}`);
    }
    for (const [type, p] of Object.entries(obj(root["ebs"], `${where}.ebs`))) point(p, `ebs.${type}`);
    for (const [engine, classes] of Object.entries(obj(root["rds"], `${where}.rds`))) {
        for (const [klass, prices] of Object.entries(obj(classes, `rds.${engine}`))) {
            for (const [az, p] of Object.entries(obj(prices, `rds.${engine}.${klass}`))) point(p, `rds.${engine}.${klass}.${az}`);
        }
    }
    for (const [engine, nodes] of Object.entries(obj(root["elasticache"], `${where}.elasticache`))) {
        for (const [node, p] of Object.entries(obj(nodes, `elasticache.${engine}`))) point(p, `elasticache.${engine}.${node}`);
    }
    for (const [key, p] of Object.entries(obj(root["services"], `${where}.services`))) {
        const known: readonly string[] = [...SERVICE_KEYS, ...OPTIONAL_SERVICE_KEYS];
        if (!known.includes(key)) problems.push(`services.${key}: not a known service key (${known.join(", ")})`);
        point(p, `services.${key}`);
    }
    if (problems.length > 0) throw new Error(`${where}: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? `; and ${problems.length - 5} more` : ""}`);
    return data as RegionPriceFile;
}
