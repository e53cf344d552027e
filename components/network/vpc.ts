/**
 * The one VPC both modes build: per zone a public subnet (NAT gateways, an internet-facing load
 * balancer's nodes) and a private one (everything else; nothing there gets a public address), one
 * private route table per zone, NAT as a strategy, and the VPC endpoints a mode asks for.
 *
 * - self-hosted: the node subnet plan (platform/subnets.ts), a NAT per zone, the S3 gateway endpoint and the
 *   interface endpoints the nodes need, and the EKS discovery tags on the private subnets;
 * - gateway: the gateway subnet plan, a NAT per zone in production and one shared NAT elsewhere.
 *   A hybrid stack builds only the self-hosted VPC: the gateway joins it (VpcRef).
 *
 * Not `awsx.ec2.Vpc`: awsx is a multi-language (remote) component (pulumi/pulumi-awsx
 * sdk/nodejs/ec2/vpc.ts registers it with `remote` true) whose children its provider plugin
 * builds, so a mock run sees one opaque resource and the offline plan could not price its NAT
 * gateways, addresses and endpoints. Here this program registers every child.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SubnetPlan } from "../../platform/subnets";
import { recordBuiltResources } from "../builtResources";
import type { ResourceLike } from "../../cost/resource";

export const VPC_TYPE = "llm-breakeven:network:Vpc";
/** The type tokens of the two VPC components this one replaced: an existing stack's VPC is adopted, not replaced. */
export const LEGACY_VPC_TYPES = ["llm-breakeven:selfHosted:Network", "llm-breakeven:gateway:Network"] as const;

/** Interface endpoints EKS nodes need without NAT: ECR (API and image layers index), STS (IRSA), CloudWatch Logs. */
export const NODE_INTERFACE_ENDPOINT_SERVICES = ["ecr.api", "ecr.dkr", "sts", "logs"] as const;

/** "per-zone": each zone's private route table uses its own NAT, so losing a zone loses only that zone's egress; "single": one NAT in the first zone for all. */
export type NatStrategy = "per-zone" | "single";

export interface VpcEndpointsArgs {
    /** AWS region, for the endpoint service names (com.amazonaws.<region>.<service>). */
    readonly region: string;
    /** Interface endpoint services, one ENI per private subnet each (e.g. NODE_INTERFACE_ENDPOINT_SERVICES). */
    readonly interfaceServices: readonly string[];
}

export interface VpcArgs {
    readonly vpcCidr: string;
    /** One entry per zone, in zone order: planSubnets or planGatewaySubnets (platform/subnets.ts). */
    readonly subnets: readonly SubnetPlan[];
    /** Default "per-zone". */
    readonly natGateways?: NatStrategy;
    /** The free S3 gateway endpoint on the private route tables, and interface endpoints. Default: none. */
    readonly endpoints?: VpcEndpointsArgs;
    /** Tags on the private subnets only (load balancer and cluster discovery). Default: none. */
    readonly privateSubnetTags?: Readonly<Record<string, string>>;
    /** Tags on every resource. Default: only Name tags. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** What a workload needs of a VPC, built here or passed in (hybrid: the gateway joins the self-hosted VPC). */
export interface VpcRef {
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly availabilityZoneNames: readonly string[];
    readonly publicSubnetIds: readonly pulumi.Input<string>[];
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
}

type Tagger = (suffix: string, extra?: Readonly<Record<string, string>>) => Record<string, string>;

interface Zone {
    readonly publicSubnet: aws.ec2.Subnet;
    readonly privateSubnet: aws.ec2.Subnet;
    readonly privateRoutes: aws.ec2.RouteTable;
    readonly nat: aws.ec2.NatGateway;
}

export class Vpc extends pulumi.ComponentResource implements VpcRef {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly availabilityZoneNames: readonly string[];
    /** Private subnet per zone, in zone order. */
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetCidrs: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    /** The NAT gateways built: one per zone, or one. */
    readonly natGatewayIds: pulumi.Output<string>[];
    /** Undefined without `endpoints`. */
    readonly s3GatewayEndpointId: pulumi.Output<string> | undefined;
    readonly interfaceEndpointIds: pulumi.Output<string>[];
    readonly endpointSecurityGroupId: pulumi.Output<string> | undefined;
    /**
     * Every resource this VPC created (its NAT gateways, their Elastic IPs, its endpoints, and the free
     * subnets, routes and groups), as registered: type token, name, inputs. What its bill is priced
     * from, by cost/pricers/ (program/network.ts), so a NAT strategy or endpoint list is billed as built.
     */
    readonly resources: readonly ResourceLike[];

    constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
        const built = recordBuiltResources();
        super(VPC_TYPE, name, {}, {
            ...opts,
            aliases: [...(opts?.aliases ?? []), ...LEGACY_VPC_TYPES.map((type) => ({ type }))],
            transformations: [...(opts?.transformations ?? []), built.transformation],
        });
        const parent = this;
        const tags: Tagger = (suffix, extra = {}) => ({ ...args.tags, ...extra, Name: `${name}-${suffix}` });

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") }, { parent });
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, { parent });
        const publicRoutes = createPublicRoutes(name, vpc, igw, tags, parent);
        const zones = createZones(name, args, { vpc, igw, publicRoutes }, tags, parent);
        const endpoints = args.endpoints === undefined ? undefined : createEndpoints(name, args.endpoints, args.vpcCidr, vpc, zones, tags, parent);

        this.vpcId = vpc.id;
        this.vpcCidr = args.vpcCidr;
        this.availabilityZoneNames = args.subnets.map((p) => p.zone);
        this.privateSubnetIds = zones.map((z) => z.privateSubnet.id);
        this.privateSubnetCidrs = args.subnets.map((p) => p.privateCidr);
        this.publicSubnetIds = zones.map((z) => z.publicSubnet.id);
        this.natGatewayIds = [...new Set(zones.map((z) => z.nat))].map((n) => n.id);
        this.s3GatewayEndpointId = endpoints?.s3.id;
        this.interfaceEndpointIds = endpoints?.interfaces.map((e) => e.id) ?? [];
        this.endpointSecurityGroupId = endpoints?.securityGroup.id;
        this.resources = built.resources;
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
        });
    }
}

function createPublicRoutes(name: string, vpc: aws.ec2.Vpc, igw: aws.ec2.InternetGateway, tags: Tagger, parent: pulumi.Resource): aws.ec2.RouteTable {
    const routes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, { parent });
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent });
    return routes;
}

/** Per zone: the public subnet, the zone's NAT (per-zone, or the first zone's for all), the private subnet and its route table. */
function createZones(name: string, args: VpcArgs, shared: { readonly vpc: aws.ec2.Vpc; readonly igw: aws.ec2.InternetGateway; readonly publicRoutes: aws.ec2.RouteTable }, tags: Tagger, parent: pulumi.Resource): Zone[] {
    const { vpc, igw, publicRoutes } = shared;
    const perZone = (args.natGateways ?? "per-zone") === "per-zone";
    const zones: Zone[] = [];
    for (const [i, plan] of args.subnets.entries()) {
        const z = plan.zone;
        // Nothing launched in a public subnet needs a public IP: a NAT's address is its Elastic IP, a load balancer's nodes get their own.
        const publicSubnet = new aws.ec2.Subnet(`${name}-public-${z}`, { vpcId: vpc.id, availabilityZone: z, cidrBlock: plan.publicCidr, mapPublicIpOnLaunch: false, tags: tags(`public-${z}`) }, { parent });
        new aws.ec2.RouteTableAssociation(`${name}-public-${z}`, { subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, { parent });
        let nat = zones[0]?.nat;
        if (perZone || i === 0) {
            const eip = new aws.ec2.Eip(`${name}-nat-${z}`, { domain: "vpc", tags: tags(`nat-${z}`) }, { parent });
            nat = new aws.ec2.NatGateway(`${name}-nat-${z}`, { allocationId: eip.allocationId, subnetId: publicSubnet.id, connectivityType: "public", tags: tags(`nat-${z}`) }, { parent, dependsOn: [igw] });
        }
        if (nat === undefined) throw new Error(`vpc ${name}: no NAT gateway for zone ${z}`);
        const privateSubnet = new aws.ec2.Subnet(`${name}-private-${z}`, {
            vpcId: vpc.id, availabilityZone: z, cidrBlock: plan.privateCidr, mapPublicIpOnLaunch: false, tags: tags(`private-${z}`, args.privateSubnetTags),
        }, { parent });
        // One route table per zone: with a NAT per zone, a zone outage does not cut the others' egress, and no
        // traffic crosses zones (at $0.01/GB each way) to reach a NAT.
        const privateRoutes = new aws.ec2.RouteTable(`${name}-private-${z}`, { vpcId: vpc.id, tags: tags(`private-${z}`) }, { parent });
        new aws.ec2.Route(`${name}-private-${z}-default`, { routeTableId: privateRoutes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, { parent });
        new aws.ec2.RouteTableAssociation(`${name}-private-${z}`, { subnetId: privateSubnet.id, routeTableId: privateRoutes.id }, { parent });
        zones.push({ publicSubnet, privateSubnet, privateRoutes, nat });
    }
    return zones;
}

/** The S3 gateway endpoint (free; ECR image layers and S3-hosted model copies are served from S3) and the interface endpoints with their security group. */
function createEndpoints(name: string, args: VpcEndpointsArgs, vpcCidr: string, vpc: aws.ec2.Vpc, zones: readonly Zone[], tags: Tagger, parent: pulumi.Resource): {
    readonly s3: aws.ec2.VpcEndpoint; readonly securityGroup: aws.ec2.SecurityGroup; readonly interfaces: aws.ec2.VpcEndpoint[];
} {
    const s3 = new aws.ec2.VpcEndpoint(`${name}-s3`, {
        vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.s3`, vpcEndpointType: "Gateway",
        routeTableIds: zones.map((z) => z.privateRoutes.id), tags: tags("s3"),
    }, { parent });
    const securityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
        vpcId: vpc.id, description: "HTTPS from the VPC to the interface endpoints",
        ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [vpcCidr], description: "HTTPS from the VPC" }],
        tags: tags("endpoints"),
    }, { parent });
    const interfaces = args.interfaceServices.map((service) => new aws.ec2.VpcEndpoint(`${name}-${service.replace(/\./g, "-")}`, {
        vpcId: vpc.id, serviceName: `com.amazonaws.${args.region}.${service}`, vpcEndpointType: "Interface", privateDnsEnabled: true,
        subnetIds: zones.map((z) => z.privateSubnet.id), securityGroupIds: [securityGroup.id], tags: tags(service),
    }, { parent }));
    return { s3, securityGroup, interfaces };
}
