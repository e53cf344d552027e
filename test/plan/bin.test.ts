/**
 * The command's entry point, bin/llm-breakeven.js (what `npm start` runs): the sources transpiled by
 * bin/ts-cache.js and the SDK modules it defers (bin/defer-sdk-deps.js) must change nothing.
 * The same plan through the entry point and in process (vitest's own transpile) prints the same
 * JSON; a deferred package still works when something does use it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");

async function inProcess(args: readonly string[]): Promise<string> {
    let stdout = "";
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
    });
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
        await main(args);
        return stdout;
    } finally {
        out.mockRestore();
        err.mockRestore();
    }
}

describe("bin/llm-breakeven.js", () => {
    it("prints exactly what the CLI prints in process (plan --stack gateway-dev --json)", async () => {
        const args = ["plan", "--stack", "gateway-dev", "--json"];
        const child = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8" });
        expect(child.stderr).toBe("");
        expect(child.status).toBe(0);
        const expected = await inProcess(args);
        expect(JSON.parse(expected)).toMatchObject({ stack: "gateway-dev", mode: "gateway" });
        expect(child.stdout).toBe(expected);
    });

    it("--version prints package.json's version and exits 0", () => {
        const child = spawnSync(process.execPath, [BIN, "--version"], { cwd: ROOT, encoding: "utf8" });
        expect(child.status).toBe(0);
        expect(child.stdout).toBe(`${(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }).version}\n`);
    });

    it("keeps its caches where LLM_BREAKEVEN_CACHE_DIR says, and prints the same from an empty one", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-breakeven-caches-"));
        try {
            const args = [BIN, "plan", "--stack", "gateway-dev", "--quiet"];
            const warm = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
            const cold = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", env: { ...process.env, LLM_BREAKEVEN_CACHE_DIR: dir } });
            expect(cold.status, cold.stderr).toBe(0);
            expect(cold.stdout).toBe(warm.stdout);
            expect(fs.readdirSync(dir).sort()).toEqual(["ts", `v8-${process.version}-${process.arch}.bin`]);
            expect(fs.readdirSync(path.join(dir, "ts")).length).toBeGreaterThan(10);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("passes the exit code through (2 for bad input, with the one-line message)", () => {
        const child = spawnSync(process.execPath, [BIN, "plan", "--tokens-per-month", "lots", "--all"], { cwd: ROOT, encoding: "utf8" });
        expect(child.status).toBe(2);
        expect(child.stderr).toBe('llm-breakeven: --tokens-per-month "lots" is not a token count; accepted: a number with an optional k, M, B or T suffix, e.g. 500M, 24.9B, 5e8\n');
    });

    it("defers closure serialization's packages and the Automation API, which then work as without deferral", () => {
        const script = (defer: boolean) => `
            ${defer ? `require(${JSON.stringify(path.join(ROOT, "bin", "defer-sdk-deps.js"))}).deferSdkDeps();` : ""}
            // A stand-in is registered, never compiled: count the files of each module Node compiles.
            const Module = require("module");
            const compiled = [];
            const compile = Module.prototype._compile;
            Module.prototype._compile = function (content, filename) {
                compiled.push(filename);
                return compile.apply(this, arguments);
            };
            const files = (part) => compiled.filter((f) => f.includes(part)).length;
            const parts = ["/@npmcli/arborist/", "/normalize-package-data/", "/fdir/", "/@pulumi/pulumi/automation/", "/typescript/lib/typescript.js"];
            const pulumi = require("@pulumi/pulumi");
            const before = parts.map(files);
            Promise.all([pulumi.runtime.serializeFunction(() => 6 * 7), pulumi.runtime.computeCodePaths()]).then(([s, paths]) => {
                const automation = typeof pulumi.automation.LocalWorkspace.create;
                // computeCodePaths walks workspaces with fdir only in a monorepo: use it as codePaths.js does.
                const closureDir = require("path").join(require.resolve("@pulumi/pulumi/runtime/closure/codePaths.js"), "..");
                const fdir = require(require.resolve("fdir", { paths: [closureDir] }));
                if (typeof new fdir.fdir().withBasePath().crawl !== "function") throw new Error("fdir stand-in does not work");
                process.stdout.write(JSON.stringify({ before, after: parts.map(files), text: s.text.includes("6 * 7"), paths: [...paths.keys()].sort(), automation, ts: require("typescript").version }));
            });`;
        type Result = { before: number[]; after: number[]; text: boolean; paths: string[]; automation: string; ts: string };
        const run = (defer: boolean): Result => {
            const child = spawnSync(process.execPath, ["-e", script(defer)], { cwd: ROOT, encoding: "utf8" });
            // (Loading the Automation API prints Node's experimental-WASI warning, deferred or not.)
            expect(child.status, child.stderr).toBe(0);
            return JSON.parse(child.stdout) as Result;
        };
        const deferred = run(true);
        const plain = run(false);
        expect(deferred.before).toEqual([0, 0, 0, 0, 0]);
        expect(plain.before.every((n) => n > 0)).toBe(true);
        expect(deferred.after.every((n) => n > 0)).toBe(true);
        expect(deferred.paths.length).toBeGreaterThan(0);
        expect({ ...deferred, before: [], after: [] }).toEqual({ ...plain, before: [], after: [] });
        expect(deferred.text).toBe(true);
        expect(deferred.automation).toBe("function");
        expect(deferred.ts).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }).version);
    });
});
