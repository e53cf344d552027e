/**
 * Runs Prometheus' own `promtool` (Debian's `prometheus` package; `npm test`'s pretest installs it,
 * scripts/ensure-prometheus.sh). A missing promtool is a failure that names the install command:
 * the rules are never reported as checked when nothing checked them.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";

/** The one command that provides promtool and prometheus (the same as scripts/ensure-prometheus.sh prints). */
export const PROMETHEUS_INSTALL_COMMAND = "apt-get update && apt-get install -y --no-install-recommends prometheus";

export interface ToolResult {
    readonly status: number;
    readonly output: string;
}

/** Runs a Prometheus binary; throws (never skips) when it is not installed. */
export function runPrometheusTool(binary: "promtool" | "prometheus", args: readonly string[], options: { readonly cwd?: string; readonly pathEnv?: string } = {}): ToolResult {
    const env = options.pathEnv !== undefined ? { ...process.env, PATH: options.pathEnv } : process.env;
    const result = spawnSync(binary, args, { cwd: options.cwd, env, encoding: "utf8", timeout: 60_000 });
    if (result.error !== undefined) {
        const code = (result.error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") throw new Error(`${binary} is not installed: the monitoring tests need Debian's prometheus package; run as root: ${PROMETHEUS_INSTALL_COMMAND}`);
        throw result.error;
    }
    return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

/** Writes `value` as YAML into dir/name and returns the path. */
export function writeYaml(dir: string, name: string, value: unknown): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, stringify(value, { lineWidth: 0 }));
    return file;
}

/** One input series of a promtool unit test, in promtool's expanding notation ('0+600x180'). */
export interface InputSeries {
    readonly series: string;
    readonly values: string;
}

/** Renders a series selector: name{k="v",...} with the labels in the order given. */
export function series(name: string, labels: Readonly<Record<string, string>>): string {
    return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
}
