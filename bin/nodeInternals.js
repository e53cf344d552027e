"use strict";
// @ts-check
/**
 * Every private part of Node's CommonJS loader (`require("module")`) that the CLI's start-up
 * caches use, behind one door, typed. None is in Node's public API; each has been in
 * lib/internal/modules/cjs/loader.js since Node 12 and is what ts-node, tsx and proxyquire patch:
 *
 * - `Module._extensions[".ts"]`: how a file with that extension is loaded (./ts-cache.js);
 * - `Module.prototype._compile(content, filename)`: compiles and runs a module (./v8-cache.js);
 * - `Module._resolveFilename(request, parent, isMain, options)`: where `require` finds a module
 *   (./v8-cache.js: `require.resolve` of a module compiled from its cache), with `_resolveLookupPaths` beside it; `_nodeModulePaths` (./defer-sdk-deps.js);
 * - `Module._cache`: the loaded modules by filename (./defer-sdk-deps.js);
 * - `Module.wrap(source)`: the function wrapper CommonJS code runs in.
 *
 * The caches are for speed only. Outside the Node majors they were checked on, or when an internal
 * is missing, the entry point stops at start with the fix (run without them:
 * LLM_BREAKEVEN_STARTUP_SKIP=all) rather than run half-patched. The .ts loader needs only
 * `Module._extensions`; without it, `npx tsx cli/main.ts` runs the CLI.
 */
const Module = require("module");

/** The Node majors the loader internals were read and run on (package.json's engines: >=20). */
const NODE_MAJORS = [20, 22, 24];

/**
 * @typedef {{ filename: string, paths: string[], exports: unknown, loaded: boolean, require(id: string): unknown, _compile(content: string, filename: string): unknown }} LoadedModule
 * @typedef {(request: string, parent: LoadedModule | null | undefined, isMain: boolean, options?: { paths?: string[] }) => string} ResolveFilename
 * @typedef {{
 *   new (id: string, parent?: LoadedModule | null): LoadedModule,
 *   prototype: LoadedModule,
 *   _cache: Record<string, LoadedModule | undefined>,
 *   _extensions: Record<string, ((module: LoadedModule, filename: string) => void) | undefined>,
 *   _resolveFilename: ResolveFilename,
 *   _resolveLookupPaths(request: string, parent: LoadedModule): string[] | null,
 *   _nodeModulePaths(from: string): string[],
 *   wrap(source: string): string,
 * }} ModuleInternals
 */

/**
 * Why the loader internals cannot be used in this process, or undefined. "loader" is the .ts loader
 * alone (./ts-cache.js); "caches" every start-up cache.
 * @param {"loader" | "caches"} use
 */
function internalsProblem(use, version = process.versions.node, loader = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (Module))) {
    if (use === "loader") {
        return typeof loader["_extensions"] === "object" ? undefined
            : `llm-breakeven: Node ${version} has no Module._extensions to load TypeScript with. Fix: run npx tsx cli/main.ts`;
    }
    const fix = "run without the start-up caches with LLM_BREAKEVEN_STARTUP_SKIP=all, or check bin/nodeInternals.js against this Node's lib/internal/modules/cjs/loader.js and add its major to NODE_MAJORS";
    const major = Number(version.split(".")[0]);
    if (!NODE_MAJORS.includes(major)) {
        return `llm-breakeven: the start-up caches use Node's private module loader API, checked on Node ${NODE_MAJORS.join(", ")}; this is Node ${version}. Fix: ${fix}`;
    }
    const prototype = /** @type {Record<string, unknown>} */ (loader["prototype"]);
    const missing = [
        typeof loader["_cache"] !== "object" && "Module._cache",
        typeof loader["_extensions"] !== "object" && "Module._extensions",
        typeof loader["_resolveFilename"] !== "function" && "Module._resolveFilename",
        typeof loader["_resolveLookupPaths"] !== "function" && "Module._resolveLookupPaths",
        typeof loader["_nodeModulePaths"] !== "function" && "Module._nodeModulePaths",
        typeof loader["wrap"] !== "function" && "Module.wrap",
        typeof prototype?.["_compile"] !== "function" && "Module.prototype._compile",
    ].filter((m) => m !== false);
    if (missing.length > 0) return `llm-breakeven: Node ${version} has no ${missing.join(", ")}. Fix: ${fix}`;
    return undefined;
}

/**
 * Node's CommonJS loader with its private members typed; throws with the fix when they are not there.
 * @param {"loader" | "caches"} use
 */
function moduleInternals(use = "caches") {
    const problem = internalsProblem(use);
    if (problem !== undefined) throw new Error(problem);
    return /** @type {ModuleInternals} */ (/** @type {unknown} */ (Module));
}

module.exports = { moduleInternals, internalsProblem, NODE_MAJORS };
