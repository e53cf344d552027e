/**
 * A real Prometheus (Debian's `prometheus` package) on a free loopback port, serving TSDB blocks that
 * `promtool tsdb create-blocks-from openmetrics` built. No scrape targets; retention long enough that
 * the fixture's old blocks are kept. The caller stops it (afterAll).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { PROMETHEUS_INSTALL_COMMAND, runPrometheusTool } from "../monitoring/promtool";

export interface RunningPrometheus {
    readonly url: string;
    stop(): Promise<void>;
}

/** Builds TSDB blocks from an OpenMetrics file into dataDir. */
export function createBlocks(openMetricsFile: string, dataDir: string): void {
    // Month-long blocks: the default 2 h blocks make ~360 of them for a month, minutes of work on a
    // busy machine. 2.42 takes the flag though its short --help does not list it (--help-long does not either; it is parsed).
    const result = runPrometheusTool("promtool", ["tsdb", "create-blocks-from", "openmetrics", "--quiet", "--max-block-duration=768h", openMetricsFile, dataDir]);
    if (result.status !== 0) throw new Error(`promtool tsdb create-blocks-from openmetrics failed (${result.status}): ${result.output}`);
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
        });
    });
}

export async function startPrometheus(dataDir: string, workDir: string): Promise<RunningPrometheus> {
    const port = await freePort();
    const config = path.join(workDir, "prometheus.yml");
    fs.writeFileSync(config, "global:\n  scrape_interval: 1m\nscrape_configs: []\n");
    let child: ChildProcess;
    const log: string[] = [];
    try {
        child = spawn("prometheus", [
            `--config.file=${config}`, `--storage.tsdb.path=${dataDir}`, "--storage.tsdb.retention.time=100y",
            `--web.listen-address=127.0.0.1:${port}`,
        ], { stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
        throw new Error(`cannot start prometheus (${String(error)}); run as root: ${PROMETHEUS_INSTALL_COMMAND}`);
    }
    child.stdout?.on("data", (d: Buffer) => log.push(d.toString()));
    child.stderr?.on("data", (d: Buffer) => log.push(d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const spawnError = new Promise<Error>((resolve) => child.once("error", (e) => resolve(e)));
    const url = `http://127.0.0.1:${port}`;
    const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
        }
    };
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
        const failed = await Promise.race([spawnError, exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 250))]);
        if (failed instanceof Error) throw new Error(`cannot start prometheus (${failed.message}); run as root: ${PROMETHEUS_INSTALL_COMMAND}`);
        if (failed !== undefined) throw new Error(`prometheus exited (${String(failed)}) before it was ready:\n${log.join("").slice(-2000)}`);
        try {
            const response = await fetch(`${url}/-/ready`);
            if (response.ok) return { url, stop };
        } catch {
            // not listening yet
        }
    }
    await stop();
    throw new Error(`prometheus was not ready in 90 s:\n${log.join("").slice(-2000)}`);
}
