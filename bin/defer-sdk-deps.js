"use strict";
/**
 * @pulumi/pulumi requires two large packages as it loads, for closure serialization only
 * (pulumi.runtime.serializeFunction: function-valued resources, dynamic providers): TypeScript,
 * to parse a function's text, and npm's Arborist, to find the packages a closure needs. Together
 * they are half of the time `require("@pulumi/pulumi")` takes (~0.3 s of ~0.6 s); a plan under
 * mocks never calls either. Each is registered here as already loaded, with exports that load the
 * real package on first use: code that does use them gets the same package, a little later.
 *
 * The CLI's entry point only: tests and the Pulumi program load the SDK as it is.
 */
const Module = require("module");
const path = require("path");

/** Registers `request` (as resolved from `fromDir`) with exports that load the real package on first touch. */
function deferPackage(request, fromDir) {
    let filename;
    try {
        filename = require.resolve(request, { paths: [fromDir] });
    } catch {
        return; // not installed where the SDK looks: the SDK has its own fallback (or fails as it would)
    }
    if (Module._cache[filename] !== undefined) return;
    let real;
    const load = () => {
        if (real === undefined) {
            delete Module._cache[filename];
            real = require(filename);
        }
        return real;
    };
    // The SDK binds both with TypeScript's __importStar, which passes an ES-module namespace through
    // untouched and copies every key of anything else (which would load the package at once).
    const exportsProxy = new Proxy({}, {
        get: (_, key) => (key === "__esModule" && real === undefined ? true : Reflect.get(load(), key)),
        has: (_, key) => Reflect.has(load(), key),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const descriptor = Reflect.getOwnPropertyDescriptor(load(), key);
            return descriptor === undefined ? undefined : { ...descriptor, configurable: true };
        },
        set: (_, key, value) => Reflect.set(load(), key, value),
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
    deferPackage("typescript", sdkDir); // typescript-shim.js, for runtime/closure/parseFunction.js
    deferPackage("@npmcli/arborist", path.join(sdkDir, "runtime", "closure")); // codePaths.js
}

module.exports = { deferSdkDeps };
