/**
 * The state a mock resource answers with: its inputs plus the outputs the cloud would compute
 * (id, ARN, endpoints), so programs that read them (a cluster's endpoint, a VPC's id) run as they
 * would for real.
 */
const ACCOUNT_ID = "123456789012";

type Extra = (name: string, inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

const EXTRAS: Readonly<Record<string, Extra>> = {
    "aws:eks/cluster:Cluster": (name, _inputs, region) => ({
        endpoint: `https://${name}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthority: { data: Buffer.from(`mock-ca-for-${name}`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/MOCK${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}` }] }],
        version: _inputs["version"] ?? "1.33",
        status: "ACTIVE",
        clusterSecurityGroupId: `sg-${name}`,
    }),
    // nodeGroupName: the provider auto-names a node group from its resource name when none is given.
    "aws:eks/nodeGroup:NodeGroup": (name) => ({ status: "ACTIVE", nodeGroupName: name, resources: [{ autoscalingGroups: [{ name: `eks-${name}` }] }] }),
    "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
    "aws:ec2/vpc:Vpc": (name) => ({ defaultSecurityGroupId: `sg-default-${name}`, mainRouteTableId: `rtb-main-${name}` }),
    "aws:lb/loadBalancer:LoadBalancer": (name, _inputs, region) => ({ dnsName: `${name}-1234567890.${region}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K", arnSuffix: `app/${name}/0123456789abcdef` }),
    "aws:lb/targetGroup:TargetGroup": (name) => ({ arnSuffix: `targetgroup/${name}/0123456789abcdef` }),
    "aws:elasticache/replicationGroup:ReplicationGroup": (name, _inputs, region) => ({ primaryEndpointAddress: `master.${name}.abc123.${region.replace(/-/g, "")}.cache.amazonaws.com`, readerEndpointAddress: `replica.${name}.abc123.cache.amazonaws.com`, port: 6379 }),
    "aws:rds/instance:Instance": (name, _inputs, region) => ({ address: `${name}.abc123.${region}.rds.amazonaws.com`, endpoint: `${name}.abc123.${region}.rds.amazonaws.com:5432`, port: 5432 }),
    "aws:ec2/natGateway:NatGateway": () => ({ publicIp: "203.0.113.10", privateIp: "10.0.0.10" }),
    "aws:ec2/eip:Eip": () => ({ publicIp: "203.0.113.10", allocationId: "eipalloc-0123456789" }),
    "aws:secretsmanager/secret:Secret": () => ({}),
    "kubernetes:core/v1:Service": (name) => ({ spec: { clusterIP: "172.20.0.10" }, metadata: { name } }),
    "random:index/randomPassword:RandomPassword": () => ({ result: "mock-random-password-0123456789abcdef", bcryptHash: "$2a$10$mock" }),
    "random:index/randomString:RandomString": () => ({ result: "mockrandomstring0123" }),
};

function service(type: string): string {
    const module = type.split(":")[1]?.split("/")[0] ?? "resource";
    return module;
}

/** AWS's own ID prefixes, so IDs read as they would in a real state file. */
const ID_PREFIXES: Readonly<Record<string, string>> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
};

/**
 * A mock ID unique per type and name: a subnet and a route table may share a name, and a state
 * lookup by ID (the policy pack resolves a node group's subnets so) must never confuse them.
 */
function mockId(type: string, name: string): string {
    const prefix = ID_PREFIXES[type] ?? (type.split(":")[2] ?? "resource").toLowerCase();
    return `${prefix}-${name}`;
}

export function mockState(type: string, name: string, inputs: Record<string, unknown>, region: string): { id: string; state: Record<string, unknown> } {
    const id = mockId(type, name);
    const base: Record<string, unknown> = type.startsWith("aws:")
        ? { arn: `arn:aws:${service(type)}:${region}:${ACCOUNT_ID}:${name}`, id }
        : {};
    const extra = EXTRAS[type]?.(name, inputs, region) ?? {};
    // Inputs win over generic defaults, computed outputs from the table fill what inputs leave out.
    const state: Record<string, unknown> = { ...base, ...extra, ...inputs };
    for (const [key, value] of Object.entries(extra)) {
        if (state[key] === undefined) state[key] = value;
    }
    if (type.startsWith("random:") && extra["result"] !== undefined) state["result"] = extra["result"];
    return { id, state };
}
