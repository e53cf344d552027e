/** The gateway's Application Load Balancer, its target group (the tasks by IP) and its listeners. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { VpcRef } from "../network/vpc";
import { GatewayContext } from "./context";
import { LITELLM_PORT } from "./task";

export const HEALTH_CHECK_PATH = "/health/liveliness";
/**
 * TLS 1.3 with 1.2 fallback, restricted ciphers, post-quantum key exchange: the console's default for
 * a new HTTPS listener ("Security policies for your Application Load Balancer", docs.aws.amazon.com/
 * elasticloadbalancing/latest/application/describe-ssl-policies.html, read 2026-11-30); the API's own
 * default is still ELBSecurityPolicy-2016-08, hence set here.
 */
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

export interface LoadBalancerArgs {
    readonly network: VpcRef;
    readonly securityGroupId: pulumi.Input<string>;
    /** HTTPS on an internet-facing load balancer; without one, an internal load balancer with an HTTP listener. */
    readonly certificateArn: string | undefined;
    readonly idleTimeoutSeconds: number;
}

export interface GatewayLoadBalancer {
    readonly loadBalancer: aws.lb.LoadBalancer;
    readonly targetGroup: aws.lb.TargetGroup;
    /** The listener that forwards to the tasks (the service waits for it). */
    readonly listener: aws.lb.Listener;
}

export function createLoadBalancer(ctx: GatewayContext, args: LoadBalancerArgs): GatewayLoadBalancer {
    const { name, tags } = ctx;
    const parent = { parent: ctx.parent };
    const internetFacing = args.certificateArn !== undefined;
    const loadBalancer = new aws.lb.LoadBalancer(`${name}-alb`, {
        loadBalancerType: "application",
        internal: !internetFacing,
        subnets: internetFacing ? [...args.network.publicSubnetIds] : [...args.network.privateSubnetIds],
        securityGroups: [args.securityGroupId],
        // Long completions stream for minutes; the 60 s default cuts them off.
        idleTimeout: args.idleTimeoutSeconds,
        dropInvalidHeaderFields: true,
        enableDeletionProtection: ctx.production,
        tags: tags("alb"),
    }, parent);
    const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
        port: LITELLM_PORT,
        protocol: "HTTP",
        targetType: "ip",
        vpcId: args.network.vpcId,
        // Draining lets in-flight completions finish before a task stops (capped: deploys wait for it).
        deregistrationDelay: Math.min(args.idleTimeoutSeconds, 300),
        healthCheck: {
            // Liveliness needs no key and calls no model; /health calls every model and is billed.
            path: HEALTH_CHECK_PATH, port: "traffic-port", protocol: "HTTP", matcher: "200",
            interval: 30, timeout: 10, healthyThreshold: 2, unhealthyThreshold: 3,
        },
        tags: tags("tg"),
    }, parent);
    const forward = [{ type: "forward", targetGroupArn: targetGroup.arn }];
    const listener = internetFacing
        ? new aws.lb.Listener(`${name}-https`, { loadBalancerArn: loadBalancer.arn, port: 443, protocol: "HTTPS", sslPolicy: TLS_POLICY, certificateArn: args.certificateArn, defaultActions: forward, tags: tags("https") }, parent)
        : new aws.lb.Listener(`${name}-http`, { loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP", defaultActions: forward, tags: tags("http") }, parent);
    if (internetFacing) {
        new aws.lb.Listener(`${name}-http-redirect`, {
            loadBalancerArn: loadBalancer.arn, port: 80, protocol: "HTTP",
            defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }], tags: tags("http-redirect"),
        }, parent);
    }
    return { loadBalancer, targetGroup, listener };
}
