import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AWS_SERVICES, EC2_INSTANCE_TYPES, ELASTICACHE_NODES, RDS_GP3_GB_MONTH, RDS_POSTGRES_INSTANCES, RESERVED_1Y_DISCOUNT, VALKEY_PRICE_FACTOR } from "../../cost/catalogue";
import { ResourceLike, UNKNOWN, UNKNOWN_SENTINELS } from "../../cost/resource";
import { priceResource, priceResources, PricedResource } from "../../cost/pricers";
import { HOURS_PER_MONTH } from "../../cost/units";
// The EKS pricer reads the plan date (cost/pricers/eks.ts): the file plans on a fixed day.
beforeAll(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-11-30T12:00:00Z"));
});
afterAll(() => vi.useRealTimers());
const EKS_1_33_MONTHLY_USD = (0.1 + 0.5) * HOURS_PER_MONTH;
const p4deHourly = EC2_INSTANCE_TYPES["p4de.24xlarge"]!.onDemand!.usd;

function res(type: string, props: Record<string, unknown>, extra: Partial<ResourceLike> = {}): ResourceLike {
    return { type, name: extra.name ?? "r", urn: extra.urn ?? `urn:pulumi:test::llm-breakeven::${type}::${extra.name ?? "r"}`, props, ...extra };
}

function monthly(p: PricedResource): number {
    if (p.kind !== "priced") throw new Error(`expected priced, got ${JSON.stringify(p)}`);
    return p.monthlyUsd;
}

const gpuGroup = { instanceTypes: ["p4de.24xlarge"], scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 2 }, capacityType: "ON_DEMAND" };

describe("priceResource: EKS node groups", () => {
    it("prices instance type x desired size at 730 h", () => {
        expect(monthly(priceResource(res("aws:eks/nodeGroup:NodeGroup", gpuGroup)))).toBeCloseTo(p4deHourly * HOURS_PER_MONTH, 6);
        const two = { ...gpuGroup, scalingConfig: { desiredSize: 2, minSize: 1, maxSize: 2 } };
        expect(monthly(priceResource(res("aws:eks/nodeGroup:NodeGroup", two)))).toBeCloseTo(2 * p4deHourly * HOURS_PER_MONTH, 6);
    });

    it("adds the root volume when diskSize is given", () => {
        const p = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, diskSize: 500 }));
        expect(monthly(p)).toBeCloseTo(p4deHourly * HOURS_PER_MONTH + 500 * AWS_SERVICES.ebsGp3GBMonth.usd, 6);
    });

    it("reads the instance type and volumes from the launch template", () => {
        const template = res("aws:ec2/launchTemplate:LaunchTemplate", { id: "lt-1", instanceType: "p4de.24xlarge", blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 500, volumeType: "gp3" } }] }, { name: "lt" });
        const group = res("aws:eks/nodeGroup:NodeGroup", { scalingConfig: { desiredSize: 1, maxSize: 1 }, launchTemplate: { id: "lt-1", version: "1" } });
        const total = priceResources([template, group]);
        expect(total.monthlyUsd).toBeCloseTo(p4deHourly * HOURS_PER_MONTH + 500 * AWS_SERVICES.ebsGp3GBMonth.usd, 6);
    });

    it("applies the 1-year reserved discount only where the catalogue has one", () => {
        const reserved = priceResource(res("aws:eks/nodeGroup:NodeGroup", gpuGroup), { ec2Pricing: "reserved-1y" });
        expect(monthly(reserved)).toBeCloseTo(p4deHourly * (1 - RESERVED_1Y_DISCOUNT["p4de.24xlarge"]!.fraction) * HOURS_PER_MONTH, 6);
        const p5 = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, instanceTypes: ["p5.48xlarge"] }), { ec2Pricing: "reserved-1y" });
        expect(monthly(p5)).toBeCloseTo(EC2_INSTANCE_TYPES["p5.48xlarge"]!.onDemand!.usd * HOURS_PER_MONTH, 6);
    });

    it("prices SPOT and CAPACITY_BLOCK at the on-demand ceiling, saying so", () => {
        for (const capacityType of ["SPOT", "CAPACITY_BLOCK"]) {
            const p = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, capacityType }));
            expect(monthly(p)).toBeCloseTo(p4deHourly * HOURS_PER_MONTH, 6);
            expect(p.kind === "priced" && p.lines[0]?.label).toContain(capacityType);
        }
    });

    it("fails closed: a catalogued type without a price and an unknown type are unpriced, never $0", () => {
        const noPrice = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, instanceTypes: ["p5e.48xlarge"] }));
        expect(noPrice).toMatchObject({ kind: "unpriced" });
        expect(noPrice.kind === "unpriced" && noPrice.reason).toContain("p5e.48xlarge");
        const unknownType = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, instanceTypes: ["p9.96xlarge"] }));
        expect(unknownType).toMatchObject({ kind: "unpriced" });
        expect(unknownType.kind === "unpriced" && unknownType.reason).toContain("not in the catalogue");
    });

    it("an unknown desired size is priced at maxSize as the worst case", () => {
        const p = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, scalingConfig: { desiredSize: UNKNOWN, maxSize: 3 } }));
        expect(p).toMatchObject({ kind: "unknown", property: "scalingConfig.desiredSize" });
        expect(p.kind === "unknown" && p.worstCase?.monthlyUsd).toBeCloseTo(3 * p4deHourly * HOURS_PER_MONTH, 6);
    });

    it("an unknown instance type has no worst case", () => {
        const p = priceResource(res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, instanceTypes: UNKNOWN }));
        expect(p).toMatchObject({ kind: "unknown", property: "instanceTypes" });
        expect(p.kind === "unknown" && p.worstCase).toBeUndefined();
    });

    it("a missing instance type with no launch template is unknown, not free", () => {
        expect(priceResource(res("aws:eks/nodeGroup:NodeGroup", { scalingConfig: { desiredSize: 1 } }))).toMatchObject({ kind: "unknown", property: "instanceTypes" });
    });
});

describe("priceResource: networking, data stores, containers", () => {
    it("NAT gateway and EIP by the hour; NAT processing is a stated usage note", () => {
        const nat = priceResource(res("aws:ec2/natGateway:NatGateway", {}));
        expect(monthly(nat)).toBeCloseTo(AWS_SERVICES.natGatewayHour.usd * HOURS_PER_MONTH, 6);
        expect(nat.kind === "priced" && nat.usageNote).toContain("usage-based");
        const withGB = priceResource(res("aws:ec2/natGateway:NatGateway", {}), { usage: { natProcessedGBPerMonthPerGateway: 100 } });
        expect(monthly(withGB)).toBeCloseTo(AWS_SERVICES.natGatewayHour.usd * HOURS_PER_MONTH + 100 * AWS_SERVICES.natGatewayPerGB.usd, 6);
        expect(monthly(priceResource(res("aws:ec2/eip:Eip", {})))).toBeCloseTo(AWS_SERVICES.publicIpv4Hour.usd * HOURS_PER_MONTH, 6);
    });

    it("EKS control plane: the cluster-hour in standard support, plus the surcharge in extended support (cost/pricers/eks.ts)", () => {
        // 1.34 leaves standard support on 2026-12-02, 36 h into the month priced from 2026-11-30 12:00 UTC: the surcharge for the other 694 h.
        expect(monthly(priceResource(res("aws:eks/cluster:Cluster", { version: "1.34" })))).toBeCloseTo(73 + 0.5 * (HOURS_PER_MONTH - 36), 6);
        // 1.33 left standard support on 2026-07-29: $0.10 + $0.50 per cluster-hour in us-east-1.
        expect(monthly(priceResource(res("aws:eks/cluster:Cluster", { version: "1.33" })))).toBeCloseTo(EKS_1_33_MONTHLY_USD, 6);
    });

    it("VPC endpoints: Gateway is free, Interface is per AZ", () => {
        expect(priceResource(res("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Gateway", serviceName: "com.amazonaws.us-east-1.s3" })).kind).toBe("free");
        const ecr = priceResource(res("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.ecr.dkr", subnetIds: ["a", UNKNOWN, "c"] }));
        expect(monthly(ecr)).toBeCloseTo(3 * AWS_SERVICES.vpcInterfaceEndpointAzHour.usd * HOURS_PER_MONTH, 6);
        expect(priceResource(res("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", subnetIds: UNKNOWN }))).toMatchObject({ kind: "unknown", property: "subnetIds" });
    });

    it("ALB: hour + 1 LCU, plus a public IPv4 per subnet when internet-facing", () => {
        const base = AWS_SERVICES.albHour.usd * HOURS_PER_MONTH + AWS_SERVICES.albLcuHour.usd * HOURS_PER_MONTH;
        expect(monthly(priceResource(res("aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "application", internal: true, subnets: ["a", "b"] })))).toBeCloseTo(base, 6);
        expect(monthly(priceResource(res("aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "application", internal: false, subnets: ["a", "b"] }))))
            .toBeCloseTo(base + 2 * AWS_SERVICES.publicIpv4Hour.usd * HOURS_PER_MONTH, 6);
        expect(priceResource(res("aws:lb/loadBalancer:LoadBalancer", { loadBalancerType: "network", internal: true })).kind).toBe("unpriced");
    });

    it("ElastiCache: node type x nodes, Valkey at its factor", () => {
        const valkey = priceResource(res("aws:elasticache/replicationGroup:ReplicationGroup", { nodeType: "cache.t4g.medium", numCacheClusters: 2, engine: "valkey" }));
        expect(monthly(valkey)).toBeCloseTo(2 * ELASTICACHE_NODES["cache.t4g.medium"]!.redisOssHourUsd * VALKEY_PRICE_FACTOR.factor * HOURS_PER_MONTH, 6);
        const redis = priceResource(res("aws:elasticache/replicationGroup:ReplicationGroup", { nodeType: "cache.t4g.medium", numCacheClusters: 2, engine: "redis" }));
        expect(monthly(redis)).toBeCloseTo(2 * 0.065 * HOURS_PER_MONTH, 6);
        expect(priceResource(res("aws:elasticache/replicationGroup:ReplicationGroup", { nodeType: "cache.m7g.xlarge", numCacheClusters: 1, engine: "valkey" })).kind).toBe("unpriced");
    });

    it("RDS: class by AZ mode plus storage (twice when Multi-AZ)", () => {
        const klass = RDS_POSTGRES_INSTANCES["db.t4g.medium"]!;
        const single = priceResource(res("aws:rds/instance:Instance", { instanceClass: "db.t4g.medium", engine: "postgres", multiAz: false, allocatedStorage: 20, storageType: "gp3" }));
        expect(monthly(single)).toBeCloseTo(klass.singleAzHourUsd * HOURS_PER_MONTH + 20 * RDS_GP3_GB_MONTH.usd, 6);
        const multi = priceResource(res("aws:rds/instance:Instance", { instanceClass: "db.t4g.medium", engine: "postgres", multiAz: true, allocatedStorage: 20 }));
        expect(monthly(multi)).toBeCloseTo(klass.multiAzHourUsd * HOURS_PER_MONTH + 40 * RDS_GP3_GB_MONTH.usd, 6);
        expect(priceResource(res("aws:rds/instance:Instance", { instanceClass: "db.t4g.medium", engine: "mysql", allocatedStorage: 20 })).kind).toBe("unpriced");
    });

    it("Fargate service: desiredCount x task size, resolved by ARN or, at preview, by property dependency", () => {
        const task = res("aws:ecs/taskDefinition:TaskDefinition", { arn: "arn:aws:ecs:us-east-1:1:task-definition/gw:1", cpu: "1024", memory: "2048" }, { name: "gw-task", urn: "urn:task" });
        const expected = 2 * HOURS_PER_MONTH * (1 * AWS_SERVICES.fargateVcpuHour.usd + 2 * AWS_SERVICES.fargateGBHour.usd);
        const byArn = priceResources([task, res("aws:ecs/service:Service", { launchType: "FARGATE", desiredCount: 2, taskDefinition: "arn:aws:ecs:us-east-1:1:task-definition/gw:1" })]);
        expect(byArn.monthlyUsd).toBeCloseTo(expected, 6);
        const byDependency = priceResources([task, res("aws:ecs/service:Service", { launchType: "FARGATE", desiredCount: 2, taskDefinition: UNKNOWN }, { propertyDependencies: { taskDefinition: ["urn:task"] } })]);
        expect(byDependency.monthlyUsd).toBeCloseTo(expected, 6);
        const missing = priceResources([res("aws:ecs/service:Service", { launchType: "FARGATE", desiredCount: 2, taskDefinition: UNKNOWN })]);
        expect(missing.unbounded.map((e) => e.price.kind === "unknown" && e.price.property)).toEqual(["taskDefinition"]);
    });

    it("secrets, keys, WAF, volumes, alarms, dashboards", () => {
        expect(monthly(priceResource(res("aws:secretsmanager/secret:Secret", {})))).toBeCloseTo(0.4, 6);
        expect(monthly(priceResource(res("aws:kms/key:Key", {})))).toBeCloseTo(1, 6);
        expect(monthly(priceResource(res("aws:wafv2/webAcl:WebAcl", { rules: [{}, {}] })))).toBeCloseTo(5 + 2, 6);
        expect(monthly(priceResource(res("aws:ebs/volume:Volume", { size: 100, type: "gp3" })))).toBeCloseTo(8, 6);
        expect(monthly(priceResource(res("aws:ebs/volume:Volume", { size: 100, type: "gp2" })))).toBeCloseTo(10, 6);
        expect(priceResource(res("aws:ebs/volume:Volume", { size: 100, type: "io2" })).kind).toBe("unpriced");
        expect(monthly(priceResource(res("aws:cloudwatch/metricAlarm:MetricAlarm", { period: 60 })))).toBeCloseTo(0.1, 6);
        expect(monthly(priceResource(res("aws:cloudwatch/dashboard:Dashboard", {})))).toBeCloseTo(3, 6);
        expect(monthly(priceResource(res("aws:ec2/instance:Instance", { instanceType: "m6i.large" })))).toBeCloseTo(0.096 * HOURS_PER_MONTH, 6);
    });

    it("log groups are usage-based: a stated assumption prices them, none leaves a usage note", () => {
        const none = priceResource(res("aws:cloudwatch/logGroup:LogGroup", {}));
        expect(none).toMatchObject({ kind: "priced", monthlyUsd: 0 });
        expect(none.kind === "priced" && none.usageNote).toContain("usage-based");
        expect(monthly(priceResource(res("aws:cloudwatch/logGroup:LogGroup", {}), { usage: { logIngestGBPerMonthPerGroup: 10 } }))).toBeCloseTo(5, 6);
    });
});

describe("priceResource: free and unpriced", () => {
    it("lists free types with a reason", () => {
        for (const type of ["aws:ec2/vpc:Vpc", "aws:iam/role:Role", "aws:ec2/launchTemplate:LaunchTemplate", "kubernetes:apps/v1:Deployment", "random:index/randomPassword:RandomPassword", "pulumi:providers:aws", "pulumi:pulumi:Stack"]) {
            const p = priceResource(res(type, {}));
            expect(p.kind, type).toBe("free");
            expect(p.kind === "free" && p.reason.length, type).toBeGreaterThan(5);
        }
        expect(priceResource(res("llm-breakeven:selfHosted:GpuNodePool", {}, { custom: false })).kind).toBe("free");
    });

    it("an unlisted type is unpriced, never $0", () => {
        expect(priceResource(res("aws:opensearch/domain:Domain", {}))).toMatchObject({ kind: "unpriced" });
    });

    it("a LoadBalancer Service creates an unpriced cloud load balancer", () => {
        expect(priceResource(res("kubernetes:core/v1:Service", { spec: { type: "LoadBalancer" } })).kind).toBe("unpriced");
        expect(priceResource(res("kubernetes:core/v1:Service", { spec: { type: "ClusterIP" } })).kind).toBe("free");
    });

    it("any region but the catalogue's is unpriced", () => {
        expect(priceResource(res("aws:eks/cluster:Cluster", { version: "1.33" }), { region: "eu-west-1" }).kind).toBe("unpriced");
    });
});

describe("priceResources", () => {
    it("totals, top three, unpriced and unknown lists", () => {
        const stack = [
            res("aws:eks/nodeGroup:NodeGroup", gpuGroup, { name: "gpu-a" }),
            res("aws:eks/nodeGroup:NodeGroup", gpuGroup, { name: "gpu-b" }),
            res("aws:eks/cluster:Cluster", { version: "1.33" }, { name: "cluster" }),
            res("aws:ec2/natGateway:NatGateway", {}, { name: "nat" }),
            res("aws:eks/nodeGroup:NodeGroup", { ...gpuGroup, instanceTypes: ["p5e.48xlarge"] }, { name: "gpu-c" }),
            res("aws:ec2/vpcEndpoint:VpcEndpoint", { vpcEndpointType: "Interface", subnetIds: UNKNOWN }, { name: "ecr" }),
            res("aws:ec2/vpc:Vpc", {}, { name: "vpc" }),
        ];
        const priced = priceResources(stack);
        expect(priced.monthlyUsd).toBeCloseTo(2 * p4deHourly * HOURS_PER_MONTH + EKS_1_33_MONTHLY_USD + AWS_SERVICES.natGatewayHour.usd * HOURS_PER_MONTH, 6);
        expect(priced.top.map((t) => t.name)).toEqual(["gpu-a", "gpu-b", "cluster"]);
        expect(priced.unpriced.map((e) => e.name)).toEqual(["gpu-c"]);
        expect(priced.unbounded.map((e) => e.name)).toEqual(["ecr"]);
        expect(priced.entries).toHaveLength(stack.length);
    });
});

describe("unknown-value sentinels", () => {
    it("are exactly the ones the engine and the policy SDK use (cost/ keeps its own copy so it needs no Pulumi import)", () => {
        const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
        const rpc = require("@pulumi/pulumi/runtime/rpc") as { unknownValue: string };
        const sdk = Object.entries(proxy).filter(([k]) => /^unknown\w+Value$/.test(k)).map(([, v]) => v);
        expect(sdk.length).toBe(7);
        expect(new Set(sdk)).toEqual(UNKNOWN_SENTINELS);
        expect(UNKNOWN).toBe(rpc.unknownValue);
    });
});
