import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { alarmDefinitions } from "../../components/gateway/alarms";
import { AWS_SERVICES } from "../../cost/catalogue";
import { priceResource } from "../../cost/pricers";
import { AwsEmfExporterConfig, emfDimensionSets, publishedDimensionSets } from "../../components/gateway/emf";
import { SPEND_METRIC_NAME, renderCollectorConfig } from "../../components/gateway/task";

const GATEWAY = "llm-breakeven-gateway-prod-gw";
const collectorYaml = renderCollectorConfig({ metricsNamespace: "LLMBreakeven/Gateway", metricsLogGroupName: `/${GATEWAY}/metrics`, region: "us-east-1", gatewayId: GATEWAY });
const definitions = alarmDefinitions({ loadBalancerArnSuffix: "app/gw/1", targetGroupArnSuffix: "targetgroup/gw/1", metricsNamespace: "LLMBreakeven/Gateway", gatewayId: GATEWAY, minCount: 2, monthlyBudgetUsd: 600 });
/** The dimension names an alarm asks for (what CloudWatch matches a metric by). */
const alarmDimensionSet = (d: { dimensions?: unknown }): string[] => Object.keys((d.dimensions ?? {}) as Record<string, unknown>).sort();

/** The collector config this repository shipped before: no declarations, no gateway label. */
const BEFORE = stringify({
    processors: { "metricstransform/spend": { transforms: [{ include: "^litellm_spend_metric(_total)?$", match_type: "regexp", action: "update", new_name: SPEND_METRIC_NAME, operations: [{ action: "aggregate_labels", label_set: [], aggregation_type: "sum" }] }] } },
    exporters: { awsemf: { namespace: "LLMBreakeven/gw", dimension_rollup_option: "NoDimensionRollup" } },
    service: { pipelines: { metrics: { receivers: ["prometheus"], processors: ["metricstransform/spend"], exporters: ["awsemf"] } } },
});

describe("awsemf dimension sets, by the exporter's rules", () => {
    it.each<[string, AwsEmfExporterConfig, string[], string[][]]>([
        ["no declarations, no rollup: every label, OTelLib included", { dimension_rollup_option: "NoDimensionRollup" }, [], [["OTelLib"]]],
        ["no declarations, the default rollup", {}, ["model"], [["OTelLib"], ["OTelLib", "model"]]],
        ["single-dimension rollup only", { dimension_rollup_option: "SingleDimensionRollupOnly" }, ["a", "b"], [["OTelLib", "a"], ["OTelLib", "a", "b"], ["OTelLib", "b"]]],
        ["a declaration picks its set", { dimension_rollup_option: "NoDimensionRollup", metric_declarations: [{ dimensions: [["Gateway"]], metric_name_selectors: ["^GatewaySpendUsd$"] }] }, ["Gateway"], [["Gateway"]]],
        ["a set naming an absent label is skipped, so nothing is published", { dimension_rollup_option: "NoDimensionRollup", metric_declarations: [{ dimensions: [["Gateway"]], metric_name_selectors: ["^GatewaySpendUsd$"] }] }, [], []],
        ["an empty set is skipped (ExtractDimensions)", { dimension_rollup_option: "NoDimensionRollup", metric_declarations: [{ dimensions: [[]], metric_name_selectors: ["^GatewaySpendUsd$"] }] }, [], []],
        ["a metric no selector matches is dropped", { metric_declarations: [{ dimensions: [["Gateway"]], metric_name_selectors: ["^Other$"] }] }, ["Gateway"], []],
    ])("%s", (_name, exporter, labels, expected) => {
        expect(emfDimensionSets(exporter, SPEND_METRIC_NAME, labels)).toEqual(expected);
    });
});

describe("the spend alarm reads the metric the collector publishes", () => {
    it("the rendered collector config publishes GatewaySpendUsd with exactly the alarm's dimensions", () => {
        const published = publishedDimensionSets(collectorYaml, SPEND_METRIC_NAME);
        expect(published).toEqual([alarmDimensionSet(definitions["spend-pace"])]);
        expect(definitions["spend-pace"]).toMatchObject({ namespace: "LLMBreakeven/Gateway", metricName: SPEND_METRIC_NAME, dimensions: { Gateway: GATEWAY } });
    });

    it("the config shipped before published [OTelLib], which no dimensionless alarm reads (the defect, put back)", () => {
        const published = publishedDimensionSets(BEFORE, SPEND_METRIC_NAME);
        expect(published).toEqual([["OTelLib"]]);
        expect(published).not.toContainEqual([]);
        expect(published).not.toContainEqual(alarmDimensionSet(definitions["spend-pace"]));
    });

    it("fails closed when the pipeline does not make the published labels knowable", () => {
        const unaggregated = BEFORE.replace("aggregate_labels", "toggle_scalar_data_type");
        expect(() => publishedDimensionSets(unaggregated, SPEND_METRIC_NAME)).toThrow(/not modelled/);
        expect(() => publishedDimensionSets(collectorYaml, "OtherMetric")).toThrow(/no metricstransform .* renames a metric to OtherMetric/);
    });
});

describe("the 5xx alarm", () => {
    const queries = definitions["5xx-rate"].metricQueries as { id: string; expression?: string; returnData?: boolean; metric?: { metricName: string } }[];
    it("divides target and load balancer 5xx by every request, including those rejected before a target was chosen", () => {
        const byId = new Map(queries.map((q) => [q.id, q]));
        expect(byId.get("routed")?.metric?.metricName).toBe("RequestCount");
        expect(byId.get("elb5xx")?.metric?.metricName).toBe("HTTPCode_ELB_5XX_Count");
        expect(byId.get("target5xx")?.metric?.metricName).toBe("HTTPCode_Target_5XX_Count");
        // The denominator carries the load balancer's own 5xx, so the rate stays within 0..100% and
        // exists while the load balancer answers 503 to every request (RequestCount then reports nothing).
        expect(byId.get("requests")?.expression).toBe("FILL(routed, 0) + FILL(elb5xx, 0)");
        expect(byId.get("rate")?.expression).toMatch(/^IF\(requests > 0, 100 \* \(FILL\(target5xx, 0\) \+ FILL\(elb5xx, 0\)\) \/ requests, 0\)$/);
        expect(queries.filter((q) => q.returnData === true).map((q) => q.id)).toEqual(["rate"]);
    });

    it("is billed by the resource pricer per metric it reads (metric math over three), the plain alarms one each", () => {
        const price = (suffix: keyof typeof definitions) => priceResource({ type: "aws:cloudwatch/metricAlarm:MetricAlarm", name: suffix, props: definitions[suffix] as Record<string, unknown> });
        expect(price("5xx-rate")).toMatchObject({ kind: "priced", monthlyUsd: expect.closeTo(3 * AWS_SERVICES.cloudwatchAlarmMonth.usd, 9) });
        expect(price("p95-latency")).toMatchObject({ kind: "priced", monthlyUsd: expect.closeTo(AWS_SERVICES.cloudwatchAlarmMonth.usd, 9) });
    });
});
