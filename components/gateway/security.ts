/** The gateway's security groups: the load balancer reaches the tasks, the tasks reach cache, database and the providers. */
import * as aws from "@pulumi/aws";
import { VpcRef } from "../network/vpc";
import { GatewayContext } from "./context";
import { VALKEY_PORT } from "./storage";
import { LITELLM_PORT } from "./task";

export interface GatewaySecurityGroups {
    readonly loadBalancer: aws.ec2.SecurityGroup;
    readonly task: aws.ec2.SecurityGroup;
    readonly cache: aws.ec2.SecurityGroup;
}

/** HTTPS (and HTTP, redirected) from anywhere when the load balancer faces the internet; else HTTP from the VPC only. */
export function createSecurityGroups(ctx: GatewayContext, network: VpcRef, internetFacing: boolean): GatewaySecurityGroups {
    const { name, tags } = ctx;
    const parent = { parent: ctx.parent };
    const loadBalancer = new aws.ec2.SecurityGroup(`${name}-alb`, {
        vpcId: network.vpcId, description: `LiteLLM load balancer (${internetFacing ? "HTTPS from anywhere" : "HTTP from the VPC"})`,
        ingress: internetFacing
            ? [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP, redirected to HTTPS" }]
            : [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [network.vpcCidr], description: "HTTP from the VPC" }],
        egress: [{ protocol: "tcp", fromPort: LITELLM_PORT, toPort: LITELLM_PORT, cidrBlocks: [network.vpcCidr], description: "to the LiteLLM tasks" }],
        tags: tags("alb"),
    }, parent);
    const task = new aws.ec2.SecurityGroup(`${name}-task`, {
        vpcId: network.vpcId, description: "LiteLLM tasks",
        ingress: [{ protocol: "tcp", fromPort: LITELLM_PORT, toPort: LITELLM_PORT, securityGroups: [loadBalancer.id], description: "from the load balancer" }],
        egress: [
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "provider APIs, Secrets Manager, CloudWatch, image pulls" },
            { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [network.vpcCidr], description: "cache, database, the self-hosted endpoint" },
        ],
        tags: tags("task"),
    }, parent);
    const cache = new aws.ec2.SecurityGroup(`${name}-cache`, {
        vpcId: network.vpcId, description: "Valkey from the LiteLLM tasks",
        ingress: [{ protocol: "tcp", fromPort: VALKEY_PORT, toPort: VALKEY_PORT, securityGroups: [task.id], description: "from the tasks" }],
        tags: tags("cache"),
    }, parent);
    return { loadBalancer, task, cache };
}
