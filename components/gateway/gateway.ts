/**
 * The LiteLLM routing gateway: the proxy on ECS Fargate across at least two zones behind an
 * Application Load Balancer, ElastiCache for Valkey (semantic cache and state shared by the tasks),
 * optional RDS PostgreSQL (spend logs, virtual keys), every credential in Secrets Manager injected by
 * reference, autoscaling on request count and CPU, optional WAF, and the alarms that matter.
 *
 * Thin over pure parts: the config text (liteLLMConfig.ts) and the containers (task.ts) are rendered
 * and tested on their own. The bill is not computed here: the resources this component creates are
 * priced one by one by cost/pricers/ (the policy pack and `llm-breakeven plan`), so no count of what
 * it builds is kept beside the code that builds it.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ENV, providerKeyEnv } from "./liteLLMConfig";
import { NatStrategy, Vpc, VpcRef } from "../network/vpc";
import { planGatewaySubnets } from "../network/subnets";
import { ALARM_SUFFIXES, alarmDefinitions } from "./alarms";
import { GatewayContext } from "./context";
import { VALKEY_PORT, createPostgres, createValkey } from "./storage";
import { createWaf } from "./waf";
import { DEFAULT_COLLECTOR_IMAGE, LITELLM_CONTAINER, LITELLM_PORT, SecretRef, renderContainerDefinitions } from "./task";

export { POSTGRES_ENGINE_VERSION, VALKEY_ENGINE_VERSION } from "./storage";
export { wafRuleSet } from "./waf";

export const GATEWAY_TYPE = "llm-breakeven:gateway:Gateway";
export const HEALTH_CHECK_PATH = "/health/liveliness";
/**
 * TLS 1.3 with 1.2 fallback, restricted ciphers, post-quantum key exchange: the console's default for
 * a new HTTPS listener ("Security policies for your Application Load Balancer", docs.aws.amazon.com/
 * elasticloadbalancing/latest/application/describe-ssl-policies.html, read 2026-11-30); the API's own
 * default is still ELBSecurityPolicy-2016-08, hence set here.
 */
const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

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
    readonly loadBalancerDnsName: pulumi.Output<string>;
    readonly clusterName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly cacheEndpoint: pulumi.Output<string>;
    readonly databaseEndpoint: pulumi.Output<string> | undefined;
    readonly masterKeySecretArn: pulumi.Output<string>;
    readonly secretArns: pulumi.Output<string>[];
    readonly logGroupName: pulumi.Output<string>;
    readonly alarmNames: pulumi.Output<string>[];
    readonly taskDefinitionArn: pulumi.Output<string>;
    readonly autoscalingPolicyNames: pulumi.Output<string>[];
    /** Every secret version written (their values stay secret). */
    readonly secretVersionIds: pulumi.Output<string>[];
    readonly availabilityZoneNames: readonly string[];

    constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
        super(GATEWAY_TYPE, name, {}, opts);
        checkArgs(args);
        const parent = { parent: this };
        const tags = (suffix: string): Record<string, string> => ({ ...args.tags, Name: `${name}-${suffix}` });
        const production = args.environment === "production";
        const physical = args.physicalName ?? name;

        const own = args.network === undefined ? new Vpc(`${name}-net`, { vpcCidr: args.vpcCidr, subnets: planGatewaySubnets(args.vpcCidr, args.availabilityZoneNames), natGateways: args.natGateways ?? "per-zone", ...(args.tags !== undefined ? { tags: args.tags } : {}) }, parent) : undefined;
        const network: VpcRef = args.network ?? own!;
        if (network.publicSubnetIds.length < 2 || network.privateSubnetIds.length < 2) {
            throw new Error(`gateway ${name}: the network has ${network.publicSubnetIds.length} public and ${network.privateSubnetIds.length} private subnets; the load balancer and the tasks need at least 2 zones`);
        }
        const internetFacing = args.certificateArn !== undefined;

        // --- Security groups: the load balancer reaches the tasks, the tasks reach cache and database.
        const albSg = new aws.ec2.SecurityGroup(`${name}-alb`, {
            vpcId: network.vpcId, description: `LiteLLM load balancer (${internetFacing ? "HTTPS from anywhere" : "HTTP from the VPC"})`,
            ingress: internetFacing
                ? [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS" }, { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: ["0.0.0.0/0"], description: "HTTP, redirected to HTTPS" }]
                : [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [network.vpcCidr], description: "HTTP from the VPC" }],
            egress: [{ protocol: "tcp", fromPort: LITELLM_PORT, toPort: LITELLM_PORT, cidrBlocks: [network.vpcCidr], description: "to the LiteLLM tasks" }],
            tags: tags("alb"),
        }, parent);
        const taskSg = new aws.ec2.SecurityGroup(`${name}-task`, {
            vpcId: network.vpcId, description: "LiteLLM tasks",
            ingress: [{ protocol: "tcp", fromPort: LITELLM_PORT, toPort: LITELLM_PORT, securityGroups: [albSg.id], description: "from the load balancer" }],
            egress: [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "provider APIs, Secrets Manager, CloudWatch, image pulls" },
                { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: [network.vpcCidr], description: "cache, database, the self-hosted endpoint" },
            ],
            tags: tags("task"),
        }, parent);
        const cacheSg = new aws.ec2.SecurityGroup(`${name}-cache`, {
            vpcId: network.vpcId, description: "Valkey from the LiteLLM tasks",
            ingress: [{ protocol: "tcp", fromPort: VALKEY_PORT, toPort: VALKEY_PORT, securityGroups: [taskSg.id], description: "from the tasks" }],
            tags: tags("cache"),
        }, parent);

        // --- Secrets: generated ones from @pulumi/random, provider keys from the stack's secret config.
        const secretEnv: { readonly name: string; readonly arn: pulumi.Output<string> }[] = [];
        const secretVersionIds: pulumi.Output<string>[] = [];
        const storeSecret = (suffix: string, envName: string, value: pulumi.Output<string>, description: string): aws.secretsmanager.Secret => {
            // A prefix, not a name: a deleted secret keeps its name for the recovery window.
            const secret = new aws.secretsmanager.Secret(`${name}-${suffix}`, { namePrefix: `${physical}/${suffix}-`, description, recoveryWindowInDays: production ? 30 : 0, tags: tags(suffix) }, parent);
            secretVersionIds.push(new aws.secretsmanager.SecretVersion(`${name}-${suffix}`, { secretId: secret.id, secretString: pulumi.secret(value) }, parent).id);
            secretEnv.push({ name: envName, arn: secret.arn });
            return secret;
        };
        const masterKey = new random.RandomPassword(`${name}-master-key`, { length: 48, special: false }, parent);
        const master = storeSecret("master-key", ENV.masterKey, pulumi.interpolate`sk-${masterKey.result}`, "LiteLLM master key (admin; issue virtual keys to clients)");
        // LiteLLM encrypts credentials it stores in Postgres with the salt key; it must never change.
        const saltKey = new random.RandomPassword(`${name}-salt-key`, { length: 48, special: false }, parent);
        storeSecret("salt-key", "LITELLM_SALT_KEY", saltKey.result, "LiteLLM salt key (encrypts credentials stored in the database)");
        for (const provider of args.providers) {
            const key = args.providerApiKeys.apply((keys) => {
                const value = keys[provider];
                if (typeof value !== "string" || value === "") {
                    throw new Error(`llm-breakeven:providerApiKeys.${provider}: missing; the routing calls ${provider}. Fix: pulumi config set --secret --path llm-breakeven:providerApiKeys.${provider} <key>`);
                }
                return value;
            });
            storeSecret(`key-${provider.replace(/_/g, "-")}`, providerKeyEnv(provider), key, `${provider} API key for the LiteLLM gateway`);
        }

        // --- Valkey (semantic cache and shared state) and, when asked for, Postgres (storage.ts).
        const context: GatewayContext = { name, physical, production, tags, parent: this };
        const cacheAuth = new random.RandomPassword(`${name}-cache-auth`, { length: 64, special: false }, parent);
        storeSecret("cache-auth", ENV.redisPassword, cacheAuth.result, "Valkey AUTH token for the LiteLLM gateway");
        const cache = createValkey(context, { network, securityGroupId: cacheSg.id, nodeType: args.cacheNodeType, nodes: args.cacheNodes, authToken: cacheAuth.result });
        const postgres = args.database === undefined ? undefined : createPostgres(context, { network, taskSecurityGroupId: taskSg.id, database: args.database });
        const database = postgres?.instance;
        if (postgres !== undefined) storeSecret("database-url", ENV.databaseUrl, postgres.url, "LiteLLM Postgres URL (with its password)");

        // --- Logs, roles and the task definition.
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-logs`, { name: `/${physical}/litellm`, retentionInDays: args.logRetentionDays, tags: tags("logs") }, parent);
        const metricsLogGroup = new aws.cloudwatch.LogGroup(`${name}-metrics`, { name: `/${physical}/metrics`, retentionInDays: args.logRetentionDays, tags: tags("metrics") }, parent);
        // IAM role name prefixes are capped at 38 characters.
        const rolePrefix = (role: string): string => `${physical.slice(0, 36 - role.length)}-${role}-`;
        const assumeEcsTasks = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
        const executionRole = new aws.iam.Role(`${name}-execution`, { namePrefix: rolePrefix("exec"), assumeRolePolicy: assumeEcsTasks, description: "Starts the LiteLLM task: reads exactly its secrets, writes its logs", tags: tags("execution") }, parent);
        new aws.iam.RolePolicy(`${name}-execution`, {
            role: executionRole.id,
            policy: pulumi.all([pulumi.all(secretEnv.map((s) => s.arn)), logGroup.arn]).apply(([arns, logArn]) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "ReadExactlyTheGatewaySecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arns },
                    { Sid: "WriteTaskLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logArn}:*`] },
                ],
            })),
        }, parent);
        const taskRole = new aws.iam.Role(`${name}-task`, { namePrefix: rolePrefix("task"), assumeRolePolicy: assumeEcsTasks, description: "The LiteLLM task: writes its spend metric (EMF) and nothing else", tags: tags("task") }, parent);
        new aws.iam.RolePolicy(`${name}-task`, {
            role: taskRole.id,
            policy: metricsLogGroup.arn.apply((arn) => JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Sid: "WriteSpendMetric", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
            })),
        }, parent);

        const metricsNamespace = "LLMBreakeven/Gateway";
        const containerDefinitions = pulumi.all([
            pulumi.all(secretEnv.map((s) => s.arn.apply((valueFrom): SecretRef => ({ name: s.name, valueFrom })))),
            cache.primaryEndpointAddress, logGroup.name, metricsLogGroup.name, pulumi.output(args.selfHostedApiBase),
        ]).apply(([secrets, cacheHost, logGroupName, metricsLogGroupName, selfHostedApiBase]) => JSON.stringify(renderContainerDefinitions({
            image: args.image,
            configYaml: args.liteLLMConfigYaml,
            environment: {
                [ENV.redisHost]: cacheHost,
                [ENV.redisPort]: String(VALKEY_PORT),
                REDIS_SSL: "True",
                LITELLM_LOG: "INFO",
                ...(selfHostedApiBase !== undefined ? { [ENV.selfHostedApiBase]: selfHostedApiBase } : {}),
            },
            secrets,
            region: args.region,
            logGroupName,
            collectorImage: args.collectorImage ?? DEFAULT_COLLECTOR_IMAGE,
            metricsNamespace,
            metricsLogGroupName,
            gatewayId: physical,
        })));
        const taskDefinition = new aws.ecs.TaskDefinition(`${name}-task`, {
            family: `${physical}-litellm`,
            cpu: String(args.cpuUnits),
            memory: String(args.memoryMiB),
            networkMode: "awsvpc",
            requiresCompatibilities: ["FARGATE"],
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
            executionRoleArn: executionRole.arn,
            taskRoleArn: taskRole.arn,
            containerDefinitions,
            tags: tags("task"),
        }, parent);

        // --- Load balancer, target group, listeners.
        const lb = new aws.lb.LoadBalancer(`${name}-alb`, {
            loadBalancerType: "application",
            internal: !internetFacing,
            subnets: internetFacing ? [...network.publicSubnetIds] : [...network.privateSubnetIds],
            securityGroups: [albSg.id],
            // Long completions stream for minutes; the 60 s default cuts them off.
            idleTimeout: args.idleTimeoutSeconds,
            dropInvalidHeaderFields: true,
            enableDeletionProtection: production,
            tags: tags("alb"),
        }, parent);
        const targetGroup = new aws.lb.TargetGroup(`${name}-tg`, {
            port: LITELLM_PORT,
            protocol: "HTTP",
            targetType: "ip",
            vpcId: network.vpcId,
            // Draining lets in-flight completions finish before a task stops (capped: deploys wait for it).
            deregistrationDelay: Math.min(args.idleTimeoutSeconds, 300),
            healthCheck: {
                // Liveliness needs no key and calls no model; /health calls every model and is billed.
                path: HEALTH_CHECK_PATH, port: "traffic-port", protocol: "HTTP", matcher: "200",
                interval: 30, timeout: 10, healthyThreshold: 2, unhealthyThreshold: 3,
            },
            tags: tags("tg"),
        }, parent);
        const listener = internetFacing
            ? new aws.lb.Listener(`${name}-https`, { loadBalancerArn: lb.arn, port: 443, protocol: "HTTPS", sslPolicy: TLS_POLICY, certificateArn: args.certificateArn, defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], tags: tags("https") }, parent)
            : new aws.lb.Listener(`${name}-http`, { loadBalancerArn: lb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }], tags: tags("http") }, parent);
        if (internetFacing) {
            new aws.lb.Listener(`${name}-http-redirect`, {
                loadBalancerArn: lb.arn, port: 80, protocol: "HTTP",
                defaultActions: [{ type: "redirect", redirect: { port: "443", protocol: "HTTPS", statusCode: "HTTP_301" } }], tags: tags("http-redirect"),
            }, parent);
        }

        // --- The service, spread over the private subnets' zones.
        const cluster = new aws.ecs.Cluster(`${name}-cluster`, { name: physical, tags: tags("cluster") }, parent);
        const service = new aws.ecs.Service(`${name}-service`, {
            cluster: cluster.arn,
            taskDefinition: taskDefinition.arn,
            desiredCount: args.desiredCount,
            launchType: "FARGATE",
            networkConfiguration: { subnets: [...network.privateSubnetIds], securityGroups: [taskSg.id], assignPublicIp: false },
            loadBalancers: [{ targetGroupArn: targetGroup.arn, containerName: LITELLM_CONTAINER, containerPort: LITELLM_PORT }],
            deploymentCircuitBreaker: { enable: true, rollback: true },
            deploymentMinimumHealthyPercent: 100,
            deploymentMaximumPercent: 200,
            availabilityZoneRebalancing: "ENABLED",
            healthCheckGracePeriodSeconds: 120,
            propagateTags: "SERVICE",
            tags: tags("service"),
        }, { parent: this, dependsOn: [listener], ignoreChanges: ["desiredCount"] });

        // --- Autoscaling: request count per task and CPU; the floor is the configured minimum.
        const scaling = new aws.appautoscaling.Target(`${name}-scaling`, {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${cluster.name}/${service.name}`,
            minCapacity: args.minCount,
            maxCapacity: args.maxCount,
        }, parent);
        const requestPolicy = new aws.appautoscaling.Policy(`${name}-requests`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: scaling.serviceNamespace, scalableDimension: scaling.scalableDimension, resourceId: scaling.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: pulumi.interpolate`${lb.arnSuffix}/${targetGroup.arnSuffix}` },
                targetValue: args.requestsPerTaskPerMinute ?? 600,
                scaleInCooldown: 300, scaleOutCooldown: 60,
            },
        }, parent);
        const cpuPolicy = new aws.appautoscaling.Policy(`${name}-cpu`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: scaling.serviceNamespace, scalableDimension: scaling.scalableDimension, resourceId: scaling.resourceId,
            targetTrackingScalingPolicyConfiguration: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: args.targetCpuPercent ?? 60,
                scaleInCooldown: 300, scaleOutCooldown: 60,
            },
        }, parent);

        // --- WAF (waf.ts): AWS's common rules, except that a prompt body over 8 KB is counted, not blocked.
        if (args.waf) createWaf(context, lb.arn);

        // --- Alarms (alarms.ts): each named for the stack, so two stacks' alarms never collide.
        const definitions = alarmDefinitions({
            loadBalancerArnSuffix: lb.arnSuffix, targetGroupArnSuffix: targetGroup.arnSuffix, metricsNamespace, gatewayId: physical,
            minCount: args.minCount, monthlyBudgetUsd: args.monthlyBudgetUsd,
            ...(args.p95LatencyAlarmSeconds !== undefined ? { p95LatencyAlarmSeconds: args.p95LatencyAlarmSeconds } : {}),
            ...(args.error5xxRateAlarmPercent !== undefined ? { error5xxRateAlarmPercent: args.error5xxRateAlarmPercent } : {}),
        });
        const alarms = ALARM_SUFFIXES.map((suffix) => new aws.cloudwatch.MetricAlarm(`${name}-${suffix}`, { ...definitions[suffix], name: `${physical}-${suffix}`, tags: tags(suffix) }, parent));

        this.url = internetFacing ? pulumi.interpolate`https://${lb.dnsName}` : pulumi.interpolate`http://${lb.dnsName}`;
        this.loadBalancerDnsName = lb.dnsName;
        this.clusterName = cluster.name;
        this.serviceName = service.name;
        this.cacheEndpoint = cache.primaryEndpointAddress;
        this.databaseEndpoint = database?.address;
        this.masterKeySecretArn = master.arn;
        this.secretArns = secretEnv.map((s) => s.arn);
        this.logGroupName = logGroup.name;
        this.alarmNames = alarms.map((a) => a.name);
        this.taskDefinitionArn = taskDefinition.arn;
        this.autoscalingPolicyNames = [requestPolicy.name, cpuPolicy.name];
        this.secretVersionIds = secretVersionIds;
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

function checkArgs(args: GatewayArgs): void {
    const problems: string[] = [];
    if (args.minCount > args.maxCount) problems.push(`'maxCount' (${args.maxCount}) must be >= 'minCount' (${args.minCount})`);
    if (args.desiredCount < args.minCount || args.desiredCount > args.maxCount) problems.push(`'desiredCount' (${args.desiredCount}) must be between 'minCount' (${args.minCount}) and 'maxCount' (${args.maxCount})`);
    if (args.environment === "production" && args.minCount < 2) problems.push(`'minCount' (${args.minCount}) must be >= 2 in production`);
    if (!/^[^@\s]+(:[\w.-]+)(@sha256:[a-f0-9]{64})?$|^[^@\s:]+@sha256:[a-f0-9]{64}$/.test(args.image)) problems.push(`'image' (${args.image}) must name a release tag or a digest (repository:vX.Y.Z[@sha256:<64 hex>])`);
    if (args.providers.length === 0) problems.push("'providers' is empty: the gateway calls no provider");
    if (problems.length > 0) throw new Error(`Gateway: ${problems.join("; ")}`);
}
