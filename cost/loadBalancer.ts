/**
 * An application load balancer's LCUs from the workload it carries, for the self-hosted endpoint.
 *
 * AWS bills an ALB per hour for the largest of four dimensions, one LCU holding (AWS Elastic Load
 * Balancing pricing, docs/sources.md §3): 25 new connections per second, 3,000 active connections per
 * minute, 1 GB processed per hour (EC2 and IP targets) and 1,000 rule evaluations per second (the first
 * 10 rules free). An endpoint in front of vLLM sees few, long requests: the new-connection and
 * processed-bytes dimensions are the ones the workload drives.
 *
 * The estimate is for the peak hour, billed every hour (an upper bound of the month's LCU-hours), with
 * one new TLS connection per request (clients that reuse connections make fewer). Processed bytes
 * count each token at 4 bytes of text (OpenAI's rule of thumb for English, docs/sources.md §3): a floor,
 * since JSON and streaming framing add to it.
 */
import { HOURS_PER_MONTH } from "./units";

/** What one LCU holds (AWS ELB pricing page, read 2026-09-20 as transcribed; docs/sources.md §3). */
export const ALB_LCU_CAPACITY = { newConnectionsPerSecond: 25, activeConnectionsPerMinute: 3000, processedGBPerHour: 1, ruleEvaluationsPerSecond: 1000 } as const;
/** Bytes of text per token (OpenAI: "1 token ~= 4 chars in English"; docs/sources.md §3). */
export const BYTES_PER_TOKEN = 4;
/** The tag the program writes on a load balancer whose LCUs it derived from the workload; the pricer reads it. */
export const LCU_PER_HOUR_TAG = "llm-breakeven:lcu-per-hour";

export interface EndpointTraffic {
    readonly requestsPerMonth: number;
    readonly tokensPerMonth: number;
    /** Peak-hour rate over the monthly average. */
    readonly peakToAverage: number;
}

export interface LcuEstimate {
    readonly lcuPerHour: number;
    readonly byDimension: { readonly newConnections: number; readonly processedBytes: number };
}

/** LCUs per hour at the peak hour: the larger of the new-connection and processed-bytes dimensions. */
export function albLcuPerHour(traffic: EndpointTraffic): LcuEstimate {
    const problems = Object.entries(traffic).filter(([, v]) => !(Number.isFinite(v) && v >= 0)).map(([k, v]) => `${k} ${v} must be a finite number >= 0`);
    if (traffic.peakToAverage < 1) problems.push(`peakToAverage ${traffic.peakToAverage} must be >= 1`);
    if (problems.length > 0) throw new Error(`albLcuPerHour: ${problems.join("; ")}`);
    const peakHourShare = traffic.peakToAverage / HOURS_PER_MONTH;
    const newConnections = (traffic.requestsPerMonth * peakHourShare) / 3600 / ALB_LCU_CAPACITY.newConnectionsPerSecond;
    const processedBytes = (traffic.tokensPerMonth * BYTES_PER_TOKEN * peakHourShare) / 1e9 / ALB_LCU_CAPACITY.processedGBPerHour;
    return { lcuPerHour: Math.max(newConnections, processedBytes), byDimension: { newConnections, processedBytes } };
}

/** The tag value: six significant digits, so the pricer reads back what the program meant. */
export function lcuTagValue(lcuPerHour: number): string {
    return String(Number(lcuPerHour.toPrecision(6)));
}
