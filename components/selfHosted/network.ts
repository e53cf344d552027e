/**
 * The self-hosted stack's network: a VPC over N availability zones with private subnets for every
 * node, public subnets that hold only the NAT gateways, one NAT gateway per zone (each zone's private
 * route table uses its own, so losing a zone loses only that zone's egress), and VPC endpoints so
 * image pulls (ECR, whose layers live in S3), STS for IRSA and CloudWatch Logs stay off NAT's per-GB
 * charge. Nodes never get a public IP: every subnet has mapPublicIpOnLaunch false.
 *
 * The pure parts (subnet plan, monthly network cost) are exported and tested on their own.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AWS_SERVICES, AwsServiceKey, DATA_TRANSFER_OUT_TIERS } from "../../cost/catalogue";
import { CostLine } from "../../cost/selfHosted";
import { HOURS_PER_MONTH } from "../../cost/units";
import { formatCidr, parseCidr } from "../cidr";

export const NETWORK_TYPE = "llm-breakeven:selfHosted:Network";

/** Interface endpoints the nodes need without NAT: ECR (API and image layers index), STS (IRSA), CloudWatch Logs. */
export const INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "sts", "logs"] as const;

export interface SubnetPlan {
    readonly zone: string;
    /** Nodes and pods (the VPC CNI gives every pod a VPC address: these are large). */
    readonly privateCidr: string;
    /** Holds only the zone's NAT gateway. */
    readonly publicCidr: string;
}

/** Up to 6 zones: the VPC is cut in 8 private blocks (/N+3) and the last of those is cut again into /N+8 public blocks. */
export const MAX_ZONES = 6;
/** A /20 VPC gives /23 private subnets (~500 pod and node addresses per zone), the smallest that serves a GPU pool. */
export const SMALLEST_VPC_PREFIX = 20;

/** Parses the VPC's CIDR and checks it is large enough for the subnet plan. */
export function parseVpcCidr(cidr: string): { readonly base: number; readonly prefix: number } {
    const parsed = parseCidr(cidr);
    if (parsed.prefix > SMALLEST_VPC_PREFIX) throw new Error(`"${cidr}" is too small for per-zone node subnets (pods take VPC addresses); allowed: a /${SMALLEST_VPC_PREFIX} or larger, such as 10.40.0.0/16`);
    return parsed;
}

/**
 * The subnet plan: zone i gets the i-th /N+3 block as its private subnet; public subnets are /N+8
 * blocks carved from the 7th /N+3 block (a /16 gives private /19s with 8,190 addresses each and
 * public /24s). Nothing overlaps and everything lies inside the VPC (property-tested).
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

export interface NetworkCostInput {
    readonly zones: number;
    readonly interfaceEndpoints: number;
    /** Internet egress through the NAT gateways per month, GB (model pulls, telemetry). */
    readonly egressGBPerMonth: number;
}

export interface NetworkCost {
    readonly lines: readonly CostLine[];
    readonly monthlyUsd: number;
    /** The egress part alone: NAT processing plus data transfer out. */
    readonly egressMonthlyUsd: number;
}

function line(id: string, key: AwsServiceKey, quantity: number, label: string): CostLine {
    const price = AWS_SERVICES[key];
    return { id, label, quantity, unit: price.unit, unitUsd: price.usd, monthlyUsd: quantity * price.usd, provenance: price.provenance };
}

/**
 * The network's monthly bill from the catalogue: NAT gateway hours (one per zone), the NAT's public
 * IPv4 addresses, interface endpoint hours (one ENI per zone per endpoint), and the egress volume:
 * NAT processing per GB plus data transfer out at the tiered internet rate. All of the volume is priced
 * as outbound, an upper bound: model pulls are inbound (free to receive, but still NAT-processed).
 */
export function networkMonthlyCost(input: NetworkCostInput): NetworkCost {
    const { zones, interfaceEndpoints, egressGBPerMonth: gb } = input;
    if (!(Number.isInteger(zones) && zones >= 1)) throw new Error(`zones ${zones} must be a whole number, 1 or more`);
    if (!(Number.isFinite(gb) && gb >= 0)) throw new Error(`egressGBPerMonth ${gb} must be a finite volume, 0 or more`);
    let below = 0;
    const transferOut = DATA_TRANSFER_OUT_TIERS.map((tier) => {
        const inTier = Math.max(Math.min(gb, tier.upToGB) - below, 0);
        below = tier.upToGB;
        return line(tier.id, tier.price, inTier, tier.label);
    });
    const lines = [
        line("nat-gateway-hours", "natGatewayHour", zones * HOURS_PER_MONTH, `${zones} NAT gateways (one per zone), ${HOURS_PER_MONTH} h`),
        line("nat-public-ipv4", "publicIpv4Hour", zones * HOURS_PER_MONTH, `${zones} Elastic IPs on the NAT gateways, ${HOURS_PER_MONTH} h`),
        line("interface-endpoint-hours", "vpcInterfaceEndpointAzHour", interfaceEndpoints * zones * HOURS_PER_MONTH, `${interfaceEndpoints} interface endpoints x ${zones} zones, ${HOURS_PER_MONTH} h`),
        line("nat-processing", "natGatewayPerGB", gb, `${gb} GB/month through NAT`),
        ...transferOut,
    ];
    const egressIds = new Set(["nat-processing", ...DATA_TRANSFER_OUT_TIERS.map((t) => t.id)]);
    return {
        lines,
        monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0),
        egressMonthlyUsd: lines.filter((l) => egressIds.has(l.id)).reduce((sum, l) => sum + l.monthlyUsd, 0),
    };
}

export interface NetworkArgs {
    /** AWS region, for the endpoint service names (com.amazonaws.<region>.<service>). */
    readonly region: string;
    /** The zones to span, in order; at least 2 for a redundant stack. */
    readonly availabilityZoneNames: readonly string[];
    readonly vpcCidr: string;
    readonly egressGBPerMonth: number;
    /** The EKS cluster name, for the subnet discovery tags. Default: none (no kubernetes.io/cluster tag). */
    readonly clusterName?: string;
    /** Tags on every resource. Default: only Name tags. */
    readonly tags?: Readonly<Record<string, string>>;
}

export class Network extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly availabilityZoneNames: readonly string[];
    /** Private subnet per zone, in zone order (the node subnets). */
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetCidrs: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly natGatewayIds: pulumi.Output<string>[];
    readonly s3GatewayEndpointId: pulumi.Output<string>;
    readonly interfaceEndpointIds: pulumi.Output<string>[];
    readonly endpointSecurityGroupId: pulumi.Output<string>;
    readonly monthlyUsd: number;
    readonly egressMonthlyUsd: number;
    readonly costLines: readonly CostLine[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(NETWORK_TYPE, name, {}, opts);
        const plan = planSubnets(args.vpcCidr, args.availabilityZoneNames);
        const tags = (suffix: string, extra: Record<string, string> = {}): Record<string, string> => ({ ...args.tags, ...extra, Name: `${name}-${suffix}` });
        const clusterTag: Record<string, string> = args.clusterName !== undefined ? { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" } : {};

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") }, { parent: this });
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, { parent: this });
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, { parent: this });
        new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });

        const privateSubnets: aws.ec2.Subnet[] = [];
        const privateRouteTables: aws.ec2.RouteTable[] = [];
        const publicSubnets: aws.ec2.Subnet[] = [];
        const natGateways: aws.ec2.NatGateway[] = [];
        for (const zone of plan) {
            const z = zone.zone;
            // Public subnets hold only the NAT gateway, whose address is its Elastic IP: nothing there gets a public IP on launch.
            const publicSubnet = new aws.ec2.Subnet(`${name}-public-${z}`, {
                vpcId: vpc.id, availabilityZone: z, cidrBlock: zone.publicCidr, mapPublicIpOnLaunch: false, tags: tags(`public-${z}`),
            }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-public-${z}`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, { parent: this });
            const eip = new aws.ec2.Eip(`${name}-nat-${z}`, { domain: "vpc", tags: tags(`nat-${z}`) }, { parent: this });
            const nat = new aws.ec2.NatGateway(`${name}-nat-${z}`, { allocationId: eip.allocationId, subnetId: publicSubnet.id, connectivityType: "public", tags: tags(`nat-${z}`) }, { parent: this, dependsOn: [igw] });

            const privateSubnet = new aws.ec2.Subnet(`${name}-private-${z}`, {
                vpcId: vpc.id, availabilityZone: z, cidrBlock: zone.privateCidr, mapPublicIpOnLaunch: false,
                tags: tags(`private-${z}`, { "kubernetes.io/role/internal-elb": "1", ...clusterTag }),
            }, { parent: this });
            // One route table per zone, pointing at that zone's NAT: a zone outage does not cut the others' egress,
            // and no traffic crosses zones (at $0.01/GB each way) to reach a NAT.
            const routes = new aws.ec2.RouteTable(`${name}-private-${z}`, { vpcId: vpc.id, tags: tags(`private-${z}`) }, { parent: this });
            new aws.ec2.Route(`${name}-private-${z}-default`, { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-private-${z}`, { subnetId: privateSubnet.id, routeTableId: routes.id }, { parent: this });
            privateSubnets.push(privateSubnet);
            privateRouteTables.push(routes);
            publicSubnets.push(publicSubnet);
            natGateways.push(nat);
        }

        // S3 gateway endpoint: free, and ECR image layers and S3-hosted model copies are served from S3.
        const s3 = new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway",
            routeTableIds: privateRouteTables.map((t) => t.id), tags: tags("s3"),
        }, { parent: this });
        const endpointSg = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
            vpcId: vpc.id, description: "HTTPS from the VPC to the interface endpoints",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS from the VPC" }],
            tags: tags("endpoints"),
        }, { parent: this });
        const interfaceEndpoints = INTERFACE_ENDPOINT_SERVICES.map((service) => new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
            vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true,
            subnetIds: privateSubnets.map((s) => s.id), securityGroupIds: [endpointSg.id], tags: tags(service),
        }, { parent: this }));

        const cost = networkMonthlyCost({ zones: plan.length, interfaceEndpoints: interfaceEndpoints.length, egressGBPerMonth: args.egressGBPerMonth });
        this.vpcId = vpc.id;
        this.vpcCidr = args.vpcCidr;
        this.availabilityZoneNames = plan.map((p) => p.zone);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.privateSubnetCidrs = plan.map((p) => p.privateCidr);
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.natGatewayIds = natGateways.map((n) => n.id);
        this.s3GatewayEndpointId = s3.id;
        this.interfaceEndpointIds = interfaceEndpoints.map((e) => e.id);
        this.endpointSecurityGroupId = endpointSg.id;
        this.monthlyUsd = cost.monthlyUsd;
        this.egressMonthlyUsd = cost.egressMonthlyUsd;
        this.costLines = cost.lines;
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            availabilityZoneNames: this.availabilityZoneNames,
            privateSubnetIds: this.privateSubnetIds,
            privateSubnetCidrs: this.privateSubnetCidrs,
            publicSubnetIds: this.publicSubnetIds,
            natGatewayIds: this.natGatewayIds,
            s3GatewayEndpointId: this.s3GatewayEndpointId,
            interfaceEndpointIds: this.interfaceEndpointIds,
            endpointSecurityGroupId: this.endpointSecurityGroupId,
            monthlyUsd: this.monthlyUsd,
            egressMonthlyUsd: this.egressMonthlyUsd,
            costLines: this.costLines,
        });
    }
}
