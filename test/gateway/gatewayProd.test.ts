import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { priceResources } from "../../cost/pricers";
import { parseFlatConfig } from "../../config/stack";
import { MockRun, PLACEHOLDER_SECRET, isSecret, readStackFile, redactSecrets, runShippedStack } from "../../mockrun";
import { DEFAULT_LITELLM_IMAGE } from "../../platform/liteLLMRelease";
import { MOCK_RANDOM, containers, of, one } from "./helpers";

describe("gateway-prod under mocks", () => {
    let run: MockRun;
    beforeAll(async () => {
        run = await runShippedStack("gateway-prod");
    });

    it("records the gateway's resources (not an empty run)", () => {
        expect(run.resources.length).toBeGreaterThan(50);
        for (const type of ["llm-breakeven:gateway:Gateway", "llm-breakeven:network:Vpc", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition", "aws:lb/loadBalancer:LoadBalancer", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:rds/instance:Instance", "aws:wafv2/webAcl:WebAcl", "aws:appautoscaling/target:Target"]) {
            expect(of(run, type).length, type).toBeGreaterThan(0);
        }
        // Every child hangs under the gateway component.
        const gateway = one(run, "llm-breakeven:gateway:Gateway");
        expect(one(run, "aws:ecs/service:Service").parent).toBe(gateway.urn);
    });

    it("runs at least two Fargate tasks in private subnets of two zones, behind the load balancer", () => {
        const service = one(run, "aws:ecs/service:Service");
        expect(service.inputs).toMatchObject({ launchType: "FARGATE", desiredCount: 2, deploymentCircuitBreaker: { enable: true, rollback: true } });
        const subnets = (service.inputs["networkConfiguration"] as { subnets: string[]; assignPublicIp: boolean });
        expect(subnets.assignPublicIp).toBe(false);
        const zones = subnets.subnets.map((id) => run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.id === id)!.inputs["availabilityZone"]);
        expect(new Set(zones)).toEqual(new Set(["us-east-1a", "us-east-1b"]));
        expect(subnets.subnets.every((id) => id.includes("-private-"))).toBe(true);
        expect(one(run, "aws:appautoscaling/target:Target").inputs).toMatchObject({ minCapacity: 2, maxCapacity: 4, scalableDimension: "ecs:service:DesiredCount" });
        const policies = of(run, "aws:appautoscaling/policy:Policy").map((p) => (p.inputs["targetTrackingScalingPolicyConfiguration"] as { predefinedMetricSpecification: { predefinedMetricType: string; resourceLabel?: string } }).predefinedMetricSpecification);
        expect(policies.map((p) => p.predefinedMetricType).sort()).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization"]);
        expect(policies.find((p) => p.resourceLabel !== undefined)?.resourceLabel).toBe("app/gw-alb/0123456789abcdef/targetgroup/gw-tg/0123456789abcdef");
        expect(one(run, "aws:ecs/taskDefinition:TaskDefinition").inputs).toMatchObject({ cpu: "1024", memory: "2048", networkMode: "awsvpc", requiresCompatibilities: ["FARGATE"] });
    });

    it("health-checks /health/liveliness, listens HTTPS with the certificate, and keeps idle streams 600 s", () => {
        expect(one(run, "aws:lb/targetGroup:TargetGroup").inputs).toMatchObject({ port: 4000, targetType: "ip", healthCheck: { path: "/health/liveliness", matcher: "200" } });
        expect(JSON.stringify(run.resources.map((r) => r.inputs))).not.toMatch(/"path":"\/health"/);
        expect(one(run, "aws:lb/loadBalancer:LoadBalancer").inputs).toMatchObject({ loadBalancerType: "application", internal: false, idleTimeout: 600, dropInvalidHeaderFields: true });
        const listeners = of(run, "aws:lb/listener:Listener");
        expect(listeners.find((l) => l.inputs["port"] === 443)?.inputs).toMatchObject({ protocol: "HTTPS", certificateArn: expect.stringMatching(/^arn:aws:acm:/), sslPolicy: expect.stringMatching(/^ELBSecurityPolicy-TLS13/) });
        expect(listeners.find((l) => l.inputs["port"] === 80)?.inputs).toMatchObject({ defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }] });
    });

    it("runs Valkey 8.2, node-based with cluster mode disabled, TLS, AUTH and encryption at rest", () => {
        const cache = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
        expect(cache.inputs).toMatchObject({
            engine: "valkey", engineVersion: "8.2", clusterMode: "disabled", nodeType: "cache.t4g.medium", numCacheClusters: 2,
            automaticFailoverEnabled: true, transitEncryptionEnabled: true, atRestEncryptionEnabled: true,
        });
        expect(isSecret(cache.inputs["authToken"])).toBe(true);
        const db = one(run, "aws:rds/instance:Instance");
        expect(db.inputs).toMatchObject({ engine: "postgres", instanceClass: "db.t4g.medium", multiAz: true, storageEncrypted: true, publiclyAccessible: false, deletionProtection: true });
        expect(isSecret(db.inputs["password"])).toBe(true);
    });

    it("keeps every key in Secrets Manager as a Pulumi secret, injected by reference, with the execution role scoped to exactly those ARNs", () => {
        const secrets = of(run, "aws:secretsmanager/secret:Secret");
        const versions = of(run, "aws:secretsmanager/secretVersion:SecretVersion");
        expect(secrets.map((s) => s.name).sort()).toEqual(["gw-cache-auth", "gw-database-url", "gw-key-anthropic", "gw-key-groq", "gw-key-openai", "gw-master-key", "gw-salt-key"]);
        expect(versions).toHaveLength(secrets.length);
        for (const v of versions) expect(isSecret(v.inputs["secretString"]), v.name).toBe(true);
        const master = versions.find((v) => v.name === "gw-master-key")!.inputs["secretString"] as { value: string };
        expect(master.value).toBe(`sk-${MOCK_RANDOM}`);
        const litellm = containers(run).find((c) => c.name === "litellm")!;
        const arns = secrets.map((s) => s.outputs["arn"] as string).sort();
        expect(litellm.secrets!.map((s) => s.valueFrom).sort()).toEqual(arns);
        expect(litellm.secrets!.map((s) => s.name).sort()).toEqual(["ANTHROPIC_API_KEY", "DATABASE_URL", "GROQ_API_KEY", "LITELLM_MASTER_KEY", "LITELLM_SALT_KEY", "OPENAI_API_KEY", "REDIS_PASSWORD"]);
        const executionPolicy = JSON.parse(of(run, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "gw-execution")!.inputs["policy"] as string) as { Statement: { Action: string[]; Resource: string[] }[] };
        const read = executionPolicy.Statement.find((s) => s.Action.includes("secretsmanager:GetSecretValue"))!;
        expect([...read.Resource].sort()).toEqual(arns);
    });

    it("has no key, password or token in plain text in the task definition or the rendered config", () => {
        const taskDefinition = JSON.stringify(one(run, "aws:ecs/taskDefinition:TaskDefinition").inputs);
        for (const plain of [PLACEHOLDER_SECRET, MOCK_RANDOM]) expect(taskDefinition).not.toContain(plain);
        const litellm = containers(run).find((c) => c.name === "litellm")!;
        const env = Object.fromEntries(litellm.environment.map((e) => [e.name, e.value]));
        for (const name of ["LITELLM_MASTER_KEY", "OPENAI_API_KEY", "REDIS_PASSWORD", "DATABASE_URL"]) expect(env[name]).toBeUndefined();
        const configYaml = Buffer.from(env["LITELLM_CONFIG_YAML_B64"]!, "base64").toString("utf8");
        for (const plain of [PLACEHOLDER_SECRET, MOCK_RANDOM]) expect(configYaml).not.toContain(plain);
        const config = parse(configYaml) as { general_settings: { master_key: string }; model_list: { model_name: string }[] };
        expect(config.general_settings.master_key).toBe("os.environ/LITELLM_MASTER_KEY");
        expect(config.model_list.map((m) => m.model_name)).toContain("auto");
        expect(litellm.command?.[0]).toContain("litellm --config");
        // By release tag, with no digest nobody resolved from the registry.
        expect(litellm.image).toBe(DEFAULT_LITELLM_IMAGE);
        // Nothing anywhere in the run carries a secret outside Pulumi's secret wrapper.
        expect(JSON.stringify(redactSecrets(run.resources.map((r) => r.inputs)))).not.toContain(PLACEHOLDER_SECRET);
    });

    it("deploys a config.yaml carrying the stack's budgets: the global one and each provider's", () => {
        const budgets = parseFlatConfig(readStackFile("gateway-prod").config).gateway!.budgets;
        const env = Object.fromEntries(containers(run).find((c) => c.name === "litellm")!.environment.map((e) => [e.name, e.value]));
        const config = parse(Buffer.from(env["LITELLM_CONFIG_YAML_B64"]!, "base64").toString("utf8")) as { litellm_settings: { max_budget: number }; router_settings: { provider_budget_config: Record<string, { budget_limit: number }> } };
        expect(config.litellm_settings.max_budget).toBe(budgets.monthlyUsd);
        const perProvider = Object.fromEntries(Object.entries(config.router_settings.provider_budget_config).map(([provider, b]) => [provider, b.budget_limit]));
        expect(perProvider).toEqual(budgets.perProviderMonthlyUsd);
        expect(Object.keys(perProvider).sort()).toEqual(["anthropic", "groq", "openai"]);
    });

    it("logs with retention and alarms on 5xx rate, p95 latency, healthy hosts below the floor and spend against the budget", () => {
        for (const group of of(run, "aws:cloudwatch/logGroup:LogGroup")) expect(group.inputs["retentionInDays"]).toBe(30);
        const alarms = Object.fromEntries(of(run, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => [a.name, a.inputs]));
        expect(Object.keys(alarms).sort()).toEqual(["gw-5xx-rate", "gw-healthy-hosts", "gw-p95-latency", "gw-spend-pace"]);
        expect(alarms["gw-p95-latency"]).toMatchObject({ metricName: "TargetResponseTime", extendedStatistic: "p95" });
        expect(alarms["gw-healthy-hosts"]).toMatchObject({ metricName: "HealthyHostCount", comparisonOperator: "LessThanThreshold", threshold: 2 });
        expect(alarms["gw-spend-pace"]).toMatchObject({ metricName: "GatewaySpendUsd", threshold: 600 / 30, period: 86400, statistic: "Sum" });
        expect(JSON.stringify(alarms["gw-5xx-rate"])).toContain("HTTPCode_Target_5XX_Count");
        // The spend alarm names exactly the dimension the collector publishes, for this stack's gateway.
        expect(alarms["gw-spend-pace"]).toMatchObject({ namespace: "LLMBreakeven/Gateway", dimensions: { Gateway: "llm-breakeven-gateway-prod-gw" } });
    });

    it("names everything AWS keeps account- or region-wide for the project and the stack", () => {
        const named = (type: string, key = "name") => of(run, type).map((r) => String(r.inputs[key]));
        expect(named("aws:cloudwatch/logGroup:LogGroup").sort()).toEqual(["/llm-breakeven-gateway-prod-gw/litellm", "/llm-breakeven-gateway-prod-gw/metrics"]);
        expect(named("aws:cloudwatch/metricAlarm:MetricAlarm").sort()).toEqual(["5xx-rate", "healthy-hosts", "p95-latency", "spend-pace"].map((a) => `llm-breakeven-gateway-prod-gw-${a}`));
        for (const prefix of named("aws:secretsmanager/secret:Secret", "namePrefix")) expect(prefix).toMatch(/^llm-breakeven-gateway-prod-gw\//);
        for (const prefix of named("aws:iam/role:Role", "namePrefix")) expect(prefix).toMatch(/^llm-breakeven-gateway-prod-gw-(exec|task)-$/);
        expect(named("aws:ecs/cluster:Cluster")).toEqual(["llm-breakeven-gateway-prod-gw"]);
        expect(named("aws:wafv2/webAcl:WebAcl")).toEqual(["llm-breakeven-gateway-prod-gw-waf"]);
        expect(named("aws:ecs/taskDefinition:TaskDefinition", "family")).toEqual(["llm-breakeven-gateway-prod-gw-litellm"]);
        expect(named("aws:rds/instance:Instance", "finalSnapshotIdentifier")).toEqual(["llm-breakeven-gateway-prod-gw-postgres-final"]);
    });

    it("scrapes /metrics with the master key from Secrets Manager, by reference only", () => {
        const collector = containers(run).find((c) => c.name === "metrics-collector")!;
        const master = of(run, "aws:secretsmanager/secret:Secret").find((s) => s.name === "gw-master-key")!;
        expect(collector.secrets).toEqual([{ name: "LITELLM_MASTER_KEY", valueFrom: master.outputs["arn"] }]);
        const config = collector.environment.find((e) => e.name === "AOT_CONFIG_CONTENT")!.value;
        expect(config).toContain("credentials: ${env:LITELLM_MASTER_KEY}");
        expect(config).not.toContain(MOCK_RANDOM);
    });

    it("overrides WAF's body-size rule to count (prompts exceed 8 KB) and attaches the ACL to the load balancer", () => {
        const acl = one(run, "aws:wafv2/webAcl:WebAcl");
        const common = (acl.inputs["rules"] as { name: string; statement: { managedRuleGroupStatement?: { name: string; ruleActionOverrides?: unknown[] } } }[]).find((r) => r.statement.managedRuleGroupStatement?.name === "AWSManagedRulesCommonRuleSet");
        expect(common?.statement.managedRuleGroupStatement?.ruleActionOverrides).toEqual([{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
        expect(one(run, "aws:wafv2/webAclAssociation:WebAclAssociation").inputs["resourceArn"]).toBe(one(run, "aws:lb/loadBalancer:LoadBalancer").outputs["arn"]);
    });

    it("reports the API bill line by line, and no infrastructure figure of its own (the pricer's, below)", () => {
        const spend = run.outputs["projectedSpend"] as { apiMonthlyUsd: number; api: { id: string; monthlyUsd: number }[]; infrastructure: unknown };
        expect(spend.apiMonthlyUsd).toBeCloseTo(487.75 + 7.5, 6);
        expect(spend.api.map((l) => l.id)).toEqual(["api-simple", "api-medium", "api-complex", "api-reasoning", "api-cache-embeddings"]);
        expect(spend.infrastructure).toMatch(/policy pack/);
        expect(run.outputs).not.toHaveProperty("projectedMonthlyUsd");
        expect(run.outputs["endpoint"]).toMatch(/^https:\/\//);
    });

    it("is billed by the resource pricer (cost/pricers/) for what it built, matching a hand calculation: nothing unpriced", () => {
        const pricing = priceResources(run.resources.map((r) => ({ type: r.type, name: r.name, urn: r.urn, custom: r.custom, props: r.outputs, propertyDependencies: r.propertyDependencies })), { usage: { wafRequestsPerMonth: 2_000_000 } });
        expect(pricing.unpriced.map((e) => e.type)).toEqual([]);
        expect(pricing.unknown.map((e) => e.type)).toEqual([]);
        // What gateway-prod builds (2 tasks of 1 vCPU / 2 GB, 2 zones, Postgres Multi-AZ, WAF), priced
        // by hand from us-east-1 list prices.
        const byHand = 2 * 1 * 730 * 0.04048 + 2 * 2 * 730 * 0.004445 // Fargate
            + 730 * 0.0225 + 730 * 0.008 + 2 * 730 * 0.005 // ALB hours, 1 LCU (the stated assumption), its 2 public IPv4 addresses
            + 2 * 730 * 0.045 + 2 * 730 * 0.005 // 2 NAT gateways and their Elastic IPs
            + 2 * 730 * 0.065 * 0.8 // Valkey: 2 nodes at 0.8 x the Redis OSS rate
            + 730 * 0.129 + 20 * 2 * 0.115 // Postgres Multi-AZ and its storage twice
            + 7 * 0.4 // secrets: master, salt, 3 provider keys, cache auth, database URL
            + 6 * 0.1 // alarm metrics: the 5xx rate reads 3, the other three alarms 1 each
            + 5 + 3 * 1 + 2 * 0.6; // WAF web ACL, its 3 rules, 2M requests (a stated usage)
        expect(pricing.monthlyUsd).toBeCloseTo(byHand, 6);
    });
});
