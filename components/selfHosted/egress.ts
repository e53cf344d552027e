/**
 * The serving namespace's NetworkPolicies.
 *
 * Ingress (when the stack has an endpoint): vLLM's port only from the private subnets, where the
 * internal load balancer's nodes and the GPU nodes (kubelet probes, the NodePort hop) live, and from
 * the monitoring namespace (Prometheus scrapes /metrics). Before the endpoint, the namespace had no
 * ingress policy at all (everything admitted); this admits the load balancer's traffic and nothing
 * else new.
 *
 * Egress from the serving namespace: DNS, the VPC endpoints (in the private subnets) and the model
 * source's address ranges; nothing else. A vLLM pod holds credentials (an IRSA token, perhaps a
 * Hugging Face token) and serves prompts: it has no business reaching the rest of the internet. The
 * model source's ranges are the region's S3 prefix list (an S3 mirror, read at deploy time) or the
 * Hugging Face CDN's ranges from the stack config.
 *
 * NetworkPolicies are enforced on EKS only when the VPC CNI's network policy agent is on (the cluster
 * component sets `enableNetworkPolicy` on the vpc-cni add-on); without it this object is inert.
 * Image pulls are made by the kubelet on the node, not by the pod, so they are not subject to it.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../../platform/cidr";

export const SERVING_EGRESS_TYPE = "llm-breakeven:selfHosted:ServingEgressPolicy";

export interface EgressPolicyInput {
    readonly name: string;
    readonly namespace: string;
    /** Where the weights come from (the model source), reached on 443. */
    readonly modelSourceCidrs: readonly string[];
    /** The subnets holding the VPC interface endpoints' ENIs (the private subnets), reached on 443. */
    readonly endpointCidrs: readonly string[];
}

/** What every NetworkPolicy object here has besides its spec. */
interface NetworkPolicyHead {
    readonly apiVersion: "networking.k8s.io/v1";
    readonly kind: "NetworkPolicy";
    readonly metadata: { readonly name: string; readonly namespace: string; readonly labels: Record<string, string> };
}

export interface NetworkPolicyObject extends NetworkPolicyHead {
    readonly spec: {
        readonly podSelector: Record<string, never>;
        readonly policyTypes: readonly ["Egress"];
        readonly egress: readonly {
            readonly to: readonly Record<string, unknown>[];
            readonly ports: readonly { readonly protocol: "UDP" | "TCP"; readonly port: number }[];
        }[];
    };
}

const HTTPS = [{ protocol: "TCP" as const, port: 443 }];

/** The NetworkPolicy, as plain data: every pod of the namespace, egress only to DNS, the endpoints and the model source. */
export function renderEgressNetworkPolicy(input: EgressPolicyInput): NetworkPolicyObject {
    for (const cidr of [...input.modelSourceCidrs, ...input.endpointCidrs]) parseCidr(cidr);
    if (input.endpointCidrs.length === 0) throw new Error("renderEgressNetworkPolicy: no endpoint subnets; the pods could not reach STS or the logs endpoint");
    if (input.modelSourceCidrs.length === 0) throw new Error("renderEgressNetworkPolicy: no model source ranges; the pods could not fetch the weights");
    const ipBlocks = (cidrs: readonly string[]): Record<string, unknown>[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
    const egress: NetworkPolicyObject["spec"]["egress"][number][] = [
        {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        },
        { to: ipBlocks(input.endpointCidrs), ports: HTTPS },
        { to: ipBlocks(input.modelSourceCidrs), ports: HTTPS },
    ];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: input.name, namespace: input.namespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven", "app.kubernetes.io/component": "egress" } },
        spec: { podSelector: {}, policyTypes: ["Egress"], egress },
    };
}

export interface IngressPolicyInput {
    readonly name: string;
    readonly namespace: string;
    /** vLLM's container port. */
    readonly port: number;
    /** Where the load balancer's nodes live (its private subnets). */
    readonly loadBalancerCidrs: readonly string[];
    /** Prometheus's namespace (it scrapes /metrics on the same port). */
    readonly monitoringNamespace: string;
}

export interface IngressNetworkPolicyObject extends NetworkPolicyHead {
    readonly spec: {
        readonly podSelector: Record<string, never>;
        readonly policyTypes: readonly ["Ingress"];
        readonly ingress: readonly { readonly from: readonly Record<string, unknown>[]; readonly ports: readonly { readonly protocol: "TCP"; readonly port: number }[] }[];
    };
}

/** The ingress NetworkPolicy, as plain data: every pod of the namespace, vLLM's port from the load balancer's subnets and from Prometheus. */
export function renderIngressNetworkPolicy(input: IngressPolicyInput): IngressNetworkPolicyObject {
    for (const cidr of input.loadBalancerCidrs) parseCidr(cidr);
    if (input.loadBalancerCidrs.length === 0) throw new Error("renderIngressNetworkPolicy: no load balancer subnets; the endpoint could not reach vLLM");
    const ports = [{ protocol: "TCP" as const, port: input.port }];
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: input.name, namespace: input.namespace, labels: { "app.kubernetes.io/part-of": "llm-breakeven", "app.kubernetes.io/component": "ingress" } },
        spec: {
            podSelector: {},
            policyTypes: ["Ingress"],
            ingress: [
                { from: input.loadBalancerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports },
                { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": input.monitoringNamespace } } }], ports },
            ],
        },
    };
}

export interface ServingEgressPolicyArgs {
    readonly namespace: string;
    /** With an endpoint: the ingress policy's inputs (no ingress policy without one). */
    readonly ingress?: Omit<IngressPolicyInput, "name" | "namespace">;
    /** Known at deploy time only when read from a prefix list. */
    readonly modelSourceCidrs: pulumi.Input<readonly string[]>;
    readonly endpointCidrs: readonly string[];
}

export class ServingEgressPolicy extends pulumi.ComponentResource {
    readonly policyName: pulumi.Output<string>;

    constructor(name: string, args: ServingEgressPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(SERVING_EGRESS_TYPE, name, {}, opts);
        const object = pulumi.output(args.modelSourceCidrs).apply((modelSourceCidrs) =>
            renderEgressNetworkPolicy({ name: `${name}-egress`, namespace: args.namespace, modelSourceCidrs, endpointCidrs: args.endpointCidrs }));
        const policy = new k8s.networking.v1.NetworkPolicy(`${name}-egress`, {
            metadata: { name: `${name}-egress`, namespace: args.namespace, labels: object.metadata.labels },
            spec: object.spec.apply((spec) => ({ ...spec, policyTypes: [...spec.policyTypes], egress: spec.egress.map((r) => ({ to: [...r.to], ports: [...r.ports] })) })),
        }, { parent: this });
        if (args.ingress !== undefined) {
            const ingress = renderIngressNetworkPolicy({ name: `${name}-ingress`, namespace: args.namespace, ...args.ingress });
            new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, {
                metadata: ingress.metadata,
                spec: { ...ingress.spec, policyTypes: [...ingress.spec.policyTypes], ingress: ingress.spec.ingress.map((r) => ({ from: [...r.from], ports: [...r.ports] })) },
            }, { parent: this });
        }
        this.policyName = policy.metadata.name;
        this.registerOutputs({ policyName: this.policyName });
    }
}
