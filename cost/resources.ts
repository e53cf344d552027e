/**
 * Prices one cloud resource from its Pulumi type token and its properties, with figures from the
 * catalogue only: the policy pack prices a preview's resources with it, `llm-breakeven plan` a mock
 * run's. Every figure here is looked up in `catalogue.ts`; this file multiplies, it never quotes.
 *
 * Fail closed (infracost's lesson: a missing price must never count as $0):
 * - a billable type or size the catalogue has no price for is `unpriced`, never free;
 * - a price-determining property that is unknown at preview (or missing) is `unknown`, naming the
 *   property, with a `worstCase` price when the properties bound it (e.g. a node group's maxSize);
 * - a type not listed here is `unpriced`. Only the explicit FREE list is free, each with a reason.
 */
import { AwsServiceKey, awsServicePrice, EC2_INSTANCE_TYPES, Provenance, REFERENCE_REGION, ServicePrice, VALKEY_PRICE_FACTOR } from "./catalogue";
import { ec2OnDemandHourly, ec2Reserved1yHourly, elasticacheHourly, knownElasticacheNodes, knownRdsPostgresClasses, rdsPostgresHourly } from "./prices/lookup";
import { missingPriceFix, unsupportedRegionReason } from "./prices/store";
import { LCU_PER_HOUR_TAG } from "./loadBalancer";
import { HOURS_PER_MONTH } from "./units";

/** The region a resource is priced in when the context names none. */
export const CATALOGUE_REGION = REFERENCE_REGION;

/** The string sentinel: the one the engine sends for every value unknown at preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The sentinels the Pulumi engine and the policy SDK use for values unknown during preview. The
 * engine sends every unknown as the string sentinel; the SDK has one per JSON type.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    UNKNOWN, // string
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknownValue(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** A resource as a preview, a stack export or a mock run records it. */
export interface ResourceLike {
    readonly type: string;
    readonly name: string;
    readonly urn?: string;
    /** false for component resources (they own nothing billable themselves). Default true. */
    readonly custom?: boolean;
    /** The resource's properties (outputs in a stack policy, inputs in a preview step). */
    readonly props: Readonly<Record<string, unknown>>;
    /** URNs each property was computed from: resolves references unknown at preview (an ECS service's task definition). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** One priced component of a resource's monthly bill. */
export interface CostLine {
    readonly description: string;
    /** Units per month (instance-hours, GB-months, secrets). */
    readonly quantity: number;
    readonly unit: string;
    readonly unitUsd: number;
    readonly monthlyUsd: number;
    readonly provenance: Provenance;
}

export interface Priced {
    readonly kind: "priced";
    readonly monthlyUsd: number;
    readonly lines: readonly CostLine[];
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

// ---------------------------------------------------------------------------------------------
// Free types: no charge of their own, each with the reason.
// ---------------------------------------------------------------------------------------------

const FREE_TYPES: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "VPCs have no charge",
    "aws:ec2/subnet:Subnet": "subnets have no charge",
    "aws:ec2/routeTable:RouteTable": "route tables have no charge",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "route table associations have no charge",
    "aws:ec2/route:Route": "routes have no charge",
    "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation": "route table associations have no charge",
    "aws:ec2/internetGateway:InternetGateway": "internet gateways have no charge (traffic is billed as data transfer)",
    "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "egress-only internet gateways have no charge",
    "aws:ec2/securityGroup:SecurityGroup": "security groups have no charge",
    "aws:ec2/securityGroupRule:SecurityGroupRule": "security group rules have no charge",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security group rules have no charge",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security group rules have no charge",
    "aws:ec2/networkAcl:NetworkAcl": "network ACLs have no charge",
    "aws:ec2/networkAclRule:NetworkAclRule": "network ACL rules have no charge",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "security groups have no charge",
    "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": "network ACLs have no charge",
    "aws:ec2/defaultRouteTable:DefaultRouteTable": "route tables have no charge",
    "aws:ec2/launchTemplate:LaunchTemplate": "launch templates have no charge (the instances they launch are priced on their node group or instance)",
    "aws:ec2/vpcEndpointRouteTableAssociation:VpcEndpointRouteTableAssociation": "endpoint associations have no charge",
    "aws:ec2/flowLog:FlowLog": "flow logs are billed as ingest on their log group",
    "aws:iam/role:Role": "IAM has no charge",
    "aws:iam/policy:Policy": "IAM has no charge",
    "aws:iam/rolePolicy:RolePolicy": "IAM has no charge",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "IAM has no charge",
    "aws:iam/instanceProfile:InstanceProfile": "IAM has no charge",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider": "IAM has no charge",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "IAM has no charge",
    "aws:eks/addon:Addon": "EKS add-ons have no charge of their own (they run on priced nodes)",
    "aws:eks/accessEntry:AccessEntry": "EKS access entries have no charge",
    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation": "EKS access entries have no charge",
    "aws:eks/podIdentityAssociation:PodIdentityAssociation": "EKS Pod Identity has no charge",
    "aws:ecs/cluster:Cluster": "ECS clusters have no charge (tasks are priced on their service)",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": "ECS capacity provider settings have no charge",
    "aws:ecs/taskDefinition:TaskDefinition": "task definitions have no charge (Fargate tasks are priced on the service that runs them)",
    "aws:lb/targetGroup:TargetGroup": "target groups have no charge (the load balancer is priced)",
    "aws:lb/listener:Listener": "listeners have no charge (the load balancer is priced)",
    "aws:lb/listenerRule:ListenerRule": "listener rules have no charge (the load balancer is priced)",
    "aws:lb/targetGroupAttachment:TargetGroupAttachment": "target group attachments have no charge",
    "aws:elasticache/subnetGroup:SubnetGroup": "subnet groups have no charge",
    "aws:elasticache/parameterGroup:ParameterGroup": "parameter groups have no charge",
    "aws:rds/subnetGroup:SubnetGroup": "subnet groups have no charge",
    "aws:rds/parameterGroup:ParameterGroup": "parameter groups have no charge",
    "aws:secretsmanager/secretVersion:SecretVersion": "versions are included in the secret's monthly price",
    "aws:secretsmanager/secretPolicy:SecretPolicy": "secret policies have no charge",
    "aws:kms/alias:Alias": "KMS aliases have no charge",
    "aws:wafv2/webAclAssociation:WebAclAssociation": "web ACL associations have no charge (the web ACL is priced)",
    "aws:autoscaling/tag:Tag": "Auto Scaling group tags have no charge",
    "aws:autoscaling/attachment:Attachment": "attaching an Auto Scaling group to a target group has no charge (the instances and the load balancer are priced)",
    "aws:appautoscaling/target:Target": "Application Auto Scaling has no charge",
    "aws:appautoscaling/policy:Policy": "Application Auto Scaling has no charge",
    "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": "log resource policies have no charge",
    "aws:ssm/parameter:Parameter": "standard SSM parameters have no charge",
    "aws:sns/topicSubscription:TopicSubscription": "subscriptions have no charge of their own",
    "aws:acm/certificate:Certificate": "public ACM certificates have no charge",
    // The self-hosted endpoint's name in a private hosted zone (the zone is the account's, priced where it is made).
    "aws:route53/record:Record": "records have no charge of their own; queries to alias records of an ELB load balancer are free (Route 53 pricing, docs/sources.md §3)",
    "aws:acm/certificateValidation:CertificateValidation": "validation has no charge",
    "pulumi:pulumi:Stack": "the stack itself is not billed",
};

/** Type prefixes that are never billed: providers, random values, keys generated locally. */
const FREE_PREFIXES: ReadonlyArray<readonly [string, string]> = [
    ["pulumi:providers:", "providers are not billed"],
    ["random:", "random values are generated locally"],
    ["tls:", "keys and certificates are generated locally"],
];

/** Kubernetes objects run on the cluster's nodes, which are priced; these kinds create cloud resources of their own. */
const KUBERNETES_BILLABLE_KINDS = new Set(["kubernetes:core/v1:Service", "kubernetes:core/v1:PersistentVolumeClaim"]);

type Pricer = (r: ResourceLike, ctx: PricingContext) => PricedResource;

const PRICERS: Readonly<Record<string, Pricer>> = {
    "aws:eks/nodeGroup:NodeGroup": priceNodeGroup,
    "aws:eks/cluster:Cluster": () => fixed([hourly("EKS control plane", 1, svc("eksClusterHour"))]),
    "aws:ec2/natGateway:NatGateway": priceNatGateway,
    "aws:ec2/eip:Eip": () => fixed([hourly("public IPv4 address", 1, svc("publicIpv4Hour"))]),
    "aws:ec2/vpcEndpoint:VpcEndpoint": priceVpcEndpoint,
    "aws:lb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:elasticache/replicationGroup:ReplicationGroup": priceReplicationGroup,
    "aws:rds/instance:Instance": priceRdsInstance,
    "aws:ecs/service:Service": priceEcsService,
    "aws:secretsmanager/secret:Secret": () => fixed([monthly("Secrets Manager secret", 1, svc("secretsManagerSecretMonth"))]),
    "aws:kms/key:Key": () => fixed([monthly("KMS customer managed key", 1, svc("kmsKeyMonth"))]),
    "aws:wafv2/webAcl:WebAcl": priceWebAcl,
    "aws:ebs/volume:Volume": priceEbsVolume,
    "aws:ec2/instance:Instance": priceEc2Instance,
    "aws:cloudwatch/metricAlarm:MetricAlarm": priceMetricAlarm,
    "aws:cloudwatch/logGroup:LogGroup": priceLogGroup,
    "aws:cloudwatch/dashboard:Dashboard": () => fixed([monthly("CloudWatch dashboard", 1, svc("cloudwatchDashboardMonth"))]),
    "aws:amp/workspace:Workspace": () => ({
        kind: "priced", monthlyUsd: 0, lines: [],
        usageNote: `Amazon Managed Prometheus bills ingest (${usd(svc("managedPrometheusPer10MSamples").usd)} per ${svc("managedPrometheusPer10MSamples").unit}) and storage only: usage-based, covered by the monitoring overhead`,
    }),
    "kubernetes:core/v1:Service": priceKubernetesService,
    "kubernetes:core/v1:PersistentVolumeClaim": pricePersistentVolumeClaim,
};

/** Prices one resource. Never throws on bad input: a property it cannot read is `unknown`. */
export function priceResource(r: ResourceLike, ctx: PricingContext = {}): PricedResource {
    if (r.custom === false) return { kind: "free", reason: "component resource: its children are priced" };
    const free = FREE_TYPES[r.type] ?? FREE_PREFIXES.find(([prefix]) => r.type.startsWith(prefix))?.[1];
    if (free !== undefined) return { kind: "free", reason: free };
    if (r.type.startsWith("kubernetes:") && !KUBERNETES_BILLABLE_KINDS.has(r.type)) {
        return { kind: "free", reason: "Kubernetes objects run on the cluster's nodes, which are priced" };
    }
    const pricer = PRICERS[r.type];
    if (pricer === undefined) return { kind: "unpriced", reason: `the catalogue has no price for ${r.type}: add it to cost/catalogue.ts and cost/resources.ts, or remove the resource` };
    const region = ctx.region ?? CATALOGUE_REGION;
    const unsupported = unsupportedRegionReason(region);
    if (unsupported !== undefined) return { kind: "unpriced", reason: unsupported };
    // The pricers look their prices up in the resource's region (svc(), below); priceResource is
    // synchronous, so the region set here is the one every lookup of this call sees.
    const outer = activeRegion;
    activeRegion = region;
    try {
        return pricer(r, { ...ctx, region });
    } catch (error) {
        if (error instanceof MissingPrice) return { kind: "unpriced", reason: error.message };
        throw error;
    } finally {
        activeRegion = outer;
    }
}

// ---------------------------------------------------------------------------------------------
// Price lookups in the resource's region: a price the region's file lacks fails closed, named.
// ---------------------------------------------------------------------------------------------

let activeRegion: string = CATALOGUE_REGION;

/** A price the region's price file does not have: the resource is unpriced, with the fix. */
class MissingPrice extends Error {
    constructor(what: string) {
        super(`${what} has no price in ${activeRegion} (cost/prices/data/aws/${activeRegion}.json): ${missingPriceFix(activeRegion)}`);
    }
}

function svc(key: AwsServiceKey): ServicePrice {
    const price = awsServicePrice(activeRegion, key);
    if (price === undefined) throw new MissingPrice(`${key} (${awsServicePrice(CATALOGUE_REGION, key)?.unit ?? key})`);
    return price;
}

// ---------------------------------------------------------------------------------------------
// Property access that tells "unknown at preview" from "absent".
// ---------------------------------------------------------------------------------------------

type Read = { readonly state: "known"; readonly value: unknown } | { readonly state: "absent" } | { readonly state: "unknown" };

function read(props: Readonly<Record<string, unknown>>, path: string): Read {
    let node: unknown = props;
    for (const key of path.split(".")) {
        if (isUnknownValue(node)) return { state: "unknown" };
        if (node === null || node === undefined || typeof node !== "object") return { state: "absent" };
        node = (node as Record<string, unknown>)[key];
    }
    if (isUnknownValue(node)) return { state: "unknown" };
    return node === undefined || node === null ? { state: "absent" } : { state: "known", value: node };
}

class Unreadable extends Error {
    constructor(readonly property: string, readonly why: "unknown" | "absent" | "invalid", readonly detail: string) {
        super(`${property} ${why}`);
    }
}

function requireValue(props: Readonly<Record<string, unknown>>, path: string, what: string): unknown {
    const r = read(props, path);
    if (r.state === "known") return r.value;
    throw new Unreadable(path, r.state, what);
}

function requireString(props: Readonly<Record<string, unknown>>, path: string, what: string): string {
    const value = requireValue(props, path, what);
    if (typeof value !== "string" || value === "") throw new Unreadable(path, "invalid", `${what} must be a string (got ${JSON.stringify(value)})`);
    return value;
}

function requireNumber(props: Readonly<Record<string, unknown>>, path: string, what: string): number {
    const value = requireValue(props, path, what);
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n) || n < 0) throw new Unreadable(path, "invalid", `${what} must be a non-negative number (got ${JSON.stringify(value)})`);
    return n;
}

function optionalNumber(props: Readonly<Record<string, unknown>>, path: string, what: string): number | undefined {
    return read(props, path).state === "absent" ? undefined : requireNumber(props, path, what);
}

function optionalString(props: Readonly<Record<string, unknown>>, path: string, what: string): string | undefined {
    return read(props, path).state === "absent" ? undefined : requireString(props, path, what);
}

/** Runs a pricer body, turning an unreadable property into an `unknown` (or `unpriced` when invalid). */
function guarded(body: () => PricedResource, worstCase?: (property: string) => Priced | undefined): PricedResource {
    try {
        return body();
    } catch (error) {
        if (!(error instanceof Unreadable)) throw error;
        if (error.why === "invalid") return { kind: "unpriced", reason: `${error.property}: ${error.detail}` };
        const reason = error.why === "unknown"
            ? `${error.property} (${error.detail}) is unknown until the resources it depends on exist`
            : `${error.property} (${error.detail}) is not set and the price depends on it`;
        let worst: Priced | undefined;
        try {
            worst = worstCase?.(error.property);
        } catch (inner) {
            if (!(inner instanceof Unreadable)) throw inner;
        }
        return worst === undefined ? { kind: "unknown", property: error.property, reason } : { kind: "unknown", property: error.property, reason, worstCase: worst };
    }
}

// ---------------------------------------------------------------------------------------------
// Line builders.
// ---------------------------------------------------------------------------------------------

function usd(value: number): string {
    return `$${Number(value.toPrecision(6))}`;
}

function line(description: string, quantity: number, unit: string, unitUsd: number, provenance: Provenance): CostLine {
    return { description, quantity, unit, unitUsd, monthlyUsd: quantity * unitUsd, provenance };
}

/** `count` of something billed by the hour, for a 730-hour month. */
function hourly(description: string, count: number, price: ServicePrice): CostLine {
    return line(`${description}: ${count} x ${HOURS_PER_MONTH} h at ${usd(price.usd)}/${price.unit}`, count * HOURS_PER_MONTH, price.unit, price.usd, price.provenance);
}

function monthly(description: string, count: number, price: ServicePrice): CostLine {
    return line(`${description}: ${count} x ${usd(price.usd)}/${price.unit}`, count, price.unit, price.usd, price.provenance);
}

function fixed(lines: readonly CostLine[], usageNote?: string): Priced {
    const monthlyUsd = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
    return usageNote === undefined ? { kind: "priced", monthlyUsd, lines } : { kind: "priced", monthlyUsd, lines, usageNote };
}

// ---------------------------------------------------------------------------------------------
// EC2 capacity.
// ---------------------------------------------------------------------------------------------

type Ec2Price = { readonly hourlyUsd: number; readonly label: string; readonly provenance: Provenance } | { readonly unpriced: string };

function ec2Price(instanceType: string, ctx: PricingContext): Ec2Price {
    if (EC2_INSTANCE_TYPES[instanceType] === undefined) return { unpriced: `instance type ${instanceType} is not in the catalogue (cost/catalogue.ts EC2_SPECS)` };
    const onDemand = ec2OnDemandHourly(activeRegion, instanceType);
    if (onDemand === undefined) return { unpriced: `instance type ${instanceType} has no on-demand price in ${activeRegion} (cost/prices/data/aws/${activeRegion}.json): ${missingPriceFix(activeRegion)}` };
    const reserved = ec2Reserved1yHourly(activeRegion, instanceType);
    if (ctx.ec2Pricing === "reserved-1y" && reserved !== undefined) {
        return { hourlyUsd: reserved.hourlyUsd, label: `${instanceType} 1-year reserved`, provenance: reserved.provenance };
    }
    // Without a sourced reserved rate the node is priced at on-demand: the higher, safe figure.
    return { hourlyUsd: onDemand.hourlyUsd, label: `${instanceType} on-demand`, provenance: onDemand.provenance };
}

function ebsGBMonthPrice(volumeType: string | undefined, what: string): ServicePrice {
    // EKS node groups, launch templates and PVCs on EKS default to gp2 or gp3; both are in the catalogue.
    if (volumeType === undefined || volumeType === "gp3") return svc("ebsGp3GBMonth");
    if (volumeType === "gp2") return svc("ebsGp2GBMonth");
    throw new Unreadable(what, "invalid", `EBS volume type ${volumeType} has no catalogue price (gp2, gp3 only)`);
}

function launchTemplateOf(r: ResourceLike, ctx: PricingContext): ResourceLike | undefined {
    const ref = read(r.props, "launchTemplate.id");
    const byName = read(r.props, "launchTemplate.name");
    const candidates = [ref, byName].filter((x): x is { state: "known"; value: unknown } => x.state === "known").map((x) => String(x.value));
    for (const c of candidates) {
        const found = ctx.lookup?.(c);
        if (found !== undefined) return found;
    }
    for (const urn of r.propertyDependencies?.["launchTemplate"] ?? []) {
        const found = ctx.lookup?.(urn);
        if (found?.type === "aws:ec2/launchTemplate:LaunchTemplate") return found;
    }
    return undefined;
}

/** Root/data volumes a launch template gives each instance, priced per instance. */
function launchTemplateVolumeLines(template: ResourceLike, instances: number): CostLine[] {
    const mappings = requireValue(template.props, "blockDeviceMappings", "launch template block devices");
    if (!Array.isArray(mappings)) return [];
    return mappings.flatMap((m, i): CostLine[] => {
        const props = { m } as Record<string, unknown>;
        if (read(props, "m.ebs").state === "absent") return [];
        const sizeGiB = requireNumber(props, "m.ebs.volumeSize", `launchTemplate.blockDeviceMappings[${i}].ebs.volumeSize`);
        const type = optionalString(props, "m.ebs.volumeType", "volume type");
        const price = ebsGBMonthPrice(type, `launchTemplate.blockDeviceMappings[${i}].ebs.volumeType`);
        return [line(`${instances} x ${sizeGiB} GiB ${type ?? "gp3"} volume at ${usd(price.usd)}/${price.unit}`, instances * sizeGiB, price.unit, price.usd, price.provenance)];
    });
}

function priceNodeGroup(r: ResourceLike, ctx: PricingContext): PricedResource {
    const body = (sizeOverride?: number): PricedResource => {
        const template = launchTemplateOf(r, ctx);
        const listed = read(r.props, "instanceTypes");
        let instanceType: string;
        if (listed.state === "known" && Array.isArray(listed.value) && listed.value.length > 0) {
            instanceType = requireString(r.props, "instanceTypes.0", "the node group's instance type");
        } else if (listed.state === "unknown") {
            throw new Unreadable("instanceTypes", "unknown", "the node group's instance types");
        } else if (template !== undefined) {
            instanceType = requireString(template.props, "instanceType", "the launch template's instance type");
        } else {
            throw new Unreadable("instanceTypes", "absent", "the node group's instance type (EKS would pick t3.medium)");
        }
        const size = sizeOverride ?? requireNumber(r.props, "scalingConfig.desiredSize", "the node group's desired size");
        const capacityType = optionalString(r.props, "capacityType", "capacity type") ?? "ON_DEMAND";
        const price = ec2Price(instanceType, ctx);
        if ("unpriced" in price) return { kind: "unpriced", reason: price.unpriced };
        const note = capacityType === "SPOT"
            ? " (SPOT: priced at the on-demand ceiling; spot never bills above it)"
            : capacityType === "CAPACITY_BLOCK" ? " (CAPACITY_BLOCK: reservation rates are set at purchase; priced at the on-demand list price)" : "";
        const lines = [line(`${size} x ${price.label}${note}, ${HOURS_PER_MONTH} h at ${usd(price.hourlyUsd)}/h`, size * HOURS_PER_MONTH, "instance-hour", price.hourlyUsd, price.provenance)];
        const diskSizeGiB = optionalNumber(r.props, "diskSize", "the node group's disk size");
        if (diskSizeGiB !== undefined) {
            const gp = svc("ebsGp3GBMonth");
            lines.push(line(`${size} x ${diskSizeGiB} GiB root volume at ${usd(gp.usd)}/${gp.unit}`, size * diskSizeGiB, gp.unit, gp.usd, gp.provenance));
        } else if (template !== undefined) {
            lines.push(...launchTemplateVolumeLines(template, size));
        }
        return fixed(lines);
    };
    return guarded(() => body(), (property) => {
        // An unknown desired size is bounded by the group's maximum; nothing else has a bound.
        if (property !== "scalingConfig.desiredSize") return undefined;
        const max = requireNumber(r.props, "scalingConfig.maxSize", "the node group's maximum size");
        const worst = body(max);
        return worst.kind === "priced" ? worst : undefined;
    });
}

function priceEc2Instance(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const instanceType = requireString(r.props, "instanceType", "the instance type");
        const price = ec2Price(instanceType, ctx);
        if ("unpriced" in price) return { kind: "unpriced", reason: price.unpriced };
        const lines = [line(`1 x ${price.label}, ${HOURS_PER_MONTH} h at ${usd(price.hourlyUsd)}/h`, HOURS_PER_MONTH, "instance-hour", price.hourlyUsd, price.provenance)];
        const rootGiB = optionalNumber(r.props, "rootBlockDevice.volumeSize", "the root volume size");
        if (rootGiB !== undefined) {
            const type = optionalString(r.props, "rootBlockDevice.volumeType", "the root volume type");
            const p = ebsGBMonthPrice(type, "rootBlockDevice.volumeType");
            lines.push(line(`${rootGiB} GiB ${type ?? "gp3"} root volume at ${usd(p.usd)}/${p.unit}`, rootGiB, p.unit, p.usd, p.provenance));
        }
        return fixed(lines);
    });
}

function priceEbsVolume(r: ResourceLike): PricedResource {
    return guarded(() => {
        const sizeGiB = requireNumber(r.props, "size", "the volume size in GiB");
        const type = optionalString(r.props, "type", "the volume type");
        const p = ebsGBMonthPrice(type, "type");
        const iops = optionalNumber(r.props, "iops", "provisioned IOPS");
        const throughput = optionalNumber(r.props, "throughput", "provisioned throughput");
        // gp3 includes 3,000 IOPS and 125 MB/s; more is billed separately and not in the catalogue.
        if ((iops !== undefined && iops > 3000) || (throughput !== undefined && throughput > 125)) {
            return { kind: "unpriced", reason: `gp3 performance above the included 3,000 IOPS / 125 MB/s (iops ${iops ?? "-"}, throughput ${throughput ?? "-"}) has no catalogue price` };
        }
        return fixed([line(`${sizeGiB} GiB ${type ?? "gp3"} volume at ${usd(p.usd)}/${p.unit}`, sizeGiB, p.unit, p.usd, p.provenance)]);
    });
}

// ---------------------------------------------------------------------------------------------
// Networking.
// ---------------------------------------------------------------------------------------------

function priceNatGateway(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const connectivity = optionalString(r.props, "connectivityType", "connectivity type") ?? "public";
        const lines = [hourly(`NAT gateway (${connectivity})`, 1, svc("natGatewayHour"))];
        const gb = ctx.usage?.natProcessedGBPerMonthPerGateway;
        if (gb !== undefined) {
            lines.push(line(`${gb} GB processed at ${usd(svc("natGatewayPerGB").usd)}/GB (stated assumption)`, gb, svc("natGatewayPerGB").unit, svc("natGatewayPerGB").usd, svc("natGatewayPerGB").provenance));
            return fixed(lines);
        }
        return fixed(lines, `data processing (${usd(svc("natGatewayPerGB").usd)}/GB) is usage-based: not counted here, covered by the storage/network/egress overhead`);
    });
}

function priceVpcEndpoint(r: ResourceLike): PricedResource {
    return guarded(() => {
        // The provider's default endpoint type is Gateway (S3, DynamoDB), which has no charge.
        const type = optionalString(r.props, "vpcEndpointType", "endpoint type") ?? "Gateway";
        if (type === "Gateway") return { kind: "free", reason: "gateway endpoints (S3, DynamoDB) have no charge" };
        if (type !== "Interface") return { kind: "unpriced", reason: `${type} endpoints have no catalogue price` };
        const subnets = requireValue(r.props, "subnetIds", "the subnets (one endpoint ENI per AZ)");
        if (!Array.isArray(subnets)) throw new Unreadable("subnetIds", "invalid", "must be a list");
        const service = optionalString(r.props, "serviceName", "service name") ?? "interface";
        return fixed([hourly(`interface endpoint ${service.split(".").pop() ?? service}, per AZ`, subnets.length, svc("vpcInterfaceEndpointAzHour"))],
            `data processed (${usd(svc("vpcInterfaceEndpointPerGB").usd)}/GB) is usage-based: covered by the storage/network/egress overhead`);
    });
}

function priceLoadBalancer(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const type = optionalString(r.props, "loadBalancerType", "load balancer type") ?? "application";
        if (type !== "application") return { kind: "unpriced", reason: `${type} load balancers have no catalogue price (application only)` };
        // The workload's LCUs when the stack derived them (cost/loadBalancer.ts, written as a tag), else the stated assumption.
        const fromWorkload = optionalNumber(r.props, `tags.${LCU_PER_HOUR_TAG}`, "LCUs per hour the stack derived from its workload");
        const lcu = ctx.usage?.albLcuPerHour ?? fromWorkload ?? DEFAULT_ALB_LCU_PER_HOUR;
        const basis = ctx.usage?.albLcuPerHour === undefined && fromWorkload !== undefined ? `from the workload's request rate, tag ${LCU_PER_HOUR_TAG}` : `stated assumption: ${lcu} LCU`;
        const lines = [
            hourly("Application Load Balancer", 1, svc("albHour")),
            line(`${lcu} LCU x ${HOURS_PER_MONTH} h at ${usd(svc("albLcuHour").usd)}/LCU-hour (${basis})`, lcu * HOURS_PER_MONTH, svc("albLcuHour").unit, svc("albLcuHour").usd, svc("albLcuHour").provenance),
        ];
        // An internet-facing ALB holds a public IPv4 address in each of its subnets.
        const internal = read(r.props, "internal");
        if (internal.state === "unknown") throw new Unreadable("internal", "unknown", "whether the load balancer is internal");
        if (internal.state !== "known" || internal.value !== true) {
            const subnets = read(r.props, "subnets");
            const mappings = read(r.props, "subnetMappings");
            const count = subnets.state === "known" && Array.isArray(subnets.value) ? subnets.value.length
                : mappings.state === "known" && Array.isArray(mappings.value) ? mappings.value.length : undefined;
            if (count === undefined) throw new Unreadable("subnets", subnets.state === "unknown" ? "unknown" : "absent", "the subnets of an internet-facing load balancer (one public IPv4 each)");
            lines.push(hourly("public IPv4 address of the internet-facing load balancer", count, svc("publicIpv4Hour")));
        }
        return fixed(lines);
    });
}

// ---------------------------------------------------------------------------------------------
// Data stores.
// ---------------------------------------------------------------------------------------------

function priceReplicationGroup(r: ResourceLike): PricedResource {
    return guarded(() => {
        const nodeType = requireString(r.props, "nodeType", "the cache node type");
        const engine = optionalString(r.props, "engine", "engine") ?? "redis";
        const groups = optionalNumber(r.props, "numNodeGroups", "node groups (shards)");
        const nodes = groups !== undefined && groups > 1
            ? groups * ((optionalNumber(r.props, "replicasPerNodeGroup", "replicas per shard") ?? 0) + 1)
            : optionalNumber(r.props, "numCacheClusters", "cache nodes") ?? 1;
        if (engine !== "redis" && engine !== "valkey") return { kind: "unpriced", reason: `ElastiCache engine ${engine} has no catalogue price (redis, valkey)` };
        const own = elasticacheHourly(activeRegion, engine, nodeType);
        if (own !== undefined) return fixed([line(`${nodes} x ${nodeType} ${engine === "redis" ? "Redis OSS" : "Valkey"}, ${HOURS_PER_MONTH} h at ${usd(own.hourlyUsd)}/h`, nodes * HOURS_PER_MONTH, "node-hour", own.hourlyUsd, own.provenance)]);
        const redis = engine === "valkey" ? elasticacheHourly(activeRegion, "redis", nodeType) : undefined;
        if (redis === undefined) {
            return { kind: "unpriced", reason: `cache node type ${nodeType} (${engine}) has no price in ${activeRegion} (priced there: ${knownElasticacheNodes(activeRegion, "redis").join(", ") || "none"}): ${missingPriceFix(activeRegion)}` };
        }
        const hourlyUsd = redis.hourlyUsd * VALKEY_PRICE_FACTOR.factor;
        return fixed([line(`${nodes} x ${nodeType} Valkey (${VALKEY_PRICE_FACTOR.factor} x Redis OSS), ${HOURS_PER_MONTH} h at ${usd(hourlyUsd)}/h`, nodes * HOURS_PER_MONTH, "node-hour", hourlyUsd, VALKEY_PRICE_FACTOR.provenance)]);
    });
}

function priceRdsInstance(r: ResourceLike): PricedResource {
    return guarded(() => {
        const instanceClass = requireString(r.props, "instanceClass", "the DB instance class");
        const engine = requireString(r.props, "engine", "the DB engine");
        if (engine !== "postgres") return { kind: "unpriced", reason: `RDS engine ${engine} has no catalogue price (postgres only)` };
        const multiAz = read(r.props, "multiAz");
        if (multiAz.state === "unknown") throw new Unreadable("multiAz", "unknown", "whether the instance is Multi-AZ");
        const isMultiAz = multiAz.state === "known" && multiAz.value === true;
        const klass = rdsPostgresHourly(activeRegion, instanceClass, isMultiAz);
        if (klass === undefined) {
            return { kind: "unpriced", reason: `RDS instance class ${instanceClass} (PostgreSQL ${isMultiAz ? "Multi-AZ" : "single-AZ"}) has no price in ${activeRegion} (priced there: ${knownRdsPostgresClasses(activeRegion).join(", ") || "none"}): ${missingPriceFix(activeRegion)}` };
        }
        const hourlyUsd = klass.hourlyUsd;
        const storage = svc("rdsGp3GBMonth");
        const storageGiB = requireNumber(r.props, "allocatedStorage", "allocated storage in GiB");
        const storageType = optionalString(r.props, "storageType", "storage type");
        if (storageType !== undefined && storageType !== "gp2" && storageType !== "gp3") {
            return { kind: "unpriced", reason: `RDS storage type ${storageType} has no catalogue price (gp2, gp3)` };
        }
        const copies = isMultiAz ? 2 : 1; // Multi-AZ keeps a synchronous standby: storage is billed twice.
        return fixed([
            line(`${instanceClass} PostgreSQL ${isMultiAz ? "Multi-AZ" : "single-AZ"}, ${HOURS_PER_MONTH} h at ${usd(hourlyUsd)}/h`, HOURS_PER_MONTH, "instance-hour", hourlyUsd, klass.provenance),
            line(`${storageGiB} GiB ${storageType ?? "gp2"} storage x ${copies} at ${usd(storage.usd)}/GB-month`, storageGiB * copies, storage.unit, storage.usd, storage.provenance),
        ]);
    });
}

// ---------------------------------------------------------------------------------------------
// Containers.
// ---------------------------------------------------------------------------------------------

function taskDefinitionOf(r: ResourceLike, ctx: PricingContext): ResourceLike {
    const ref = read(r.props, "taskDefinition");
    if (ref.state === "known") {
        const found = ctx.lookup?.(String(ref.value));
        if (found !== undefined) return found;
    }
    // At preview the ARN of a task definition created in the same stack is unknown: follow the
    // property's dependency instead.
    for (const urn of r.propertyDependencies?.["taskDefinition"] ?? []) {
        const found = ctx.lookup?.(urn);
        if (found?.type === "aws:ecs/taskDefinition:TaskDefinition") return found;
    }
    throw new Unreadable("taskDefinition", ref.state === "known" ? "absent" : ref.state, "the task definition (its cpu and memory size each task); not found in the stack");
}

function usesFargate(r: ResourceLike): boolean {
    const launchType = read(r.props, "launchType");
    if (launchType.state === "unknown") throw new Unreadable("launchType", "unknown", "the launch type");
    if (launchType.state === "known") return launchType.value === "FARGATE";
    const strategies = read(r.props, "capacityProviderStrategies");
    if (strategies.state === "unknown") throw new Unreadable("capacityProviderStrategies", "unknown", "the capacity providers");
    if (strategies.state === "known" && Array.isArray(strategies.value) && strategies.value.length > 0) {
        return strategies.value.some((s) => {
            const provider = (s as Record<string, unknown> | null)?.["capacityProvider"];
            return provider === "FARGATE" || provider === "FARGATE_SPOT";
        });
    }
    // ECS's default launch type is EC2, but a service with no capacity on EC2 cannot run: price it as Fargate, the billable case.
    return true;
}

function priceEcsService(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        if (!usesFargate(r)) return { kind: "free", reason: "EC2 launch type: tasks run on container instances, which are priced" };
        const count = requireNumber(r.props, "desiredCount", "the number of tasks");
        const task = taskDefinitionOf(r, ctx);
        const cpuUnits = requireNumber(task.props, "cpu", `task definition ${task.name} cpu units`);
        const memoryMiB = requireNumber(task.props, "memory", `task definition ${task.name} memory MiB`);
        const vcpu = cpuUnits / 1024;
        const gb = memoryMiB / 1024;
        const cpu = svc("fargateVcpuHour");
        const mem = svc("fargateGBHour");
        // FARGATE_SPOT is priced at the on-demand Fargate rate: the ceiling of what it can bill.
        return fixed([
            line(`${count} tasks x ${vcpu} vCPU x ${HOURS_PER_MONTH} h at ${usd(cpu.usd)}/vCPU-hour`, count * vcpu * HOURS_PER_MONTH, cpu.unit, cpu.usd, cpu.provenance),
            line(`${count} tasks x ${gb} GB x ${HOURS_PER_MONTH} h at ${usd(mem.usd)}/GB-hour`, count * gb * HOURS_PER_MONTH, mem.unit, mem.usd, mem.provenance),
        ]);
    });
}

// ---------------------------------------------------------------------------------------------
// Security and observability.
// ---------------------------------------------------------------------------------------------

function priceWebAcl(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const rules = requireValue(r.props, "rules", "the web ACL's rules");
        if (!Array.isArray(rules)) throw new Unreadable("rules", "invalid", "must be a list");
        const lines = [monthly("WAF web ACL", 1, svc("wafWebAclMonth")), monthly("WAF rules", rules.length, svc("wafRuleMonth"))];
        const requests = ctx.usage?.wafRequestsPerMonth;
        if (requests === undefined) return fixed(lines, `requests (${usd(svc("wafPerMRequests").usd)} per million) are usage-based and not counted`);
        lines.push(line(`${requests / 1e6}M requests at ${usd(svc("wafPerMRequests").usd)}/million (stated assumption)`, requests / 1e6, svc("wafPerMRequests").unit, svc("wafPerMRequests").usd, svc("wafPerMRequests").provenance));
        return fixed(lines);
    });
}

function priceMetricAlarm(r: ResourceLike): PricedResource {
    return guarded(() => {
        const queries = read(r.props, "metricQueries");
        // A metric-math alarm is billed per metric it reads.
        const metrics = queries.state === "known" && Array.isArray(queries.value) && queries.value.length > 0
            ? queries.value.filter((q) => (q as Record<string, unknown> | null)?.["metric"] !== undefined).length
            : 1;
        const period = optionalNumber(r.props, "period", "the evaluation period in seconds");
        const price = period !== undefined && period < 60 ? svc("cloudwatchHighResAlarmMonth") : svc("cloudwatchAlarmMonth");
        return fixed([monthly("CloudWatch alarm metric", Math.max(metrics, 1), price)]);
    });
}

function priceLogGroup(_r: ResourceLike, ctx: PricingContext): PricedResource {
    const p = svc("cloudwatchLogsIngestPerGB");
    const gb = ctx.usage?.logIngestGBPerMonthPerGroup;
    if (gb === undefined) return fixed([], `log ingest (${usd(p.usd)}/GB) is usage-based: no ingest assumption given, covered by the monitoring overhead`);
    return fixed([line(`${gb} GB ingested at ${usd(p.usd)}/GB (stated assumption)`, gb, p.unit, p.usd, p.provenance)]);
}

// ---------------------------------------------------------------------------------------------
// Kubernetes objects that create cloud resources outside Pulumi's view.
// ---------------------------------------------------------------------------------------------

function priceKubernetesService(r: ResourceLike): PricedResource {
    return guarded(() => {
        const type = optionalString(r.props, "spec.type", "the Service type") ?? "ClusterIP";
        if (type !== "LoadBalancer") return { kind: "free", reason: `${type} Services run on the cluster's nodes, which are priced` };
        return { kind: "unpriced", reason: "a Service of type LoadBalancer makes AWS create a load balancer outside Pulumi, which the catalogue cannot price: use ClusterIP behind a priced aws.lb.LoadBalancer" };
    });
}

function pricePersistentVolumeClaim(r: ResourceLike): PricedResource {
    return guarded(() => {
        const request = requireString(r.props, "spec.resources.requests.storage", "the requested storage");
        const gib = parseQuantityGiB(request);
        if (gib === undefined) throw new Unreadable("spec.resources.requests.storage", "invalid", `"${request}" is not a storage quantity such as 100Gi`);
        const storageClass = optionalString(r.props, "spec.storageClassName", "storage class");
        // EKS's default storage class is gp2; a class named for gp3 provisions gp3.
        const volumeType = storageClass === undefined ? "gp2" : /gp3/.test(storageClass) ? "gp3" : /gp2/.test(storageClass) ? "gp2" : undefined;
        if (volumeType === undefined) return { kind: "unpriced", reason: `storage class ${storageClass} provisions volumes the catalogue cannot price (name it for gp2 or gp3)` };
        const p = ebsGBMonthPrice(volumeType, "spec.storageClassName");
        return fixed([line(`${gib} GiB ${volumeType} volume claimed by Kubernetes at ${usd(p.usd)}/${p.unit}`, gib, p.unit, p.usd, p.provenance)]);
    });
}

function parseQuantityGiB(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity.trim());
    if (m === null) return undefined;
    const factor: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024, K: 1e3 / 1024 ** 3, M: 1e6 / 1024 ** 3, G: 1e9 / 1024 ** 3, T: 1e12 / 1024 ** 3, "": 1 / 1024 ** 3 };
    return Number(m[1]) * (factor[m[2] ?? ""] ?? 1);
}

// ---------------------------------------------------------------------------------------------
// A whole stack.
// ---------------------------------------------------------------------------------------------

export interface PricedEntry {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly price: PricedResource;
}

export interface StackPricing {
    readonly entries: readonly PricedEntry[];
    /** Sum of every priced resource, plus the worst case of each unknown that has one. */
    readonly monthlyUsd: number;
    /** The three most expensive resources (priced or worst-case), most expensive first. */
    readonly top: readonly { readonly urn: string; readonly name: string; readonly type: string; readonly monthlyUsd: number; readonly worstCase: boolean }[];
    /** Billable resources the catalogue cannot price: any one makes the total a lower bound. */
    readonly unpriced: readonly PricedEntry[];
    /** Unknown price-determining properties; those with a worst case are included in monthlyUsd at it. */
    readonly unknown: readonly PricedEntry[];
    /** Unknowns with no bound: the total cannot be trusted while any remain. */
    readonly unbounded: readonly PricedEntry[];
    /** Usage-based charges not counted (no assumption given). */
    readonly usageNotes: readonly PricedEntry[];
}

/** Identifiers other resources use to refer to a resource: URN, ID, ARN, name. */
/** The URN, ID, ARN and name other resources may refer to this one by (known values only). */
export function referencesOf(r: ResourceLike): string[] {
    const refs = [r.urn, r.props["id"], r.props["arn"], r.props["name"]];
    return refs.filter((x): x is string => typeof x === "string" && x !== "" && !isUnknownValue(x));
}

/** Prices every resource of a stack, resolving references between them (an ECS service's task definition). */
export function priceResources(resources: readonly ResourceLike[], ctx: Omit<PricingContext, "lookup"> = {}): StackPricing {
    const index = new Map<string, ResourceLike>();
    for (const r of resources) {
        for (const ref of referencesOf(r)) if (!index.has(ref)) index.set(ref, r);
    }
    const context: PricingContext = { ...ctx, lookup: (ref) => index.get(ref) };
    const entries = resources.map((r): PricedEntry => ({ type: r.type, name: r.name, urn: r.urn ?? `${r.type}::${r.name}`, price: priceResource(r, context) }));
    const counted = entries.flatMap((e) => {
        if (e.price.kind === "priced") return [{ e, monthlyUsd: e.price.monthlyUsd, worstCase: false }];
        if (e.price.kind === "unknown" && e.price.worstCase !== undefined) return [{ e, monthlyUsd: e.price.worstCase.monthlyUsd, worstCase: true }];
        return [];
    });
    const top = [...counted].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3)
        .map(({ e, monthlyUsd, worstCase }) => ({ urn: e.urn, name: e.name, type: e.type, monthlyUsd, worstCase }));
    return {
        entries,
        monthlyUsd: counted.reduce((sum, c) => sum + c.monthlyUsd, 0),
        top,
        unpriced: entries.filter((e) => e.price.kind === "unpriced"),
        unknown: entries.filter((e) => e.price.kind === "unknown"),
        unbounded: entries.filter((e) => e.price.kind === "unknown" && e.price.worstCase === undefined),
        usageNotes: entries.filter((e) => e.price.kind === "priced" && e.price.usageNote !== undefined),
    };
}
