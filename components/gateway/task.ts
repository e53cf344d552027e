/**
 * The LiteLLM task's containers, as plain data: the proxy and a metrics collector. Pure, so the tests
 * can assert that every secret arrives by reference and nothing secret is in the environment.
 *
 * Why the config rides in an environment variable (base64 of config.yaml): it holds no secret (every
 * key is `os.environ/VAR`), it is versioned with the task definition so a routing change is a new
 * revision and a rolling deploy (an SSM parameter would change under running tasks without one), and
 * it needs no extra resource. The container decodes it to a file and starts `litellm --config`.
 *
 * The collector (AWS Distro for OpenTelemetry) scrapes LiteLLM's Prometheus endpoint and writes the
 * spend counter to CloudWatch as one metric, so an alarm can compare spend with the budget. Only that
 * metric is exported: CloudWatch bills custom metrics per name. LiteLLM protects /metrics from
 * v1.85.0 (platform/liteLLMRelease.ts), so the collector sends the master key, which ECS injects from
 * Secrets Manager into its environment (never in the config text).
 */
import { stringify } from "yaml";
import { ENV } from "./liteLLMConfig";
import { PINS } from "../../platform/pins";

/** The proxy's port in the official image (docs/sources.md §8); the target group and health check use it. */
export const LITELLM_PORT = 4000;
/** The task's two containers by name: the load balancer targets the proxy; the collector shares its network namespace (awsvpc). */
export const CONTAINERS = { proxy: "litellm", collector: "metrics-collector" } as const;
/** Our variable, not LiteLLM's: the container's command decodes it into the file `litellm --config` reads. */
export const CONFIG_ENV = "LITELLM_CONFIG_YAML_B64";
/** The metric the collector writes: USD spent, summed over keys, teams and models. */
export const SPEND_METRIC_NAME = "GatewaySpendUsd";
/**
 * The one dimension the spend metric is published with (its value: the gateway's physical name), so
 * two stacks' gateways in one account never add up in one metric. The alarm names exactly this set.
 */
export const SPEND_DIMENSION = "Gateway";
/**
 * Pinned: a floating tag would change what the alarm reads without a change here. v0.43.3: the
 * aws-observability/aws-otel-collector release of 2025-05-15 (aws-otel-collector#3038, docs/releases/
 * v0.43.3.md; platform/pins.ts). Newer lines exist (v0.49.0, 2026-07, #3220); staying on this one is a
 * choice, not an oversight. Tag only: no digest was read from public.ecr.aws offline.
 */
export const DEFAULT_COLLECTOR_IMAGE = PINS.adotCollectorImage.value;

export interface SecretRef {
    /** The environment variable the container sees. */
    readonly name: string;
    /** The Secrets Manager secret ARN ECS reads it from. */
    readonly valueFrom: string;
}

/** What the collector needs to publish the spend metric where the alarm reads it. */
export interface CollectorInput {
    /** The region of the collector's EMF output (and of the task's log group). */
    readonly region: string;
    /** CloudWatch namespace of the spend metric the budget alarm reads. */
    readonly metricsNamespace: string;
    /** The log group the collector writes EMF records to; CloudWatch extracts the metric from them. */
    readonly metricsLogGroupName: string;
    /** The spend metric's SPEND_DIMENSION value: the gateway's physical name. */
    readonly gatewayId: string;
}

export interface ContainerInput extends CollectorInput {
    /** The LiteLLM image, by release tag and (in production) digest. */
    readonly image: string;
    /** The ADOT collector image, pinned (PINS.adotCollectorImage). */
    readonly collectorImage: string;
    /** Both containers' stdout and stderr (the awslogs driver). */
    readonly logGroupName: string;
    /** The rendered config.yaml; it reaches the container base64-encoded in CONFIG_ENV, never a file in the image. */
    readonly configYaml: string;
    /** Plain, non-secret environment (hosts, ports, flags). */
    readonly environment: Readonly<Record<string, string>>;
    /** Variables ECS fills from Secrets Manager at task start (keys, passwords): never in `environment`. */
    readonly secrets: readonly SecretRef[];
}

/** Names in code-unit order: the same on every machine and locale, so a task definition only changes when its content does. */
function byCodeUnit(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

/** The collector's config: scrape LiteLLM, keep only the spend counter, sum its series, write it as EMF. */
export function renderCollectorConfig(input: CollectorInput): string {
    return stringify({
        receivers: {
            prometheus: {
                config: {
                    scrape_configs: [{
                        job_name: "litellm", scrape_interval: "60s", metrics_path: "/metrics/", static_configs: [{ targets: [`localhost:${LITELLM_PORT}`] }],
                        // The collector expands ${env:...} before the receiver reads its config; the
                        // value arrives from Secrets Manager through the container's secrets.
                        authorization: { type: "Bearer", credentials: `\${env:${ENV.masterKey}}` },
                    }],
                },
            },
        },
        processors: {
            "filter/spend": { metrics: { include: { match_type: "regexp", metric_names: ["^litellm_spend_metric(_total)?$"] } } },
            "metricstransform/spend": {
                transforms: [{
                    include: "^litellm_spend_metric(_total)?$", match_type: "regexp", action: "update", new_name: SPEND_METRIC_NAME,
                    // One series: spend summed over every key, team, user and model, labelled with the gateway.
                    operations: [
                        { action: "aggregate_labels", label_set: [], aggregation_type: "sum" },
                        { action: "add_label", new_label: SPEND_DIMENSION, new_value: input.gatewayId },
                    ],
                }],
            },
        },
        exporters: {
            // awsemf turns the cumulative counter into per-minute deltas, so Sum over a day is the day's
            // spend. It adds an OTelLib label to every datapoint; without a declaration that label
            // becomes a dimension and the alarm (which names SPEND_DIMENSION only) reads nothing.
            // emf.ts derives the published sets from this text; the tests hold them to the alarm's.
            awsemf: {
                namespace: input.metricsNamespace, log_group_name: input.metricsLogGroupName, region: input.region, dimension_rollup_option: "NoDimensionRollup",
                metric_declarations: [{ dimensions: [[SPEND_DIMENSION]], metric_name_selectors: [`^${SPEND_METRIC_NAME}$`] }],
            },
        },
        service: { pipelines: { metrics: { receivers: ["prometheus"], processors: ["filter/spend", "metricstransform/spend"], exporters: ["awsemf"] } } },
    }, { lineWidth: 0 });
}

export interface ContainerDefinition {
    readonly name: string;
    readonly image: string;
    readonly essential: boolean;
    readonly entryPoint?: readonly string[];
    readonly command?: readonly string[];
    readonly portMappings?: readonly { readonly containerPort: number; readonly protocol: "tcp" }[];
    readonly environment: readonly { readonly name: string; readonly value: string }[];
    readonly secrets?: readonly SecretRef[];
    readonly memoryReservation?: number;
    readonly readonlyRootFilesystem?: boolean;
    readonly logConfiguration: { readonly logDriver: "awslogs"; readonly options: Readonly<Record<string, string>> };
}

export function renderContainerDefinitions(input: ContainerInput): ContainerDefinition[] {
    if (!input.secrets.some((s) => s.name === ENV.masterKey)) throw new Error(`task definition: no ${ENV.masterKey} secret; the collector needs it to scrape /metrics`);
    const names = new Set<string>();
    for (const key of [...Object.keys(input.environment), ...input.secrets.map((s) => s.name), CONFIG_ENV]) {
        if (names.has(key)) throw new Error(`task definition: environment variable ${key} is set twice`);
        names.add(key);
    }
    const logs = (prefix: string): ContainerDefinition["logConfiguration"] => ({
        logDriver: "awslogs",
        options: { "awslogs-group": input.logGroupName, "awslogs-region": input.region, "awslogs-stream-prefix": prefix },
    });
    const env = (record: Readonly<Record<string, string>>): { name: string; value: string }[] =>
        Object.entries(record).sort(([a], [b]) => byCodeUnit(a, b)).map(([name, value]) => ({ name, value }));
    return [
        {
            name: CONTAINERS.proxy,
            image: input.image,
            essential: true,
            entryPoint: ["/bin/sh", "-c"],
            command: [`echo "$${CONFIG_ENV}" | base64 -d > /tmp/litellm-config.yaml && exec litellm --config /tmp/litellm-config.yaml --port ${LITELLM_PORT}`],
            portMappings: [{ containerPort: LITELLM_PORT, protocol: "tcp" }],
            environment: env({ ...input.environment, [CONFIG_ENV]: Buffer.from(input.configYaml, "utf8").toString("base64") }),
            secrets: [...input.secrets].sort((a, b) => byCodeUnit(a.name, b.name)),
            logConfiguration: logs("litellm"),
        },
        {
            name: CONTAINERS.collector,
            image: input.collectorImage,
            // A collector failure loses a metric, not traffic.
            essential: false,
            command: ["--config=env:AOT_CONFIG_CONTENT"],
            environment: env({ AOT_CONFIG_CONTENT: renderCollectorConfig(input) }),
            // The master key, to scrape /metrics (protected from LiteLLM v1.85.0).
            secrets: input.secrets.filter((s) => s.name === ENV.masterKey),
            memoryReservation: 128,
            readonlyRootFilesystem: true,
            logConfiguration: logs("collector"),
        },
    ];
}
