/**
 * Every shipped stack plans in every region the catalogue has prices for (verdict pass or blocked:
 * exit 0 or 5, never a throw); a region without prices fails its config in one line naming the
 * supported ones; the offline mocks answer for exactly those regions; db.r6g.xlarge is priced. A
 * region whose file has every price plans priced; the others price what their file has, at their own
 * rates, and name each missing price with the region and the fix.
 */
import { describe, expect, it } from "vitest";
import { planStack, prepareStack, StackPlan } from "../../cli/plan/plan";
import { readFlatConfig } from "../../config/stack";
import { priceResource } from "../../cost/pricers";
import { awsServicePrice, missingAwsServiceKeys, requireAwsServicePrice } from "../../cost/prices/aws";
import { ec2NodeHourly, rdsPostgresHourly } from "../../cost/prices/lookup";
import { supportedRegions } from "../../cost/prices/store";
import { listStacks, readStackFile, runStack } from "../../mockrun";
import { k8sObject } from "../selfHosted/helpers";
import { MOCKED_REGIONS } from "../../mockrun/invokes";

const SHIPPED_REGIONS = ["ap-northeast-1", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"];

/** A shipped stack with its region (both keys) and any other config keys replaced. */
async function planIn(stack: string, region: string, extra: Record<string, string> = {}): Promise<StackPlan> {
    const prepared = prepareStack(stack, {});
    const config = { ...prepared.file.config, "aws:region": region, "llm-breakeven:region": region, ...extra };
    const configState = readFlatConfig(config);
    if (configState.kind === "invalid") throw new Error(configState.problems.join("; "));
    return planStack({ ...prepared, file: { ...prepared.file, config }, configState });
}

describe("regions", () => {
    it("ships price files for the five regions, and the offline mocks answer for exactly those", () => {
        expect(supportedRegions()).toEqual(SHIPPED_REGIONS);
        expect(MOCKED_REGIONS).toEqual(supportedRegions());
    });

    const cases = listStacks().flatMap((stack) => SHIPPED_REGIONS.map((region) => [stack, region] as const));
    it.each(cases)("%s planned in %s: pass or blocked, every unpriced resource named with the region and the fix", async (stack, region) => {
        const plan = await planIn(stack, region);
        expect(plan.region).toBe(region);
        expect(["pass", "blocked"]).toContain(plan.verdict.verdict);
        for (const e of plan.after.pricing.unpriced) {
            const reason = e.price.kind === "unpriced" ? e.price.reason : "";
            expect(reason, e.name).toContain(region);
            expect(reason, e.name).toContain(`llm-breakeven prices update --region ${region}`);
        }
    }, 120_000);

    it.each(listStacks())("%s in us-east-1, whose file has every price the stacks need: priced, not blocked (exit 0)", async (stack) => {
        const plan = await planIn(stack, "us-east-1");
        expect(plan.after.pricing.unpriced.map((e) => e.name)).toEqual([]);
        expect(plan.verdict.verdict).toBe("pass");
    }, 120_000);

    // Read from John-Almos/CommitCost's Price List snapshot (docs/sources.md §14); none of these regions'
    // sources gives the EKS, ALB, Fargate, IPv4, KMS, Secrets Manager, CloudWatch alarm, WAF, endpoint or
    // RDS storage prices yet, so stacks there stay blocked on exactly these (README "Prices").
    const NOT_YET_SOURCED = [
        "eksClusterHour", "publicIpv4Hour", "albHour", "albLcuHour", "fargateVcpuHour", "fargateGBHour", "cloudwatchAlarmMonth", "cloudwatchHighResAlarmMonth",
        "cloudwatchDashboardMonth", "managedPrometheusPer10MSamples", "secretsManagerSecretMonth", "vpcInterfaceEndpointAzHour", "vpcInterfaceEndpointPerGB",
        "kmsKeyMonth", "wafWebAclMonth", "wafRuleMonth", "wafPerMRequests", "rdsGp3GBMonth",
    ];
    // RDS gp3 storage is read for us-west-2 and eu-west-1 from the same snapshot's AmazonRDS blocks (docs/sources.md §16).
    const RDS_STORAGE_READ = ["us-west-2", "eu-west-1"];
    it("us-east-1's file has every service price; the other regions lack exactly the ones no source gives yet", () => {
        expect(missingAwsServiceKeys("us-east-1")).toEqual([]);
        for (const region of SHIPPED_REGIONS.filter((r) => r !== "us-east-1")) {
            const expected = RDS_STORAGE_READ.includes(region) ? NOT_YET_SOURCED.filter((k) => k !== "rdsGp3GBMonth") : NOT_YET_SOURCED;
            expect(missingAwsServiceKeys(region), region).toEqual(expected);
        }
    });

    it.each([
        // [region, class, single-AZ $/h, Multi-AZ $/h], read from John-Almos/CommitCost engine/src/cost/aws/snapshot.json
        // @61194272, regions.<region>.AmazonRDS, e.g. "InstanceUsage:db.t4g.medium@postgres":{"u":"Hrs","p":0.065} and
        // "Multi-AZUsage:db.r6g.xlarge@postgres":{"u":"Hrs","p":0.899} (us-west-2), "Multi-AZUsage:db.r6g.xlarge@postgres":
        // {"u":"Hrs","p":1.007} (eu-west-1); eu-central-1's block was not read, so it stays unpriced.
        ["us-west-2", "db.t4g.medium", 0.065, 0.129],
        ["us-west-2", "db.r6g.xlarge", 0.45, 0.899],
        ["us-west-2", "db.r7g.large", 0.239, 0.478],
        ["eu-west-1", "db.t4g.medium", 0.069, 0.138],
        ["eu-west-1", "db.r7g.large", 0.268, 0.536],
        ["eu-west-1", "db.r6g.xlarge", 0.504, 1.007],
        ["eu-central-1", "db.t4g.medium", undefined, undefined],
    ] as const)("%s prices RDS PostgreSQL %s at its own rates (single-AZ %s, Multi-AZ %s)", (region, klass, single, multi) => {
        expect(rdsPostgresHourly(region, klass, false)?.hourlyUsd).toBe(single);
        expect(rdsPostgresHourly(region, klass, true)?.hourlyUsd).toBe(multi);
        const cited = rdsPostgresHourly(region, klass, multi !== undefined);
        if (cited !== undefined) expect(cited.provenance.source).toContain(`regions.${region}.AmazonRDS["${multi !== undefined ? "Multi-AZUsage" : "InstanceUsage"}:${klass}@postgres"]`);
    });

    it.each([["us-west-2", 0.115], ["eu-west-1", 0.127]] as const)("%s prices RDS gp3 storage from its own AmazonRDS block (\"RDS:GP3-Storage\")", (region, usd) => {
        expect(awsServicePrice("eu-central-1", "rdsGp3GBMonth")).toBeUndefined();
        expect(requireAwsServicePrice(region, "rdsGp3GBMonth").provenance.source).toContain(`regions.${region}.AmazonRDS["RDS:GP3-Storage"]`);
        expect(requireAwsServicePrice(region, "rdsGp3GBMonth").usd).toBe(usd);
    });

    it.each([
        // [region, NAT gateway-hour, per GB processed, m6i.large hour, gp3 GB-month], as the snapshot lists them.
        ["us-west-2", 0.045, 0.045, 0.096, 0.08],
        ["eu-west-1", 0.048, 0.048, 0.107, 0.088],
        ["eu-central-1", 0.052, 0.052, 0.115, 0.0952],
        ["ap-northeast-1", 0.062, 0.062, 0.124, 0.096],
    ] as const)("%s prices a NAT gateway, the system node type and a gp3 volume at its own rates, citing its own file", (region, natHour, natGB, m6iLarge, gp3) => {
        const lines = (type: string, props: Record<string, unknown>) => {
            const p = priceResource({ type, name: "r", props }, { region, usage: { natProcessedGBPerMonthPerGateway: 100 } });
            if (p.kind !== "priced") throw new Error(`${type} in ${region}: ${JSON.stringify(p)}`);
            return p.lines;
        };
        const nat = lines("aws:ec2/natGateway:NatGateway", {});
        expect(nat.map((l) => l.unitUsd)).toEqual([natHour, natGB]);
        for (const l of nat) expect(l.provenance.region).toBe(region);
        expect(nat[0]!.provenance.source).toContain(`regions.${region}.AmazonEC2["NatGateway-Hours"]`);
        const system = lines("aws:eks/nodeGroup:NodeGroup", { instanceTypes: ["m6i.large"], scalingConfig: { desiredSize: 1, minSize: 1, maxSize: 1 } });
        expect(system[0]!.unitUsd).toBe(m6iLarge);
        expect(lines("aws:ebs/volume:Volume", { type: "gp3", size: 100 })[0]!.unitUsd).toBe(gp3);
    });

    it("a self-hosting stack blocked by a missing price says which region's file lacks it and the command that adds it", async () => {
        const plan = await planIn("self-hosted-prod", "eu-central-1");
        const messages = plan.verdict.violations.map((v) => v.message).join("\n");
        expect(messages).toContain("Fix: use an instance type or size that eu-central-1's price file (cost/prices/data/aws/eu-central-1.json) prices, add a missing AWS price with `llm-breakeven prices update --region eu-central-1`");
        expect(messages).not.toContain("cost/catalogue.ts");
    }, 120_000);

    it("a region without prices fails the config in one line naming the supported regions and the command", () => {
        const state = readFlatConfig({ "llm-breakeven:mode": "gateway", "llm-breakeven:region": "sa-east-1", "aws:region": "sa-east-1" });
        expect(state.kind).toBe("invalid");
        const problems = state.kind === "invalid" ? state.problems : [];
        const line = problems.find((p) => p.startsWith("llm-breakeven:region"));
        expect(line).toBe(`llm-breakeven:region: "sa-east-1" has no AWS price data (supported: ${SHIPPED_REGIONS.join(", ")}); use one of those, or run \`llm-breakeven prices update --region sa-east-1\` to add it`);
        expect(line).not.toContain("\n");
        expect(line).not.toContain("mockrun");
    });

    it("aws:region and llm-breakeven:region must agree", () => {
        const prepared = prepareStack("gateway-prod", {});
        const state = readFlatConfig({ ...prepared.file.config, "aws:region": "eu-west-1" });
        expect(state.kind === "invalid" ? state.problems : []).toEqual([
            `aws:region: "eu-west-1" differs from llm-breakeven:region "us-east-1": set both to the region the stack deploys to (supported: ${SHIPPED_REGIONS.join(", ")})`,
        ]);
    });

    it("a resource in a region without prices is unpriced with the same line, never $0", () => {
        const price = priceResource({ type: "aws:eks/cluster:Cluster", name: "c", props: {} }, { region: "sa-east-1" });
        expect(price).toEqual({ kind: "unpriced", reason: `region sa-east-1 has no AWS price data (supported: ${SHIPPED_REGIONS.join(", ")}); run \`llm-breakeven prices update --region sa-east-1\` to add it` });
    });
});

describe("db.r6g.xlarge", () => {
    it("gateway-prod with a db.r6g.xlarge Multi-AZ database plans priced, not blocked by an unpriced database", async () => {
        const prepared = prepareStack("gateway-prod", {});
        const gateway = JSON.parse(prepared.file.config["llm-breakeven:gateway"]!) as { database: Record<string, unknown> };
        gateway.database = { ...gateway.database, instanceClass: "db.r6g.xlarge" };
        const plan = await planIn("gateway-prod", "us-east-1", { "llm-breakeven:gateway": JSON.stringify(gateway) });
        const db = plan.after.pricing.entries.find((e) => e.type === "aws:rds/instance:Instance");
        expect(db?.price.kind).toBe("priced");
        // $0.899/h Multi-AZ (John-Almos/CommitCost's price-list snapshot, AmazonRDS 2026-10-06) x 730 h.
        const lines = db?.price.kind === "priced" ? db.price.lines : [];
        expect(lines[0]?.unitUsd).toBe(0.899);
        expect(lines[0]?.monthlyUsd).toBeCloseTo(0.899 * 730, 6);
        expect(plan.after.pricing.unpriced).toEqual([]);
    }, 120_000);
});

describe("a self-hosted stack's own figures in its region", () => {
    it("eu-central-1: the dashboard's $/M panel is built on eu-central-1's p4de rate, and the network output lists the prices the region lacks instead of a total", async () => {
        const file = readStackFile("self-hosted-prod");
        const run = await runStack({ ...file, config: { ...file.config, "aws:region": "eu-central-1", "llm-breakeven:region": "eu-central-1" } });
        const dashboard = run.resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap").map((r) => (k8sObject(r) as { data?: Record<string, string> }).data?.["llm-breakeven-vllm.json"]).find((d) => d !== undefined);
        // p4de.24xlarge 1-year no-upfront reserved in eu-central-1, read from tsaol/aws-gpu (us-east-1's is 17.401365).
        const rate = ec2NodeHourly("eu-central-1", "p4de.24xlarge", "reserved-1y");
        expect(rate?.hourlyUsd).not.toBe(ec2NodeHourly("us-east-1", "p4de.24xlarge", "reserved-1y")?.hourlyUsd);
        expect(dashboard).toContain(`(${rate!.hourlyUsd} * count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL)))`);
        expect(dashboard).toContain("p4de.24xlarge 1-year reserved in eu-central-1");
        const network = run.outputs["network"] as { monthlyUsd?: number; unpriced?: string[]; lines: Array<{ id: string; unitUsd: number }> };
        expect(network.monthlyUsd).toBeUndefined();
        const zones = ["a", "b", "c"].map((z) => `eu-central-1${z}`);
        const fix = "(cost/prices/data/aws/eu-central-1.json): run `llm-breakeven prices update --region eu-central-1`, or pick a region that has it";
        expect(network.unpriced).toEqual([
            `${zones.map((z) => `llm-net-nat-${z}`).join(", ")}: publicIpv4Hour (public IPv4 address-hour) has no price in eu-central-1 ${fix}`,
            `llm-net-ecr-api, llm-net-ecr-dkr, llm-net-sts, llm-net-logs: vpcInterfaceEndpointAzHour (interface endpoint-AZ-hour) has no price in eu-central-1 ${fix}`,
        ]);
        expect(network.lines.filter((l) => l.id.startsWith("aws:ec2/natGateway:NatGateway::")).map((l) => l.unitUsd)).toEqual([0.052, 0.052, 0.052]);
    }, 120_000);
});
