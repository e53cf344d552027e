#!/usr/bin/env node
// @ts-check
// The command's entry point (`npm start`, `npm run llm-breakeven -- ...`, the package's bin): the
// TypeScript sources under plain node, transpiled once and cached (./ts-cache.js), every module's
// bytecode cached by V8 (./v8-cache.js), with the SDK's closure serialization and Automation API
// loaded only if used (./defer-sdk-deps.js). No build step. Node's private loader API, which all three
// use, is reached through ./nodeInternals.js. (A cache of where require found each installed module
// was removed: its A/B in `npm run bench:plan` showed it saved nothing once the V8 cache was on.)
//
// LLM_BREAKEVEN_STARTUP_SKIP=v8-cache,defer-sdk-deps (or `all`) turns caches off:
// `npm run bench:startup` times each one against a run without it.
"use strict";
const path = require("path");
const { CACHE_ROOT } = require("./ts-cache");

const STARTUP_CACHES = ["v8-cache", "defer-sdk-deps"];
const skip = new Set((process.env["LLM_BREAKEVEN_STARTUP_SKIP"] ?? "").split(",").map((s) => s.trim()).filter(Boolean));
const unknown = [...skip].filter((s) => s !== "all" && !STARTUP_CACHES.includes(s));
if (unknown.length > 0) {
    process.stderr.write(`llm-breakeven: LLM_BREAKEVEN_STARTUP_SKIP names ${unknown.join(", ")}; it takes a comma list of ${STARTUP_CACHES.join(", ")}, or all\n`);
    process.exit(2);
}
/** @param {string} name */
const on = (name) => !skip.has("all") && !skip.has(name);

try {
    if (on("v8-cache")) require("./v8-cache").enable(path.join(CACHE_ROOT, `v8-${process.version}-${process.arch}.bin`));
    if (on("defer-sdk-deps")) require("./defer-sdk-deps").deferSdkDeps();
    require("./ts-cache").register();
} catch (error) {
    // Node's loader internals are not what the caches were written for: one line with the fix (bin/nodeInternals.js).
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
}
/** @type {typeof import("../cli/main")} */
const cli = require(path.join(__dirname, "..", "cli", "main.ts"));
cli.runCli(process.argv.slice(2));
