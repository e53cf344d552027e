import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PINS, Pin } from "../../platform/pins";

const ROOT = path.join(__dirname, "../..");

/**
 * Pinned values as they appear in source text: chart/engine/Kubernetes versions, image references
 * with a version tag, EKS AMI types, and the stack files' version keys. Deliberately broad: a pin
 * typed anywhere but platform/pins.ts shows up here.
 */
export function pinsInText(text: string): string[] {
    const found: string[] = [];
    const add = (re: RegExp, group = 1) => { for (const m of text.matchAll(re)) found.push(m[group]!); };
    add(/\b(?:version|engineVersion|kubernetesVersion|addonVersion|releaseVersion)\s*:\s*"([^"]+)"/g);
    add(/_VERSION\s*=\s*"([^"]+)"/g);
    add(/kubernetesVersion[^\n]*\.default\("([^"]+)"\)/g);
    add(/\b((?:[a-z0-9.-]+\/)+[a-z0-9._-]+:v?\d+\.\d+\.\d+(?:[-.][A-Za-z0-9.]+)?)\b/g);
    add(/\b((?:AL2023|AL2|BOTTLEROCKET|WINDOWS)_[A-Za-z0-9_]*(?:x86_64|ARM_64)[A-Za-z0-9_]*)\b/g);
    add(/^\s*(?:kubernetesVersion|vllmImage|engineVersion):\s*"?([A-Za-z0-9./:_@-]+)"?\s*(?:#.*)?$/gm);
    return [...new Set(found.map((v) => v.split("@")[0]!))];
}

function sourceFiles(dir: string, ext: RegExp): string[] {
    return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) return sourceFiles(rel, ext);
        return ext.test(e.name) ? [rel] : [];
    });
}

const pinned = new Set(Object.values(PINS).map((p: Pin) => p.value));
const files = [...sourceFiles("platform", /\.ts$/), ...sourceFiles("components", /\.ts$/), ...sourceFiles("config", /\.ts$/), ...sourceFiles("program", /\.ts$/), ...sourceFiles("stacks", /\.yaml$/)]
    .filter((f) => f !== path.join("platform", "pins.ts"));

describe("every pinned version has its upstream record (platform/pins.ts)", () => {
    it("finds pins the way they are typed (the scanner can fail)", () => {
        expect(pinsInText(`export const X_CHART = { chart: "x", version: "1.2.3", repo: "r" };`)).toEqual(["1.2.3"]);
        expect(pinsInText(`image: "quay.io/org/thing:v0.4.1@sha256:${"a".repeat(64)}"`)).toEqual(["quay.io/org/thing:v0.4.1"]);
        expect(pinsInText(`amiType: "BOTTLEROCKET_x86_64_NVIDIA",`)).toEqual(["BOTTLEROCKET_x86_64_NVIDIA"]);
        expect(pinsInText(`    kubernetesVersion: "1.34"\n`)).toEqual(["1.34"]);
        expect(pinsInText(`export const REDIS_ENGINE_VERSION = "7.1";`)).toEqual(["7.1"]);
        // IAM's policy-language Version is a date, not a pin.
        expect(pinsInText(`{ Version: "2012-10-17", Statement: [] }`)).toEqual([]);
    });

    it.each(files)("%s types no pin that the table lacks", (file) => {
        const missing = pinsInText(fs.readFileSync(path.join(ROOT, file), "utf8")).filter((v) => !pinned.has(v));
        expect(missing, `${file}: ${missing.join(", ")} pinned without an entry in platform/pins.ts (read it upstream at that version, then add value, upstream file and read date)`).toEqual([]);
    });

    it("the shipped stacks and the components carry the table's values, so the table names what is deployed", () => {
        const everywhere = files.flatMap((f) => pinsInText(fs.readFileSync(path.join(ROOT, f), "utf8")));
        const components = ["kubePrometheusStackChart", "dcgmExporterChart", "nvidiaDevicePluginChart", "kedaChart", "clusterAutoscalerChart", "gpuAmiType", "valkeyEngineVersion", "postgresEngineVersion", "adotCollectorImage", "liteLLMImage"] as const;
        // These reach the program through an import of PINS, not a literal: the import is the use.
        const imported = fs.readFileSync(path.join(ROOT, "components/selfHosted/monitoring.ts"), "utf8") + fs.readFileSync(path.join(ROOT, "components/selfHosted/autoscaling.ts"), "utf8")
            + fs.readFileSync(path.join(ROOT, "components/selfHosted/gpuNodePools.ts"), "utf8") + fs.readFileSync(path.join(ROOT, "components/gateway/storage.ts"), "utf8") + fs.readFileSync(path.join(ROOT, "components/gateway/task.ts"), "utf8");
        for (const k of components.filter((c) => c !== "liteLLMImage")) expect(imported, k).toContain(`PINS.${k}.value`);
        for (const k of ["systemAmiType", "kubernetesVersion", "vllmImage", "liteLLMImage"] as const) expect(everywhere, k).toContain(PINS[k].value);
    });

    it.each(Object.entries(PINS))("%s names its upstream record and when it was read", (_key, pin: Pin) => {
        expect(pin.value).not.toBe("");
        expect(pin.upstream.length).toBeGreaterThan(40);
        expect(pin.readOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });
});
