/**
 * Issue 15's table, one test per row (the region row belongs to the region issue): each runs the
 * command as a user would, a child process through bin/llm-breakeven.js, with a time limit, so a
 * hang fails the test instead of stalling the suite. Every user-caused failure is one line on stderr
 * and exit 2; nothing else is a documented exit code.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../tempDirs";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");
/** Far above any command here (a plan takes ~2 s): reaching it means the command hung. */
const TIME_LIMIT_MS = 45_000;
const ANSI = /\x1b\[/;

afterAll(removeTempDirs);

/** A copy of the project (sources, stacks, policy configs; node_modules linked) to add environments to. */
function projectCopy(): string {
    const copy = tempDir("project-");
    for (const entry of ["bin", "cli", "config", "cost", "components", "platform", "program", "mockrun", "policies", "stacks", "index.ts", "package.json", "Pulumi.yaml", "tsconfig.json"]) {
        fs.cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
    return copy;
}

function cli(args: readonly string[], options: { readonly env?: NodeJS.ProcessEnv; readonly bin?: string } = {}): SpawnSyncReturns<string> {
    const env = { ...process.env, ...options.env };
    const child = spawnSync(process.execPath, [options.bin ?? BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: TIME_LIMIT_MS, killSignal: "SIGKILL", env });
    // A hang is killed at the limit: the signal says so, and the test fails here.
    expect(child.signal, `llm-breakeven ${args.join(" ")} did not exit within ${TIME_LIMIT_MS} ms`).toBeNull();
    return child;
}

/** Exit 2, exactly one line on stderr (no stack trace), matching `pattern`. */
function expectUsageError(child: SpawnSyncReturns<string>, pattern: RegExp): void {
    expect(child.status, child.stderr).toBe(2);
    const lines = child.stderr.trimEnd().split("\n");
    expect(lines, child.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^llm-breakeven: /);
    expect(lines[0]).toMatch(pattern);
    expect(child.stderr).not.toMatch(/internal error|    at /);
}

describe("issue 15: writes that cannot hang or crash", () => {
    it.each([
        ["/proc/x", /^llm-breakeven: --out \/proc\/x: \/proc is on a proc filesystem/],
        ["/proc/1/nonexist/x", /^llm-breakeven: --out \/proc\/1\/nonexist\/x: \/proc\/1 is on a proc filesystem/],
    ])("plan --out %s exits 2 at once with one line (it used to loop in mkdir forever)", (out, pattern) => {
        const child = cli(["plan", "--stack", "gateway-prod", "--out", out]);
        expectUsageError(child, pattern);
        expect(child.stdout).toBe("");
    });

    it("plan --out /sys/x: one line, exit 2 (it used to be an internal error with a stack trace, exit 1)", () => {
        expectUsageError(cli(["plan", "--stack", "gateway-dev", "--out", "/sys/x"]), /--out \/sys\/x: \/sys is on a sysfs filesystem/);
    });

    it("plan --out below a regular file: one line naming the file, exit 2, checked before the plan runs", () => {
        const file = path.join(tempDir("out-"), "plain.txt");
        fs.writeFileSync(file, "x");
        const child = cli(["plan", "--stack", "gateway-dev", "--out", path.join(file, "report")]);
        expectUsageError(child, new RegExp(`--out .*plain\\.txt/report: .*plain\\.txt is a file, not a directory`));
        expect(child.stdout).toBe("");
    });

    it("estimate --chart into a missing directory creates it and writes the chart, leaving no temporary file", () => {
        const dir = tempDir("chart-");
        const chart = path.join(dir, "missing", "deeper", "break-even.svg");
        const child = cli(["estimate", "--preset", "seed", "--chart", chart]);
        expect(child.status, child.stderr).toBe(0);
        expect(fs.readFileSync(chart, "utf8")).toMatch(/^<svg/);
        expect(fs.readdirSync(path.dirname(chart))).toEqual(["break-even.svg"]);
    });

    it("estimate --chart into an unwritable directory: one line, exit 2, before any work", () => {
        expectUsageError(cli(["estimate", "--preset", "seed", "--chart", "/sys/kernel/break-even.svg"]), /--chart \/sys\/kernel\/break-even\.svg: \/sys\/kernel is on a sysfs filesystem/);
        if (process.getuid?.() !== 0) {
            // Root ignores directory permissions; anyone else sees them.
            const dir = tempDir("ro-");
            fs.chmodSync(dir, 0o555);
            expectUsageError(cli(["estimate", "--preset", "seed", "--chart", path.join(dir, "c.svg")]), /cannot create files in .* \(permission denied\)/);
        }
    });
});

describe("issue 15: bad input names what is wrong", () => {
    it("plan --all with one invalid stack file names the stack and its file", () => {
        // A copy of the project whose stacks/ holds one broken environment beside the shipped ones.
        const copy = projectCopy();
        const good = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.gateway-dev.yaml"), "utf8");
        fs.writeFileSync(path.join(copy, "stacks", "Pulumi.broken-dev.yaml"), good.replace(/llm-breakeven:mode: gateway/, "llm-breakeven:mode: gatway"));
        const child = cli(["plan", "--all", "--quiet"], { bin: path.join(copy, "bin", "llm-breakeven.js") });
        expect(child.status, child.stderr).toBe(2);
        expect(child.stderr).toMatch(/^llm-breakeven: stacks\/Pulumi\.broken-dev\.yaml \(stack broken-dev\): invalid llm-breakeven stack config \(1 problem\):\n  - llm-breakeven:mode: "gatway" is not allowed/);
        expect(child.stderr).not.toMatch(/internal error|    at /);
    });

    it("--preview of gateway-prod with --stack self-hosted-prod is refused; --force-stack prices it anyway", () => {
        const fixture = fs.readFileSync(path.join(ROOT, "test", "plan", "fixtures", "preview-changes-only.json"), "utf8");
        const preview = path.join(tempDir("preview-"), "gateway-prod.json");
        fs.writeFileSync(preview, fixture.replaceAll("urn:pulumi:fixture-prod::", "urn:pulumi:gateway-prod::"));
        expectUsageError(cli(["plan", "--preview", preview, "--stack", "self-hosted-prod"]),
            /--preview .*gateway-prod\.json: is of stack "gateway-prod" .* but --stack is "self-hosted-prod".*--force-stack/);
        const forced = cli(["plan", "--preview", preview, "--stack", "self-hosted-prod", "--force-stack", "--quiet"]);
        expect([0, 5], forced.stderr).toContain(forced.status);
        // Another project's preview is refused the same way.
        const other = path.join(path.dirname(preview), "other-project.json");
        fs.writeFileSync(other, fixture.replaceAll("urn:pulumi:fixture-prod::llm-breakeven::", "urn:pulumi:gateway-prod::someone-else::"));
        expectUsageError(cli(["plan", "--preview", other]), /belong to project "someone-else", not "llm-breakeven"/);
    });

    it.each([
        [["plan", "--stack", "self-hosted-prod", "--tokens-per-month", "1e30"]],
        [["estimate", "--tokens-per-month", "1e30"]],
    ])("%j is refused: more than the largest plausible fleet serves (it used to need 1.4e20 nodes)", (args) => {
        expectUsageError(cli(args), /--tokens-per-month "1e30" is more than the largest plausible fleet serves; accepted: .*at most 10000T/);
    });

    it("a policy config with maxMonthlyUsd -100 is refused, naming the key", () => {
        const config = path.join(tempDir("policy-"), "policy.json");
        fs.writeFileSync(config, JSON.stringify({ "monthly-budget": { enforcementLevel: "mandatory", maxMonthlyUsd: -100 } }));
        expectUsageError(cli(["plan", "--stack", "gateway-dev", "--policy-config", config]), /"monthly-budget"\.maxMonthlyUsd: -100 must be above 0/);
    });

    it("a policy config naming an environment the schema does not know (\"prod\") is refused, not silently matched by nothing", () => {
        const config = path.join(tempDir("policy-"), "policy.json");
        fs.writeFileSync(config, JSON.stringify({ "monthly-budget": { enforcementLevel: "mandatory", maxMonthlyUsd: 40000 }, "gpu-redundancy": { environments: ["prod"] } }));
        expectUsageError(cli(["plan", "--stack", "self-hosted-prod", "--policy-config", config]), /"gpu-redundancy"\.environments: "prod" not allowed; allowed: "dev", "staging", "production"/);
    });

    it("estimate --precision int4 is refused as a stack with int4 is", () => {
        expectUsageError(cli(["estimate", "--precision", "int4"]), /--precision "int4" cannot be served: it needs a pre-quantized \(GPTQ\/AWQ\) checkpoint.*accepted: bf16, fp16, fp8/);
    });
});

describe("issue 15: add an environment", () => {
    it("a new stack file plans without policies/config/<env>.json: the policy config is derived from it, ceiling included", () => {
        const copy = projectCopy();
        const prod = fs.readFileSync(path.join(ROOT, "stacks", "Pulumi.self-hosted-prod.yaml"), "utf8");
        // Fixed GPU pools (prod's autoscaling section dropped): the spend policies judge the ceiling, and prod's burst
        // node passes the break-even only under its own policy config's stated reason (judge: expected), which a
        // derived config cannot give.
        const fixedPools = prod.replace(/\n    autoscaling:\n      gpuCeilingMonthlyUsd: \d+\n/, "\n");
        expect(fixedPools).not.toContain("gpuCeilingMonthlyUsd");
        fs.writeFileSync(path.join(copy, "stacks", "Pulumi.self-hosted-staging.yaml"), fixedPools.replace("llm-breakeven:environment: production", "llm-breakeven:environment: staging"));
        const child = cli(["plan", "--stack", "self-hosted-staging"], { bin: path.join(copy, "bin", "llm-breakeven.js") });
        expect(child.status, child.stdout + child.stderr).toBe(0);
        // $30,461 projected (README's sample: with the self-hosted endpoint's load balancer since issue 18 and the EKS extended-support surcharge) + 20%, rounded up to $100.
        expect(child.stdout).toContain("Policy verdict: pass [derived from stacks/Pulumi.self-hosted-staging.yaml (no policies/config/self-hosted-staging.json): monthly-budget ceiling $36,600 = projected $30,461 + 20%, rounded up to $100]");
        expect(child.stdout).not.toContain("No ceiling configured");
    });
});

describe("issue 15: one meaning per flag, colour only on a terminal", () => {
    it.each([
        [["estimate"], {}],
        [["estimate", "--preset", "seed"], { NO_COLOR: "1" }],
        [["plan", "--stack", "gateway-dev"], {}],
        [["plan", "--stack", "gateway-dev"], { NO_COLOR: "1", FORCE_COLOR: "1" }],
    ])("%j piped (env %j) prints no ANSI colour codes", (args, env) => {
        const child = cli(args, { env });
        expect(child.status, child.stderr).toBe(0);
        expect(child.stdout).not.toMatch(ANSI);
        expect(child.stderr).not.toMatch(ANSI);
    });

    it("every llm-breakeven command a stack file's comments suggest runs as written", () => {
        const commands = fs.readdirSync(path.join(ROOT, "stacks")).flatMap((file) => {
            const text = fs.readFileSync(path.join(ROOT, "stacks", file), "utf8");
            return [...text.matchAll(/`llm-breakeven ([^`]+)`/g)].map((m) => m[1]!);
        });
        expect(commands.length).toBeGreaterThan(0);
        for (const command of commands) {
            const child = cli(command.split(/\s+/));
            expect(child.status, `llm-breakeven ${command}: ${child.stderr}`).toBe(0);
        }
    });

    it("estimate --stack takes an environment, as plan does; a path is --stack-file", () => {
        expect(cli(["estimate", "--stack", "self-hosted-prod", "--json"]).status).toBe(0);
        expect(cli(["estimate", "--stack-file", path.join("stacks", "Pulumi.self-hosted-prod.yaml"), "--json"]).status).toBe(0);
        expectUsageError(cli(["estimate", "--stack", "stacks/Pulumi.self-hosted-prod.yaml"]), /not a stack in stacks\/; for a stack file by path, pass --stack-file stacks\/Pulumi\.self-hosted-prod\.yaml/);
    });
});
