/** CloudWatch alarms, log groups, dashboards, and Amazon Managed Prometheus workspaces. */
import { ResourceLike } from "../resource";
import { fixed, monthly, svc, usageLine, usd } from "./line";
import { guarded, optionalNumber, read } from "./props";
import { PricedResource, PricerTable, PricingContext } from "./types";

function priceMetricAlarm(r: ResourceLike): PricedResource {
    return guarded(() => {
        const queries = read(r.props, "metricQueries");
        // A metric-math alarm is billed per metric it reads.
        const metrics = queries.state === "known" && Array.isArray(queries.value) && queries.value.length > 0
            ? queries.value.filter((q) => (q as Record<string, unknown> | null)?.["metric"] !== undefined).length
            : 1;
        const period = optionalNumber(r.props, "period", "the evaluation period in seconds");
        const price = period !== undefined && period < 60 ? svc("cloudwatchHighResAlarmMonth") : svc("cloudwatchAlarmMonth");
        return fixed([monthly("CloudWatch alarm metric", Math.max(metrics, 1), price)]);
    });
}

function priceLogGroup(_r: ResourceLike, ctx: PricingContext): PricedResource {
    const p = svc("cloudwatchLogsIngestPerGB");
    const gb = ctx.usage?.logIngestGBPerMonthPerGroup;
    if (gb === undefined) return fixed([], `log ingest (${usd(p.usd)}/GB) is usage-based: no ingest assumption given, covered by the monitoring overhead`);
    return fixed([usageLine(`${gb} GB ingested at ${usd(p.usd)}/GB (stated assumption)`, gb, p)]);
}

function priceManagedPrometheus(): PricedResource {
    const ingest = svc("managedPrometheusPer10MSamples");
    return {
        kind: "priced", monthlyUsd: 0, lines: [],
        usageNote: `Amazon Managed Prometheus bills ingest (${usd(ingest.usd)} per ${ingest.unit}) and storage only: usage-based, covered by the monitoring overhead`,
    };
}

export const cloudwatchPricers: PricerTable = {
    "aws:cloudwatch/metricAlarm:MetricAlarm": priceMetricAlarm,
    "aws:cloudwatch/logGroup:LogGroup": priceLogGroup,
    "aws:cloudwatch/dashboard:Dashboard": () => fixed([monthly("CloudWatch dashboard", 1, svc("cloudwatchDashboardMonth"))]),
    "aws:amp/workspace:Workspace": priceManagedPrometheus,
};
