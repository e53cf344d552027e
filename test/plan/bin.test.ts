/**
 * The command's entry point, bin/llm-breakeven.js (what `npm start` runs): the sources transpiled by
 * bin/ts-cache.js and the SDK's deferred dependencies (bin/defer-sdk-deps.js) must change nothing.
 * The same plan through the entry point and in process (vitest's own transpile) prints the same
 * JSON; a deferred package still works when something does use it.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
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

    it("passes the exit code through (2 for bad input, with the one-line message)", () => {
        const child = spawnSync(process.execPath, [BIN, "plan", "--tokens-per-month", "lots", "--all"], { cwd: ROOT, encoding: "utf8" });
        expect(child.status).toBe(2);
        expect(child.stderr).toBe('llm-breakeven: --tokens-per-month "lots" is not a token count; accepted: a number with an optional k, M, B or T suffix, e.g. 500M, 24.9B, 5e8\n');
    });

    it("defers TypeScript and Arborist without breaking closure serialization, which uses both", () => {
        const script = `
            require(${JSON.stringify(path.join(ROOT, "bin", "defer-sdk-deps.js"))}).deferSdkDeps();
            const pulumi = require("@pulumi/pulumi");
            // The real Arborist is dozens of files; its stand-in is none of them.
            const arboristFiles = () => Object.keys(require.cache).filter((f) => f.includes("@npmcli/arborist/lib/arborist/")).length;
            const before = arboristFiles();
            Promise.all([pulumi.runtime.serializeFunction(() => 6 * 7), pulumi.runtime.computeCodePaths()]).then(([s, paths]) => {
                process.stdout.write(JSON.stringify({ before, after: arboristFiles(), text: s.text.includes("6 * 7"), paths: paths.size, ts: require("typescript").version }));
            });`;
        const child = spawnSync(process.execPath, ["-e", script], { cwd: ROOT, encoding: "utf8" });
        expect(child.status).toBe(0);
        const result = JSON.parse(child.stdout) as { before: number; after: number; text: boolean; paths: number; ts: string };
        expect(result.before).toBe(0);
        expect(result.after).toBeGreaterThan(0);
        expect(result.text).toBe(true);
        expect(result.paths).toBeGreaterThan(0);
        expect(result.ts).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "typescript", "package.json"), "utf8")) as { version: string }).version);
    });
});
