/**
 * The self-hosted model as an endpoint inside the VPC: an internal Application Load Balancer in the
 * private subnets, forwarding to a NodePort on each GPU zone's nodes (one target per zone's node group),
 * health-checked on vLLM's `/health`. One component for both modes: self-hosted (applications call it,
 * with vLLM's key) and hybrid (the gateway calls it).
 *
 * An ALB the program creates, rather than the AWS Load Balancer Controller: the catalogue prices an
 * `aws.lb.LoadBalancer` from its own properties in a mock run, a preview and a state export, while a
 * controller-made load balancer lives outside Pulumi where nothing can price or police it, and the
 * controller would add a Helm release, an IRSA role and a webhook to run and upgrade.
 *
 * HTTPS with an ACM certificate named in stack config (production requires one: config/endpoint.ts);
 * without one (dev) the listener is HTTP on vLLM's port. Only `/v1/*` is forwarded: vLLM's key guards
 * `/v1` paths only, and its other routes (`/invocations`, `/metrics`) stay inside the cluster.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as k8sInput from "@pulumi/kubernetes/types/input";
import * as pulumi from "@pulumi/pulumi";
import { LCU_PER_HOUR_TAG, lcuTagValue } from "../../cost/loadBalancer";
import { HEALTH_PATH, VLLM_PORT } from "./vllmRender";
import { InputProblem, inputPropertiesError, throwInputErrors } from "../inputErrors";

export const VLLM_ENDPOINT_TYPE = "llm-breakeven:selfHosted:VllmEndpoint";
/** A fixed NodePort, so the target group and the security group rule name the same port. */
export const VLLM_NODE_PORT = 30800;
/** The NodePort Service's port name: not vLLM's `http`, so no scrape config that selects `http` ports finds it. */
export const NODE_PORT_NAME = "lb";
/** TLS 1.3 and 1.2 only (Elastic Load Balancing's security policies for HTTPS listeners; the gateway's listener uses the same). */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
/** The paths the load balancer forwards: vLLM's OpenAI-compatible API, the part its key guards. */
export const FORWARDED_PATHS = ["/v1/*"] as const;

/** The listener: HTTPS on 443 with the certificate, or (no certificate, dev only) HTTP on vLLM's port. */
export type EndpointListener =
    | { readonly protocol: "HTTPS"; readonly port: 443; readonly certificateArn: string; readonly hostName: string }
    | { readonly protocol: "HTTP"; readonly port: typeof VLLM_PORT };

export function endpointListener(certificateArn: string | undefined, hostName: string | undefined): EndpointListener {
    if (certificateArn === undefined) return { protocol: "HTTP", port: VLLM_PORT };
    if (hostName === undefined) {
        throw inputPropertiesError("endpointListener", certificateArn, [{ propertyPath: "hostName", reason: "is required with a certificate: the name it covers, which clients call (the load balancer's own DNS name is not on the certificate)" }]);
    }
    return { protocol: "HTTPS", port: 443, certificateArn, hostName };
}

/** Who may open a connection to the listener: exactly the CIDRs and security groups named in config (plus, in hybrid, the gateway's VPC). */
export function endpointIngress(listener: EndpointListener, allowedCidrs: readonly string[], allowedSecurityGroupIds: readonly string[]): aws.types.input.ec2.SecurityGroupIngress[] {
    const rule = { protocol: "tcp", fromPort: listener.port, toPort: listener.port };
    return [
        ...allowedCidrs.map((cidr) => ({ ...rule, cidrBlocks: [cidr], description: `callers in ${cidr} (stack config)` })),
        ...allowedSecurityGroupIds.map((sg) => ({ ...rule, securityGroups: [sg], description: `callers in ${sg} (stack config)` })),
    ];
}

/**
 * The NodePort Service the load balancer's targets are: labelled apart from the in-cluster API Service
 * (no ServiceMonitor selects it) and `externalTrafficPolicy: Local`, so a node answers (and passes the
 * health check) only with a ready vLLM replica of its own, and the pod sees the load balancer's address.
 */
export function renderNodePortService(name: string, namespace: string, podLabels: Readonly<Record<string, string>>): k8sInput.core.v1.Service & { apiVersion: "v1"; kind: "Service" } {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven", "app.kubernetes.io/instance": name, "app.kubernetes.io/component": "load-balancer-target" } },
        spec: {
            type: "NodePort", externalTrafficPolicy: "Local", selector: { ...podLabels },
            ports: [{ name: NODE_PORT_NAME, port: VLLM_PORT, targetPort: VLLM_PORT, nodePort: VLLM_NODE_PORT, protocol: "TCP" }],
        },
    };
}

export interface VllmEndpointArgs {
    readonly clusterName: pulumi.Input<string>;
    /** One GPU node group per zone, in zone order: each is one target of the load balancer. */
    readonly zones: readonly { readonly zone: string; readonly nodeGroupName: pulumi.Input<string> }[];
    readonly namespace: string;
    /** Labels selecting the vLLM pods. */
    readonly podLabels: Readonly<Record<string, string>>;
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidr: string;
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    readonly listener: EndpointListener;
    readonly allowedCidrs: readonly string[];
    readonly allowedSecurityGroupIds: readonly string[];
    /** A Route 53 private hosted zone for the host name's alias record. Default: none. */
    readonly privateHostedZoneId?: string;
    readonly idleTimeoutSeconds: number;
    /** LCUs per hour the workload drives (cost/loadBalancer.ts): written as a tag the pricer reads. */
    readonly lcuPerHour: number;
    /** Tags on every AWS resource. Default: only Name tags. */
    readonly tags?: Readonly<Record<string, string>>;
}

export class VllmEndpoint extends pulumi.ComponentResource {
    /** OpenAI-compatible base URL (https://<hostName>/v1, or the load balancer's name on HTTP in dev). */
    readonly url: pulumi.Output<string>;
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly protocol: EndpointListener["protocol"];

    constructor(name: string, args: VllmEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        super(VLLM_ENDPOINT_TYPE, name, {}, opts);
        checkArgs(name, args);
        const parent = { parent: this };
        const tags = (suffix: string): Record<string, string> => ({ ...args.tags, Name: `${name}-${suffix}` });

        const service = renderNodePortService(`${name}-nodeport`, args.namespace, args.podLabels);
        new k8s.core.v1.Service(`${name}-nodeport`, { metadata: service.metadata, spec: service.spec }, parent);
        const sg = this.securityGroup(name, args, tags("alb"));
        const lb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application", internal: true, subnets: [...args.privateSubnetIds], securityGroups: [sg.id],
            idleTimeout: args.idleTimeoutSeconds, dropInvalidHeaderFields: true, tags: { ...tags("alb"), [LCU_PER_HOUR_TAG]: lcuTagValue(args.lcuPerHour) },
        }, parent);
        const tg = new aws.lb.TargetGroup(`${name}-tg`, {
            port: VLLM_NODE_PORT, protocol: "HTTP", targetType: "instance", vpcId: args.vpcId, deregistrationDelay: 300,
            // vLLM's own health endpoint: no model call, and outside the /v1 paths its key guards.
            healthCheck: { path: HEALTH_PATH, port: "traffic-port", protocol: "HTTP", matcher: "200", interval: 30, timeout: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
            tags: tags("tg"),
        }, parent);
        this.listener(name, args.listener, lb, tg, tags);
        this.zoneTargets(name, args, tg);
        const listener = args.listener;
        if (listener.protocol === "HTTPS" && args.privateHostedZoneId !== undefined) {
            new aws.route53.Record(`${name}-dns`, {
                zoneId: args.privateHostedZoneId, name: listener.hostName, type: "A",
                aliases: [{ name: lb.dnsName, zoneId: lb.zoneId, evaluateTargetHealth: true }],
            }, parent);
        }

        this.url = listener.protocol === "HTTPS" ? pulumi.output(`https://${listener.hostName}/v1`) : pulumi.interpolate`http://${lb.dnsName}:${listener.port}/v1`;
        this.loadBalancerDnsName = lb.dnsName;
        this.securityGroupId = sg.id;
        this.protocol = listener.protocol;
        this.registerOutputs({ url: this.url, loadBalancerDnsName: this.loadBalancerDnsName, securityGroupId: this.securityGroupId, protocol: this.protocol });
    }

    /** The load balancer's security group (the callers named in config, out to the NodePort), and the nodes' rule admitting it. */
    private securityGroup(name: string, args: VllmEndpointArgs, tags: Record<string, string>): aws.ec2.SecurityGroup {
        const sg = new aws.ec2.SecurityGroup(`${name}-alb`, {
            vpcId: args.vpcId, description: `Internal vLLM endpoint: ${args.listener.protocol} from the callers named in stack config`,
            ingress: endpointIngress(args.listener, args.allowedCidrs, args.allowedSecurityGroupIds),
            egress: [{ protocol: "tcp", fromPort: VLLM_NODE_PORT, toPort: VLLM_NODE_PORT, cidrBlocks: [args.vpcCidr], description: "to the GPU nodes' NodePort" }],
            tags,
        }, { parent: this });
        // The GPU nodes carry the cluster security group (their launch templates set none).
        const cluster = aws.eks.getClusterOutput({ name: args.clusterName }, { parent: this });
        new aws.vpc.SecurityGroupIngressRule(`${name}-nodeport`, {
            securityGroupId: cluster.vpcConfig.clusterSecurityGroupId,
            referencedSecurityGroupId: sg.id,
            ipProtocol: "tcp", fromPort: VLLM_NODE_PORT, toPort: VLLM_NODE_PORT,
            description: "vLLM NodePort from the internal endpoint's load balancer",
        }, { parent: this });
        return sg;
    }

    /** The listener: anything but `/v1/*` gets a 404 from the load balancer itself. */
    private listener(name: string, listener: EndpointListener, lb: aws.lb.LoadBalancer, tg: aws.lb.TargetGroup, tags: (suffix: string) => Record<string, string>): void {
        const suffix = listener.protocol.toLowerCase();
        const created = new aws.lb.Listener(`${name}-${suffix}`, {
            loadBalancerArn: lb.arn, port: listener.port, protocol: listener.protocol,
            ...(listener.protocol === "HTTPS" ? { certificateArn: listener.certificateArn, sslPolicy: TLS_POLICY } : {}),
            defaultActions: [{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: "{\"error\":\"not found: the endpoint serves /v1 only\"}" } }],
            tags: tags(suffix),
        }, { parent: this });
        new aws.lb.ListenerRule(`${name}-v1`, {
            listenerArn: created.arn, priority: 10,
            conditions: [{ pathPattern: { values: [...FORWARDED_PATHS] } }],
            actions: [{ type: "forward", targetGroupArn: tg.arn }],
            tags: tags("v1"),
        }, { parent: this });
    }

    /** One target per GPU zone: that zone's node group's Auto Scaling group, attached to the target group. */
    private zoneTargets(name: string, args: VllmEndpointArgs, tg: aws.lb.TargetGroup): void {
        for (const { zone, nodeGroupName } of args.zones) {
            const group = aws.eks.getNodeGroupOutput({ clusterName: args.clusterName, nodeGroupName }, { parent: this });
            new aws.autoscaling.Attachment(`${name}-${zone}`, {
                autoscalingGroupName: group.resources.apply((r) => {
                    const asg = r[0]?.autoscalingGroups[0]?.name;
                    if (asg === undefined) throw new Error(`node group ${String(nodeGroupName)} (${zone}) has no Auto Scaling group to attach to the vLLM endpoint's target group`);
                    return asg;
                }),
                lbTargetGroupArn: tg.arn,
            }, { parent: this });
        }
    }
}

/** The component's own invariants, before any child exists (config rules are the schema's, config/endpoint.ts). */
function checkArgs(name: string, args: VllmEndpointArgs): void {
    const problems: InputProblem[] = [];
    if (args.zones.length === 0) problems.push({ propertyPath: "zones", reason: "is empty: the load balancer would have no target; pass each GPU zone's node group" });
    // An Application Load Balancer needs subnets in at least two zones (as the gateway's, config/rules.ts).
    if (args.privateSubnetIds.length < 2) problems.push({ propertyPath: "privateSubnetIds", reason: `has ${args.privateSubnetIds.length} subnet${args.privateSubnetIds.length === 1 ? "" : "s"}: an Application Load Balancer needs subnets in at least 2 zones` });
    if (args.allowedCidrs.length === 0 && args.allowedSecurityGroupIds.length === 0) {
        problems.push({ propertyPath: "allowedCidrs", reason: "and 'allowedSecurityGroupIds' are both empty: nothing could call the endpoint; name the callers' address ranges or security groups" });
    }
    if (!(Number.isFinite(args.lcuPerHour) && args.lcuPerHour >= 0)) problems.push({ propertyPath: "lcuPerHour", reason: `(${args.lcuPerHour}) must be a number of LCUs, 0 or more (cost/loadBalancer.ts albLcuPerHour): the pricer reads it` });
    throwInputErrors("VllmEndpoint", name, problems);
}
