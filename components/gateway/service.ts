/**
 * LiteLLM on ECS Fargate: the log groups, the two roles (start the task; run it), the task definition
 * (containers rendered by task.ts), the service spread over the private subnets' zones, and
 * autoscaling on request count per task and CPU. One function per concern, each taking the
 * component's context.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GatewayContext } from "./context";
import { ENV } from "./liteLLMConfig";
import { SecretStore } from "./secrets";
import { VALKEY_PORT } from "./storage";
import { DEFAULT_COLLECTOR_IMAGE, CONTAINERS, LITELLM_PORT, SecretRef, renderContainerDefinitions } from "./task";

/** The namespace of the spend metric the task writes (EMF) and the spend alarm reads. */
export const METRICS_NAMESPACE = "LLMBreakeven/Gateway";

export interface GatewayLogs {
    readonly logs: aws.cloudwatch.LogGroup;
    readonly metrics: aws.cloudwatch.LogGroup;
}

export function createLogGroups(ctx: GatewayContext, retentionInDays: number): GatewayLogs {
    const parent = { parent: ctx.parent };
    const logs = new aws.cloudwatch.LogGroup(`${ctx.name}-logs`, { name: `/${ctx.physical}/litellm`, retentionInDays, tags: ctx.tags("logs") }, parent);
    const metrics = new aws.cloudwatch.LogGroup(`${ctx.name}-metrics`, { name: `/${ctx.physical}/metrics`, retentionInDays, tags: ctx.tags("metrics") }, parent);
    return { logs, metrics };
}

/** The execution role reads exactly the gateway's secrets and writes its logs; the task role writes its spend metric and nothing else. */
export function createTaskRoles(ctx: GatewayContext, secrets: SecretStore, logs: GatewayLogs): { readonly execution: aws.iam.Role; readonly task: aws.iam.Role } {
    const { name, physical, tags } = ctx;
    const parent = { parent: ctx.parent };
    // IAM role name prefixes are capped at 38 characters.
    const rolePrefix = (role: string): string => `${physical.slice(0, 36 - role.length)}-${role}-`;
    const assumeEcsTasks = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }] });
    const execution = new aws.iam.Role(`${name}-execution`, { namePrefix: rolePrefix("exec"), assumeRolePolicy: assumeEcsTasks, description: "Starts the LiteLLM task: reads exactly its secrets, writes its logs", tags: tags("execution") }, parent);
    new aws.iam.RolePolicy(`${name}-execution`, {
        role: execution.id,
        policy: pulumi.all([pulumi.all(secrets.env.map((s) => s.arn)), logs.logs.arn]).apply(([arns, logArn]) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ReadExactlyTheGatewaySecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: arns },
                { Sid: "WriteTaskLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: [`${logArn}:*`] },
            ],
        })),
    }, parent);
    const task = new aws.iam.Role(`${name}-task`, { namePrefix: rolePrefix("task"), assumeRolePolicy: assumeEcsTasks, description: "The LiteLLM task: writes its spend metric (EMF) and nothing else", tags: tags("task") }, parent);
    new aws.iam.RolePolicy(`${name}-task`, {
        role: task.id,
        policy: logs.metrics.arn.apply((arn) => JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "WriteSpendMetric", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], Resource: [arn, `${arn}:*`] }],
        })),
    }, parent);
    return { execution, task };
}

export interface TaskDefinitionArgs {
    readonly image: string;
    readonly region: string;
    readonly cpuUnits: number;
    readonly memoryMiB: number;
    readonly liteLLMConfigYaml: string;
    readonly collectorImage: string | undefined;
    readonly cacheHost: pulumi.Output<string>;
    readonly selfHostedApiBase: pulumi.Input<string> | undefined;
    readonly secrets: SecretStore;
    readonly logs: GatewayLogs;
    readonly roles: { readonly execution: aws.iam.Role; readonly task: aws.iam.Role };
}

/** LiteLLM and the metrics collector (task.ts renders both); secrets by reference, never by value. */
export function createTaskDefinition(ctx: GatewayContext, args: TaskDefinitionArgs): aws.ecs.TaskDefinition {
    const containerDefinitions = pulumi.all([
        pulumi.all(args.secrets.env.map((s) => s.arn.apply((valueFrom): SecretRef => ({ name: s.name, valueFrom })))),
        args.cacheHost, args.logs.logs.name, args.logs.metrics.name, pulumi.output(args.selfHostedApiBase),
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
        metricsNamespace: METRICS_NAMESPACE,
        metricsLogGroupName,
        gatewayId: ctx.physical,
    })));
    return new aws.ecs.TaskDefinition(`${ctx.name}-task`, {
        family: `${ctx.physical}-litellm`,
        cpu: String(args.cpuUnits),
        memory: String(args.memoryMiB),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: args.roles.execution.arn,
        taskRoleArn: args.roles.task.arn,
        containerDefinitions,
        tags: ctx.tags("task"),
    }, { parent: ctx.parent });
}

export interface ServiceArgs {
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly desiredCount: number;
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    readonly taskSecurityGroupId: pulumi.Input<string>;
    readonly targetGroup: aws.lb.TargetGroup;
    readonly listener: aws.lb.Listener;
}

/** The cluster and the service, spread over the private subnets' zones; autoscaling owns the count after the first deploy. */
export function createService(ctx: GatewayContext, args: ServiceArgs): { readonly cluster: aws.ecs.Cluster; readonly service: aws.ecs.Service } {
    const cluster = new aws.ecs.Cluster(`${ctx.name}-cluster`, { name: ctx.physical, tags: ctx.tags("cluster") }, { parent: ctx.parent });
    const service = new aws.ecs.Service(`${ctx.name}-service`, {
        cluster: cluster.arn,
        taskDefinition: args.taskDefinition.arn,
        desiredCount: args.desiredCount,
        launchType: "FARGATE",
        networkConfiguration: { subnets: [...args.privateSubnetIds], securityGroups: [args.taskSecurityGroupId], assignPublicIp: false },
        loadBalancers: [{ targetGroupArn: args.targetGroup.arn, containerName: CONTAINERS.proxy, containerPort: LITELLM_PORT }],
        deploymentCircuitBreaker: { enable: true, rollback: true },
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: 200,
        availabilityZoneRebalancing: "ENABLED",
        healthCheckGracePeriodSeconds: 120,
        propagateTags: "SERVICE",
        tags: ctx.tags("service"),
    }, { parent: ctx.parent, dependsOn: [args.listener], ignoreChanges: ["desiredCount"] });
    return { cluster, service };
}

export interface AutoscalingArgs {
    readonly clusterName: pulumi.Output<string>;
    readonly serviceName: pulumi.Output<string>;
    readonly minCount: number;
    readonly maxCount: number;
    /** `<load balancer arn suffix>/<target group arn suffix>`: the request count's label. */
    readonly requestCountLabel: pulumi.Output<string>;
    /** Default 600. */
    readonly requestsPerTaskPerMinute: number | undefined;
    /** Default 60. */
    readonly targetCpuPercent: number | undefined;
}

/** Request count per task and CPU, target tracking; the floor is the configured minimum. Returns the policies. */
export function createAutoscaling(ctx: GatewayContext, args: AutoscalingArgs): aws.appautoscaling.Policy[] {
    const parent = { parent: ctx.parent };
    const scaling = new aws.appautoscaling.Target(`${ctx.name}-scaling`, {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${args.clusterName}/${args.serviceName}`,
        minCapacity: args.minCount,
        maxCapacity: args.maxCount,
    }, parent);
    const policy = (suffix: string, predefinedMetricSpecification: aws.types.input.appautoscaling.PolicyTargetTrackingScalingPolicyConfigurationPredefinedMetricSpecification, targetValue: number): aws.appautoscaling.Policy =>
        new aws.appautoscaling.Policy(`${ctx.name}-${suffix}`, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: scaling.serviceNamespace, scalableDimension: scaling.scalableDimension, resourceId: scaling.resourceId,
            targetTrackingScalingPolicyConfiguration: { predefinedMetricSpecification, targetValue, scaleInCooldown: 300, scaleOutCooldown: 60 },
        }, parent);
    return [
        policy("requests", { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel: args.requestCountLabel }, args.requestsPerTaskPerMinute ?? 600),
        policy("cpu", { predefinedMetricType: "ECSServiceAverageCPUUtilization" }, args.targetCpuPercent ?? 60),
    ];
}
