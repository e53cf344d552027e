/** Each self-hosted component alone under the mock runtime: its children, their types, names and key inputs. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { MockRun, RecordedResource, isSecret, runStack } from "../../mockrun";
import { by, isK8sObject, one, validateK8s } from "./helpers";

const file = { stack: "unit", config: { "aws:region": "us-east-1" }, secretKeys: [] };
const inputs = (r: RecordedResource): Record<string, any> => r.inputs as Record<string, any>;

/** Runs a program that creates one component (runStack drains the registrations still in flight). */
async function runComponent(create: () => Promise<void>): Promise<MockRun> {
    return runStack(file, { program: create });
}

describe("Cluster", () => {
    it("creates EKS, KMS, OIDC, node role, system node group, add-ons, a provider and the gp3 class", async () => {
        const run = await runComponent(async () => {
            const { Cluster } = await import("../../components/selfHosted/cluster");
            new Cluster("k", { region: "us-east-1", clusterName: "k-eks", kubernetesVersion: "1.33", privateSubnetIds: ["s1", "s2"], systemInstanceType: "m6i.large", publicApiEndpoint: true });
        });
        expect(inputs(one(run.resources, "aws:eks/cluster:Cluster", "k-eks"))).toMatchObject({ name: "k-eks", vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, subnetIds: ["s1", "s2"] }, accessConfig: { authenticationMode: "API" } });
        expect(inputs(one(run.resources, "aws:eks/nodeGroup:NodeGroup", "k-system"))).toMatchObject({ scalingConfig: { desiredSize: 2, minSize: 2, maxSize: 4 }, subnetIds: ["s1", "s2"] });
        expect(by(run.resources, "aws:eks/addon:Addon").map((a) => inputs(a)["addonName"]).sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
        expect(inputs(one(run.resources, "kubernetes:storage.k8s.io/v1:StorageClass"))).toMatchObject({ provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } });
        const provider = one(run.resources, "pulumi:providers:kubernetes", "k-k8s");
        expect(JSON.parse(String(inputs(provider)["kubeconfig"])).clusters[0].cluster.server).toBe("https://k-eks.gr7.us-east-1.eks.amazonaws.com");
    });
});

describe("GpuNodePools", () => {
    it("creates a launch template and a node group per zone in that zone's subnet, and the device plugin", async () => {
        const run = await runComponent(async () => {
            const { GpuNodePools } = await import("../../components/selfHosted/gpuNodePools");
            new GpuNodePools("g", { clusterName: "c", nodeRoleArn: "arn:role", kubernetesVersion: "1.33", zones: [{ zone: "z1", subnetId: "s1" }, { zone: "z2", subnetId: "s2" }], instanceType: "p4d.24xlarge", nodesPerZone: 2, rootVolumeSizeGiB: 400, capacityType: "ON_DEMAND" });
        });
        expect(by(run.resources, "aws:eks/nodeGroup:NodeGroup").map((g) => [g.name, inputs(g)["subnetIds"], inputs(g)["instanceTypes"], inputs(g)["scalingConfig"].desiredSize])).toEqual([
            ["g-z1", ["s1"], ["p4d.24xlarge"], 2], ["g-z2", ["s2"], ["p4d.24xlarge"], 2],
        ]);
        expect(inputs(one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate", "g-z1"))["blockDeviceMappings"][0].ebs).toMatchObject({ volumeSize: 400, volumeType: "gp3" });
        expect(inputs(one(run.resources, "kubernetes:helm.sh/v3:Release"))["values"]["tolerations"]).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    });

    it("puts a Capacity Block reservation on the launch template", async () => {
        const run = await runComponent(async () => {
            const { GpuNodePools } = await import("../../components/selfHosted/gpuNodePools");
            new GpuNodePools("g", { clusterName: "c", nodeRoleArn: "arn:role", kubernetesVersion: "1.33", zones: [{ zone: "z1", subnetId: "s1" }], instanceType: "p4de.24xlarge", nodesPerZone: 1, rootVolumeSizeGiB: 400, capacityType: "CAPACITY_BLOCK", capacityReservationId: "cr-1" });
        });
        expect(inputs(one(run.resources, "aws:eks/nodeGroup:NodeGroup"))["capacityType"]).toBe("CAPACITY_BLOCK");
        expect(inputs(one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate"))).toMatchObject({ instanceMarketOptions: { marketType: "capacity-block" }, capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: "cr-1" } } });
    });
});

describe("VllmServing", () => {
    it("creates namespace, egress policy, token secret, a Deployment per zone, Service and PDB; the token stays secret", async () => {
        const run = await runComponent(async () => {
            const pulumi = await import("@pulumi/pulumi");
            const { VllmServing } = await import("../../components/selfHosted/vllm");
            new VllmServing("v", {
                namespace: "vllm", image: "vllm/vllm-openai:v0.11.0", huggingFaceId: "meta-llama/Llama-3.1-8B-Instruct", servedModelName: "llama-3.1-8b-instruct", precision: "bf16",
                tensorParallelSize: 2, replicasPerNode: 4, zones: ["z1", "z2"], nodesPerZone: 1, instance: { vcpu: 96, memoryGiB: 1152, gpus: 8 },
                gpuMemoryUtilization: 0.9, maxModelLen: 8192, maxNumSeqs: 128, weightsGB: 16, hfToken: pulumi.secret("hf_component_secret"),
                modelSource: { kind: "huggingface", cidrs: ["52.216.0.0/15"] }, endpointCidrs: ["10.0.0.0/19"],
            });
        });
        const deployments = by(run.resources, "kubernetes:apps/v1:Deployment");
        expect(deployments.map((d) => [d.name, inputs(d)["spec"].replicas])).toEqual([["v-z1", 4], ["v-z2", 4]]);
        const container = inputs(deployments[0] as RecordedResource)["spec"].template.spec.containers[0];
        expect(container.resources.limits["nvidia.com/gpu"]).toBe("2");
        const flag = (name: string): string | undefined => container.args[container.args.indexOf(name) + 1];
        expect([flag("--model"), flag("--tensor-parallel-size"), flag("--max-num-seqs"), flag("--download-dir")]).toEqual(["meta-llama/Llama-3.1-8B-Instruct", "2", "128", "/models/huggingface/hub"]);
        expect(inputs(one(run.resources, "kubernetes:policy/v1:PodDisruptionBudget"))["spec"].minAvailable).toBe(4);
        const secret = inputs(one(run.resources, "kubernetes:core/v1:Secret"));
        expect(isSecret(secret["stringData"]) || isSecret(secret["stringData"]?.["HF_TOKEN"])).toBe(true);
        for (const r of run.resources.filter(isK8sObject)) validateK8s(r);
    });
});

describe("VllmServing from an S3 mirror", () => {
    const create = (hfToken: boolean) => async (): Promise<void> => {
        const pulumi = await import("@pulumi/pulumi");
        const { VllmServing } = await import("../../components/selfHosted/vllm");
        new VllmServing("v", {
            namespace: "vllm", image: "vllm/vllm-openai:v0.11.0", huggingFaceId: "meta-llama/Llama-3.1-8B-Instruct", servedModelName: "llama-3.1-8b-instruct", precision: "bf16",
            tensorParallelSize: 2, replicasPerNode: 4, zones: ["z1"], nodesPerZone: 1, instance: { vcpu: 96, memoryGiB: 1152, gpus: 8 },
            gpuMemoryUtilization: 0.9, maxModelLen: 8192, maxNumSeqs: 128, weightsGB: 16,
            ...(hfToken ? { hfToken: pulumi.secret("hf_component_secret") } : {}),
            // The ranges arrive as an Output, as they do from the prefix list.
            modelSource: { kind: "s3", uri: "s3://models-x/meta-llama/Llama-3.1-8B-Instruct", region: "us-east-1", roleArn: pulumi.output("arn:aws:iam::123456789012:role/reader"), cidrs: pulumi.output(["3.5.0.0/19", "52.216.0.0/15"]) },
            endpointCidrs: ["10.0.0.0/19"],
        });
    };

    it("annotates its own service account with the IRSA role, runs the pods as it, makes no token Secret without a token", async () => {
        const run = await runComponent(create(false));
        const sa = inputs(one(run.resources, "kubernetes:core/v1:ServiceAccount", "v-sa"));
        expect(sa["metadata"]).toMatchObject({ name: "v", namespace: "vllm", annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/reader", "eks.amazonaws.com/sts-regional-endpoints": "true" } });
        expect(sa["automountServiceAccountToken"]).toBe(false);
        const pod = inputs(one(run.resources, "kubernetes:apps/v1:Deployment", "v-z1"))["spec"].template.spec;
        expect(pod.serviceAccountName).toBe("v");
        expect(pod.containers[0].args.slice(0, 2)).toEqual(["--model", "s3://models-x/meta-llama/Llama-3.1-8B-Instruct"]);
        expect(pod.containers[0].args.slice(-2)).toEqual(["--load-format", "runai_streamer"]);
        expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(["dshm"]);
        expect(by(run.resources, "kubernetes:core/v1:Secret")).toHaveLength(0);
        expect(pod.containers[0].env.map((e: { name: string }) => e.name)).not.toContain("HF_TOKEN");
        expect(inputs(one(run.resources, "kubernetes:core/v1:Namespace"))["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]).toBe("baseline");
        const egress = inputs(one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy"))["spec"]["egress"];
        expect(egress[2].to.map((t: { ipBlock: { cidr: string } }) => t.ipBlock.cidr)).toEqual(["3.5.0.0/19", "52.216.0.0/15"]);
        for (const r of run.resources.filter(isK8sObject)) validateK8s(r);
    });

    it("Hugging Face without a token is refused before any child exists", async () => {
        let error: Error | undefined;
        const run = await runStack(file, {
            requireResources: false,
            program: async () => {
                const { VllmServing } = await import("../../components/selfHosted/vllm");
                try {
                    new VllmServing("v", {
                        namespace: "vllm", image: "vllm/vllm-openai:v0.11.0", huggingFaceId: "meta-llama/Llama-3.1-8B-Instruct", servedModelName: "llama-3.1-8b-instruct", precision: "bf16",
                        tensorParallelSize: 2, replicasPerNode: 4, zones: ["z1"], nodesPerZone: 1, instance: { vcpu: 96, memoryGiB: 1152, gpus: 8 },
                        gpuMemoryUtilization: 0.9, maxModelLen: 8192, maxNumSeqs: 128, weightsGB: 16, modelSource: { kind: "huggingface", cidrs: ["192.0.2.0/24"] }, endpointCidrs: ["10.0.0.0/19"],
                    });
                } catch (caught) {
                    error = caught as Error;
                }
                return {};
            },
        });
        expect(error?.message).toMatch(/the Hugging Face model source needs hfToken/);
        // The SDK's own error for a component input, naming the property.
        expect(pulumi.InputPropertiesError.isInstance(error)).toBe(true);
        expect((error as pulumi.InputPropertiesError).errors.map((e) => e.propertyPath)).toEqual(["hfToken"]);
        expect(run.resources.filter((r) => r.custom)).toEqual([]);
    });

    it("with a token given, it is still made a Secret and stays secret", async () => {
        const run = await runComponent(create(true));
        const secret = inputs(one(run.resources, "kubernetes:core/v1:Secret", "v-hf-token"));
        expect(isSecret(secret["stringData"]) || isSecret(secret["stringData"]?.["HF_TOKEN"])).toBe(true);
        const env = inputs(one(run.resources, "kubernetes:apps/v1:Deployment", "v-z1"))["spec"].template.spec.containers[0].env;
        expect(env[0]).toEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "v-hf-token", key: "HF_TOKEN" } } });
    });
});

describe("S3ModelSource", () => {
    it("creates an IRSA reader role for the vLLM service account, its policy on the prefix, and reads the S3 prefix list", async () => {
        let cidrs: string[] | undefined;
        let prefixListId: string | undefined;
        const run = await runComponent(async () => {
            const { S3ModelSource } = await import("../../components/selfHosted/modelSource");
            const source = new S3ModelSource("m", {
                region: "us-east-1", bucket: "models-x", prefix: "meta-llama/Llama-3.3-70B-Instruct", namespace: "vllm", serviceAccountName: "llm-vllm",
                oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", oidcIssuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X",
            });
            source.cidrs.apply((c) => { cidrs = c; });
            source.prefixListId.apply((id) => { prefixListId = id; });
        });
        const component = one(run.resources, "llm-breakeven:selfHosted:S3ModelSource", "m");
        expect(run.resources.filter((r) => r.parent === component.urn).map((r) => `${r.type}::${r.name}`).sort()).toEqual(["aws:iam/role:Role::m-reader", "aws:iam/rolePolicy:RolePolicy::m-reader"]);
        const trust = JSON.parse(inputs(one(run.resources, "aws:iam/role:Role", "m-reader"))["assumeRolePolicy"]);
        expect(trust.Statement).toEqual([expect.objectContaining({
            Action: "sts:AssumeRoleWithWebIdentity",
            Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X" },
            Condition: { StringEquals: { "oidc.eks.us-east-1.amazonaws.com/id/X:sub": "system:serviceaccount:vllm:llm-vllm", "oidc.eks.us-east-1.amazonaws.com/id/X:aud": "sts.amazonaws.com" } },
        })]);
        const policy = JSON.parse(inputs(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "m-reader"))["policy"]);
        expect(policy.Statement.map((st: { Action: string; Resource: string }) => [st.Action, st.Resource])).toEqual([
            ["s3:ListBucket", "arn:aws:s3:::models-x"], ["s3:GetObject", "arn:aws:s3:::models-x/meta-llama/Llama-3.3-70B-Instruct/*"],
        ]);
        expect(prefixListId).toBe("pl-63a5400a");
        expect(cidrs).toEqual(["16.15.176.0/20", "16.15.192.0/18", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"]);
    });
});

describe("Monitoring", () => {
    it("creates the pinned releases, ServiceMonitor, PrometheusRule and dashboard; the Grafana password stays secret", async () => {
        const run = await runComponent(async () => {
            const { Monitoring } = await import("../../components/selfHosted/monitoring");
            new Monitoring("m", { namespace: "monitoring", servingNamespace: "vllm", vllmServiceLabels: { app: "vllm" }, vllmDeploymentNames: ["v-z1", "v-z2"], redundancyFloorReplicas: 2, gpusPerNode: 8, nodeHourlyUsd: 27.44705, nodePriceBasis: "p4de", storageClassName: "gp3" });
        });
        expect(by(run.resources, "kubernetes:helm.sh/v3:Release").map((r) => `${inputs(r)["chart"]}@${inputs(r)["version"]}`).sort()).toEqual(["dcgm-exporter@3.5.0", "kube-prometheus-stack@79.7.1"]);
        expect(inputs(one(run.resources, "kubernetes:helm.sh/v3:Release", "m-kube-prometheus-stack"))["values"]["grafana"]["admin"]).toEqual({ existingSecret: "m-grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
        expect(by(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule")).toHaveLength(1);
        expect(by(run.resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor")).toHaveLength(1);
        const secret = inputs(one(run.resources, "kubernetes:core/v1:Secret"));
        expect(isSecret(secret["stringData"]) || isSecret(secret["stringData"]?.["admin-password"])).toBe(true);
        for (const r of run.resources.filter(isK8sObject)) validateK8s(r);
    });
});
