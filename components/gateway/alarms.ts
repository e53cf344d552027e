/**
 * The gateway's alarms as plain data (what each reads and when it fires), so the tests can hold the
 * spend alarm to the dimensions the collector publishes (emf.ts) and the 5xx alarm to ELB's metric
 * semantics without a mock run.
 *
 * ELB metrics (Application Load Balancer CloudWatch metrics, docs.aws.amazon.com/elasticloadbalancing/
 * latest/application/load-balancer-cloudwatch-metrics.html; docs/sources.md §13): RequestCount counts
 * only requests "where the load balancer node was able to choose a target"; requests rejected before
 * that are not in it. HTTPCode_ELB_5XX_Count counts 5xx the load balancer itself generated (503 with
 * no healthy target among them), HTTPCode_Target_5XX_Count those the targets answered. All three
 * report only when nonzero, so missing means 0.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as aws from "@pulumi/aws";
import { SPEND_DIMENSION, SPEND_METRIC_NAME } from "./task";

export const ALARM_SUFFIXES = ["5xx-rate", "p95-latency", "healthy-hosts", "spend-pace"] as const;
export type AlarmSuffix = (typeof ALARM_SUFFIXES)[number];

export interface AlarmInput {
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly targetGroupArnSuffix: pulumi.Input<string>;
    readonly metricsNamespace: string;
    /** The spend metric's SPEND_DIMENSION value. */
    readonly gatewayId: string;
    readonly minCount: number;
    readonly monthlyBudgetUsd: number;
    readonly p95LatencyAlarmSeconds?: number;
    readonly error5xxRateAlarmPercent?: number;
}

export type AlarmDefinition = Omit<aws.cloudwatch.MetricAlarmArgs, "tags" | "name">;

/** What each alarm reads and when it fires. */
export function alarmDefinitions(input: AlarmInput): Record<AlarmSuffix, AlarmDefinition> {
    const lbDims = { LoadBalancer: input.loadBalancerArnSuffix };
    const errorPercent = input.error5xxRateAlarmPercent ?? 5;
    const latencySeconds = input.p95LatencyAlarmSeconds ?? 30;
    const elb = (id: string, metricName: string) => ({ id, metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: lbDims, period: 60, stat: "Sum" } });
    return {
        "5xx-rate": {
            alarmDescription: `More than ${errorPercent}% of gateway requests answered 5xx (by the targets or by the load balancer, including requests rejected before a target was chosen) for 3 of 3 minutes`,
            comparisonOperator: "GreaterThanThreshold", threshold: errorPercent, evaluationPeriods: 3, datapointsToAlarm: 3,
            // No data: no requests at all (every metric reports only when nonzero).
            treatMissingData: "notBreaching",
            metricQueries: [
                // All requests = those that reached a target selection (RequestCount) + those the load
                // balancer answered 5xx itself (a 502/504 after a target was chosen counts twice, so the
                // rate errs low, never above 100% and never missing while ELB answers 503 to everyone).
                { id: "requests", expression: "FILL(routed, 0) + FILL(elb5xx, 0)", label: "requests (routed + rejected by the load balancer)" },
                { id: "rate", expression: "IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(elb5xx, 0)) / requests, 0)", label: "5xx percent", returnData: true },
                elb("target5xx", "HTTPCode_Target_5XX_Count"),
                elb("elb5xx", "HTTPCode_ELB_5XX_Count"),
                elb("routed", "RequestCount"),
            ],
        },
        "p95-latency": {
            alarmDescription: `p95 time to response headers above ${latencySeconds} s for 5 minutes`,
            namespace: "AWS/ApplicationELB", metricName: "TargetResponseTime", dimensions: lbDims, extendedStatistic: "p95", period: 60,
            comparisonOperator: "GreaterThanThreshold", threshold: latencySeconds, evaluationPeriods: 5, treatMissingData: "notBreaching",
        },
        "healthy-hosts": {
            alarmDescription: `Fewer healthy LiteLLM tasks than the floor of ${input.minCount}`,
            namespace: "AWS/ApplicationELB", metricName: "HealthyHostCount", dimensions: { LoadBalancer: input.loadBalancerArnSuffix, TargetGroup: input.targetGroupArnSuffix }, statistic: "Minimum", period: 60,
            comparisonOperator: "LessThanThreshold", threshold: input.minCount, evaluationPeriods: 3,
            // No data means no healthy target reported: that is the outage this alarm is for.
            treatMissingData: "breaching",
        },
        "spend-pace": {
            alarmDescription: `A day's API spend above a 30th of the $${input.monthlyBudgetUsd} monthly budget: at that pace LiteLLM's max_budget runs out before the month does`,
            // Exactly the dimension set the collector publishes (task.ts, emf.ts): any other set is another metric.
            namespace: input.metricsNamespace, metricName: SPEND_METRIC_NAME, dimensions: { [SPEND_DIMENSION]: input.gatewayId }, statistic: "Sum", period: 86_400,
            comparisonOperator: "GreaterThanThreshold", threshold: input.monthlyBudgetUsd / 30, evaluationPeriods: 1, treatMissingData: "notBreaching",
        },
    };
}
