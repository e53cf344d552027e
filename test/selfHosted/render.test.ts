/** The pure core of the self-hosted components: tables and properties, no Pulumi runtime. */
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { Deployment } from "kubernetes-models/apps/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { parseCidr } from "../../platform/cidr";
import { planSubnets } from "../../platform/subnets";
import { renderEgressNetworkPolicy } from "../../components/selfHosted/egress";
import { renderKubeconfig, irsaTrustPolicy } from "../../components/selfHosted/cluster";
import { renderPodDisruptionBudget, renderVllmArgs, renderVllmDeployment, renderVllmService, replicaResources, servingPodSecurityLevel, startupProbeFailureThreshold, vllmEnv } from "../../components/selfHosted/vllmRender";
import { modelReadPolicy, prefixListCidrs, s3ModelUri, s3PrefixListName } from "../../components/selfHosted/modelSource";
import { renderAlertRules, renderDashboard } from "../../components/selfHosted/monitoring";

const ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"];

describe("planSubnets", () => {
    it("cuts a /16 into /19 private and /24 public subnets per zone", () => {
        expect(planSubnets("10.40.0.0/16", ZONES.slice(0, 3))).toEqual([
            { zone: "us-east-1a", privateCidr: "10.40.0.0/19", publicCidr: "10.40.192.0/24" },
            { zone: "us-east-1b", privateCidr: "10.40.32.0/19", publicCidr: "10.40.193.0/24" },
            { zone: "us-east-1c", privateCidr: "10.40.64.0/19", publicCidr: "10.40.194.0/24" },
        ]);
    });

    it("never overlaps and stays inside the VPC, for any VPC /8../20 and 1..6 zones", () => {
        fc.assert(fc.property(fc.integer({ min: 8, max: 20 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 255 }), (prefix, zones, first) => {
            const size = 2 ** (32 - prefix);
            const base = Math.floor((first * 2 ** 24) / size) * size;
            const vpc = `${[24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join(".")}/${prefix}`;
            const ranges = planSubnets(vpc, ZONES.slice(0, zones)).flatMap((p) => [p.privateCidr, p.publicCidr]).map((c) => {
                const { base: b, prefix: p } = parseCidr(c);
                return [b, b + 2 ** (32 - p)] as const;
            }).sort((a, b) => a[0] - b[0]);
            ranges.forEach(([start, end], i) => {
                expect(start).toBeGreaterThanOrEqual(base);
                expect(end).toBeLessThanOrEqual(base + size);
                if (i > 0) expect(start).toBeGreaterThanOrEqual((ranges[i - 1] as readonly [number, number])[1]);
            });
        }));
    });

    it("rejects misaligned, malformed and too-small VPCs, naming the value", () => {
        expect(() => planSubnets("10.40.1.0/16", ["a"])).toThrow(/"10\.40\.1\.0\/16" is not aligned: the network address of a \/16 there is 10\.40\.0\.0/);
        expect(() => planSubnets("10.400.0.0/16", ["a"])).toThrow(/octets must be 0-255/);
        expect(() => planSubnets("10.40.0.0/24", ["a"])).toThrow(/"10\.40\.0\.0\/24" is too small .*allowed: a \/20 or larger/);
    });
});

describe("renderEgressNetworkPolicy", () => {
    it("allows DNS, the endpoint subnets and the model source on 443, and nothing else", () => {
        const policy = renderEgressNetworkPolicy({ name: "p", namespace: "vllm", modelSourceCidrs: ["52.216.0.0/15"], endpointCidrs: ["10.40.0.0/19"] });
        expect(policy.spec.egress).toEqual([
            { to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] },
            { to: [{ ipBlock: { cidr: "10.40.0.0/19" } }], ports: [{ protocol: "TCP", port: 443 }] },
            { to: [{ ipBlock: { cidr: "52.216.0.0/15" } }], ports: [{ protocol: "TCP", port: 443 }] },
        ]);
        new NetworkPolicy(policy as never).validate();
    });
    it("fails closed without model source ranges or endpoint subnets", () => {
        expect(() => renderEgressNetworkPolicy({ name: "p", namespace: "vllm", modelSourceCidrs: [], endpointCidrs: ["10.40.0.0/19"] })).toThrow(/no model source ranges/);
        expect(() => renderEgressNetworkPolicy({ name: "p", namespace: "vllm", modelSourceCidrs: ["52.216.0.0/15"], endpointCidrs: [] })).toThrow(/no endpoint subnets/);
        expect(() => renderEgressNetworkPolicy({ name: "p", namespace: "vllm", modelSourceCidrs: ["52.216.1.0/15"], endpointCidrs: ["10.40.0.0/19"] })).toThrow(/not aligned/);
    });
});

describe("S3 model source", () => {
    it("names the region's S3 prefix list and the URI vLLM loads", () => {
        expect(s3PrefixListName("eu-west-1")).toBe("com.amazonaws.eu-west-1.s3");
        expect(s3ModelUri("models-x", "meta-llama/Llama-3.3-70B-Instruct")).toBe("s3://models-x/meta-llama/Llama-3.3-70B-Instruct");
    });
    it("grants list and read on exactly the bucket's prefix, nothing else", () => {
        const policy = JSON.parse(modelReadPolicy({ partition: "aws", bucket: "models-x", prefix: "meta-llama/Llama-3.3-70B-Instruct" }));
        expect(policy).toEqual({
            Version: "2012-10-17",
            Statement: [
                { Sid: "ListModelPrefix", Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::models-x", Condition: { StringLike: { "s3:prefix": ["meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct/*"] } } },
                { Sid: "ReadModelObjects", Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::models-x/meta-llama/Llama-3.3-70B-Instruct/*" },
            ],
        });
        expect(JSON.parse(modelReadPolicy({ partition: "aws-cn", bucket: "b-1", prefix: "p" })).Statement[1].Resource).toBe("arn:aws-cn:s3:::b-1/p/*");
    });
    it.each(["a/*", "/a", "a/"])("refuses the prefix %s, which would widen or misplace the grant", (prefix) => {
        expect(() => modelReadPolicy({ partition: "aws", bucket: "b-1", prefix })).toThrow(/wildcard|slash/);
    });
    it("turns prefix-list entries into sorted, checked CIDRs; an empty list fails", () => {
        expect(prefixListCidrs("l", [{ cidr: "54.231.0.0/16" }, { cidr: "3.5.0.0/19" }, { cidr: "54.231.0.0/16" }])).toEqual(["3.5.0.0/19", "54.231.0.0/16"]);
        expect(() => prefixListCidrs("com.amazonaws.us-east-1.s3", [])).toThrow(/com\.amazonaws\.us-east-1\.s3 has no entries/);
        expect(() => prefixListCidrs("l", [{ cidr: "3.5.0.1/19" }])).toThrow(/not aligned/);
    });
});

describe("renderVllmArgs", () => {
    const input = { huggingFaceId: "meta-llama/Llama-3.3-70B-Instruct", servedModelName: "llama-3.3-70b-instruct", precision: "bf16" as const, tensorParallelSize: 4, gpuMemoryUtilization: 0.9, maxModelLen: 8192, maxNumSeqs: 256 };
    it("renders the flags in a fixed order", () => {
        expect(renderVllmArgs(input).join(" ")).toBe("--model meta-llama/Llama-3.3-70B-Instruct --served-model-name llama-3.3-70b-instruct --host 0.0.0.0 --port 8000 --dtype bfloat16 --tensor-parallel-size 4 --pipeline-parallel-size 1 --gpu-memory-utilization 0.9 --max-model-len 8192 --max-num-seqs 256 --enable-prefix-caching --download-dir /models/huggingface/hub");
    });
    it.each([["fp16", ["--dtype", "float16"]], ["fp8", ["--quantization", "fp8"]]] as const)("maps %s", (precision, flags) => {
        const args = renderVllmArgs({ ...input, precision });
        expect(args.slice(8, 10)).toEqual(flags);
    });
    it("streams from S3 with the Run:ai loader, and downloads nothing", () => {
        const args = renderVllmArgs({ ...input, weights: { kind: "s3", uri: "s3://models-x/meta-llama/Llama-3.3-70B-Instruct" } });
        expect(args.join(" ")).toBe("--model s3://models-x/meta-llama/Llama-3.3-70B-Instruct --served-model-name llama-3.3-70b-instruct --host 0.0.0.0 --port 8000 --dtype bfloat16 --tensor-parallel-size 4 --pipeline-parallel-size 1 --gpu-memory-utilization 0.9 --max-model-len 8192 --max-num-seqs 256 --enable-prefix-caching --load-format runai_streamer");
        expect(args).not.toContain("--download-dir");
        expect(() => renderVllmArgs({ ...input, weights: { kind: "s3", uri: "models-x/llama" } })).toThrow(/must be s3:\/\/bucket\/prefix/);
    });
    it("refuses int4 and bad numbers, naming them", () => {
        expect(() => renderVllmArgs({ ...input, precision: "int4" })).toThrow(/pre-quantized/);
        expect(() => renderVllmArgs({ ...input, tensorParallelSize: 0, maxNumSeqs: 1.5 })).toThrow(/tensorParallelSize 0 .*maxNumSeqs 1\.5/);
    });
});

describe("startup budget and replica resources", () => {
    it.each([[141.2, 60], [70.6, 30], [16.06, 30], [282.4, 120]])("%s GB of weights -> %s x 10 s", (gb, threshold) => {
        expect(startupProbeFailureThreshold(gb)).toBe(threshold);
    });
    it("requests 75% of the replica's share of the node, the GPUs as limits", () => {
        expect(replicaResources({ vcpu: 96, memoryGiB: 1152, gpus: 8 }, 8)).toEqual({ cpu: "72", memory: "864Gi", gpus: "8" });
        expect(replicaResources({ vcpu: 96, memoryGiB: 1152, gpus: 8 }, 4)).toEqual({ cpu: "36", memory: "432Gi", gpus: "4" });
        expect(() => replicaResources({ vcpu: 96, memoryGiB: 1152, gpus: 8 }, 3)).toThrow(/must divide the node's 8 GPUs/);
    });
});

describe("rendered Kubernetes objects validate against the Kubernetes 1.33 schema", () => {
    const labels = { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": "llm-vllm" };
    const common = {
        name: "llm-vllm-us-east-1a", namespace: "vllm", zone: "us-east-1a", replicas: 2, image: "vllm/vllm-openai:v0.11.0", args: ["--model", "m"],
        resources: { cpu: "36", memory: "432Gi", gpus: "4" }, startupFailureThreshold: 60, appLabels: labels,
    };
    const deployment = renderVllmDeployment({ ...common, source: { kind: "huggingface", hfTokenSecretName: "tok" } });
    const fromS3 = renderVllmDeployment({ ...common, source: { kind: "s3", serviceAccountName: "llm-vllm", region: "us-east-1" } });
    it("Deployment, Service, PDB", () => {
        new Deployment(deployment as never).validate();
        new Deployment(fromS3 as never).validate();
        new Service(renderVllmService("llm-vllm", "vllm", labels) as never).validate();
        const pdb = renderPodDisruptionBudget("llm-vllm", "vllm", labels, 4, 2);
        expect((pdb.spec as { minAvailable?: unknown }).minAvailable).toBe(2);
        new PodDisruptionBudget(pdb as never).validate();
    });
    it("the validation is not vacuous: a malformed Deployment fails", () => {
        const broken = JSON.parse(JSON.stringify(deployment)) as { spec: { replicas: unknown } };
        broken.spec.replicas = "two";
        expect(() => new Deployment(broken as never).validate()).toThrow();
    });
    it("the schema package models Kubernetes 1.33 (its README badge still says 1.27)", () => {
        const models = path.dirname(require.resolve("kubernetes-models/package.json"));
        const has = (p: string): boolean => fs.existsSync(path.join(models, p));
        // 1.33 added networking.k8s.io/v1 ServiceCIDR, discovery ForNode hints and Lifecycle.stopSignal; 1.34 added PodCertificateProjection.
        expect(has("networking.k8s.io/v1/ServiceCIDR.js")).toBe(true);
        expect(has("discovery.k8s.io/v1/ForNode.js")).toBe(true);
        expect(fs.readFileSync(path.join(models, "v1/Lifecycle.d.ts"), "utf8")).toContain("stopSignal");
        expect(has("v1/PodCertificateProjection.js")).toBe(false);
    });
});

describe("the pod for each model source", () => {
    const labels = { "app.kubernetes.io/name": "vllm" };
    const common = {
        name: "d", namespace: "vllm", zone: "us-east-1a", replicas: 1, image: "vllm/vllm-openai:v0.11.0", args: ["--model", "m"],
        resources: { cpu: "72", memory: "864Gi", gpus: "8" }, startupFailureThreshold: 60, appLabels: labels,
    };
    const pod = (d: ReturnType<typeof renderVllmDeployment>): Record<string, any> => (d.spec as Record<string, any>)["template"]["spec"];
    it("Hugging Face: the node's hostPath cache, the token, the default service account, a privileged namespace", () => {
        const spec = pod(renderVllmDeployment({ ...common, source: { kind: "huggingface", hfTokenSecretName: "tok" } }));
        expect(spec["volumes"].map((v: { name: string }) => v.name)).toEqual(["dshm", "model-cache"]);
        expect(spec["containers"][0].volumeMounts).toEqual([{ name: "dshm", mountPath: "/dev/shm" }, { name: "model-cache", mountPath: "/models" }]);
        expect(spec["serviceAccountName"]).toBeUndefined();
        expect(spec["containers"][0].env.map((e: { name: string }) => e.name)).toEqual(["HF_TOKEN", "HF_HOME", "VLLM_NO_USAGE_STATS", "DO_NOT_TRACK"]);
        expect(servingPodSecurityLevel("huggingface")).toBe("privileged");
    });
    it("S3: no hostPath, the IRSA service account, the region and regional STS, offline from Hugging Face, a baseline namespace", () => {
        const spec = pod(renderVllmDeployment({ ...common, source: { kind: "s3", serviceAccountName: "llm-vllm", region: "us-east-1" } }));
        expect(spec["volumes"]).toEqual([{ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: "20Gi" } }]);
        expect(spec["containers"][0].volumeMounts).toEqual([{ name: "dshm", mountPath: "/dev/shm" }]);
        expect(JSON.stringify(spec)).not.toContain("hostPath");
        expect(spec["serviceAccountName"]).toBe("llm-vllm");
        expect(spec["containers"][0].env).toEqual([
            { name: "AWS_REGION", value: "us-east-1" },
            { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
            { name: "AWS_EC2_METADATA_DISABLED", value: "true" },
            { name: "HF_HUB_OFFLINE", value: "1" },
            { name: "VLLM_NO_USAGE_STATS", value: "1" },
            { name: "DO_NOT_TRACK", value: "1" },
        ]);
        expect(servingPodSecurityLevel("s3")).toBe("baseline");
    });
    it("S3 with a token given: the token is still passed by Secret reference", () => {
        expect(vllmEnv({ kind: "s3", serviceAccountName: "sa", region: "us-east-1", hfTokenSecretName: "tok" })[0]).toEqual({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: "tok", key: "HF_TOKEN" } } });
    });
});

describe("renderAlertRules", () => {
    const rules = renderAlertRules({ name: "r", ruleNamespace: "monitoring", servingNamespace: "vllm", deploymentNames: ["a", "b"], redundancyFloorReplicas: 2, gpusPerNode: 8 });
    const expr = (alert: string): string | undefined => rules.spec.groups.flatMap((g) => g.rules).find((r) => r.alert === alert)?.expr;
    it.each([
        ["VllmRequestsQueued", 'max by (pod) (vllm:num_requests_waiting{namespace="vllm"}) > 10'],
        ["VllmKvCacheNearlyFull", 'max by (pod) (vllm:kv_cache_usage_perc{namespace="vllm"}) > 0.95'],
        ["VllmTimeToFirstTokenHigh", 'histogram_quantile(0.95, sum by (le) (rate(vllm:time_to_first_token_seconds_bucket{namespace="vllm"}[5m]))) > 2'],
        ["VllmMetricsAbsent", 'absent(vllm:num_requests_running{namespace="vllm"})'],
        ["VllmReplicasBelowRedundancyFloor", 'sum(kube_deployment_status_replicas_available{namespace="vllm", deployment=~"a|b"}) < 2'],
        ["VllmZoneWithoutReplicas", 'max by (deployment) (kube_deployment_status_replicas_available{namespace="vllm", deployment=~"a|b"}) < 1'],
        ["GpuXidError", "max by (Hostname, gpu) (DCGM_FI_DEV_XID_ERRORS) > 0"],
        ["GpuCountPerNodeLow", "count by (Hostname) (DCGM_FI_DEV_GPU_UTIL) < 8"],
    ])("%s: %s", (alert, expected) => {
        expect(expr(alert)).toBe(expected);
    });
    it("never uses the removed vllm:gpu_cache_usage_perc, and validates as a PrometheusRule", () => {
        expect(JSON.stringify(rules)).not.toContain("gpu_cache_usage_perc");
        new PrometheusRule(rules as never).validate();
    });
});

describe("renderDashboard", () => {
    it("prices tokens with the node price and draws the API rate", () => {
        const d = renderDashboard({ title: "t", servingNamespace: "vllm", nodeHourlyUsd: 27.44705, nodePriceBasis: "p4de", apiUsdPerMTok: 0.8 });
        expect(d.panels.map((p) => p.title)).toEqual(["Tokens per second", "Latency", "KV cache usage", "Requests", "GPU utilisation", "Cost per million tokens"]);
        const cost = d.panels[5];
        expect(cost?.targets.map((t) => t.expr)).toEqual([
            '(27.44705 * count(count by (Hostname) (DCGM_FI_DEV_GPU_UTIL))) * 1e6 / (3600 * (sum(rate(vllm:prompt_tokens_total{namespace="vllm"}[1h])) + sum(rate(vllm:generation_tokens_total{namespace="vllm"}[1h]))))',
            "vector(0.8)",
        ]);
    });
    it("refuses an unpriced node instead of drawing $0", () => {
        expect(() => renderDashboard({ title: "t", servingNamespace: "vllm", nodeHourlyUsd: 0, nodePriceBasis: "none" })).toThrow(/never \$0/);
    });
});

describe("cluster helpers", () => {
    it("renders a kubeconfig that holds no credential", () => {
        const config = JSON.parse(renderKubeconfig({ clusterName: "c", endpoint: "https://x", certificateAuthorityData: "Q0E=", region: "us-east-1" }));
        expect(config.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "c", "--region", "us-east-1", "--output", "json"]);
        expect(JSON.stringify(config)).not.toMatch(/token"\s*:|password/);
    });
    it("scopes an IRSA trust policy to one service account", () => {
        const policy = JSON.parse(irsaTrustPolicy("arn:oidc", "https://oidc.eks.us-east-1.amazonaws.com/id/X", "kube-system", "sa"));
        expect(policy.Statement[0].Condition.StringEquals).toEqual({ "oidc.eks.us-east-1.amazonaws.com/id/X:sub": "system:serviceaccount:kube-system:sa", "oidc.eks.us-east-1.amazonaws.com/id/X:aud": "sts.amazonaws.com" });
    });
});
