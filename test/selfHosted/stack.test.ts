/**
 * The whole self-hosted-prod stack under Pulumi's mock runtime (mockrun): what `pulumi preview` would
 * create, asserted resource by resource.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MockRun, RecordedResource, StackFile, isSecret, readStackFile, redactSecrets, runShippedStack, runStack } from "../../mockrun";
import { parseFlatConfig } from "../../config/stack";
import { estimateStack, scenarioFromStackConfig } from "../../config/scenario";
import { offerFor } from "../../cost/scenario";
import { estimate } from "../../cost/estimate";
import { overheadMonthlyUsd } from "../../cost/selfHosted";
import { offerMonthlyUsd } from "../../cost/units";
import { priceResources } from "../../cost/pricers";
import { by, isK8sObject, k8sObject, one, selfHostedProgram, validateK8s } from "./helpers";

const SECRET_PLAINTEXT = "hf_test_token_must_never_appear";
let run: MockRun;

const inputs = (r: RecordedResource): Record<string, any> => r.inputs as Record<string, any>;

/** The shipped stack with a Hugging Face token set (optional with its S3 mirror), to prove it stays secret. */
const withToken = (): StackFile => {
    const file = readStackFile("self-hosted-prod");
    return { ...file, config: { ...file.config, "llm-breakeven:hfToken": SECRET_PLAINTEXT }, secretKeys: [...file.secretKeys, "llm-breakeven:hfToken"] };
};

beforeAll(async () => {
    run = await runStack(withToken(), { program: selfHostedProgram });
});

describe("self-hosted-prod under mocks", () => {
    it("records a full stack, not an empty run", () => {
        const own = run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
        expect(own.length).toBeGreaterThan(70);
        expect(one(run.resources, "llm-breakeven:network:Vpc").name).toBe("llm-net");
        expect(new Set(run.resources.filter((r) => r.type.startsWith("llm-breakeven:selfHosted:")).map((r) => r.type))).toEqual(new Set([
            "llm-breakeven:selfHosted:Cluster", "llm-breakeven:selfHosted:GpuNodePools",
            "llm-breakeven:selfHosted:VllmServing", "llm-breakeven:selfHosted:ServingEgressPolicy", "llm-breakeven:selfHosted:Monitoring",
            "llm-breakeven:selfHosted:S3ModelSource", "llm-breakeven:selfHosted:VllmEndpoint", "llm-breakeven:selfHosted:Autoscaling",
        ]));
    });

    it("parents every resource under a component whose name prefixes its own (the top-level components under the stack)", () => {
        const stack = one(run.resources, "pulumi:pulumi:Stack");
        const components = new Map(run.resources.filter((r) => r.type.startsWith("llm-breakeven:selfHosted:") || r.type === "llm-breakeven:network:Vpc").map((c) => [c.urn, c.name]));
        const topLevel = run.resources.filter((r) => r.parent === stack.urn);
        expect(topLevel.map((r) => r.type).sort()).toEqual([
            "llm-breakeven:network:Vpc", "llm-breakeven:selfHosted:Autoscaling", "llm-breakeven:selfHosted:Cluster", "llm-breakeven:selfHosted:GpuNodePools", "llm-breakeven:selfHosted:Monitoring",
            "llm-breakeven:selfHosted:S3ModelSource", "llm-breakeven:selfHosted:VllmEndpoint", "llm-breakeven:selfHosted:VllmServing",
        ]);
        const children = run.resources.filter((r) => r !== stack && r.parent !== stack.urn);
        expect(children.length).toBeGreaterThan(70);
        for (const r of children) {
            const parent = components.get(r.parent ?? "");
            expect(parent, `${r.type} ${r.name} (parent ${r.parent})`).toBeDefined();
            expect(r.name.startsWith(parent as string), `${r.name} under ${parent}`).toBe(true);
        }
    });

    it("spans 3 zones with a NAT gateway, an EIP and a private route table per zone", () => {
        const nats = by(run.resources, "aws:ec2/natGateway:NatGateway");
        expect(nats.map((n) => n.name).sort()).toEqual(["llm-net-nat-us-east-1a", "llm-net-nat-us-east-1b", "llm-net-nat-us-east-1c"]);
        expect(by(run.resources, "aws:ec2/eip:Eip")).toHaveLength(3);
        for (const zone of ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            const nat = one(run.resources, "aws:ec2/natGateway:NatGateway", `llm-net-nat-${zone}`);
            expect(inputs(nat)["subnetId"]).toBe(`subnet-llm-net-public-${zone}`);
            const route = one(run.resources, "aws:ec2/route:Route", `llm-net-private-${zone}-default`);
            expect(inputs(route)).toMatchObject({ routeTableId: `rtb-llm-net-private-${zone}`, destinationCidrBlock: "0.0.0.0/0", natGatewayId: `nat-llm-net-nat-${zone}` });
            const assoc = one(run.resources, "aws:ec2/routeTableAssociation:RouteTableAssociation", `llm-net-private-${zone}`);
            expect(inputs(assoc)).toMatchObject({ subnetId: `subnet-llm-net-private-${zone}`, routeTableId: `rtb-llm-net-private-${zone}` });
        }
    });

    it("gives no node a public IP: every subnet has mapPublicIpOnLaunch false, no launch template asks for one", () => {
        const subnets = by(run.resources, "aws:ec2/subnet:Subnet");
        expect(subnets).toHaveLength(6);
        for (const s of subnets) expect(inputs(s)["mapPublicIpOnLaunch"], s.name).toBe(false);
        const templates = by(run.resources, "aws:ec2/launchTemplate:LaunchTemplate");
        expect(templates).toHaveLength(3);
        for (const t of templates) {
            expect(JSON.stringify(inputs(t))).not.toMatch(/associatePublicIpAddress"\s*:\s*"?true/);
            expect(inputs(t)["metadataOptions"]).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
        }
    });

    it("creates the S3 gateway endpoint and the ECR api/dkr, STS and Logs interface endpoints in the private subnets", () => {
        const endpoints = by(run.resources, "aws:ec2/vpcEndpoint:VpcEndpoint");
        const services = Object.fromEntries(endpoints.map((e) => [inputs(e)["serviceName"], inputs(e)]));
        expect(Object.keys(services).sort()).toEqual(["com.amazonaws.us-east-1.ecr.api", "com.amazonaws.us-east-1.ecr.dkr", "com.amazonaws.us-east-1.logs", "com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.sts"]);
        expect(services["com.amazonaws.us-east-1.s3"]).toMatchObject({ vpcEndpointType: "Gateway", routeTableIds: ["rtb-llm-net-private-us-east-1a", "rtb-llm-net-private-us-east-1b", "rtb-llm-net-private-us-east-1c"] });
        for (const s of ["ecr.api", "ecr.dkr", "sts", "logs"]) {
            expect(services[`com.amazonaws.us-east-1.${s}`]).toMatchObject({ vpcEndpointType: "Interface", privateDnsEnabled: true, subnetIds: ["subnet-llm-net-private-us-east-1a", "subnet-llm-net-private-us-east-1b", "subnet-llm-net-private-us-east-1c"] });
        }
    });

    it("builds EKS with private access, KMS-encrypted secrets, OIDC and a system node group across zones", () => {
        const cluster = inputs(one(run.resources, "aws:eks/cluster:Cluster"));
        expect(cluster["version"]).toBe("1.33");
        expect(cluster["vpcConfig"]).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: ["subnet-llm-net-private-us-east-1a", "subnet-llm-net-private-us-east-1b", "subnet-llm-net-private-us-east-1c"] });
        expect(cluster["encryptionConfig"]).toMatchObject({ resources: ["secrets"], provider: { keyArn: expect.stringContaining("llm-cluster-secrets") } });
        expect(inputs(one(run.resources, "aws:kms/key:Key"))["enableKeyRotation"]).toBe(true);
        expect(inputs(one(run.resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"))).toMatchObject({ clientIdLists: ["sts.amazonaws.com"], url: expect.stringMatching(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//) });
        const system = inputs(one(run.resources, "aws:eks/nodeGroup:NodeGroup", "llm-cluster-system"));
        expect(system).toMatchObject({ instanceTypes: ["m6i.large"], capacityType: "ON_DEMAND", amiType: "AL2023_x86_64_STANDARD", subnetIds: ["subnet-llm-net-private-us-east-1a", "subnet-llm-net-private-us-east-1b", "subnet-llm-net-private-us-east-1c"] });
        const cni = inputs(one(run.resources, "aws:eks/addon:Addon", "llm-cluster-vpc-cni"));
        expect(JSON.parse(cni["configurationValues"] as string)).toEqual({ enableNetworkPolicy: "true" });
        const ebsRole = JSON.parse(inputs(one(run.resources, "aws:iam/role:Role", "llm-cluster-ebs-csi"))["assumeRolePolicy"] as string);
        expect(ebsRole.Statement[0].Condition.StringEquals).toMatchObject({ [`oidc.eks.us-east-1.amazonaws.com/id/MOCKLLMCLUSTEREKS:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa" });
        expect(by(run.resources, "pulumi:providers:kubernetes")).toHaveLength(1);
    });

    it("creates one p4de GPU node group per GPU zone, each in that zone's private subnet only, tainted", () => {
        const groups = by(run.resources, "aws:eks/nodeGroup:NodeGroup").filter((g) => g.name.startsWith("llm-gpu-"));
        expect(groups.map((g) => g.name).sort()).toEqual(["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"]);
        // The floor is 1 per zone; the stack's GPU ceiling ($47,500) pays for one on-demand burst node, in the first zone.
        for (const [zone, maxSize] of [["us-east-1a", 2], ["us-east-1b", 1]] as const) {
            const g = inputs(one(run.resources, "aws:eks/nodeGroup:NodeGroup", `llm-gpu-${zone}`));
            expect(g).toMatchObject({
                instanceTypes: ["p4de.24xlarge"], amiType: "AL2023_x86_64_NVIDIA", capacityType: "ON_DEMAND", subnetIds: [`subnet-llm-net-private-${zone}`],
                scalingConfig: { desiredSize: 1, minSize: 1, maxSize },
                taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NO_SCHEDULE" }],
                labels: { "llm-breakeven/pool": "gpu", "llm-breakeven/gpu-zone": zone },
                launchTemplate: { id: `lt-llm-gpu-${zone}` },
            });
            const lt = inputs(one(run.resources, "aws:ec2/launchTemplate:LaunchTemplate", `llm-gpu-${zone}`));
            expect(lt["blockDeviceMappings"]).toEqual([expect.objectContaining({ deviceName: "/dev/xvda", ebs: expect.objectContaining({ volumeSize: 500, volumeType: "gp3", encrypted: "true" }) })]);
        }
        expect(run.outputs["gpuNodeGroups"]).toEqual(["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"]);
        const plugin = inputs(one(run.resources, "kubernetes:helm.sh/v3:Release", "llm-gpu-device-plugin"));
        expect(plugin).toMatchObject({ chart: "nvidia-device-plugin", version: "0.17.1", repositoryOpts: { repo: "https://nvidia.github.io/k8s-device-plugin" } });
    });

    it("runs one vLLM Deployment per GPU zone with the capacity model's TP size, GPU limits, probes, shm and a hard zone spread", () => {
        const deployments = by(run.resources, "kubernetes:apps/v1:Deployment");
        expect(deployments.map((d) => d.name).sort()).toEqual(["llm-vllm-us-east-1a", "llm-vllm-us-east-1b"]);
        for (const d of deployments) {
            const zone = d.name.replace("llm-vllm-", "");
            const spec = inputs(d)["spec"];
            // Capacity model v2 (issue 12): two TP4 replicas per 8x A100 node serve more than one TP8 replica.
            expect(spec.replicas).toBe(2);
            const pod = spec.template.spec;
            const container = pod.containers[0];
            expect(container.image).toBe("vllm/vllm-openai:v0.11.0");
            const args: string[] = container.args;
            const flag = (name: string): string | undefined => args[args.indexOf(name) + 1];
            // The stack's S3 mirror, streamed by the Run:ai loader.
            expect(flag("--model")).toBe("s3://llm-breakeven-models-123456789012-us-east-1/meta-llama/Llama-3.3-70B-Instruct");
            expect(flag("--load-format")).toBe("runai_streamer");
            expect(args).not.toContain("--download-dir");
            expect(flag("--tensor-parallel-size")).toBe("4");
            expect(flag("--pipeline-parallel-size")).toBe("1");
            expect(flag("--gpu-memory-utilization")).toBe("0.9");
            expect(flag("--max-model-len")).toBe("8192");
            expect(flag("--max-num-seqs")).toBe("256");
            expect(args).toContain("--enable-prefix-caching");
            expect(container.resources.limits["nvidia.com/gpu"]).toBe("4");
            expect(container.resources.requests["nvidia.com/gpu"]).toBe("4");
            expect(container.startupProbe).toMatchObject({ httpGet: { path: "/health", port: 8000 }, periodSeconds: 10, failureThreshold: 60 });
            expect(container.readinessProbe.httpGet).toMatchObject({ path: "/health", port: 8000 });
            expect(container.livenessProbe.httpGet).toMatchObject({ path: "/health", port: 8000 });
            expect(pod.volumes).toContainEqual({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "20Gi" } });
            expect(container.volumeMounts).toContainEqual({ name: "dshm", mountPath: "/dev/shm" });
            // Streamed into GPU memory: no node cache, no hostPath.
            expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(["dshm"]);
            expect(pod.serviceAccountName).toBe("llm-vllm");
            expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]);
            expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toContainEqual({ key: "topology.kubernetes.io/zone", operator: "In", values: [zone] });
            expect(pod.topologySpreadConstraints).toContainEqual(expect.objectContaining({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", maxSkew: 1 }));
            // This run sets a token (optional with a mirror): it is passed by Secret reference, never by value.
            expect(container.env).toContainEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "llm-vllm-hf-token", key: "HF_TOKEN" } } });
            expect(container.env).toContainEqual({ name: "AWS_REGION", value: "us-east-1" });
        }
        expect(run.outputs["vllmArgs"]).toEqual(inputs(deployments[0] as RecordedResource)["spec"].template.spec.containers[0].args);
    });

    it("exposes the OpenAI API on an internal ClusterIP Service, with a PDB letting one node drain", () => {
        const service = inputs(one(run.resources, "kubernetes:core/v1:Service", "llm-vllm-svc"));
        expect(service["spec"]).toMatchObject({ type: "ClusterIP", ports: [{ name: "http", port: 8000, targetPort: "http", protocol: "TCP" }] });
        expect(inputs(one(run.resources, "kubernetes:policy/v1:PodDisruptionBudget"))["spec"]).toMatchObject({ minAvailable: 2, selector: { matchLabels: { "app.kubernetes.io/name": "vllm" } } });
        expect(run.outputs["clusterEndpoint"]).toBe("http://llm-vllm.vllm.svc.cluster.local:8000/v1");
    });

    it("limits the serving namespace's egress to DNS, the endpoint subnets and the region's S3 prefix-list ranges, all on 443", () => {
        const policy = inputs(one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "llm-vllm-egress"));
        expect(policy["metadata"]).toMatchObject({ namespace: "vllm" });
        expect(policy["spec"]["policyTypes"]).toEqual(["Egress"]);
        expect(policy["spec"]["podSelector"]).toEqual({});
        const rules = policy["spec"]["egress"] as Array<{ to: Array<Record<string, any>>; ports: Array<{ protocol: string; port: number }> }>;
        expect(rules).toHaveLength(3);
        expect(rules[0]?.ports).toEqual([{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }]);
        expect(rules[0]?.to[0]?.["podSelector"]).toEqual({ matchLabels: { "k8s-app": "kube-dns" } });
        expect(rules[1]?.to.map((t) => t["ipBlock"].cidr)).toEqual(["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"]);
        // The mock's answer for com.amazonaws.us-east-1.s3 (pl-63a5400a), sorted: not hand-typed ranges.
        expect(rules[2]?.to.map((t) => t["ipBlock"].cidr)).toEqual(["16.15.176.0/20", "16.15.192.0/18", "16.182.0.0/16", "18.34.0.0/19", "18.34.232.0/21", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"]);
        for (const r of rules.slice(1)) expect(r.ports).toEqual([{ protocol: "TCP", port: 443 }]);
        // Exactly these peers: nothing with an except, no namespace-wide or 0.0.0.0/0 block.
        expect(JSON.stringify(rules)).not.toMatch(/0\.0\.0\.0\/0|except/);
        expect(rules.flatMap((r) => r.to)).toHaveLength(1 + 3 + 8);
    });

    it("reads the mirror as the vLLM service account, through an IRSA role that may read only the model's prefix", () => {
        const sa = k8sObject(one(run.resources, "kubernetes:core/v1:ServiceAccount", "llm-vllm-sa")) as Record<string, any>;
        expect(sa["metadata"]).toMatchObject({ name: "llm-vllm", namespace: "vllm", annotations: { "eks.amazonaws.com/role-arn": expect.stringContaining("llm-model-reader"), "eks.amazonaws.com/sts-regional-endpoints": "true" } });
        const role = inputs(one(run.resources, "aws:iam/role:Role", "llm-model-reader"));
        const trust = JSON.parse(role["assumeRolePolicy"] as string);
        expect(trust.Statement[0].Condition.StringEquals).toEqual({
            "oidc.eks.us-east-1.amazonaws.com/id/MOCKLLMCLUSTEREKS:sub": "system:serviceaccount:vllm:llm-vllm",
            "oidc.eks.us-east-1.amazonaws.com/id/MOCKLLMCLUSTEREKS:aud": "sts.amazonaws.com",
        });
        const policy = JSON.parse(inputs(one(run.resources, "aws:iam/rolePolicy:RolePolicy", "llm-model-reader"))["policy"] as string);
        expect(policy.Statement).toEqual([
            { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::llm-breakeven-models-123456789012-us-east-1", Condition: { StringLike: { "s3:prefix": ["meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct/*"] } } },
            { Sid: "ReadModelObjects", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::llm-breakeven-models-123456789012-us-east-1/meta-llama/Llama-3.3-70B-Instruct/*" },
        ]);
        // No bucket is created or changed: the mirror is the team's, filled once.
        expect(run.resources.filter((r) => r.type.startsWith("aws:s3"))).toEqual([]);
        expect(inputs(one(run.resources, "kubernetes:core/v1:Namespace", "llm-vllm-ns"))["metadata"]["labels"]["pod-security.kubernetes.io/enforce"]).toBe("baseline");
        expect(run.outputs["modelSource"]).toMatchObject({ kind: "s3", uri: "s3://llm-breakeven-models-123456789012-us-east-1/meta-llama/Llama-3.3-70B-Instruct", prefixListId: "pl-63a5400a" });
    });

    it("installs pinned kube-prometheus-stack and dcgm-exporter, a vLLM ServiceMonitor, alert rules on the vLLM and DCGM metrics, and the dashboard", () => {
        const releases = Object.fromEntries(by(run.resources, "kubernetes:helm.sh/v3:Release").map((r) => [inputs(r)["chart"], inputs(r)["version"]]));
        expect(releases).toEqual({ "nvidia-device-plugin": "0.17.1", "kube-prometheus-stack": "79.7.1", "dcgm-exporter": "3.5.0", "keda": "2.20.2", "cluster-autoscaler": "9.51.0" });
        const monitor = k8sObject(one(run.resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "llm-mon-vllm")) as Record<string, any>;
        expect(monitor).toMatchObject({ kind: "ServiceMonitor", metadata: { namespace: "vllm" }, spec: { endpoints: [{ port: "http", path: "/metrics" }] } });
        const rule = k8sObject(one(run.resources, "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "llm-mon-rules")) as Record<string, any>;
        const exprs: string[] = rule["spec"].groups.flatMap((g: { rules: Array<{ expr: string }> }) => g.rules.map((r) => r.expr));
        for (const metric of ["vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:time_to_first_token_seconds_bucket", "DCGM_FI_DEV_XID_ERRORS", "DCGM_FI_DEV_GPU_UTIL", "kube_deployment_status_replicas_available"]) {
            expect(exprs.some((e) => e.includes(metric)), metric).toBe(true);
        }
        expect(exprs).toContain('sum(kube_deployment_status_replicas_available{namespace="vllm", deployment=~"llm-vllm-us-east-1a|llm-vllm-us-east-1b"}) < 2');
        expect(exprs).toContain("count by (Hostname) (DCGM_FI_DEV_GPU_UTIL) < 8");
        const dashboard = JSON.parse(inputs(one(run.resources, "kubernetes:core/v1:ConfigMap"))["data"]["llm-breakeven-vllm.json"]);
        const cost = dashboard.panels.find((p: { title: string }) => p.title === "Cost per million tokens");
        // The reserved-1y p4de node price from the us-east-1 price file: $17.401365/h (1-year, no upfront).
        expect(cost.targets[0].expr).toContain("17.401365 * count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL))");
    });

    it("keeps every secret a secret: the HF token and the Grafana password are wrapped, and no plain token is recorded anywhere", () => {
        const token = inputs(one(run.resources, "kubernetes:core/v1:Secret", "llm-vllm-hf-token"));
        expect(isSecret(token["stringData"]) || isSecret(token["stringData"]?.["HF_TOKEN"])).toBe(true);
        const grafana = inputs(one(run.resources, "kubernetes:core/v1:Secret", "llm-mon-grafana-admin"));
        expect(isSecret(grafana["stringData"]) || isSecret(grafana["stringData"]?.["admin-password"])).toBe(true);
        for (const r of run.resources) {
            expect(JSON.stringify(redactSecrets(r.inputs)), `${r.type} ${r.name}`).not.toContain(SECRET_PLAINTEXT);
        }
        expect(JSON.stringify(run.outputs)).not.toContain(SECRET_PLAINTEXT);
    });

    it("validates every Kubernetes object against the Kubernetes 1.33 OpenAPI schema (kubernetes-models 4.5.1; KEDA's from its pinned chart's CRD)", () => {
        const objects = run.resources.filter(isK8sObject);
        expect(objects.length).toBeGreaterThanOrEqual(13);
        const kinds = new Set(objects.map(validateK8s));
        expect(kinds).toEqual(new Set([
            "apps/v1/Deployment", "v1/Namespace", "v1/Secret", "v1/Service", "v1/ServiceAccount", "v1/ConfigMap", "policy/v1/PodDisruptionBudget",
            "networking.k8s.io/v1/NetworkPolicy", "storage.k8s.io/v1/StorageClass", "monitoring.coreos.com/v1/ServiceMonitor", "monitoring.coreos.com/v1/PrometheusRule",
            "keda.sh/v1alpha1/ScaledObject",
        ]));
    });

    it("exports the endpoint and the cost engine's figures, which match the stack file's comment", () => {
        const flat = readStackFile("self-hosted-prod").config;
        const config = parseFlatConfig(flat);
        const e = estimateStack(config);
        expect(run.outputs["projectedMonthlyUsd"]).toBeCloseTo(e.selfHosted.monthlyUsd, 6);
        // Not the whole bill, and it says so: the rest is priced per resource (plan's total, the pack).
        expect(run.outputs["projectedMonthlyUsdCovers"]).toMatch(/^the GPU node groups and the overhead: .*the rest of the stack .* is priced per resource by the policy pack/);
        expect(Math.round(offerMonthlyUsd(offerFor(config.selfHosted!)))).toBe(12703);
        expect(overheadMonthlyUsd(config.overhead)).toBe(4100);
        expect(Math.round(e.selfHosted.monthlyUsd)).toBe(29506);
        expect(run.outputs["apiEquivalentMonthlyUsd"]).toBe(36000);
        expect(Math.round(e.api.monthlyUsd - e.selfHosted.monthlyUsd)).toBe(6494);
        expect(e.breakEven.tokensPerMonth).toBeLessThan(6e9);
        expect((e.breakEven.tokensPerMonth ?? 0) / 1e9).toBeCloseTo(4.92, 2);
        expect(e.capacity.servesVolume).toBe(true);
        expect(e.capacity.servableTokensPerMonth / 1e9).toBeCloseTo(9.61, 2);
        expect(run.outputs["capacity"]).toMatchObject({ tensorParallelSize: 4, replicasPerNode: 2, servesVolume: true });
        expect(run.outputs["decision"]).toMatchObject({ decision: "optimize-routing" });
        // What it does not justify: on-demand nodes, and the seed's routed $0.80/M on these nodes.
        const selfHosted = JSON.parse(flat["llm-breakeven:selfHosted"] as string) as Record<string, unknown>;
        const onDemand = estimateStack(parseFlatConfig({ ...flat, "llm-breakeven:selfHosted": JSON.stringify({ ...selfHosted, pricing: "on-demand" }) }));
        expect(Math.round(onDemand.selfHosted.monthlyUsd)).toBe(44173);
        expect(onDemand.selfHosted.monthlyUsd).toBeGreaterThan(e.api.monthlyUsd);
        const scenario = scenarioFromStackConfig(config);
        const routed = estimate({ ...scenario, api: { ...scenario.api, usdPerMTok: 0.8 } });
        expect(routed.api.monthlyUsd).toBe(4800);
        expect((routed.breakEven.tokensPerMonth ?? 0) / 1e9).toBeCloseTo(36.9, 1);
        expect(routed.capacity.breakEven).toMatchObject({ kind: "never", statement: expect.stringContaining("serves 9.61B tokens/month at peak, worth only $7,687 at $0.80/M") });
        expect(run.outputs["clusterName"]).toBe("llm-self-hosted-prod");
    });
});

describe("self-hosted-prod's network output", () => {
    it("bills the VPC's hourly resources with cost/pricers/, figure for figure as the offline plan prices the same resources, plus the egress", () => {
        const network = run.outputs["network"] as { monthlyUsd: number; egressMonthlyUsd: number; unpriced?: unknown; lines: Array<{ id: string; monthlyUsd: number }> };
        // The offline plan's view: each recorded resource priced from the state the mocks answered with (cli/plan/plan.ts).
        const vpc = one(run.resources, "llm-breakeven:network:Vpc");
        const planned = priceResources(run.resources.filter((r) => r.parent === vpc.urn).map((r) => ({ type: r.type, name: r.name, urn: r.urn, custom: r.custom, props: { ...r.outputs, id: r.id } })));
        const billable = planned.entries.filter((e) => e.price.kind === "priced");
        expect(billable.map((e) => e.type).sort()).toEqual([...Array(3).fill("aws:ec2/eip:Eip"), ...Array(3).fill("aws:ec2/natGateway:NatGateway"), ...Array(4).fill("aws:ec2/vpcEndpoint:VpcEndpoint")]);
        const output = new Map(network.lines.map((l) => [l.id, l.monthlyUsd]));
        for (const e of billable) expect(output.get(`${e.type}::${e.name}`), `${e.type} ${e.name}`).toBeCloseTo(e.price.kind === "priced" ? e.price.monthlyUsd : NaN, 9);
        expect(network.unpriced).toBeUndefined();
        expect(network.monthlyUsd).toBeCloseTo(planned.monthlyUsd + network.egressMonthlyUsd, 9);
        // 3 NAT gateways and their addresses, 4 interface endpoints in 3 zones, 300 GB through NAT: the figure the count-based bill gave.
        expect(network.monthlyUsd).toBeCloseTo(98.55 + 10.95 + 87.6 + 40.5, 6);
    });
});

describe("the Pulumi entry point", () => {
    it("runs self-hosted-prod through index.ts the same way", async () => {
        const viaEntry = await runStack(withToken());
        expect(viaEntry.resources.map((r) => `${r.type}::${r.name}`).sort()).toEqual(run.resources.map((r) => `${r.type}::${r.name}`).sort());
    });

    it("detects a program that creates nothing", async () => {
        await expect(runShippedStack("self-hosted-prod", { program: async () => ({ endpoint: "nothing" }) })).rejects.toThrow(/registered no resources/);
    });
});
