/**
 * Every version the program pins (Helm charts, images, AMI types, engine and Kubernetes versions),
 * each beside the upstream record read at that version (docs/sources.md §24). One place: the
 * components and the stack schema take their values from here, and test/platform/pins.test.ts fails when a
 * chart version, image tag, AMI type or engine version appears in platform/, components/, config/, program/ or
 * stacks/ without an entry. A new pin is read before it is typed: never from memory.
 */
import { DEFAULT_LITELLM_IMAGE } from "./liteLLMRelease";

export interface Pin {
    readonly value: string;
    /** The upstream file or API reference read at that version, with its commit, tag or date. */
    readonly upstream: string;
    /** When it was read (ISO date). */
    readonly readOn: string;
    /** What the record says beyond "this version exists" that a deploy must know. */
    readonly caveat?: string;
}

export const PINS = {
    kubePrometheusStackChart: {
        value: "79.7.1",
        upstream: "prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml at tag kube-prometheus-stack-79.7.1 (7dcdc8b3, 2025-11-21; appVersion v0.86.2, kubeVersion >=1.25, grafana subchart 10.2.0); values.yaml there has prometheus.prometheusSpec.{serviceMonitor,podMonitor,rule}SelectorNilUsesHelmValues, retention, storageSpec and grafana.admin.{existingSecret,userKey,passwordKey}, grafana.sidecar.dashboards.{enabled,label,labelValue,searchNamespace}",
        readOn: "2026-11-30",
    },
    dcgmExporterChart: {
        value: "3.5.0",
        upstream: "NVIDIA/dcgm-exporter deployment/Chart.yaml at tag 3.3.7-3.5.0 (6d499c68, 2024-07-24; chart and appVersion 3.5.0, DCGM 3.3.7); values.yaml there has serviceMonitor.{enabled,interval}, nodeSelector, tolerations; the repository https://nvidia.github.io/dcgm-exporter/helm-charts from its README",
        readOn: "2026-11-30",
        caveat: "newer charts exist (4.8.2, 2026-05); from d5e5f51 (2026-05-12) the Hostname label is renamed hostname, so a bump re-reads the label names the rules use (docs/sources.md §12)",
    },
    nvidiaDevicePluginChart: {
        value: "0.17.1",
        upstream: "NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin/Chart.yaml at tag v0.17.1 (3c378193, 2025-03-12); values.yaml there has tolerations, affinity.nodeAffinity, priorityClassName (default system-node-critical), gfd.enabled; nfd.enabled is the Chart.yaml dependency condition (nfd.enabled,gfd.enabled); repository https://nvidia.github.io/k8s-device-plugin from its README",
        readOn: "2026-11-30",
    },
    kedaChart: {
        value: "2.20.2",
        upstream: "kedacore/charts keda/Chart.yaml at cbb9bb8 \"prepare v2.20.2 release\" (2026-07-31); KEDA 2.20 is tested on Kubernetes v1.33-v1.35 (keda.sh/docs/2.20/operate/cluster); keys in docs/sources.md §15",
        readOn: "2026-11-30",
    },
    clusterAutoscalerChart: {
        value: "9.51.0",
        upstream: "kubernetes/autoscaler charts/cluster-autoscaler/Chart.yaml at tag cluster-autoscaler-chart-9.51.0 (appVersion 1.33.0, matching kubernetesVersion); keys in docs/sources.md §15",
        readOn: "2026-11-30",
    },
    gpuAmiType: {
        value: "AL2023_x86_64_NVIDIA",
        upstream: "Amazon EKS API Reference, CreateNodegroup amiType Valid Values (AL2023_x86_64_STANDARD | ... | AL2023_x86_64_NVIDIA | AL2023_ARM_64_NVIDIA); @pulumi/aws 7.48.0 eks/nodeGroup.d.ts passes amiType through to it",
        readOn: "2026-11-30",
    },
    systemAmiType: {
        value: "AL2023_x86_64_STANDARD",
        upstream: "Amazon EKS API Reference, CreateNodegroup amiType Valid Values (as gpuAmiType)",
        readOn: "2026-11-30",
    },
    kubernetesVersion: {
        value: "1.33",
        upstream: "awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc (013856044, release calendar): 1.33 released on EKS 2025-05-29, end of standard support 2026-07-29, end of extended support 2027-07-29; \"You can create new Amazon EKS clusters on any version offered in standard or extended support\"",
        readOn: "2026-11-30",
        caveat: "in EKS extended support since 2026-07-29: EKS bills the AmazonEKS-Hours:extendedSupport surcharge on top of AmazonEKS-Hours:perCluster, which the plan prices (cost/pricers/eks.ts: the calendar and the rule); 1.34's standard support ends 2026-12-02 and no calendar read has a 1.35 row, so the pin stays; the next step is 1.35 with cluster-autoscaler chart 9.59.0 (appVersion 1.35.0, tag cluster-autoscaler-chart-9.59.0) and the schema tests' Kubernetes models moved to 1.35",
    },
    vllmImage: {
        value: "vllm/vllm-openai:v0.11.0",
        upstream: "vllm-project/vllm release v0.11.0 (2025-10; its notes, quoted in pan-webis-de/pan-code#27, 2025-10-07: the V0 engine removed, V1 the only engine); the image tag mirrored from Docker Hub on 2025-10-22 (imdingtalk/image-mirror#1549); metric names at the tag in docs/sources.md §12",
        readOn: "2026-11-30",
        caveat: "tag only: no digest was read from the registry (docker buildx imagetools inspect vllm/vllm-openai:v0.11.0 resolves it)",
    },
    postgresEngineVersion: {
        value: "16",
        upstream: "Amazon RDS for PostgreSQL release notes (postgresql-versions: \"PostgreSQL 16 versions\"); AWS's 2026-05 minor-version notice upgrades 16.5-16.8 to 16.11 or higher, so RDS picks a current 16.x minor for a major-only engineVersion",
        readOn: "2026-11-30",
        caveat: "RDS's end-of-standard-support date for 16 was not read offline: aws rds describe-db-major-engine-versions --engine postgres --major-engine-version 16",
    },
    valkeyEngineVersion: {
        value: "8.2",
        upstream: "Amazon ElastiCache docs, vector-search.html: \"Vector search for ElastiCache is available in Valkey version 8.2 on node-based clusters\"; engine-versions.html lists 8.2, 9.0 and 9.1; BerriAI/litellm litellm/caching/valkey_semantic_cache.py: \"On AWS, vector search needs ElastiCache for Valkey 8.2+ on a node-based cluster\"",
        readOn: "2026-11-30",
    },
    adotCollectorImage: {
        value: "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3",
        upstream: "aws-observability/aws-otel-collector docs/releases/v0.43.3.md at tag v0.43.3 (3a9f6a23, 2025-05-15, #3038); awsemfexporter listed in its README at the tag",
        readOn: "2026-11-30",
        caveat: "tag only: no digest was read from public.ecr.aws offline",
    },
    liteLLMImage: {
        value: DEFAULT_LITELLM_IMAGE,
        upstream: "platform/liteLLMRelease.ts: the release record read for the tag, and the feature table (each config feature -> first release -> PR or release note)",
        readOn: "2026-11-30",
        caveat: "tag only: a production `pulumi up` refuses it until the registry's digest is appended (README, Before the first `pulumi up` of a gateway)",
    },
} as const satisfies Record<string, Pin>;

export type PinKey = keyof typeof PINS;
