/**
 * Range queries over Prometheus' HTTP API (GET /api/v1/query_range, prometheus.io/docs/prometheus/latest/querying/api/).
 * Credentials come from the environment (PROMETHEUS_BEARER_TOKEN, or PROMETHEUS_BASIC_AUTH as
 * user:password), never from a flag, and are never printed.
 */
import { Series } from "../../cost/measured";
import { UsageError } from "../errors";

/** Prometheus refuses a range query of more than 11,000 points per series; stay under it. */
const MAX_POINTS = 10_000;
/** Steps that divide an hour, so that every clock hour holds whole intervals. */
const STEPS_SECONDS = [300, 600, 900, 1200, 1800, 3600] as const;

export function stepFor(spanSeconds: number): number {
    const step = STEPS_SECONDS.find((s) => spanSeconds / s <= MAX_POINTS);
    if (step === undefined) throw new UsageError(`--since spans ${Math.round(spanSeconds / 86400)} days, more than ${MAX_POINTS} hourly points; measure a shorter window`);
    return step;
}

export interface PrometheusClient {
    readonly url: string;
    queryRange(query: string, startS: number, endS: number, stepS: number): Promise<Series[]>;
}

export function authHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
    const bearer = env["PROMETHEUS_BEARER_TOKEN"];
    if (bearer !== undefined && bearer !== "") return { Authorization: `Bearer ${bearer}` };
    const basic = env["PROMETHEUS_BASIC_AUTH"];
    if (basic !== undefined && basic !== "") return { Authorization: `Basic ${Buffer.from(basic).toString("base64")}` };
    return {};
}

interface RangeResponse {
    readonly status?: string;
    readonly error?: string;
    readonly data?: { readonly resultType?: string; readonly result?: ReadonlyArray<{ readonly metric?: Record<string, string>; readonly values?: ReadonlyArray<readonly [number, string]> }> };
}

export function prometheusClient(url: string, headers: Readonly<Record<string, string>>): PrometheusClient {
    let base: URL;
    try {
        base = new URL(url.endsWith("/") ? url : `${url}/`);
    } catch {
        throw new UsageError(`--prometheus "${url}" is not a URL; accepted: http(s)://host:port[/path]`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new UsageError(`--prometheus "${url}" must be http or https`);
    return {
        url: base.origin + base.pathname.replace(/\/$/, ""),
        async queryRange(query, startS, endS, stepS) {
            const target = new URL("api/v1/query_range", base);
            target.search = new URLSearchParams({ query, start: String(startS), end: String(endS), step: String(stepS) }).toString();
            let response: Response;
            try {
                response = await fetch(target, { headers: { Accept: "application/json", ...headers } });
            } catch (error) {
                const cause = (error as { cause?: { code?: string; message?: string } }).cause;
                throw new UsageError(`cannot reach Prometheus at ${base.origin}: ${cause?.code ?? cause?.message ?? String(error)}; check --prometheus`);
            }
            const text = await response.text();
            let body: RangeResponse;
            try {
                body = JSON.parse(text) as RangeResponse;
            } catch {
                throw new UsageError(`Prometheus at ${base.origin} answered ${response.status} with no JSON for \`${query}\`${response.status === 401 || response.status === 403 ? "; set PROMETHEUS_BEARER_TOKEN or PROMETHEUS_BASIC_AUTH" : ""}`);
            }
            if (!response.ok || body.status !== "success") {
                throw new UsageError(`Prometheus at ${base.origin} refused \`${query}\` (${response.status}): ${body.error ?? "no error given"}`);
            }
            if (body.data?.resultType !== "matrix") throw new UsageError(`Prometheus answered \`${query}\` with a ${body.data?.resultType ?? "missing"} result, not a matrix`);
            return (body.data.result ?? []).map((r) => ({
                labels: r.metric ?? {},
                samples: (r.values ?? []).map(([t, v]) => ({ t, v: Number(v) })),
            }));
        },
    };
}
