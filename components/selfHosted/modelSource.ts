/**
 * Read access to an in-region S3 mirror of the model weights, for the vLLM pods and nothing else:
 * an IRSA role that only the serving namespace's vLLM service account can assume, allowed to list and
 * read exactly one bucket prefix, and the address ranges the pods reach S3 on, read at deploy time
 * from the region's AWS-managed S3 prefix list (`com.amazonaws.<region>.s3`).
 *
 * Why the prefix list: a NetworkPolicy matches addresses, not host names, and S3's ranges change. The
 * prefix list is the set of ranges the VPC's S3 gateway endpoint routes (the network component's
 * route tables point it at the endpoint), so what the NetworkPolicy allows is exactly what stays off
 * NAT. The bucket is not created here: the team fills it once and many stacks may read it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy } from "./cluster";
import { parseCidr } from "../../platform/cidr";

export const S3_MODEL_SOURCE_TYPE = "llm-breakeven:selfHosted:S3ModelSource";

/** The AWS-managed prefix list of a region's S3 service. */
export function s3PrefixListName(region: string): string {
    return `com.amazonaws.${region}.s3`;
}

/** The URI vLLM's Run:ai streamer loads: `s3://bucket/prefix`. */
export function s3ModelUri(bucket: string, prefix: string): string {
    return `s3://${bucket}/${prefix}`;
}

export interface ModelReadPolicyInput {
    /** `aws`, `aws-cn`, `aws-us-gov`. */
    readonly partition: string;
    readonly bucket: string;
    readonly prefix: string;
}

/**
 * The role's only permissions: list the checkpoint's keys (ListBucket, restricted to the prefix by
 * the `s3:prefix` condition: vLLM lists the prefix to find the safetensors shards, the config and the
 * tokenizer) and read its objects (GetObject, which also covers HeadObject). No write, no other
 * bucket, no other prefix. An SSE-KMS bucket would also need kms:Decrypt on its key (not granted).
 */
export function modelReadPolicy(input: ModelReadPolicyInput): string {
    if (input.prefix.includes("*") || input.prefix.startsWith("/") || input.prefix.endsWith("/")) {
        throw new Error(`modelReadPolicy: prefix "${input.prefix}" must have no wildcard and no leading or trailing slash`);
    }
    const bucketArn = `arn:${input.partition}:s3:::${input.bucket}`;
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ListModelPrefix",
                Effect: "Allow",
                Action: "s3:ListBucket",
                Resource: bucketArn,
                Condition: { StringLike: { "s3:prefix": [input.prefix, `${input.prefix}/*`] } },
            },
            { Sid: "ReadModelObjects", Effect: "Allow", Action: "s3:GetObject", Resource: `${bucketArn}/${input.prefix}/*` },
        ],
    });
}

/**
 * The CIDRs of a prefix list's entries, sorted (so a reordered answer does not change the
 * NetworkPolicy), each checked. An empty list fails: the pods could not fetch the weights.
 */
export function prefixListCidrs(name: string, entries: readonly { readonly cidr: string }[]): string[] {
    if (entries.length === 0) throw new Error(`managed prefix list ${name} has no entries: the serving namespace would have no route to S3`);
    const cidrs = [...new Set(entries.map((e) => e.cidr))];
    for (const cidr of cidrs) parseCidr(cidr);
    return cidrs.sort();
}

export interface S3ModelSourceArgs {
    readonly region: string;
    /** The mirror bucket (exists already; not managed here). */
    readonly bucket: string;
    /** Key prefix of the checkpoint, no leading or trailing slash. */
    readonly prefix: string;
    /** Namespace and service account of the vLLM pods: the only principal the role trusts. */
    readonly namespace: string;
    readonly serviceAccountName: string;
    readonly oidcProviderArn: pulumi.Input<string>;
    readonly oidcIssuerUrl: pulumi.Input<string>;
    readonly tags?: Readonly<Record<string, string>>;
}

export class S3ModelSource extends pulumi.ComponentResource {
    /** `s3://bucket/prefix`, vLLM's --model. */
    readonly uri: string;
    readonly roleArn: pulumi.Output<string>;
    /** The S3 ranges of the region (from the managed prefix list), sorted. */
    readonly cidrs: pulumi.Output<string[]>;
    readonly prefixListId: pulumi.Output<string>;

    constructor(name: string, args: S3ModelSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        super(S3_MODEL_SOURCE_TYPE, name, {}, opts);
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const listName = s3PrefixListName(args.region);
        const prefixList = aws.ec2.getManagedPrefixListOutput({ name: listName }, { parent: this });

        const role = new aws.iam.Role(`${name}-reader`, {
            // IAM names are account-wide: the prefix carries the project and the stack (at most 38 characters).
            namePrefix: `${`${pulumi.getProject()}-${pulumi.getStack()}`.slice(0, 30)}-reader-`,
            description: `vLLM (${args.namespace}/${args.serviceAccountName}) reads s3://${args.bucket}/${args.prefix}/`,
            assumeRolePolicy: pulumi.all([args.oidcProviderArn, args.oidcIssuerUrl]).apply(([arn, url]) => irsaTrustPolicy(arn, url, args.namespace, args.serviceAccountName)),
            tags: { ...args.tags },
        }, { parent: this });
        new aws.iam.RolePolicy(`${name}-reader`, {
            role: role.name,
            policy: partition.apply((p) => modelReadPolicy({ partition: p, bucket: args.bucket, prefix: args.prefix })),
        }, { parent: this });

        this.uri = s3ModelUri(args.bucket, args.prefix);
        this.roleArn = role.arn;
        this.cidrs = prefixList.entries.apply((entries) => prefixListCidrs(listName, entries));
        this.prefixListId = prefixList.id;
        this.registerOutputs({ uri: this.uri, roleArn: this.roleArn, cidrs: this.cidrs, prefixListId: this.prefixListId });
    }
}
