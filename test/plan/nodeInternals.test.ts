/**
 * bin/nodeInternals.js: the one door to Node's private module loader API. It refuses a Node it was
 * not checked on, or a loader without one of the members the caches patch, with the fix; the
 * entry point turns that into one line and exit 2, and can run without the caches.
 */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");
const { internalsProblem, NODE_MAJORS } = require("../../bin/nodeInternals") as typeof import("../../bin/nodeInternals");

describe("Node's loader internals behind one door", () => {
    it("accepts this Node and refuses another major, naming both and the fix", () => {
        expect(NODE_MAJORS).toContain(Number(process.versions.node.split(".")[0]));
        expect(internalsProblem("caches")).toBeUndefined();
        expect(internalsProblem("caches", "18.20.0")).toMatch(/checked on Node 20, 22, 24; this is Node 18\.20\.0\. Fix: run without the start-up caches with LLM_BREAKEVEN_STARTUP_SKIP=all/);
    });

    it("names each member a loader lacks", () => {
        const loader = { _cache: {}, _extensions: {}, _resolveFilename: () => "", _nodeModulePaths: () => [], wrap: (s: string) => s, prototype: {} };
        expect(internalsProblem("caches", process.versions.node, loader)).toMatch(/has no Module\._resolveLookupPaths, Module\.prototype\._compile\. Fix:/);
        // The .ts loader needs only _extensions.
        expect(internalsProblem("loader", process.versions.node, loader)).toBeUndefined();
        expect(internalsProblem("loader", process.versions.node, {})).toMatch(/no Module\._extensions .* Fix: run npx tsx cli\/main\.ts/);
    });

    it("the entry point runs with every cache off, and refuses an unknown switch in one line", () => {
        const plain = spawnSync(process.execPath, [BIN, "estimate", "--preset", "seed", "--json"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, LLM_BREAKEVEN_STARTUP_SKIP: "all" }, timeout: 120_000 });
        expect(plain.status, plain.stderr).toBe(0);
        expect(JSON.parse(plain.stdout)).toHaveProperty("selfHosted");
        const bad = spawnSync(process.execPath, [BIN, "--version"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, LLM_BREAKEVEN_STARTUP_SKIP: "v8cache" }, timeout: 120_000 });
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim().split("\n")).toEqual(["llm-breakeven: LLM_BREAKEVEN_STARTUP_SKIP names v8cache; it takes a comma list of v8-cache, defer-sdk-deps, or all"]);
    });
});
