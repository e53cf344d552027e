"use strict";
// @ts-check
/**
 * Runs the project's TypeScript under plain `node`: each .ts file the CLI requires is transpiled
 * once with esbuild (the transpiler tsx and vitest use, with the options tsx passes it) and cached
 * by content in node_modules/.cache/llm-breakeven/, so a run after the first only reads JavaScript.
 *
 * Why not tsx itself: its CLI starts a second node process and hooks the resolution of every module
 * (the ~2,000 files of @pulumi/*), and it turns source maps on, so node reads the .js.map of each;
 * together that was ~0.8 s on every run of `plan --all`, more than the plan itself.
 *
 * No build step: a fresh clone runs after `npm ci`; an edited file is transpiled again on its next
 * run (the key is a hash of its text). Stack traces carry JavaScript line numbers; run with
 * NODE_OPTIONS=--enable-source-maps for TypeScript ones (each cached file has an inline map).
 */
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { moduleInternals } = require("./nodeInternals");

const ROOT = path.resolve(__dirname, "..");
/** Every cache of the entry point lives here: LLM_BREAKEVEN_CACHE_DIR (a read-only install, a cold-run benchmark), else node_modules/.cache. */
const CACHE_ROOT = process.env["LLM_BREAKEVEN_CACHE_DIR"] || path.join(ROOT, "node_modules", ".cache", "llm-breakeven");
const CACHE_DIR = path.join(CACHE_ROOT, "ts");

/** The options tsx passes esbuild, plus what running from node's CommonJS loader needs. */
/** @param {Record<string, unknown>} compilerOptions @returns {import("esbuild").TransformOptions} */
function esbuildOptions(compilerOptions) {
    return {
        loader: "ts",
        format: "cjs",
        platform: "node",
        target: `node${process.versions.node}`,
        // import() of a sibling .ts file would go to node's ESM loader, which knows nothing of .ts.
        supported: { "dynamic-import": false },
        keepNames: true,
        sourcemap: "inline",
        sourcesContent: false,
        tsconfigRaw: { compilerOptions },
    };
}

/** @type {{ options: import("esbuild").TransformOptions, salt: string } | undefined} */
let settings;

/** What the output depends on besides the file: esbuild's version, the options, tsconfig.json. Read once per run, without loading esbuild. */
/** @returns {{ options: import("esbuild").TransformOptions, salt: string }} */
function transpileSettings() {
    if (settings !== undefined) return settings;
    const esbuildVersion = JSON.parse(fs.readFileSync(require.resolve("esbuild/package.json"), "utf8")).version;
    /** @type {Record<string, unknown>} */
    let compilerOptions = {};
    try {
        compilerOptions = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).compilerOptions ?? {};
    } catch {
        // A tsconfig.json that is not plain JSON: esbuild's defaults (tsc still type-checks with it).
    }
    const options = esbuildOptions(compilerOptions);
    settings = { options, salt: `${esbuildVersion}\n${JSON.stringify(options)}\n` };
    return settings;
}

/** @param {string} text */
const hash = (text) => crypto.createHash("sha256").update(text).digest("hex");

/** @param {string} filename @param {string} source @returns {string} */
function transpile(filename, source) {
    const { options, salt } = transpileSettings();
    // <which file>.<which text and transpiler>.js: a new version of a file replaces its old ones.
    const fileKey = `${path.basename(filename, ".ts")}.${hash(filename).slice(0, 12)}`;
    const file = path.join(CACHE_DIR, `${fileKey}.${hash(`${salt}${source}`).slice(0, 24)}.js`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch {
        // Not cached yet.
    }
    const { code } = /** @type {typeof import("esbuild")} */ (require("esbuild")).transformSync(source, { ...options, sourcefile: filename });
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        for (const old of fs.readdirSync(CACHE_DIR)) {
            if (old.startsWith(`${fileKey}.`)) fs.rmSync(path.join(CACHE_DIR, old), { force: true });
        }
        // Written whole, then renamed: a concurrent run never reads half a file.
        const partial = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(partial, code);
        fs.renameSync(partial, file);
    } catch {
        // A read-only node_modules: transpiled on every run, still correct.
    }
    return code;
}

/**
 * Lets `require` load .ts files (unless a TypeScript loader, tsx or ts-node, is already installed).
 * Returns whether it installed the hook.
 */
function register() {
    const Module = moduleInternals("loader");
    if (Module._extensions[".ts"] !== undefined) return false;
    Module._extensions[".ts"] = (module, filename) => {
        module._compile(transpile(filename, fs.readFileSync(filename, "utf8")), filename);
    };
    return true;
}

module.exports = { register, CACHE_ROOT };
