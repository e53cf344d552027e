/**
 * `plan --all` against the floor for any run of the program: the time `node` takes just to load
 * @pulumi/pulumi, @pulumi/aws and @pulumi/kubernetes. Prints both, and the ratio (target, issue 6:
 * at most 1.5x). Each figure is the median of several runs of a fresh process, after one warm-up
 * run (which also fills bin/ts-cache.js's transpile cache, as any second run finds it).
 *
 * Rows: `npm start` (node bin/llm-breakeven.js: cached transpile and V8 code cache,
 * the SDK's closure serialization and Automation API deferred), then an A/B per start-up
 * optimisation (the same run with only that one off), warm and with every cache empty (the
 * first run after `npm ci`: LLM_BREAKEVEN_CACHE_DIR pointed at a new directory); the floor with that
 * same deferral,
 * and with both caches too, to show how much of the ratio comes from loading faster than the floor;
 * and `tsx cli/main.ts` for comparison.
 *
 *   npm run bench:plan            (RUNS=5 to change the number of runs; BUSY=1 keeps one CPU busy
 *                                 with a spinning process throughout, a contended host on demand)
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { performance } from "perf_hooks";

const ROOT = path.resolve(__dirname, "..");
const RUNS = Math.max(1, Number(process.env["RUNS"] ?? 5));
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");
const LOAD_FLOOR = "require('@pulumi/pulumi');require('@pulumi/aws');require('@pulumi/kubernetes')";

function timeOnce(args: readonly string[], allowed: readonly number[] = [0], env: Readonly<Record<string, string>> = {}): number {
    const start = performance.now();
    const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
    const ms = performance.now() - start;
    if (result.status === null || !allowed.includes(result.status)) {
        throw new Error(`${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
    }
    return ms;
}

function median(args: readonly string[], allowed?: readonly number[], env: Readonly<Record<string, string>> = {}): number {
    timeOnce(args, allowed, env); // warm the file cache (and the transpile caches)
    const times = Array.from({ length: RUNS }, () => timeOnce(args, allowed, env)).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
}

/** `npm start` with its caches in a fresh empty directory each time (LLM_BREAKEVEN_CACHE_DIR): the first run after `npm ci`. */
function coldMedian(): number {
    const times = Array.from({ length: RUNS }, () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-breakeven-bench-cold-"));
        try {
            return timeOnce([BIN, "plan", "--all", "--quiet"], [0, 5], { LLM_BREAKEVEN_CACHE_DIR: dir });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }).sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
}

function main(): void {
    // Started before anything is timed, so every row runs beside it.
    const busy = process.env["BUSY"] === "1" ? spawn(process.execPath, ["-e", "for (;;);"], { stdio: "ignore" }) : undefined;
    try {
        measure(busy !== undefined);
    } finally {
        busy?.kill();
    }
}

function measure(busy: boolean): void {
    const stacks = fs.readdirSync(path.join(ROOT, "stacks")).filter((f) => /^Pulumi\..+\.ya?ml$/.test(f)).length;
    const cpus = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    console.log(`node ${process.version}, ${cpus} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}; median of ${RUNS} runs each; ${stacks} shipped stacks;${busy ? " one CPU kept busy throughout (BUSY=1);" : ""} target: plan --all within 1.5x the floor`);
    const floor = median(["-e", LOAD_FLOOR]);
    const row = (label: string, ms: number) => console.log(`${label.padEnd(75)} ${ms.toFixed(0).padStart(6)} ms   ${(ms / floor).toFixed(2)}x the floor`);
    row("floor: node loads @pulumi/pulumi, aws, kubernetes", floor);
    // Exit 5 only says a shipped stack is blocked by a mandatory policy: the plan ran to the end.
    const plan = [BIN, "plan", "--all", "--quiet"];
    const all = median(plan, [0, 5]);
    row("plan --all: npm start (node bin/llm-breakeven.js)", all);
    // A/B of each start-up optimisation: the same run with only that one off. Each stays only while it pays.
    const without = (label: string, env: Readonly<Record<string, string>>) => {
        const ms = median(plan, [0, 5], env);
        console.log(`${`  A/B: without ${label}`.padEnd(75)} ${ms.toFixed(0).padStart(6)} ms   ${ms - all >= 0 ? "+" : ""}${(ms - all).toFixed(0)} ms: it saves ${(((ms - all) / ms) * 100).toFixed(0)}%`);
    };
    without("the V8 code cache (bin/v8-cache.js)", { LLM_BREAKEVEN_STARTUP_SKIP: "v8-cache" });
    without("the deferred SDK modules (bin/defer-sdk-deps.js)", { LLM_BREAKEVEN_STARTUP_SKIP: "defer-sdk-deps" });
    without("the mock run's SDK bookkeeping skip (mockrun/sdkInternals.ts)", { PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    without("any of them", { LLM_BREAKEVEN_STARTUP_SKIP: "all", PULUMI_DEBUG_PROMISE_LEAKS: "1" });
    row("  the same, first run after npm ci (every cache empty)", coldMedian());
    const deferred = `require(${JSON.stringify(path.join(ROOT, "bin", "defer-sdk-deps.js"))}).deferSdkDeps();${LOAD_FLOOR}`;
    row("  for scale: the floor with the SDK modules a plan never calls deferred", median(["-e", deferred]));
    const v8Cache = path.join(os.tmpdir(), `llm-breakeven-bench-floor-${process.pid}.bin`);
    const cached = `require(${JSON.stringify(path.join(ROOT, "bin", "v8-cache.js"))}).enable(${JSON.stringify(v8Cache)});${deferred}`;
    try {
        row("  for scale: the same, with the code cache npm start uses", median(["-e", cached]));
    } finally {
        fs.rmSync(v8Cache, { force: true });
    }
    row("plan --all through tsx (tsx cli/main.ts)", median([TSX, "cli/main.ts", "plan", "--all", "--quiet"], [0, 5]));
}

main();
