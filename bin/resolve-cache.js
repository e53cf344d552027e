"use strict";
// @ts-check
/**
 * A cache of where `require` found each installed module, for the CLI's entry point. Node resolves
 * each of the ~2,400 requires of a plan by probing the file system (stat per candidate extension
 * and directory, package.json reads, realpath): ~0.1 s of `plan --all`, as much as the code cache
 * saves. With the cache a run after the first asks the file system nothing for them.
 *
 * Only answers inside node_modules are kept, and only while npm's record of the install is the one
 * they were found under: npm rewrites node_modules/.package-lock.json on every install, update and
 * removal, so any change npm makes drops the whole cache. (A node_modules changed by other means:
 * delete node_modules/.cache/llm-breakeven.) NODE_PATH and node's flags are part of the key too.
 * Without that file (another package manager) nothing is cached. Requests that pass `paths`, the
 * main module and this project's own files resolve as Node resolves them, every time.
 */
const fs = require("fs");
const path = require("path");
const { moduleInternals } = require("./nodeInternals");

const IN_NODE_MODULES = `${path.sep}node_modules${path.sep}`;
const FORMAT = 1;

/**
 * npm's hidden lockfile, rewritten on every change npm makes to node_modules (its size and mtime),
 * and what else steers resolution from outside the tree: NODE_PATH and node's flags (--conditions,
 * --preserve-symlinks, from the command line or NODE_OPTIONS).
 */
/** @param {string} root @returns {string | undefined} */
function installStamp(root) {
    try {
        const stat = fs.statSync(path.join(root, "node_modules", ".package-lock.json"));
        return JSON.stringify([stat.size, stat.mtimeMs, process.env.NODE_PATH ?? "", process.env.NODE_OPTIONS ?? "", process.execArgv]);
    } catch {
        return undefined;
    }
}

/** @param {string} cacheFile @param {string} stamp @returns {Map<string, string>} */
function readEntries(cacheFile, stamp) {
    try {
        const saved = JSON.parse(fs.readFileSync(cacheFile, "utf8"));
        if (saved.format === FORMAT && saved.stamp === stamp && saved.node === process.version && saved.entries !== null && typeof saved.entries === "object") {
            return new Map(Object.entries(saved.entries));
        }
    } catch {
        // Missing or unreadable: start empty.
    }
    return new Map();
}

/** @param {string} cacheFile @param {string} stamp @param {Map<string, string>} entries */
function writeEntries(cacheFile, stamp, entries) {
    try {
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        // Written whole, then renamed: a concurrent run never reads half a cache.
        const partial = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(partial, JSON.stringify({ format: FORMAT, node: process.version, stamp, entries: Object.fromEntries(entries) }));
        fs.renameSync(partial, cacheFile);
    } catch {
        // Read-only: every run resolves as Node does, still correct.
    }
}

/**
 * Serves resolutions inside node_modules from `cacheFile`, valid for the install under `root`.
 * @param {string} cacheFile
 * @param {string} root
 */
function enable(cacheFile, root) {
    const Module = moduleInternals();
    const stamp = installStamp(root);
    if (stamp === undefined) return;
    const entries = readEntries(cacheFile, stamp);
    let added = false;
    const original = Module._resolveFilename;
    /** @type {import("./nodeInternals").ResolveFilename} */
    const resolveWithCache = function (request, parent, isMain, options) {
        if (isMain || options !== undefined || parent === null || parent === undefined || typeof parent.filename !== "string") {
            return original.call(Module, request, parent, isMain, options);
        }
        // Node resolves from the requiring file's directory (for `node -e` code: the working directory, which its [eval] filename is in).
        const key = `${path.dirname(parent.filename)}\0${request}`;
        const cached = entries.get(key);
        if (cached !== undefined) return cached;
        const filename = original.call(Module, request, parent, isMain, options);
        if (path.isAbsolute(filename) && filename.includes(IN_NODE_MODULES)) {
            entries.set(key, filename);
            added = true;
        }
        return filename;
    };
    Module._resolveFilename = resolveWithCache;
    process.once("exit", () => {
        if (added) writeEntries(cacheFile, stamp, entries);
    });
}

module.exports = { enable };
