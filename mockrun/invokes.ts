/**
 * Realistic answers to the provider functions (invokes) the program calls, for runs under mocks.
 * An invoke with no answer here fails the run, naming its token: a mock that silently returned {}
 * would let a program that depends on the answer pass for the wrong reason.
 */
const ACCOUNT_ID = "123456789012";

/**
 * The AWS-managed S3 prefix lists the program reads (the self-hosted serving namespace's egress).
 * us-east-1 is pl-63a5400a; its eight ranges as public configs copy them (a Terraform customer prefix
 * list mirroring com.amazonaws.us-east-1.s3 entry by entry; a Terraform plan showing a us-east-1 S3
 * gateway endpoint's cidr_blocks, six of the eight), not read from AWS here. Mock data: AWS changes
 * them; a real deployment reads the live list. Regions without an entry fail the run, named.
 */
const S3_PREFIX_LISTS: Readonly<Record<string, { readonly id: string; readonly cidrs: readonly string[] }>> = {
    "us-east-1": {
        id: "pl-63a5400a",
        cidrs: ["16.15.176.0/20", "16.15.192.0/18", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"],
    },
};

type Answer = (inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

const ANSWERS: Readonly<Record<string, Answer>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, region) => {
        const letters = ["a", "b", "c", "d", "e", "f"];
        return {
            id: region,
            names: letters.map((l) => `${region}${l}`),
            zoneIds: letters.map((_, i) => `use1-az${i + 1}`),
            groupNames: [region],
            state: "available",
        };
    },
    "aws:index/getRegion:getRegion": (_inputs, region) => ({ id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({ id: ACCOUNT_ID, accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/planner`, userId: "AIDAPLANNER" }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ id: "policy", json: JSON.stringify({ Version: "2012-10-17", Statement: inputs["statements"] ?? [] }) }),
    "aws:ssm/getParameter:getParameter": (inputs) => ({ id: String(inputs["name"]), name: inputs["name"], type: "String", value: "ami-0123456789abcdef0", version: 1, arn: `arn:aws:ssm:us-east-1:${ACCOUNT_ID}:parameter${String(inputs["name"])}` }),
    // The hybrid mode's private vLLM endpoint reads the cluster security group and each GPU node group's Auto Scaling group.
    "aws:eks/getCluster:getCluster": (inputs, region) => ({ id: String(inputs["name"]), name: inputs["name"], arn: `arn:aws:eks:${region}:${ACCOUNT_ID}:cluster/${String(inputs["name"])}`, vpcConfig: { clusterSecurityGroupId: `sg-cluster-${String(inputs["name"])}`, securityGroupIds: [], subnetIds: [], vpcId: "vpc-mock", endpointPrivateAccess: true, endpointPublicAccess: false, publicAccessCidrs: [] }, status: "ACTIVE" }),
    "aws:eks/getNodeGroup:getNodeGroup": (inputs) => ({ id: `${String(inputs["clusterName"])}:${String(inputs["nodeGroupName"])}`, clusterName: inputs["clusterName"], nodeGroupName: inputs["nodeGroupName"], status: "ACTIVE", resources: [{ autoscalingGroups: [{ name: `eks-${String(inputs["nodeGroupName"])}-asg` }], remoteAccessSecurityGroupId: "" }] }),
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (inputs, region) => {
        const name = String(inputs["name"] ?? "");
        const list = name === `com.amazonaws.${region}.s3` ? S3_PREFIX_LISTS[region] : undefined;
        if (list === undefined) {
            const message = `mockrun: no mock managed prefix list "${name}" in ${region} (known: ${Object.keys(S3_PREFIX_LISTS).map((r) => `com.amazonaws.${r}.s3`).join(", ")}); add it to mockrun/invokes.ts`;
            throw Object.assign(new Error(message), { details: message });
        }
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
