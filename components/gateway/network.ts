/**
 * The gateway's own network: a VPC over N zones with public subnets for the load balancer and the NAT
 * gateways, and private subnets for the tasks, the cache and the database (nothing there has a public
 * address). Provider API calls leave through NAT: one per zone in production, so losing a zone loses
 * only that zone's egress; one shared NAT in smaller environments.
 *
 * A hybrid stack does not build this: the gateway joins the self-hosted stack's network, so the vLLM
 * endpoint is reached privately.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { formatCidr, parseCidr } from "../cidr";

export const GATEWAY_NETWORK_TYPE = "llm-breakeven:gateway:Network";

export interface GatewaySubnetPlan {
    readonly zone: string;
    readonly publicCidr: string;
    readonly privateCidr: string;
}

/** Up to 6 zones; the VPC must be a /16../20. */
export const MAX_GATEWAY_ZONES = 6;

/**
 * Cuts the VPC into 16 equal blocks (/N+4): zone i gets block i as its private subnet and block 8+i as
 * its public one. A /16 gives /20s (4,091 usable addresses each), ample for tasks, cache and database.
 */
export function planGatewaySubnets(vpcCidr: string, zones: readonly string[]): GatewaySubnetPlan[] {
    let parsed: { readonly base: number; readonly prefix: number };
    try {
        parsed = parseCidr(vpcCidr);
    } catch (error) {
        throw new Error(`llm-breakeven:gateway.vpcCidr: ${(error as Error).message}`);
    }
    const { base, prefix } = parsed;
    if (prefix < 16 || prefix > 20) throw new Error(`llm-breakeven:gateway.vpcCidr: "${vpcCidr}" must be a /16 to /20 (AWS allows /16 at most; a /20 leaves /24 subnets)`);
    const size = 2 ** (32 - prefix);
    if (zones.length < 2 || zones.length > MAX_GATEWAY_ZONES) {
        throw new Error(`llm-breakeven:gateway.availabilityZones: ${zones.length} zones; an Application Load Balancer needs subnets in at least 2 zones, and the plan holds at most ${MAX_GATEWAY_ZONES}`);
    }
    const block = size / 16;
    return zones.map((zone, i) => ({
        zone,
        privateCidr: formatCidr(base + i * block, prefix + 4),
        publicCidr: formatCidr(base + (8 + i) * block, prefix + 4),
    }));
}

export interface GatewayNetworkArgs {
    readonly availabilityZoneNames: readonly string[];
    readonly vpcCidr: string;
    /** One NAT gateway per zone (redundant egress) or one shared by all zones. Default "per-zone". */
    readonly natGateways?: "per-zone" | "single";
    /** Tags on every resource. Default: only Name tags. */
    readonly tags?: Readonly<Record<string, string>>;
}

/** What the gateway needs of a network, built here or passed in (hybrid). */
export interface GatewayNetworkRef {
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly availabilityZoneNames: readonly string[];
    readonly publicSubnetIds: readonly pulumi.Input<string>[];
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
}

export class GatewayNetwork extends pulumi.ComponentResource implements GatewayNetworkRef {
    readonly vpcId: pulumi.Output<string>;
    readonly vpcCidr: string;
    readonly availabilityZoneNames: readonly string[];
    readonly publicSubnetIds: pulumi.Output<string>[];
    readonly privateSubnetIds: pulumi.Output<string>[];
    readonly natGatewayCount: number;

    constructor(name: string, args: GatewayNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super(GATEWAY_NETWORK_TYPE, name, {}, opts);
        const plan = planGatewaySubnets(args.vpcCidr, args.availabilityZoneNames);
        const tags = (suffix: string): Record<string, string> => ({ ...args.tags, Name: `${name}-${suffix}` });
        const perZone = (args.natGateways ?? "per-zone") === "per-zone";

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.vpcCidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") }, { parent: this });
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags("igw") }, { parent: this });
        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: tags("public") }, { parent: this });
        new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });

        const publicSubnets = plan.map((p) => {
            // The load balancer's nodes get their own addresses: nothing launched here needs a public IP.
            const subnet = new aws.ec2.Subnet(`${name}-public-${p.zone}`, { vpcId: vpc.id, availabilityZone: p.zone, cidrBlock: p.publicCidr, mapPublicIpOnLaunch: false, tags: tags(`public-${p.zone}`) }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-public-${p.zone}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, { parent: this });
            return subnet;
        });
        const natZones = perZone ? plan : plan.slice(0, 1);
        const nats = natZones.map((p, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${p.zone}`, { domain: "vpc", tags: tags(`nat-${p.zone}`) }, { parent: this });
            return new aws.ec2.NatGateway(`${name}-nat-${p.zone}`, { allocationId: eip.allocationId, subnetId: publicSubnets[i]!.id, connectivityType: "public", tags: tags(`nat-${p.zone}`) }, { parent: this, dependsOn: [igw] });
        });
        const privateSubnets = plan.map((p, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${p.zone}`, { vpcId: vpc.id, availabilityZone: p.zone, cidrBlock: p.privateCidr, mapPublicIpOnLaunch: false, tags: tags(`private-${p.zone}`) }, { parent: this });
            const routes = new aws.ec2.RouteTable(`${name}-private-${p.zone}`, { vpcId: vpc.id, tags: tags(`private-${p.zone}`) }, { parent: this });
            new aws.ec2.Route(`${name}-private-${p.zone}-default`, { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: (nats[perZone ? i : 0] ?? nats[0]!).id }, { parent: this });
            new aws.ec2.RouteTableAssociation(`${name}-private-${p.zone}`, { subnetId: subnet.id, routeTableId: routes.id }, { parent: this });
            return subnet;
        });

        this.vpcId = vpc.id;
        this.vpcCidr = args.vpcCidr;
        this.availabilityZoneNames = plan.map((p) => p.zone);
        this.publicSubnetIds = publicSubnets.map((s) => s.id);
        this.privateSubnetIds = privateSubnets.map((s) => s.id);
        this.natGatewayCount = nats.length;
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            availabilityZoneNames: this.availabilityZoneNames,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            natGatewayCount: this.natGatewayCount,
        });
    }
}
