/**
 * Imports flow one way (ARCHITECTURE.md): the engine (cost/) and platform/ (pins, release facts,
 * subnet plans) import nothing outside themselves, the components only those two, the schema
 * (config/) never a component or the program, the policy pack neither the program, the components
 * nor the CLI, and nothing but the entry points (bin/, bench/) and tests imports the CLI. A relative import that breaks a rule fails
 * here, naming the file and the import.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..");
const FOLDERS = ["cost", "platform", "config", "components", "program", "policies", "mockrun", "cli"] as const;

/** The top folder each rule forbids a folder to import (by relative path). */
const FORBIDDEN: Readonly<Record<string, readonly string[]>> = {
    cost: ["platform", "config", "components", "program", "policies", "mockrun", "cli", "index.ts"],
    platform: ["cost", "config", "components", "program", "policies", "mockrun", "cli", "index.ts"],
    components: ["config", "program", "policies", "mockrun", "cli", "index.ts"],
    policies: ["program", "components", "mockrun", "cli", "index.ts"],
    config: ["components", "program", "policies", "mockrun", "cli", "index.ts"],
    program: ["cli"],
    mockrun: ["cli"],
};

/** Relative module specifiers of a TypeScript source: static and type imports, re-exports, require() and import(). */
function relativeImports(source: string): string[] {
    const specs: string[] = [];
    for (const m of source.matchAll(/(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*|^\s*import\s+)["'](\.{1,2}\/[^"']*|\.{1,2})["']/gm)) specs.push(m[1]!);
    return specs;
}

/** The top-level folder (or root file) a specifier in `file` (relative to the repository) points at. */
function topOf(file: string, spec: string): string {
    const target = path.normalize(path.join(path.dirname(file), spec));
    const top = target.split(path.sep)[0]!;
    return top === "index" ? "index.ts" : top;
}

/** Every import that breaks a rule, as "file -> specifier (folder)". */
function violations(files: ReadonlyMap<string, string>): string[] {
    const found: string[] = [];
    for (const [file, source] of files) {
        const from = file.split("/")[0]!;
        const forbidden = FORBIDDEN[from] ?? [];
        for (const spec of relativeImports(source)) {
            const to = topOf(file, spec);
            if (to !== from && forbidden.includes(to)) found.push(`${file} -> ${spec} (${to}/ is not allowed from ${from}/)`);
        }
    }
    return found;
}

function sources(): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const rel = `${dir}/${entry.name}`;
            if (entry.isDirectory() && entry.name !== "node_modules") walk(rel);
            else if (entry.isFile() && entry.name.endsWith(".ts")) files.set(rel, fs.readFileSync(path.join(ROOT, rel), "utf8"));
        }
    };
    for (const folder of FOLDERS) walk(folder);
    return files;
}

describe("import direction", () => {
    it("holds for every source file", () => {
        const files = sources();
        expect(files.size).toBeGreaterThan(100);
        // The scanner sees real imports: the engine reaches its price files, the pack the engine.
        expect(relativeImports(files.get("cost/pricers/index.ts")!)).toContain("../prices/store");
        expect(relativeImports(files.get("policies/lib/engine.ts")!)).toContain("../../cost");
        expect(violations(files)).toEqual([]);
    });

    it("names an engine file that reaches into config/, a component that imports the program, and any import of the CLI", () => {
        const broken = new Map([
            ["cost/scenario.ts", `import { ConfigError } from "../config/stack";\nimport type { X } from "./estimate";`],
            ["components/gateway/gateway.ts", `export { buildGateway } from "../../program/gateway";`],
            ["policies/lib/view.ts", `const plan = require("../../cli/plan/plan");`],
            ["program/index.ts", `const main = await import("../cli/main");`],
            ["config/rules.ts", `import { planSubnets } from "../components/network/subnets";`],
            ["platform/pins.ts", `import { HOURS_PER_MONTH } from "../cost/units";`],
        ]);
        expect(violations(broken)).toEqual([
            "cost/scenario.ts -> ../config/stack (config/ is not allowed from cost/)",
            "components/gateway/gateway.ts -> ../../program/gateway (program/ is not allowed from components/)",
            "policies/lib/view.ts -> ../../cli/plan/plan (cli/ is not allowed from policies/)",
            "program/index.ts -> ../cli/main (cli/ is not allowed from program/)",
            "config/rules.ts -> ../components/network/subnets (components/ is not allowed from config/)",
            "platform/pins.ts -> ../cost/units (cost/ is not allowed from platform/)",
        ]);
    });
});
