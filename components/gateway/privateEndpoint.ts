/**
 * The self-hosted vLLM endpoint as the gateway reaches it (hybrid mode): the in-cluster Service name
 * (`*.svc.cluster.local`) resolves only inside the cluster, so the gateway's Fargate tasks reach vLLM
 * through an internal Application Load Balancer in the private subnets, forwarding to a NodePort on
 * the GPU nodes. Nothing here is reachable from outside the VPC.
 *
 * An ALB rather than an NLB or a `type: LoadBalancer` Service: the catalogue prices ALBs, and a
 * Kubernetes-created load balancer lives outside Pulumi where nothing can price it.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export const PRIVATE_ENDPOINT_TYPE = "llm-breakeven:gateway:PrivateVllmEndpoint";
/** The port the endpoint listens on (vLLM's own). */
export const PRIVATE_ENDPOINT_PORT = 8000;
/** A fixed NodePort, so the target group and the security group rule name the same port. */
export const VLLM_NODE_PORT = 30800;

export interface PrivateVllmEndpointArgs {
    readonly clusterName: pulumi.Input<string>;
    /** The GPU node groups whose nodes carry the vLLM pods. */
    readonly nodeGroupNames: readonly pulumi.Input<string>[];
    readonly namespace: string;
    /** Labels selecting the vLLM pods. */
    readonly podLabels: Readonly<Record<string, string>>;
    /** The pods' container port. Default 8000. */
    readonly podPort?: number;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    readonly idleTimeoutSeconds: number;
    /** Tags on every resource. Default: only Name tags. */
    readonly tags?: Readonly<Record<string, string>>;
}

export class PrivateVllmEndpoint extends pulumi.ComponentResource {
    /** OpenAI-compatible base URL, reachable inside the VPC only. */
    readonly apiBase: pulumi.Output<string>;
    readonly loadBalancerDnsName: pulumi.Output<string>;

    constructor(name: string, args: PrivateVllmEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super(PRIVATE_ENDPOINT_TYPE, name, {}, opts);
        const parent = { parent: this };
        const tags = (suffix: string): Record<string, string> => ({ ...args.tags, Name: `${name}-${suffix}` });

        new k8s.core.v1.Service(`${name}-nodeport`, {
            metadata: { name: `${name}-nodeport`, namespace: args.namespace, labels: { ...args.podLabels } },
            spec: { type: "NodePort", selector: { ...args.podLabels }, ports: [{ name: "http", port: PRIVATE_ENDPOINT_PORT, targetPort: args.podPort ?? PRIVATE_ENDPOINT_PORT, nodePort: VLLM_NODE_PORT, protocol: "TCP" }] },
        }, parent);

        const sg = new aws.ec2.SecurityGroup(`${name}-alb`, {
            vpcId: args.vpcId, description: "Internal vLLM endpoint: HTTP from the VPC",
            ingress: [{ protocol: "tcp", fromPort: PRIVATE_ENDPOINT_PORT, toPort: PRIVATE_ENDPOINT_PORT, cidrBlocks: [args.vpcCidr], description: "from the VPC (the gateway tasks)" }],
            egress: [{ protocol: "tcp", fromPort: VLLM_NODE_PORT, toPort: VLLM_NODE_PORT, cidrBlocks: [args.vpcCidr], description: "to the GPU nodes' NodePort" }],
            tags: tags("alb"),
        }, parent);
        // The GPU nodes carry the cluster security group (their launch templates set none).
        const cluster = aws.eks.getClusterOutput({ name: args.clusterName }, parent);
        new aws.vpc.SecurityGroupIngressRule(`${name}-nodeport`, {
            securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
            referencedSecurityGroupId: sg.id,
            ipProtocol: "tcp", fromPort: VLLM_NODE_PORT, toPort: VLLM_NODE_PORT,
            description: "vLLM NodePort from the internal endpoint's load balancer",
        }, parent);

        const lb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application", internal: true, subnets: [...args.privateSubnetIds], securityGroups: [sg.id],
            idleTimeout: args.idleTimeoutSeconds, dropInvalidHeaderFields: true, tags: tags("alb"),
        }, parent);
        const tg = new aws.lb.TargetGroup(`${name}-tg`, {
            port: VLLM_NODE_PORT, protocol: "HTTP", targetType: "instance", vpcId: args.vpcId, deregistrationDelay: 300,
            // vLLM's own health endpoint: no model call, no key.
            healthCheck: { path: "/health", port: "traffic-port", protocol: "HTTP", matcher: "200", interval: 30, timeout: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
            tags: tags("tg"),
        }, parent);
        new aws.lb.Listener(`${name}-http`, { loadBalancerArn: lb.arn, port: PRIVATE_ENDPOINT_PORT, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }], tags: tags("http") }, parent);
        args.nodeGroupNames.forEach((nodeGroupName, i) => {
            const group = aws.eks.getNodeGroupOutput({ clusterName: args.clusterName, nodeGroupName }, parent);
            new aws.autoscaling.Attachment(`${name}-nodes-${i}`, {
                autoscalingGroupName: group.resources.apply((r) => {
                    const asg = r[0]?.autoscalingGroups[0]?.name;
                    if (asg === undefined) throw new Error(`node group ${String(nodeGroupName)} has no Auto Scaling group to attach to the vLLM endpoint's target group`);
                    return asg;
                }),
                lbTargetGroupArn: tg.arn,
            }, parent);
        });

        this.apiBase = pulumi.interpolate`http://${lb.dnsName}:${PRIVATE_ENDPOINT_PORT}/v1`;
        this.loadBalancerDnsName = lb.dnsName;
        this.registerOutputs({ apiBase: this.apiBase, loadBalancerDnsName: this.loadBalancerDnsName });
    }
}
