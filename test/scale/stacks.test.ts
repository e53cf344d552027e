/**
 * Both shipped stacks that self-host (self-hosted-prod, hybrid-prod) render the autoscaling: a KEDA
 * ScaledObject per zone Deployment that KEDA's CRD schema accepts, with the capacity model's
 * thresholds, and GPU node groups whose maximum is above their minimum, tagged for auto-discovery.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MockRun, runShippedStack } from "../../mockrun";
import { by, k8sObject, validateK8s } from "../selfHosted/helpers";
import { planAutoscaling } from "../../program/autoscaling";
import { estimateStack } from "../../config/scenario";
import { parseFlatConfig } from "../../config/stack";
import { openModel } from "../../cost/estimate";
import { readStackFile } from "../../mockrun";

const STACKS = ["self-hosted-prod", "hybrid-prod"] as const;
const runs = new Map<string, MockRun>();

beforeAll(async () => {
    for (const stack of STACKS) runs.set(stack, await runShippedStack(stack));
}, 180_000);

describe.each(STACKS)("%s", (stack) => {
    it("renders one ScaledObject per zone Deployment, schema-valid, at the capacity model's thresholds and the zone's node bounds", () => {
        const run = runs.get(stack)!;
        const config = parseFlatConfig(readStackFile(stack).config);
        const plan = planAutoscaling(config.selfHosted!, openModel(config.selfHosted!.model), estimateStack(config))!;
        const scalers = by(run.resources, "kubernetes:keda.sh/v1alpha1:ScaledObject");
        expect(scalers.map((s) => (k8sObject(s)["spec"] as { scaleTargetRef: { name: string } }).scaleTargetRef.name).sort()).toEqual(["llm-vllm-us-east-1a", "llm-vllm-us-east-1b"]);
        for (const [i, s] of scalers.entries()) {
            expect(validateK8s(s)).toBe("keda.sh/v1alpha1/ScaledObject");
            const spec = k8sObject(s)["spec"] as { minReplicaCount: number; maxReplicaCount: number; triggers: { metadata: Record<string, string> }[] };
            const zone = plan.bounds.perZone[i]!;
            // Replicas = nodes x the replicas the capacity model lays on a node (2 x TP4 for 70B BF16 on 8x A100).
            const perNode = estimateStack(config).capacity.perNode.replicasPerNode;
            expect(perNode).toBe(2);
            expect([spec.minReplicaCount, spec.maxReplicaCount]).toEqual([zone.minNodes * perNode, zone.maxNodes * perNode]);
            expect(spec.triggers.map((t) => t.metadata["threshold"])).toEqual([String(plan.thresholds.waitingRequestsPerReplica), String(plan.thresholds.kvCacheUsage)]);
        }
    });

    it("scales GPU node groups between the N+1 floor and a maximum above it, each group's ASG tagged for auto-discovery", () => {
        const run = runs.get(stack)!;
        const groups = by(run.resources, "aws:eks/nodeGroup:NodeGroup").filter((g) => g.name.startsWith("llm-gpu-"));
        const sizes = groups.map((g) => (g.inputs["scalingConfig"] as { minSize: number; maxSize: number }));
        expect(sizes.every((s) => s.minSize === 1 && s.maxSize >= s.minSize)).toBe(true);
        expect(sizes.some((s) => s.maxSize > s.minSize)).toBe(true);
        const tags = by(run.resources, "aws:autoscaling/tag:Tag").map((t) => `${String(t.inputs["autoscalingGroupName"])} ${(t.inputs["tag"] as { key: string }).key}`).sort();
        expect(tags).toEqual(["eks-llm-gpu-us-east-1a k8s.io/cluster-autoscaler/enabled", `eks-llm-gpu-us-east-1a k8s.io/cluster-autoscaler/llm-${stack}`, "eks-llm-gpu-us-east-1b k8s.io/cluster-autoscaler/enabled", `eks-llm-gpu-us-east-1b k8s.io/cluster-autoscaler/llm-${stack}`]);
    });
});
