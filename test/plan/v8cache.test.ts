/**
 * bin/v8-cache.js: the CLI's V8 code cache serves a module's bytecode from the last run, never a
 * stale one, and leaves errors as Node reports them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";

const HOOK = path.resolve(__dirname, "..", "..", "bin", "v8-cache.js");
let dir: string | undefined;

afterEach(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh node loading `module.js` from a scratch directory through the cache. */
function run(workdir: string): { stdout: string; stderr: string; status: number | null } {
    const script = `require(${JSON.stringify(HOOK)}).enable(${JSON.stringify(path.join(workdir, "v8.bin"))}); console.log(require(${JSON.stringify(path.join(workdir, "module.js"))}).answer());`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    return { stdout: result.stdout.trim(), stderr: result.stderr, status: result.status };
}

describe("the V8 code cache of the CLI's entry point", () => {
    it("writes the cache after a run and serves the same module from it on the next", () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "v8cache-"));
        fs.writeFileSync(path.join(dir, "module.js"), "#!/usr/bin/env node\nexports.answer = () => 'alpha' + require('path').sep;\n");
        expect(run(dir)).toMatchObject({ stdout: "alpha/", status: 0 });
        const cache = path.join(dir, "v8.bin");
        const written = fs.statSync(cache);
        expect(written.size).toBeGreaterThan(0);
        // The cache is rewritten only when a module missed it: a second run that leaves it untouched was served from it.
        const earlier = new Date(written.mtimeMs - 60_000);
        fs.utimesSync(cache, earlier, earlier);
        expect(run(dir)).toMatchObject({ stdout: "alpha/", status: 0 });
        expect(Math.abs(fs.statSync(cache).mtimeMs - earlier.getTime())).toBeLessThan(1);
    });

    it("never serves the bytecode of an earlier version of a file, even one of the same length", () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "v8cache-"));
        const file = path.join(dir, "module.js");
        fs.writeFileSync(file, "exports.answer = () => 'alpha';\n");
        expect(run(dir).stdout).toBe("alpha");
        fs.writeFileSync(file, "exports.answer = () => 'omega';\n");
        const later = new Date(Date.now() + 5_000);
        fs.utimesSync(file, later, later);
        expect(run(dir).stdout).toBe("omega");
    });

    it("leaves a syntax error to Node, which names the file", () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "v8cache-"));
        fs.writeFileSync(path.join(dir, "module.js"), "exports.answer = () => {;\n");
        const result = run(dir);
        expect(result.status).not.toBe(0);
        expect(result.stderr).toContain("module.js");
        expect(result.stderr).toContain("SyntaxError");
    });
});

describe("the cache file", () => {
    it("keeps entries of modules a run did not load, and drops those whose file is gone", () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "v8cache-"));
        const cache = path.join(dir, "v8.bin");
        const load = (files: readonly string[]) => {
            const requires = files.map((f) => `require(${JSON.stringify(path.join(dir!, f))});`).join("");
            expect(spawnSync(process.execPath, ["-e", `require(${JSON.stringify(HOOK)}).enable(${JSON.stringify(cache)});${requires}`]).status).toBe(0);
        };
        const keys = () => {
            const raw = fs.readFileSync(cache);
            return Object.keys(JSON.parse(raw.subarray(4, 4 + raw.readUInt32LE(0)).toString("utf8")) as Record<string, unknown>).map((k) => path.basename(k.split("\0")[0]!)).sort();
        };
        for (const f of ["a.js", "b.js", "c.js"]) fs.writeFileSync(path.join(dir, f), `exports.name = ${JSON.stringify(f)};\n`);
        load(["a.js", "b.js"]);
        expect(keys()).toEqual(["a.js", "b.js"]);
        fs.rmSync(path.join(dir, "b.js"));
        load(["c.js"]); // a.js kept (unchanged, not loaded), b.js dropped (gone)
        expect(keys()).toEqual(["a.js", "c.js"]);
    });
});
