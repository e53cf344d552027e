"use strict";
// @ts-check
/**
 * The Pulumi SDKs load, as they start, modules a plan under mocks never calls:
 *
 * - @pulumi/pulumi's closure serialization (pulumi.runtime.serializeFunction, computeCodePaths:
 *   function-valued resources, dynamic providers): TypeScript, to parse a function's text; npm's
 *   Arborist, normalize-package-data and fdir, to find the packages a closure needs. TypeScript and
 *   Arborist alone are half of what `require("@pulumi/pulumi")` costs (~0.3 s of ~0.6 s).
 * - @pulumi/pulumi's Automation API (`pulumi.automation`: driving the Pulumi CLI from code).
 *
 * Each is registered here as already loaded, with exports that load the real module on first use:
 * code that does use one gets the same module, a little later. A module whose file is not where
 * the SDK would load it from is left alone (the SDK then loads it, or fails, as it would).
 *
 * The CLI's entry point only: tests and the Pulumi program load the SDKs as they are.
 */
const path = require("path");
const { moduleInternals } = require("./nodeInternals");

/**
 * How the module's importer binds it (TypeScript's emit): "namespace" for `import * as x`
 * (__importStar passes an ES-module namespace through untouched and copies every key of anything
 * else, which would load the module at once) or a plain `require` whose exports are read when
 * used; "default" for `import x from` a CommonJS function (__importDefault wraps it as
 * `{ default: module }` unless it says it is an ES module).
 *
 * @param {string} request
 * @param {string} fromDir
 * @param {"namespace" | "default"} interop
 */
function deferModule(request, fromDir, interop = "namespace") {
    const Module = moduleInternals();
    let filename;
    try {
        filename = require.resolve(request, { paths: [fromDir] });
    } catch {
        return;
    }
    if (Module._cache[filename] !== undefined) return;
    /** @type {object | undefined} */
    let real;
    /** @returns {object} */
    const load = () => {
        if (real === undefined) {
            delete Module._cache[filename];
            real = /** @type {object} */ (require(filename));
        }
        return real;
    };
    // A deferred CommonJS function is called through its stand-in: the target is a function then.
    // (A function's own non-configurable `prototype` must be reported as the target's.)
    /** @type {object} */
    const target = interop === "default" ? function deferred() {} : {};
    const exportsProxy = new Proxy(target, {
        get: (_, key) => (key === "__esModule" && real === undefined ? interop === "namespace" : Reflect.get(load(), key)),
        has: (_, key) => Reflect.has(load(), key),
        ownKeys: () => {
            const keys = Reflect.ownKeys(load());
            return typeof target === "function" && !keys.includes("prototype") ? [...keys, "prototype"] : keys;
        },
        getOwnPropertyDescriptor: (_, key) => {
            if (typeof target === "function" && key === "prototype") return Reflect.getOwnPropertyDescriptor(target, key);
            const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
            return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
        },
        set: (_, key, value) => Reflect.set(load(), key, value),
        apply: (_, thisArg, args) => Reflect.apply(/** @type {Function} */ (load()), thisArg, args),
    });
    const stub = new Module(filename, null);
    stub.filename = filename;
    stub.paths = Module._nodeModulePaths(path.dirname(filename));
    stub.exports = exportsProxy;
    stub.loaded = true;
    Module._cache[filename] = stub;
}

function deferSdkDeps() {
    let sdkDir;
    try {
        sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.resolve(__dirname, "..")] }));
    } catch {
        return;
    }
    const closureDir = path.join(sdkDir, "runtime", "closure");
    deferModule("typescript", sdkDir); // typescript-shim.js, for closure/parseFunction.js
    deferModule("@npmcli/arborist", closureDir); // closure/codePaths.js
    deferModule("normalize-package-data", closureDir, "default"); // closure/codePaths.js
    deferModule("fdir", closureDir); // closure/codePaths.js
    deferModule("./automation/index.js", sdkDir); // index.js: pulumi.automation
}

module.exports = { deferSdkDeps };
