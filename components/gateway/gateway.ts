/**
 * The LiteLLM routing gateway: the proxy on ECS Fargate across at least two zones behind an
 * Application Load Balancer, ElastiCache for Valkey (semantic cache and state shared by the tasks),
 * optional RDS PostgreSQL (spend logs, virtual keys), every credential in Secrets Manager injected by
 * reference, autoscaling on request count and CPU, optional WAF, and the alarms that matter.
 *
 * Read like pulumi-eks: the constructor calls one function per concern, each taking the component's
 * context (its names, tags and parent): network, security groups, secrets, cache, database, logs and
 * roles, task, load balancer, service, autoscaling, WAF, alarms. Thin over pure parts: the config text
 * (liteLLMConfig.ts), the containers (task.ts) and the alarms (alarms.ts) are rendered and tested on
 * their own. The bill is not computed here: the resources this component creates are priced one by
 * one by cost/pricers/ (the policy pack and `llm-breakeven plan`).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { InputProblem, throwInputErrors } from "../inputErrors";
import { planGatewaySubnets } from "../../platform/subnets";
import { NatStrategy, Vpc, VpcRef } from "../network/vpc";
import { ALARM_SUFFIXES, alarmDefinitions } from "./alarms";
import { GatewayContext } from "./context";
import { ENV } from "./liteLLMConfig";
import { GatewayLoadBalancer, createLoadBalancer } from "./loadBalancer";
import { createCacheAuth, createGeneratedSecrets, createProviderKeySecrets, createSecretStore } from "./secrets";
import { createSecurityGroups } from "./security";
import { METRICS_NAMESPACE, createAutoscaling, createLogGroups, createService, createTaskDefinition, createTaskRoles } from "./service";
import { createPostgres, createValkey } from "./storage";
import { createWaf } from "./waf";

export { HEALTH_CHECK_PATH } from "./loadBalancer";
export { POSTGRES_ENGINE_VERSION, VALKEY_ENGINE_VERSION } from "./storage";
export { wafRuleSet } from "./waf";

export const GATEWAY_TYPE = "llm-breakeven:gateway:Gateway";

export interface GatewayDatabaseArgs {
    readonly instanceClass: string;
    readonly multiAz: boolean;
    readonly allocatedStorageGiB: number;
}

export interface GatewayArgs {
    readonly environment: "dev" | "staging" | "production";
    readonly region: string;
    /** A network to join (hybrid: the self-hosted stack's). Default: the gateway builds its own from the zones and CIDR below. */
    readonly network?: VpcRef;
    /** Zones of the gateway's own network (ignored when `network` is given). */
    readonly availabilityZoneNames: readonly string[];
    readonly vpcCidr: string;
    /** NAT gateways of the gateway's own network. Default "per-zone". */
    readonly natGateways?: NatStrategy;
    /** ghcr.io/berriai/litellm by release tag, with the registry's digest once resolved (the program refuses a production `pulumi up` without one). */
    readonly image: string;
    /**
     * The prefix of every name AWS keeps account- or region-wide (log groups, alarms, secrets, the
     * WAF ACL, the ECS cluster, roles, the task family, snapshots): `<project>-<stack>-<name>`, so two
     * stacks in one account never collide. Default: the component name (tests only).
     */
    readonly physicalName?: string;
    readonly desiredCount: number;
    readonly minCount: number;
    readonly maxCount: number;
    /** Fargate CPU units per task (1024 = 1 vCPU). */
    readonly cpuUnits: number;
    readonly memoryMiB: number;
    /** ACM certificate: HTTPS on an internet-facing load balancer. Default: none, an internal load balancer with an HTTP listener. */
    readonly certificateArn?: string;
    readonly idleTimeoutSeconds: number;
    readonly waf: boolean;
    readonly cacheNodeType: string;
    readonly cacheNodes: number;
    /** Postgres for spend logs and virtual keys. Default: none. */
    readonly database?: GatewayDatabaseArgs;
    readonly logRetentionDays: number;
    /** The rendered config.yaml (no secrets in it). */
    readonly liteLLMConfigYaml: string;
    /** LiteLLM providers whose API keys the task needs. */
    readonly providers: readonly string[];
    /** Provider -> API key, a Pulumi secret. */
    readonly providerApiKeys: pulumi.Output<Record<string, string>>;
    /** The global budget, USD per month: the spend alarm fires when a day spends more than a 30th of it. */
    readonly monthlyBudgetUsd: number;
    /** The self-hosted vLLM endpoint (OpenAI-compatible base URL). Default: none (no self-hosted tier). */
    readonly selfHostedApiBase?: pulumi.Input<string>;
    /** Requests per task per minute autoscaling holds. Default 600. */
    readonly requestsPerTaskPerMinute?: number;
    /** Average CPU autoscaling holds, percent. Default 60. */
    readonly targetCpuPercent?: number;
    /** p95 time to response headers above which the latency alarm fires, seconds. Default 30. */
    readonly p95LatencyAlarmSeconds?: number;
    /** Share of requests answered 5xx above which the error alarm fires, percent. Default 5. */
    readonly error5xxRateAlarmPercent?: number;
    /** Requests per month, for the WAF request charge in the projected bill. Default 1,000,000. */
    readonly requestsPerMonth?: number;
    /** The metrics collector image, pinned. Default: aws-otel-collector v0.43.3. */
    readonly collectorImage?: string;
    /** Tags on every resource. Default: none. */
    readonly tags?: Readonly<Record<string, string>>;
}

export class Gateway extends pulumi.ComponentResource {
    /** The URL clients call (https:// with a certificate, else http:// inside the VPC). */
    readonly url: pulumi.Output<string>;
    /** The ALB's DNS name (a CNAME or alias target for your own host name). */
    readonly loadBalancerDnsName: pulumi.Output<string>;
    /** The ECS cluster the proxy's Fargate service runs in. */
    readonly clusterName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    /** The Valkey replication group's primary endpoint (TLS): LiteLLM's cache and router state. */
    readonly cacheEndpoint: pulumi.Output<string>;
    /** The Postgres instance's address (spend logs, virtual keys); undefined without `database`. */
    readonly databaseEndpoint: pulumi.Output<string> | undefined;
    /** The Secrets Manager secret holding the proxy's master key (the value never leaves it). */
    readonly masterKeySecretArn: pulumi.Output<string>;
    /** Every secret the task reads (the master, salt and cache keys, each provider's API key, the database URL). */
    readonly secretArns: pulumi.Output<string>[];
    readonly logGroupName: pulumi.Output<string>;
    /** The CloudWatch alarms it created (alarms.ts: ALARM_SUFFIXES). */
    readonly alarmNames: pulumi.Output<string>[];
    readonly taskDefinitionArn: pulumi.Output<string>;
    /** The Application Auto Scaling policies on the service's task count. */
    readonly autoscalingPolicyNames: pulumi.Output<string>[];
    /** Every secret version written (their values stay secret). */
    readonly secretVersionIds: pulumi.Output<string>[];
    readonly availabilityZoneNames: readonly string[];

    constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(GATEWAY_TYPE, name, {}, opts);
        checkArgs(name, args);
        const physical = args.physicalName ?? name;
        const ctx: GatewayContext = { name, physical, production: args.environment === "production", tags: (suffix) => ({ ...args.tags, Name: `${name}-${suffix}` }), parent: this };
        const internetFacing = args.certificateArn !== undefined;

        const network = args.network ?? createNetwork(ctx, args);
        const groups = createSecurityGroups(ctx, network, internetFacing);
        const secrets = createSecretStore(ctx);
        const master = createGeneratedSecrets(ctx, secrets);
        createProviderKeySecrets(secrets, args.providers, args.providerApiKeys);
        const cache = createValkey(ctx, { network, securityGroupId: groups.cache.id, nodeType: args.cacheNodeType, nodes: args.cacheNodes, authToken: createCacheAuth(ctx, secrets) });
        const postgres = args.database === undefined ? undefined : createPostgres(ctx, { network, taskSecurityGroupId: groups.task.id, database: args.database });
        if (postgres !== undefined) secrets.store("database-url", ENV.databaseUrl, postgres.url, "LiteLLM Postgres URL (with its password)");
        const logs = createLogGroups(ctx, args.logRetentionDays);
        const taskDefinition = createTaskDefinition(ctx, {
            image: args.image, region: args.region, cpuUnits: args.cpuUnits, memoryMiB: args.memoryMiB, liteLLMConfigYaml: args.liteLLMConfigYaml, collectorImage: args.collectorImage,
            cacheHost: cache.primaryEndpointAddress, selfHostedApiBase: args.selfHostedApiBase, secrets, logs, roles: createTaskRoles(ctx, secrets, logs),
        });
        const lb = createLoadBalancer(ctx, { network, securityGroupId: groups.loadBalancer.id, certificateArn: args.certificateArn, idleTimeoutSeconds: args.idleTimeoutSeconds });
        const { cluster, service } = createService(ctx, {
            taskDefinition, desiredCount: args.desiredCount, privateSubnetIds: network.privateSubnetIds, taskSecurityGroupId: groups.task.id, targetGroup: lb.targetGroup, listener: lb.listener,
        });
        const policies = createAutoscaling(ctx, {
            clusterName: cluster.name, serviceName: service.name, minCount: args.minCount, maxCount: args.maxCount,
            requestCountLabel: pulumi.interpolate`${lb.loadBalancer.arnSuffix}/${lb.targetGroup.arnSuffix}`,
            requestsPerTaskPerMinute: args.requestsPerTaskPerMinute, targetCpuPercent: args.targetCpuPercent,
        });
        // WAF (waf.ts): AWS's common rules, except that a prompt body over 8 KB is counted, not blocked.
        if (args.waf) createWaf(ctx, lb.loadBalancer.arn);
        const alarms = createAlarms(ctx, args, lb);

        this.url = internetFacing ? pulumi.interpolate`https://${lb.loadBalancer.dnsName}` : pulumi.interpolate`http://${lb.loadBalancer.dnsName}`;
        this.loadBalancerDnsName = lb.loadBalancer.dnsName;
        this.clusterName = cluster.name;
        this.serviceName = service.name;
        this.cacheEndpoint = cache.primaryEndpointAddress;
        this.databaseEndpoint = postgres?.instance.address;
        this.masterKeySecretArn = master.arn;
        this.secretArns = secrets.env.map((s) => s.arn);
        this.logGroupName = logs.logs.name;
        this.alarmNames = alarms.map((a) => a.name);
        this.taskDefinitionArn = taskDefinition.arn;
        this.autoscalingPolicyNames = policies.map((p) => p.name);
        this.secretVersionIds = secrets.versionIds;
        this.availabilityZoneNames = network.availabilityZoneNames;
        this.registerOutputs({
            url: this.url,
            loadBalancerDnsName: this.loadBalancerDnsName,
            clusterName: this.clusterName,
            serviceName: this.serviceName,
            cacheEndpoint: this.cacheEndpoint,
            databaseEndpoint: this.databaseEndpoint,
            masterKeySecretArn: this.masterKeySecretArn,
            secretArns: this.secretArns,
            logGroupName: this.logGroupName,
            alarmNames: this.alarmNames,
            taskDefinitionArn: this.taskDefinitionArn,
            autoscalingPolicyNames: this.autoscalingPolicyNames,
            secretVersionIds: this.secretVersionIds,
            availabilityZoneNames: this.availabilityZoneNames,
        });
    }
}

/** The gateway's own VPC (platform/subnets.ts's gateway plan); a hybrid stack passes the self-hosted one instead. */
function createNetwork(ctx: GatewayContext, args: GatewayArgs): Vpc {
    return new Vpc(`${ctx.name}-net`, {
        vpcCidr: args.vpcCidr, subnets: planGatewaySubnets(args.vpcCidr, args.availabilityZoneNames), natGateways: args.natGateways ?? "per-zone", ...(args.tags !== undefined ? { tags: args.tags } : {}),
    }, { parent: ctx.parent });
}

/** The alarms (alarms.ts), each named for the stack, so two stacks' alarms never collide. */
function createAlarms(ctx: GatewayContext, args: GatewayArgs, lb: GatewayLoadBalancer): aws.cloudwatch.MetricAlarm[] {
    const definitions = alarmDefinitions({
        loadBalancerArnSuffix: lb.loadBalancer.arnSuffix, targetGroupArnSuffix: lb.targetGroup.arnSuffix, metricsNamespace: METRICS_NAMESPACE, gatewayId: ctx.physical,
        minCount: args.minCount, monthlyBudgetUsd: args.monthlyBudgetUsd,
        ...(args.p95LatencyAlarmSeconds !== undefined ? { p95LatencyAlarmSeconds: args.p95LatencyAlarmSeconds } : {}),
        ...(args.error5xxRateAlarmPercent !== undefined ? { error5xxRateAlarmPercent: args.error5xxRateAlarmPercent } : {}),
    });
    return ALARM_SUFFIXES.map((suffix) => new aws.cloudwatch.MetricAlarm(`${ctx.name}-${suffix}`, { ...definitions[suffix], name: `${ctx.physical}-${suffix}`, tags: ctx.tags(suffix) }, { parent: ctx.parent }));
}

/** The component's own invariants: arguments a program could pass wrongly (config rules are the schema's, config/rules.ts). */
function checkArgs(name: string, args: GatewayArgs): void {
    const problems: InputProblem[] = [];
    if (args.minCount > args.maxCount) problems.push({ propertyPath: "maxCount", reason: `(${args.maxCount}) must be >= 'minCount' (${args.minCount})` });
    if (args.desiredCount < args.minCount || args.desiredCount > args.maxCount) problems.push({ propertyPath: "desiredCount", reason: `(${args.desiredCount}) must be between 'minCount' (${args.minCount}) and 'maxCount' (${args.maxCount})` });
    if (args.providers.length === 0) problems.push({ propertyPath: "providers", reason: "is empty: the gateway calls no provider" });
    if (args.network !== undefined && (args.network.publicSubnetIds.length < 2 || args.network.privateSubnetIds.length < 2)) {
        problems.push({ propertyPath: "network", reason: `has ${args.network.publicSubnetIds.length} public and ${args.network.privateSubnetIds.length} private subnets; the load balancer and the tasks need at least 2 zones` });
    }
    throwInputErrors("Gateway", name, problems);
}
