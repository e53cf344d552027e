"use strict";
// @ts-check
/**
 * A V8 code cache for every CommonJS module the CLI loads, what Node 22's module.enableCompileCache()
 * does, for the Node 20 this project runs on. Compiling the ~1,000 modules of @pulumi/* and this
 * project is about a sixth of a `plan --all`; with the cache V8 reuses the bytecode of the last run.
 *
 * The cache is written at exit, after the run, so it also holds the functions V8 compiled lazily
 * while planning. It is keyed per file by path, size and modification time (V8's own check only
 * compares the source's length), and V8 rejects data from another V8 version or other flags, in
 * which case the module compiles as usual and the cache is rewritten. A missing, unreadable or
 * read-only cache only costs the time it would have saved.
 *
 * The CLI's entry point only: tests and the Pulumi program load modules as Node does.
 */
const fs = require("fs");
const path = require("path");
const { moduleInternals } = require("./nodeInternals");
const vm = require("vm");

/** @typedef {{ index: Record<string, [number, number]>, data: Buffer }} Cache */

/**
 * Reads the cache file: a little-endian u32 index length, the JSON index, then the data.
 * @param {string} file
 * @returns {Cache}
 */
function readCache(file) {
    try {
        const raw = fs.readFileSync(file);
        const length = raw.readUInt32LE(0);
        return { index: JSON.parse(raw.subarray(4, 4 + length).toString("utf8")), data: raw.subarray(4 + length) };
    } catch {
        return { index: {}, data: Buffer.alloc(0) };
    }
}

/**
 * Writes this run's modules, and keeps the earlier entries of modules this run did not load (so
 * `estimate` and `plan` do not evict each other) while their file is unchanged; an earlier version
 * of a module, or a file since deleted (another checkout, a removed package), is dropped.
 */
/**
 * @param {string} file
 * @param {Array<[string, import("vm").Script]>} scripts
 * @param {Cache} previous
 */
function writeCache(file, scripts, previous) {
    /** @type {Record<string, [number, number]>} */
    const index = {};
    /** @type {Buffer[]} */
    const parts = [];
    let offset = 0;
    /** @param {string} key @param {Buffer} data */
    const add = (key, data) => {
        index[key] = [offset, data.length];
        parts.push(data);
        offset += data.length;
    };
    for (const [key, script] of scripts) add(key, script.createCachedData());
    const loaded = new Set(scripts.map(([key]) => key.slice(0, key.indexOf("\0"))));
    for (const [key, [start, length]] of Object.entries(previous.index)) {
        const [filename = "", , , sourceLength] = key.split("\0");
        if (!loaded.has(filename) && cacheKey(filename, Number(sourceLength)) === key) add(key, previous.data.subarray(start, start + length));
    }
    const head = Buffer.from(JSON.stringify(index), "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32LE(head.length);
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        // Written whole, then renamed: a concurrent run never reads half a cache.
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, Buffer.concat([length, head, ...parts]));
        fs.renameSync(partial, file);
    } catch {
        // Read-only: every run compiles, still correct.
    }
}

/**
 * A module's cache key: its path, its file's size and modification time, and the length of the
 * source compiled (a transpiled .ts file's differs from the file's). undefined when the file cannot
 * be read.
 */
/** @param {string} filename @param {number} contentLength @returns {string | undefined} */
function cacheKey(filename, contentLength) {
    try {
        const stat = fs.statSync(filename);
        return `${filename}\0${stat.size}\0${stat.mtimeMs}\0${contentLength}`;
    } catch {
        return undefined;
    }
}

/**
 * The `require` Node gives a module (the parts a module may use).
 * @param {import("./nodeInternals").LoadedModule} module
 */
function requireFor(module) {
    const Module = moduleInternals();
    /** @type {any} the shape of NodeJS.Require, assembled here as Node assembles it */
    const require = (/** @type {string} */ id) => module.require(id);
    require.resolve = (/** @type {string} */ request, /** @type {{ paths?: string[] } | undefined} */ options) => Module._resolveFilename(request, module, false, options);
    require.resolve.paths = (/** @type {string} */ request) => Module._resolveLookupPaths(request, module);
    require.main = process.mainModule;
    require.extensions = Module._extensions;
    require.cache = Module._cache;
    return require;
}

/** @param {string} cacheFile */
function enable(cacheFile) {
    const Module = moduleInternals();
    const previous = readCache(cacheFile);
    const { index, data } = previous;
    /** @type {Array<[string, import("vm").Script]>} */
    const compiled = [];
    let stale = false;
    const original = Module.prototype._compile;
    /** @this {import("./nodeInternals").LoadedModule} @param {string} content @param {string} filename */
    Module.prototype._compile = function compileWithCache(content, filename) {
        const key = cacheKey(filename, content.length);
        if (key === undefined) return original.call(this, content, filename);
        const entry = index[key];
        const cachedData = entry === undefined ? undefined : data.subarray(entry[0], entry[0] + entry[1]);
        /** @type {import("vm").Script} */
        let script;
        try {
            // A leading #! line is legal only at the very start of a script: blank it (lines keep their numbers).
            script = new vm.Script(Module.wrap(content.startsWith("#!") ? content.replace(/^#!.*/, "") : content), {
                filename,
                cachedData,
                importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
            });
        } catch {
            // A syntax error: let Node compile it, and report it, as it always does.
            return original.call(this, content, filename);
        }
        if (cachedData === undefined || script.cachedDataRejected) stale = true;
        compiled.push([key, script]);
        const wrapper = script.runInThisContext({ displayErrors: true });
        return wrapper.call(this.exports, this.exports, requireFor(this), this, filename, path.dirname(filename));
    };
    process.once("exit", () => {
        if (stale) writeCache(cacheFile, compiled, previous);
    });
}

module.exports = { enable };
