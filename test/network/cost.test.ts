/**
 * The self-hosted network's bill (program/network.ts): the hourly lines are the resources a Vpc built
 * (Vpc.resources, recorded under the mock runtime), priced by cost/pricers/; the per-GB lines are the
 * egress volume's (cost/egress.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import type { NatStrategy } from "../../components/network/vpc";
import { valueAtProgramTime } from "../../components/builtResources";
import { AWS_SERVICES } from "../../cost/catalogue";
import { egressMonthlyCost } from "../../cost/egress";
import { UNKNOWN, type ResourceLike } from "../../cost/resource";
import { runStack } from "../../mockrun";
import { NetworkCost, networkMonthlyCost, networkWarning } from "../../program/network";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c"];
const NODE_ENDPOINTS = ["ecr.api", "ecr.dkr", "sts", "logs"];
const NAT = "aws:ec2/natGateway:NatGateway";
const EIP = "aws:ec2/eip:Eip";
const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

/** What a three-zone Vpc built under the mock runtime, as it exposes it. */
async function built(natGateways: NatStrategy, interfaceServices: readonly string[]): Promise<readonly ResourceLike[]> {
    let resources: readonly ResourceLike[] = [];
    await runStack({ stack: "unit", config: { "aws:region": "us-east-1" }, secretKeys: [] }, {
        program: async () => {
            // Imported after the mocks are set (runStack sets them first).
            const { Vpc } = await import("../../components/network/vpc");
            const { planSubnets } = await import("../../platform/subnets");
            resources = new Vpc("n", { vpcCidr: "10.0.0.0/16", subnets: planSubnets("10.0.0.0/16", ZONES), natGateways, endpoints: { region: "us-east-1", interfaceServices } }).resources;
        },
    });
    return resources;
}

/** The monthly sum of the lines of resources of `type`, and how many resources they are. */
function ofType(cost: NetworkCost, type: string): { readonly resources: number; readonly monthlyUsd: number } {
    const lines = cost.lines.filter((l) => l.id.startsWith(`${type}::`));
    return { resources: lines.length, monthlyUsd: lines.reduce((sum, l) => sum + l.monthlyUsd, 0) };
}

describe("the network's bill, from what the VPC built", () => {
    it("a NAT per zone, the four node endpoints and 300 GB in us-east-1: each resource priced by cost/pricers/, the total as before ($237.60)", async () => {
        const cost = networkMonthlyCost(await built("per-zone", NODE_ENDPOINTS), "us-east-1", 300);
        expect(cost.unpriced).toEqual([]);
        expect(cost.lines.filter((l) => l.id.startsWith(`${NAT}::`)).map((l) => l.id)).toEqual(ZONES.map((z) => `${NAT}::n-nat-${z}`));
        expect(ofType(cost, NAT).monthlyUsd).toBeCloseTo(3 * 730 * AWS_SERVICES.natGatewayHour.usd, 9);
        expect(ofType(cost, EIP).monthlyUsd).toBeCloseTo(3 * 730 * AWS_SERVICES.publicIpv4Hour.usd, 9);
        // One ENI per endpoint per zone; the S3 gateway endpoint is free.
        expect(ofType(cost, ENDPOINT)).toEqual({ resources: 4, monthlyUsd: expect.closeTo(12 * 730 * AWS_SERVICES.vpcInterfaceEndpointAzHour.usd, 9) });
        expect(cost.egressMonthlyUsd).toBeCloseTo(300 * (AWS_SERVICES.natGatewayPerGB.usd + AWS_SERVICES.dataTransferOutFirst10TBPerGB.usd), 9);
        expect(cost.monthlyUsd).toBeCloseTo(98.55 + 10.95 + 87.6 + 40.5, 6);
    });

    // A count passed beside the VPC (zones, interfaceEndpoints) would price 3 NATs and 4 endpoints in every row.
    it.each([
        ["per-zone", NODE_ENDPOINTS, 3, 4],
        ["single", NODE_ENDPOINTS, 1, 4],
        ["single", ["sts"], 1, 1],
        ["per-zone", [], 3, 0],
    ] as const)("NAT %s with interface endpoints %j: %d NAT gateways and addresses, %d endpoints billed, as built", async (strategy, services, nats, endpoints) => {
        const cost = networkMonthlyCost(await built(strategy, services), "us-east-1", 0);
        expect(ofType(cost, NAT)).toEqual({ resources: nats, monthlyUsd: expect.closeTo(nats * 730 * AWS_SERVICES.natGatewayHour.usd, 9) });
        expect(ofType(cost, EIP)).toEqual({ resources: nats, monthlyUsd: expect.closeTo(nats * 730 * AWS_SERVICES.publicIpv4Hour.usd, 9) });
        expect(ofType(cost, ENDPOINT)).toEqual({ resources: endpoints, monthlyUsd: expect.closeTo(endpoints * ZONES.length * 730 * AWS_SERVICES.vpcInterfaceEndpointAzHour.usd, 9) });
        expect(cost.egressMonthlyUsd).toBe(0);
    });

    it("prices each line at the stack's own region's rate, and lists a price its file lacks, naming the resources, instead of counting it as $0", async () => {
        const cost = networkMonthlyCost(await built("per-zone", NODE_ENDPOINTS), "ap-northeast-1", 300);
        // Tokyo's NAT is $0.062/h and $0.062/GB, its first 10 TB out $0.114/GB (docs/sources.md §16).
        expect(ofType(cost, NAT).monthlyUsd).toBeCloseTo(3 * 730 * 0.062, 9);
        expect(cost.egressMonthlyUsd).toBeCloseTo(300 * (0.062 + 0.114), 9);
        expect(ofType(cost, EIP).resources).toBe(0);
        expect(ofType(cost, ENDPOINT).resources).toBe(0);
        const fix = "(cost/prices/data/aws/ap-northeast-1.json): run `llm-breakeven prices update --region ap-northeast-1`, or pick a region that has it";
        expect(cost.unpriced).toEqual([
            `${ZONES.map((z) => `n-nat-${z}`).join(", ")}: publicIpv4Hour (${AWS_SERVICES.publicIpv4Hour.unit}) has no price in ap-northeast-1 ${fix}`,
            `n-ecr-api, n-ecr-dkr, n-sts, n-logs: vpcInterfaceEndpointAzHour (${AWS_SERVICES.vpcInterfaceEndpointAzHour.unit}) has no price in ap-northeast-1 ${fix}`,
        ]);
    });

    it("warns when the bill cannot be totalled, and when it outgrows the overhead's storage/network/egress line", async () => {
        const resources = await built("per-zone", NODE_ENDPOINTS);
        const input = { region: "us-east-1", egressGBPerMonth: 300, overheadMonthlyUsd: 400 };
        expect(networkWarning(networkMonthlyCost(resources, "us-east-1", 300), input)).toBeUndefined();
        expect(networkWarning(networkMonthlyCost(resources, "us-east-1", 300), { ...input, overheadMonthlyUsd: 200 }))
            .toMatch(/costs \$238\/month, above the overhead's storage\/network\/egress line \(\$200\); raise llm-breakeven:overhead\.storageNetworkEgressMonthlyUsd/);
        expect(networkWarning(networkMonthlyCost(resources, "ap-northeast-1", 300), { ...input, region: "ap-northeast-1" }))
            .toMatch(/^the network's monthly bill cannot be totalled in ap-northeast-1: n-nat-us-east-1a, .*publicIpv4Hour .*prices update --region ap-northeast-1/);
    });
});

describe("valueAtProgramTime", () => {
    it("records what is known while the program runs and marks the rest unknown, so a price that needs it is never $0", () => {
        const props = valueAtProgramTime({ connectivityType: "public", subnetIds: [pulumi.output("a"), Promise.resolve("b")], allocationId: pulumi.output("x"), tags: { Name: "n" } }) as Record<string, unknown>;
        expect(props).toEqual({ connectivityType: "public", subnetIds: [UNKNOWN, UNKNOWN], allocationId: UNKNOWN, tags: { Name: "n" } });
        // A price-determining property known only at deployment: not priced, named, listed.
        const cost = networkMonthlyCost([{ type: NAT, name: "n-nat", props: valueAtProgramTime({ connectivityType: pulumi.output("public") }) as Record<string, unknown> }], "us-east-1", 0);
        expect(ofType(cost, NAT).resources).toBe(0);
        expect(cost.unpriced).toEqual([expect.stringMatching(/^n-nat: connectivityType .* is unknown/)]);
    });
});

describe("egressMonthlyCost", () => {
    it("tiers data transfer out at 10 TB and 50 TB, after NAT processing of the whole volume", () => {
        const cost = egressMonthlyCost("us-east-1", 60_000);
        const byId = Object.fromEntries(cost.lines.map((l) => [l.id, l.quantity]));
        expect(byId).toEqual({ "nat-processing": 60_000, "egress-first-10tb": 10_240, "egress-next-40tb": 40_960, "egress-next-100tb": 8_800 });
    });

    it("refuses a volume that is not one", () => {
        expect(() => egressMonthlyCost("us-east-1", -1)).toThrow(/egressGBPerMonth -1 must be a finite volume/);
    });
});
