/**
 * Hand-built stacks for the policies' unit tests (policies.test.ts): small, readable stand-ins for
 * what the self-hosted and gateway programs register, each case changing one field. The end-to-end
 * test (e2e.test.ts) uses mock runs of the shipped stacks instead (recorded.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";
import { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { routingMix } from "../config/fixtures";


interface Fixture {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly properties: Record<string, unknown>;
    readonly parent?: string;
    readonly propertyDependencies?: Record<string, string[]>;
}

export interface StackFixture {
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly resources: Fixture[];
}

const urnOf = (stack: string, type: string, name: string): string => `urn:pulumi:${stack}::llm-breakeven::${type}::${name}`;

function builder(stack: string) {
    const resources: Fixture[] = [];
    const add = (type: string, name: string, properties: Record<string, unknown>, extra: { custom?: boolean; parent?: string; propertyDependencies?: Record<string, string[]> } = {}): Fixture => {
        const custom = extra.custom ?? true;
        const id = `${name}-id`;
        const f: Fixture = {
            urn: urnOf(stack, type, name), type, name, custom,
            properties: custom && type.startsWith("aws:") ? { id, arn: `arn:aws:${type.split(":")[1]?.split("/")[0]}:us-east-1:123456789012:${name}`, ...properties } : properties,
            ...(extra.parent !== undefined ? { parent: extra.parent } : {}),
            ...(extra.propertyDependencies !== undefined ? { propertyDependencies: extra.propertyDependencies } : {}),
        };
        resources.push(f);
        return f;
    };
    return { resources, add };
}

const SELF_HOSTED_CONFIG: Readonly<Record<string, unknown>> = {
    mode: "self-hosted",
    environment: "production",
    workload: { tokensPerMonth: "10B", apiUsdPerMTok: 5, inputOutputRatio: 3, peakToAverage: 2 },
    // Hugging Face (the default source) with the CDN's ranges: documentation addresses, only their presence matters.
    selfHosted: { instanceType: "p4de.24xlarge", availabilityZones: 3, gpuZones: 2, nodesPerZone: 1, egressAllowedCidrs: ["192.0.2.0/24"] },
};

/**
 * The flat config as the Pulumi CLI hands it to the pack: the plain values and, decrypted, the secrets
 * the stack sets (the schema asks for the ones its mode needs; their values never matter here).
 */
function flatConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
    const flat: Record<string, string> = { "aws:region": "us-east-1" };
    for (const [key, value] of Object.entries(config)) flat[`llm-breakeven:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
    if (config["mode"] !== "gateway") flat["llm-breakeven:hfToken"] = "hf_test";
    if (config["mode"] !== "self-hosted") flat["llm-breakeven:providerApiKeys"] = JSON.stringify({ openai: "sk-test" });
    return flat;
}

/** Two p4de.24xlarge GPU node groups in two zones, a system node group, EKS, three NATs, endpoints. */
export function selfHostedStack(options: { gpuInstanceType?: string } = {}): StackFixture {
    const stack = "self-hosted-prod";
    const { resources, add } = builder(stack);
    const root = add("pulumi:pulumi:Stack", `llm-breakeven-${stack}`, {}, { custom: false });
    add("pulumi:providers:aws", "default_7_0_0", { region: "us-east-1" });
    const net = add("llm-breakeven:network:Vpc", "llm", {}, { custom: false, parent: root.urn });
    add("aws:ec2/vpc:Vpc", "llm-vpc", { cidrBlock: "10.40.0.0/16" }, { parent: net.urn });
    const zones = ["us-east-1a", "us-east-1b", "us-east-1c"];
    const privateSubnets = zones.map((az, i) => add("aws:ec2/subnet:Subnet", `llm-private-${i}`, { availabilityZone: az, cidrBlock: `10.40.${i}.0/20` }, { parent: net.urn }));
    zones.forEach((az, i) => {
        add("aws:ec2/subnet:Subnet", `llm-public-${i}`, { availabilityZone: az, cidrBlock: `10.40.${100 + i}.0/24` }, { parent: net.urn });
        add("aws:ec2/eip:Eip", `llm-nat-${i}`, { domain: "vpc" }, { parent: net.urn });
        add("aws:ec2/natGateway:NatGateway", `llm-nat-${i}`, { connectivityType: "public" }, { parent: net.urn });
        add("aws:ec2/routeTable:RouteTable", `llm-private-${i}`, {}, { parent: net.urn });
    });
    add("aws:ec2/internetGateway:InternetGateway", "llm-igw", {}, { parent: net.urn });
    add("aws:ec2/vpcEndpoint:VpcEndpoint", "llm-s3", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" }, { parent: net.urn });
    for (const svc of ["ecr.api", "ecr.dkr"]) {
        add("aws:ec2/vpcEndpoint:VpcEndpoint", `llm-${svc}`, { vpcEndpointType: "Interface", serviceName: `com.amazonaws.us-east-1.${svc}`, subnetIds: privateSubnets.map((s) => s.properties["id"]) }, { parent: net.urn });
    }
    add("aws:ec2/securityGroup:SecurityGroup", "llm-endpoints", {}, { parent: net.urn });
    const cluster = add("llm-breakeven:selfHosted:Cluster", "llm", {}, { custom: false, parent: root.urn });
    add("aws:iam/role:Role", "llm-cluster", {}, { parent: cluster.urn });
    add("aws:eks/cluster:Cluster", "llm-eks", { version: "1.33" }, { parent: cluster.urn });
    add("aws:iam/role:Role", "llm-nodes", {}, { parent: cluster.urn });
    add("aws:eks/nodeGroup:NodeGroup", "llm-system", { instanceTypes: ["m6i.large"], scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 3 }, diskSize: 50, capacityType: "ON_DEMAND", subnetIds: privateSubnets.map((s) => s.properties["id"]) }, { parent: cluster.urn });
    const pool = add("llm-breakeven:selfHosted:GpuNodePool", "llm", {}, { custom: false, parent: root.urn });
    const template = add("aws:ec2/launchTemplate:LaunchTemplate", "llm-gpu", { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 500, volumeType: "gp3" } }] }, { parent: pool.urn });
    [0, 1].forEach((i) => {
        const subnet = privateSubnets[i]!;
        add("aws:eks/nodeGroup:NodeGroup", `llm-gpu-${zones[i]}`, {
            instanceTypes: [options.gpuInstanceType ?? "p4de.24xlarge"],
            scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 1 },
            capacityType: "ON_DEMAND",
            amiType: "AL2023_x86_64_NVIDIA",
            subnetIds: [subnet.properties["id"]],
            launchTemplate: { id: template.properties["id"], version: "1" },
            taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
        }, { parent: pool.urn, propertyDependencies: { subnetIds: [subnet.urn], launchTemplate: [template.urn] } });
    });
    const serving = add("llm-breakeven:selfHosted:VllmService", "llm", {}, { custom: false, parent: root.urn });
    add("pulumi:providers:kubernetes", "llm-k8s", {}, { parent: serving.urn });
    add("kubernetes:core/v1:Namespace", "llm-serving", { metadata: { name: "serving" } }, { parent: serving.urn });
    add("kubernetes:apps/v1:Deployment", "llm-vllm", { spec: { replicas: 2 } }, { parent: serving.urn });
    add("kubernetes:core/v1:Service", "llm-vllm", { spec: { type: "ClusterIP" } }, { parent: serving.urn });
    add("kubernetes:core/v1:Secret", "llm-hf-token", {}, { parent: serving.urn });
    add("aws:cloudwatch/logGroup:LogGroup", "llm-eks-logs", { retentionInDays: 30 }, { parent: cluster.urn });
    return { stack, config: flatConfig(SELF_HOSTED_CONFIG), resources };
}

const GATEWAY_CONFIG: Readonly<Record<string, unknown>> = {
    mode: "gateway",
    environment: "production",
    workload: {
        tokensPerMonth: "500M",
        inputOutputRatio: 3,
        routing: routingMix({ simple: ["groq/llama-3.1-8b", 0.6], medium: ["openai/gpt-4.1-mini", 0.25], complex: ["openai/gpt-4o", 0.15] }),
    },
    gateway: { budgets: { monthlyUsd: 3000 } },
};

/** LiteLLM on Fargate behind an ALB, Valkey cache, Postgres, secrets, alarms. */
export function gatewayStack(): StackFixture {
    const stack = "gateway-prod";
    const { resources, add } = builder(stack);
    const root = add("pulumi:pulumi:Stack", `llm-breakeven-${stack}`, {}, { custom: false });
    add("pulumi:providers:aws", "default_7_0_0", { region: "us-east-1" });
    const gw = add("llm-breakeven:gateway:LiteLlmGateway", "gw", {}, { custom: false, parent: root.urn });
    add("aws:ec2/vpc:Vpc", "gw-vpc", {}, { parent: gw.urn });
    const subnets = ["us-east-1a", "us-east-1b"].map((az, i) => add("aws:ec2/subnet:Subnet", `gw-public-${i}`, { availabilityZone: az }, { parent: gw.urn }));
    [0, 1].forEach((i) => {
        add("aws:ec2/eip:Eip", `gw-nat-${i}`, {}, { parent: gw.urn });
        add("aws:ec2/natGateway:NatGateway", `gw-nat-${i}`, {}, { parent: gw.urn });
    });
    add("aws:lb/loadBalancer:LoadBalancer", "gw-alb", { loadBalancerType: "application", internal: false, subnets: subnets.map((s) => s.properties["id"]), idleTimeout: 600 }, { parent: gw.urn });
    add("aws:lb/targetGroup:TargetGroup", "gw-tg", { port: 4000 }, { parent: gw.urn });
    add("aws:lb/listener:Listener", "gw-http", { port: 80 }, { parent: gw.urn });
    add("aws:ecs/cluster:Cluster", "gw-cluster", {}, { parent: gw.urn });
    const task = add("aws:ecs/taskDefinition:TaskDefinition", "gw-litellm", { cpu: "1024", memory: "2048", requiresCompatibilities: ["FARGATE"] }, { parent: gw.urn });
    add("aws:ecs/service:Service", "gw-litellm", { launchType: "FARGATE", desiredCount: 2, taskDefinition: task.properties["arn"] }, { parent: gw.urn, propertyDependencies: { taskDefinition: [task.urn] } });
    add("aws:elasticache/replicationGroup:ReplicationGroup", "gw-cache", { engine: "valkey", nodeType: "cache.t4g.medium", numCacheClusters: 2 }, { parent: gw.urn });
    add("aws:rds/instance:Instance", "gw-db", { engine: "postgres", instanceClass: "db.t4g.medium", multiAz: false, allocatedStorage: 20, storageType: "gp3" }, { parent: gw.urn });
    for (const s of ["master-key", "provider-keys", "db-url"]) add("aws:secretsmanager/secret:Secret", `gw-${s}`, {}, { parent: gw.urn });
    add("aws:cloudwatch/logGroup:LogGroup", "gw-logs", { retentionInDays: 30 }, { parent: gw.urn });
    for (const a of ["5xx", "latency", "budget"]) add("aws:cloudwatch/metricAlarm:MetricAlarm", `gw-${a}`, { period: 300 }, { parent: gw.urn });
    add("random:index/randomPassword:RandomPassword", "gw-master-key", { length: 32 }, { parent: gw.urn });
    return { stack, config: flatConfig(GATEWAY_CONFIG), resources };
}

const EMPTY_OPTIONS = { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] };

/**
 * StackValidationArgs as the SDK builds them (pulumi-policy-aws src/tests/util.ts pattern), from a
 * fixture; the policy config is what `getConfig` returns.
 */
export function stackArgs(fixture: StackFixture, policyConfig: Record<string, unknown> = {}): StackValidationArgs {
    const byUrn = new Map<string, PolicyResource>();
    const resources = fixture.resources.map((f): PolicyResource => {
        const r: PolicyResource = {
            type: f.type, name: f.name, urn: f.urn, props: f.properties, opts: EMPTY_OPTIONS, dependencies: [], propertyDependencies: {},
            ...(f.custom && !f.type.startsWith("pulumi:") ? { provider: { type: `pulumi:providers:${f.type.split(":")[0]}`, name: "default", urn: "urn:provider", props: {} } } : {}),
            isType: () => false,
            asType: () => undefined,
        };
        byUrn.set(f.urn, r);
        return r;
    });
    fixture.resources.forEach((f, i) => {
        const r = resources[i]!;
        if (f.parent !== undefined) r.parent = byUrn.get(f.parent);
        for (const [key, urns] of Object.entries(f.propertyDependencies ?? {})) {
            r.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((x): x is PolicyResource => x !== undefined);
        }
    });
    return {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => policyConfig as T,
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason ?? ""); },
    };
}

export class NotApplicable extends Error {
    constructor(readonly reason: string) {
        super(reason);
    }
}

/** A copy of the fixture with one resource's properties changed: one field per test case. */
export function withResource(fixture: StackFixture, name: string, change: (props: Record<string, unknown>) => Record<string, unknown>): StackFixture {
    let found = false;
    const resources = fixture.resources.map((r) => {
        if (r.name !== name || r.type.startsWith("llm-breakeven:")) return r;
        found = true;
        return { ...r, properties: change(structuredClone(r.properties)) };
    });
    if (!found) throw new Error(`fixture has no resource named ${name}`);
    return { ...fixture, resources };
}

export function withConfig(fixture: StackFixture, key: string, value: unknown): StackFixture {
    return { ...fixture, config: { ...fixture.config, [`llm-breakeven:${key}`]: typeof value === "string" ? value : JSON.stringify(value) } };
}

/** What one policy run gave: its violations, or the reason it is not applicable. */
export interface PolicyOutcome {
    readonly violations: string[];
    readonly notApplicable?: string;
}

/** Runs one policy as the pack would, with the fixture's stack config and the policy's own config; a NotApplicable throw becomes `notApplicable`. */
export async function runPolicy(policy: StackValidationPolicy, fixture: StackFixture, policyConfig: Record<string, unknown> = {}): Promise<PolicyOutcome> {
    pulumi.runtime.setAllConfig(fixture.config);
    const violations: string[] = [];
    try {
        await policy.validateStack(stackArgs(fixture, policyConfig), (message) => { violations.push(message); });
    } catch (error) {
        if (error instanceof NotApplicable) return { violations, notApplicable: error.reason };
        throw error;
    }
    return { violations };
}

/** The one violation a run reported, holding it to say each of `parts` (a run with none, or several, fails here). */
export function soleViolation(outcome: PolicyOutcome, parts: readonly string[] = []): string {
    expect(outcome.violations).toHaveLength(1);
    const message = outcome.violations[0]!;
    for (const part of parts) expect(message).toContain(part);
    return message;
}
