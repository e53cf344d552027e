/**
 * Realistic answers to the provider functions (invokes) the program calls, for runs under mocks.
 * An invoke with no answer here fails the run, naming its token: a mock that silently returned {}
 * would let a program that depends on the answer pass for the wrong reason.
 */
const ACCOUNT_ID = "123456789012";

/**
 * The AWS-managed S3 prefix lists the program reads (the self-hosted serving namespace's egress), per
 * region. us-east-1 is pl-63a5400a; its eight ranges as public configs copy them (a Terraform customer
 * prefix list mirroring com.amazonaws.us-east-1.s3 entry by entry; a Terraform plan showing a us-east-1
 * S3 gateway endpoint's cidr_blocks, six of the eight). The other regions' IDs and ranges are an
 * `aws ec2 describe-prefix-lists` output committed in sharadchhetri/aws README.md (commit 2045a68b),
 * whose IDs public CloudFormation mappings repeat. Not read from AWS here, and older than us-east-1's:
 * mock data, for planning offline; AWS changes them and a real deployment reads the live list.
 */
const S3_PREFIX_LISTS: Readonly<Record<string, { readonly id: string; readonly cidrs: readonly string[] }>> = {
    "us-east-1": {
        id: "pl-63a5400a",
        cidrs: ["16.15.176.0/20", "16.15.192.0/18", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"],
    },
    "us-west-2": { id: "pl-68a54001", cidrs: ["54.231.160.0/19", "52.218.128.0/17", "52.92.32.0/22"] },
    "eu-west-1": { id: "pl-6da54004", cidrs: ["52.218.0.0/17", "54.231.128.0/19"] },
    "eu-central-1": { id: "pl-6ea54007", cidrs: ["52.219.44.0/22", "54.231.192.0/20", "52.219.72.0/22"] },
    "ap-northeast-1": { id: "pl-61a54008", cidrs: ["52.219.0.0/20", "54.231.224.0/21", "52.219.16.0/22", "52.219.68.0/22"] },
};

/**
 * Availability zones (name suffix, zone ID) per region, as getmoto/moto's EC2 mock lists them
 * (moto/ec2/models/availability_zones_and_regions.py, commit 0b7e6a62). Zone names map to different
 * zone IDs in each account; these are one such mapping.
 */
const ZONES: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
    "us-east-1": [["a", "use1-az6"], ["b", "use1-az1"], ["c", "use1-az2"], ["d", "use1-az4"], ["e", "use1-az3"], ["f", "use1-az5"]],
    "us-west-2": [["a", "usw2-az2"], ["b", "usw2-az1"], ["c", "usw2-az3"], ["d", "usw2-az4"]],
    "eu-west-1": [["a", "euw1-az3"], ["b", "euw1-az1"], ["c", "euw1-az2"]],
    "eu-central-1": [["a", "euc1-az2"], ["b", "euc1-az3"], ["c", "euc1-az1"]],
    "ap-northeast-1": [["a", "apne1-az4"], ["c", "apne1-az1"], ["d", "apne1-az2"]],
};

/** The regions every region-specific answer here covers (a test keeps it equal to the regions with prices). */
export const MOCKED_REGIONS: readonly string[] = Object.keys(ZONES).filter((r) => S3_PREFIX_LISTS[r] !== undefined).sort();

/** An invoke the offline run cannot answer for this region: one line, naming the regions it can. */
function noRegion(what: string, region: string): Error {
    const message = `mockrun: no offline ${what} for ${region}; plan offline in ${MOCKED_REGIONS.join(", ")}, or run a real \`pulumi preview\` and price it with --preview`;
    return Object.assign(new Error(message), { details: message });
}

type Answer = (inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

const ANSWERS: Readonly<Record<string, Answer>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
        const zones = ZONES[region];
        if (zones === undefined) throw noRegion("availability zones", region);
        return {
            id: region,
            names: zones.map(([suffix]) => `${region}${suffix}`),
            zoneIds: zones.map(([, id]) => id),
            groupNames: [region],
            state: "available",
        };
    },
    "aws:index/getRegion:getRegion": (_inputs, region) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/planner`, userId: "AIDAPLANNER" }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ id: "policy", json: JSON.stringify({ Version: "2012-10-17", Statement: inputs["statements"] ?? [] }) }),
    "aws:ssm/getParameter:getParameter": (inputs, region) => ({ id: String(inputs["name"]), name: inputs["name"], type: "String", value: "ami-0123456789abcdef0", version: 1, arn: `arn:aws:ssm:${region}:${ACCOUNT_ID}:parameter${String(inputs["name"])}` }),
    // The hybrid mode's private vLLM endpoint reads the cluster security group and each GPU node group's Auto Scaling group.
    "aws:eks/getCluster:getCluster": (inputs, region) => ({ id: String(inputs["name"]), name: inputs["name"], arn: `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${String(inputs["name"])}`, vpcConfig: { clusterSecurityGroupId: `sg-cluster-${String(inputs["name"])}`, securityGroupIds: [], subnetIds: [], vpcId: "vpc-mock", endpointPrivateAccess: true, endpointPublicAccess: false, publicAccessCidrs: [] }, status: "ACTIVE" }),
    "aws:eks/getNodeGroup:getNodeGroup": (inputs) => ({ id: `${String(inputs["clusterName"])}:${String(inputs["nodeGroupName"])}`, clusterName: inputs["clusterName"], nodeGroupName: inputs["nodeGroupName"], status: "ACTIVE", resources: [{ autoscalingGroups: [{ name: `eks-${String(inputs["nodeGroupName"])}-asg` }], remoteAccessSecurityGroupId: "" }] }),
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs, region) => {
        const name = String(inputs["name"] ?? "");
        const list = name === `com.amazonaws.${region}.s3` ? S3_PREFIX_LISTS[region] : undefined;
        if (list === undefined) throw noRegion(`managed prefix list "${name}"`, region);
        return {
            id: list.id, name, arn: `arn:aws:ec2:${region}:aws:prefix-list/${list.id}`, addressFamily: "IPv4", ownerId: "AWS", maxEntries: list.cidrs.length, version: 1, tags: {}, region,
            entries: list.cidrs.map((cidr) => ({ cidr, description: "" })),
        };
    },
    "aws:eks/getAddonVersion:getAddonVersion": (inputs) => ({ id: String(inputs["addonName"]), addonName: inputs["addonName"], kubernetesVersion: inputs["kubernetesVersion"], version: "v1.0.0-eksbuild.1" }),
};

export function answerInvoke(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
    const answer = ANSWERS[token];
    if (answer === undefined) {
        // The SDK re-raises a failed invoke with the error's gRPC `details` as its message.
        const message = `mockrun: no mock answer for invoke "${token}"; add one to mockrun/invokes.ts`;
        throw Object.assign(new Error(message), { details: message });
    }
    return answer(inputs, region);
}
