/** The one VPC component under the mock runtime, in each mode's shape: its children, their names and key inputs, and its aliases. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { MockRun, RecordedResource, runStack } from "../../mockrun";
import { by, one } from "../selfHosted/helpers";

const file = { stack: "unit", config: { "aws:region": "us-east-1" }, secretKeys: [] };
const inputs = (r: RecordedResource): Record<string, unknown> => r.inputs;

async function runComponent(create: () => Promise<void>): Promise<MockRun> {
    return runStack(file, { program: create });
}

describe("Vpc", () => {
    it("self-hosted shape: node subnets, a NAT per zone, the endpoints and the discovery tags, all under the component", async () => {
        const run = await runComponent(async () => {
            const { NODE_INTERFACE_ENDPOINT_SERVICES, Vpc } = await import("../../components/network/vpc");
            const { planSubnets } = await import("../../platform/subnets");
            new Vpc("n", {
                vpcCidr: "10.0.0.0/16", subnets: planSubnets("10.0.0.0/16", ["us-east-1a", "us-east-1b"]), natGateways: "per-zone",
                endpoints: { region: "us-east-1", interfaceServices: NODE_INTERFACE_ENDPOINT_SERVICES }, privateSubnetTags: { "kubernetes.io/cluster/c": "shared" },
            });
        });
        const component = one(run.resources, "llm-breakeven:network:Vpc", "n");
        const children = run.resources.filter((r) => r.parent === component.urn);
        expect(children.length).toBe(run.resources.length - 2);
        expect(by(run.resources, "aws:ec2/natGateway:NatGateway")).toHaveLength(2);
        expect(by(run.resources, "aws:ec2/routeTable:RouteTable")).toHaveLength(3);
        expect(inputs(one(run.resources, "aws:ec2/subnet:Subnet", "n-private-us-east-1b"))).toMatchObject({ cidrBlock: "10.0.32.0/19", availabilityZone: "us-east-1b", mapPublicIpOnLaunch: false, tags: { "kubernetes.io/cluster/c": "shared", Name: "n-private-us-east-1b" } });
        expect(inputs(one(run.resources, "aws:ec2/subnet:Subnet", "n-public-us-east-1b"))["tags"]).toEqual({ Name: "n-public-us-east-1b" });
        expect(by(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => inputs(e)["serviceName"]).sort()).toEqual(["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr", "com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sts"]);
        for (const r of children) expect(r.name.startsWith("n-"), r.name).toBe(true);
    });

    it("gateway shape: a single NAT in the first zone that every private route table uses, and no endpoints", async () => {
        const run = await runComponent(async () => {
            const { Vpc } = await import("../../components/network/vpc");
            const { planGatewaySubnets } = await import("../../platform/subnets");
            new Vpc("g", { vpcCidr: "10.50.0.0/16", subnets: planGatewaySubnets("10.50.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"]), natGateways: "single" });
        });
        const nats = by(run.resources, "aws:ec2/natGateway:NatGateway");
        expect(nats.map((n) => n.name)).toEqual(["g-nat-us-east-1a"]);
        const natId = nats[0]!.id;
        const privateRoutes = by(run.resources, "aws:ec2/route:Route").filter((r) => r.name.startsWith("g-private-"));
        expect(privateRoutes.map((r) => inputs(r)["natGatewayId"])).toEqual([natId, natId, natId]);
        expect(inputs(one(run.resources, "aws:ec2/subnet:Subnet", "g-public-us-east-1c"))).toMatchObject({ cidrBlock: "10.50.160.0/20" });
        expect(by(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint")).toHaveLength(0);
        expect(by(run.resources, "aws:ec2/securityGroup:SecurityGroup")).toHaveLength(0);
    });

    it("aliases both old type tokens, so an existing stack's `pulumi up` adopts its VPC instead of replacing it", async () => {
        const seen: unknown[] = [];
        await runComponent(async () => {
            const { Vpc } = await import("../../components/network/vpc");
            const { planGatewaySubnets } = await import("../../platform/subnets");
            // A transformation (public API) sees the options the component registers with.
            const capture: pulumi.ResourceTransformation = (args) => {
                if (args.type === "llm-breakeven:network:Vpc") seen.push(...(args.opts.aliases ?? []));
                return undefined;
            };
            new Vpc("g", { vpcCidr: "10.50.0.0/16", subnets: planGatewaySubnets("10.50.0.0/16", ["us-east-1a", "us-east-1b"]) }, { transformations: [capture] });
        });
        expect(seen).toEqual([{ type: "llm-breakeven:selfHosted:Network" }, { type: "llm-breakeven:gateway:Network" }]);
    });
});
