/**
 * bin/resolve-cache.js: the CLI's cache of where `require` found installed modules is used on the
 * next run, dropped as soon as npm changes the install, and never holds the project's own files.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";

const HOOK = path.resolve(__dirname, "..", "..", "bin", "resolve-cache.js");
let dir: string | undefined;

afterEach(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
});

/** A project with one installed package, `pkg`, whose main is a.js, and a file of its own. */
function project(options: { readonly npmLock: boolean }): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "resolvecache-"));
    const pkg = path.join(root, "node_modules", "pkg");
    fs.mkdirSync(pkg, { recursive: true });
    fs.writeFileSync(path.join(pkg, "package.json"), JSON.stringify({ name: "pkg", main: "a.js" }));
    fs.writeFileSync(path.join(pkg, "a.js"), "module.exports = 'a';\n");
    fs.writeFileSync(path.join(pkg, "b.js"), "module.exports = 'b';\n");
    if (options.npmLock) fs.writeFileSync(path.join(root, "node_modules", ".package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: {} }));
    fs.writeFileSync(path.join(root, "own.js"), "module.exports = 'own';\n");
    fs.writeFileSync(path.join(root, "entry.js"), "module.exports = [require('pkg'), require('./own')].join(',');\n");
    return root;
}

function run(root: string): string {
    const cache = path.join(root, "node_modules", ".cache", "resolve.json");
    const script = `require(${JSON.stringify(HOOK)}).enable(${JSON.stringify(cache)}, ${JSON.stringify(root)}); process.stdout.write(require(${JSON.stringify(path.join(root, "entry.js"))}));`;
    const result = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout;
}

function cached(root: string): Record<string, string> {
    const file = path.join(root, "node_modules", ".cache", "resolve.json");
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { entries: Record<string, string> }).entries : {};
}

describe("the resolution cache of the CLI's entry point", () => {
    it("keeps where installed modules were found, not the project's own files, and answers from it on the next run", () => {
        dir = project({ npmLock: true });
        expect(run(dir)).toBe("a,own");
        expect(Object.entries(cached(dir))).toEqual([[`${dir}\0pkg`, path.join(dir, "node_modules", "pkg", "a.js")]]);
        // Changed behind npm's back, the package still resolves to what the cache says: the cache is what answered.
        fs.writeFileSync(path.join(dir, "node_modules", "pkg", "package.json"), JSON.stringify({ name: "pkg", main: "b.js" }));
        expect(run(dir)).toBe("a,own");
    });

    it("drops everything once npm has changed the install (its hidden lockfile is rewritten)", () => {
        dir = project({ npmLock: true });
        expect(run(dir)).toBe("a,own");
        fs.writeFileSync(path.join(dir, "node_modules", "pkg", "package.json"), JSON.stringify({ name: "pkg", main: "b.js" }));
        fs.writeFileSync(path.join(dir, "node_modules", ".package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "node_modules/pkg": {} } }));
        expect(run(dir)).toBe("b,own");
        expect(Object.values(cached(dir))).toEqual([path.join(dir, "node_modules", "pkg", "b.js")]);
    });

    it("resolves `node -e` code from the working directory it runs in", () => {
        dir = project({ npmLock: true });
        const sub = path.join(dir, "sub");
        fs.mkdirSync(path.join(sub, "node_modules", "pkg"), { recursive: true });
        fs.writeFileSync(path.join(sub, "node_modules", "pkg", "index.js"), "module.exports = 'sub';\n");
        const cache = path.join(dir, "node_modules", ".cache", "resolve.json");
        const script = `require(${JSON.stringify(HOOK)}).enable(${JSON.stringify(cache)}, ${JSON.stringify(dir)}); process.stdout.write(require("pkg"));`;
        const inDir = (cwd: string) => spawnSync(process.execPath, ["-e", script], { cwd, encoding: "utf8" }).stdout;
        expect(inDir(dir)).toBe("a");
        expect(inDir(sub)).toBe("sub");
        expect(inDir(dir)).toBe("a");
    });

    it("caches nothing without npm's record of the install", () => {
        dir = project({ npmLock: false });
        expect(run(dir)).toBe("a,own");
        expect(fs.existsSync(path.join(dir, "node_modules", ".cache", "resolve.json"))).toBe(false);
    });
});
