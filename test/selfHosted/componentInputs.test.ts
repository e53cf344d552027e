/**
 * The self-hosted components' own invariants (issue 17): arguments a program could pass wrongly are
 * refused with the SDK's InputPropertiesError, naming each property, the value and the fix, before
 * any child exists. Config rules are the schema's (test/config/deployRules.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { runStack } from "../../mockrun";
import type { GpuNodePoolsArgs } from "../../components/selfHosted/gpuNodePools";
import type { MonitoringArgs } from "../../components/selfHosted/monitoring";
import type { VllmEndpointArgs } from "../../components/selfHosted/endpoint";
import { endpointListener } from "../../components/selfHosted/endpoint";
import { renderAlertRules, renderDashboard } from "../../components/selfHosted/monitoring";

const file = { stack: "unit", config: { "aws:region": "us-east-1" }, secretKeys: [] };

const POOLS: GpuNodePoolsArgs = {
    clusterName: "llm-unit", nodeRoleArn: "arn:aws:iam::123456789012:role/node", kubernetesVersion: "1.33",
    zones: [{ zone: "us-east-1a", subnetId: "subnet-a" }, { zone: "us-east-1b", subnetId: "subnet-b" }],
    instanceType: "p4de.24xlarge", nodesPerZone: 1, rootVolumeSizeGiB: 500,
};
const MONITORING: MonitoringArgs = {
    namespace: "monitoring", servingNamespace: "vllm", vllmServiceLabels: { app: "vllm" }, vllmDeploymentNames: ["llm-vllm-us-east-1a", "llm-vllm-us-east-1b"],
    redundancyFloorReplicas: 2, gpusPerNode: 8, nodeHourlyUsd: 27.44705, nodePriceBasis: "unit", storageClassName: "gp3",
};
const ENDPOINT: VllmEndpointArgs = {
    clusterName: "llm-unit", zones: [{ zone: "us-east-1a", nodeGroupName: "gpu-a" }, { zone: "us-east-1b", nodeGroupName: "gpu-b" }],
    namespace: "vllm", podLabels: { app: "vllm" }, vpcId: "vpc-1", vpcCidr: "10.40.0.0/16", privateSubnetIds: ["subnet-a", "subnet-b"],
    listener: { protocol: "HTTP", port: 8000 }, allowedCidrs: ["10.60.0.0/16"], allowedSecurityGroupIds: [], idleTimeoutSeconds: 600, lcuPerHour: 1,
};

/** Constructs one component under mocks; returns what it threw and the custom resources recorded anyway. */
async function attempt(build: () => Promise<unknown>): Promise<{ error: unknown; custom: number }> {
    let error: unknown;
    const run = await runStack(file, {
        requireResources: false,
        program: async () => {
            try {
                await build();
            } catch (caught) {
                error = caught;
            }
            return {};
        },
    });
    return { error, custom: run.resources.filter((r) => r.custom).length };
}

const pools = (args: GpuNodePoolsArgs) => attempt(async () => new (await import("../../components/selfHosted/gpuNodePools")).GpuNodePools("gpu", args));
const monitoring = (args: MonitoringArgs) => attempt(async () => new (await import("../../components/selfHosted/monitoring")).Monitoring("mon", args));
const endpoint = (args: VllmEndpointArgs) => attempt(async () => new (await import("../../components/selfHosted/endpoint")).VllmEndpoint("ep", args));

/** What a synchronous call threw (undefined when it returned). */
function thrown(call: () => unknown): unknown {
    try {
        call();
    } catch (error) {
        return error;
    }
    return undefined;
}

function propertiesOf(error: unknown): string[] {
    expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
    return (error as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath);
}

describe("GpuNodePools' own invariants", () => {
    it("refuses no zone, a zero floor, maxima that do not fit the zones and a Capacity Block without its id, before any child exists", async () => {
        const { error, custom } = await pools({ ...POOLS, zones: [], nodesPerZone: 0, maxNodesPerZone: [2, 3], capacityType: "CAPACITY_BLOCK" });
        expect(propertiesOf(error)).toEqual(["zones", "nodesPerZone", "maxNodesPerZone", "capacityReservationId"]);
        expect((error as Error).message).toMatch(/^GpuNodePools gpu: 'zones' is empty: .*; 'nodesPerZone' \(0\) must be a whole number, 1 or more.*'maxNodesPerZone' \(\[2, 3\]\) must give each of the 0 zones .*'capacityReservationId' is required with capacityType CAPACITY_BLOCK: the Capacity Block reservation's id \(cr-\.\.\.\)$/);
        expect(custom).toBe(0);
    });

});

describe("Monitoring's own invariants", () => {
    it("refuses nothing to watch, a zero floor or GPU count and an unpriced node, before any child exists", async () => {
        const { error, custom } = await monitoring({ ...MONITORING, vllmDeploymentNames: [], redundancyFloorReplicas: 0, gpusPerNode: 0, nodeHourlyUsd: 0 });
        expect(propertiesOf(error)).toEqual(["vllmDeploymentNames", "redundancyFloorReplicas", "gpusPerNode", "nodeHourlyUsd"]);
        expect((error as Error).message).toMatch(/^Monitoring mon: 'vllmDeploymentNames' is empty: there is no vLLM Deployment to watch.*'nodeHourlyUsd' \(0\) must be a price above 0: an unpriced node is never \$0/);
        // The Grafana password, the namespace and the charts were registered before the old renderers threw.
        expect(custom).toBe(0);
    });


    it("its renderers refuse the same inputs the same way, naming their own properties", () => {
        const rules = { name: "r", ruleNamespace: "monitoring", servingNamespace: "vllm", deploymentNames: [], redundancyFloorReplicas: 1.5, gpusPerNode: 8 };
        expect(propertiesOf(thrown(() => renderAlertRules(rules)))).toEqual(["deploymentNames", "redundancyFloorReplicas"]);
        expect(() => renderDashboard({ title: "d", servingNamespace: "vllm", nodeHourlyUsd: Number.NaN, nodePriceBasis: "none" }))
            .toThrow(/^renderDashboard d: 'nodeHourlyUsd' \(NaN\) must be a price above 0/);
    });
});

describe("VllmEndpoint's own invariants", () => {
    it("refuses no target, one subnet, no caller and a negative load, before any child exists", async () => {
        const { error, custom } = await endpoint({ ...ENDPOINT, zones: [], privateSubnetIds: ["subnet-a"], allowedCidrs: [], lcuPerHour: -1 });
        expect(propertiesOf(error)).toEqual(["zones", "privateSubnetIds", "allowedCidrs", "lcuPerHour"]);
        expect((error as Error).message).toMatch(/^VllmEndpoint ep: 'zones' is empty: the load balancer would have no target.*'privateSubnetIds' has 1 subnet: an Application Load Balancer needs subnets in at least 2 zones/);
        expect(custom).toBe(0);
    });


    it("a certificate without the name it covers is refused naming hostName", () => {
        const error = thrown(() => endpointListener("arn:aws:acm:us-east-1:111122223333:certificate/abc", undefined));
        expect(propertiesOf(error)).toEqual(["hostName"]);
        expect((error as Error).message).toMatch(/^endpointListener arn:aws:acm:us-east-1:111122223333:certificate\/abc: 'hostName' is required with a certificate/);
        expect(endpointListener("arn:aws:acm:us-east-1:111122223333:certificate/abc", "llm.internal.example.com")).toMatchObject({ protocol: "HTTPS", port: 443 });
    });
});

describe("the refusals above are not vacuous", () => {
    it.each([
        ["GpuNodePools", () => pools({ ...POOLS, maxNodesPerZone: [2, 3] })],
        ["Monitoring", () => monitoring(MONITORING)],
        ["VllmEndpoint", () => endpoint(ENDPOINT)],
    ] as const)("%s builds with consistent arguments", async (_name, build) => {
        const { error, custom } = await build();
        expect(error).toBeUndefined();
        expect(custom).toBeGreaterThanOrEqual(5);
    });
});
