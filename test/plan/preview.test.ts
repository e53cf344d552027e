/**
 * The preview and export parsers on files written in the documented formats (docs/sources.md §11):
 * every step kind, the unknown-value sentinel, "[secret]", component resources with and without
 * inputs, replacements in three steps; and the before/after delta they give.
 */
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../cli/errors";
import { applyPreview, parseExport, parsePreview, readExport, readPreview, STEP_OPS } from "../../cli/plan/preview";
import { UNKNOWN } from "../../cost/resource";

const FIXTURES = path.join(__dirname, "fixtures");
const fixture = (name: string) => path.join(FIXTURES, name);

function usageError(fn: () => unknown): string {
    try {
        fn();
    } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toContain("\n");
        return (error as Error).message;
    }
    throw new Error("expected a UsageError");
}

describe("pulumi preview --json", () => {
    const preview = readPreview(fixture("preview-all-ops.json"));

    it("reads every step, its op and the stack its URNs name", () => {
        expect(preview.stack).toBe("fixture-prod");
        expect(preview.showsSames).toBe(true);
        expect(preview.steps.map((s) => s.op)).toEqual([
            "same", "same", "same", "same", "update", "create", "create-replacement", "replace", "delete-replaced", "delete", "read", "create", "import", "create",
        ]);
        expect(preview.config["llm-breakeven:mode"]).toBe("self-hosted");
        expect(JSON.parse(preview.config["llm-breakeven:workload"]!)).toMatchObject({ tokensPerMonth: "6B", apiUsdPerMTok: 6 });
    });

    it("keeps create's newState only and delete's oldState only", () => {
        const create = preview.steps.find((s) => s.op === "create")!;
        expect(create.oldState).toBeUndefined();
        expect(create.newState?.type).toBe("aws:eks/nodeGroup:NodeGroup");
        const del = preview.steps.find((s) => s.op === "delete")!;
        expect(del.newState).toBeUndefined();
        expect(del.oldState).toMatchObject({ type: "aws:ec2/eip:Eip", name: "llm-net-nat-a", custom: true });
    });

    it("reads component resources with inputs and without an inputs key, as non-custom", () => {
        const components = preview.steps.filter((s) => s.newState?.type.startsWith("llm-breakeven:"));
        expect(components.map((s) => [s.newState!.name, s.newState!.custom, s.newState!.inputs])).toEqual([
            ["llm-gpu", false, { instanceType: "p4de.24xlarge", nodesPerZone: 1 }],
            ["llm-net", false, {}],
        ]);
    });

    it("keeps the unknown-value sentinel and \"[secret]\" as they are", () => {
        const created = preview.steps.find((s) => s.op === "create" && s.newState?.name === "llm-gpu-us-east-1b")!;
        expect((created.newState!.props["scalingConfig"] as Record<string, unknown>)["desiredSize"]).toBe(UNKNOWN);
        const secret = preview.steps.find((s) => s.newState?.type === "kubernetes:core/v1:Secret")!;
        expect(secret.newState!.inputs["stringData"]).toBe("[secret]");
    });

    it("reads a step of every op the engine writes and applies it: put keeps the new state, remove drops the resource, the rest leave it", () => {
        // The engine's StepOp list (pkg/resource/deploy) and what each leaves in the stack: the new state, nothing, or the old state.
        const expected: Record<string, readonly string[]> = {
            create: ["new"], update: ["new"], replace: ["new"], "create-replacement": ["new"], read: ["new"], "read-replacement": ["new"], refresh: ["new"], import: ["new"], "import-replacement": ["new"],
            delete: [], "read-discard": [],
            same: ["old"], "delete-replaced": ["old"], "discard-replaced": ["old"], "remove-pending-replace": ["old"],
        };
        const engineOps = Object.keys(expected);
        expect(Object.keys(STEP_OPS).sort()).toEqual([...engineOps].sort());
        const urn = "urn:pulumi:ops::llm-breakeven::aws:kms/key:Key::k";
        const state = (description: string) => ({ urn, custom: true, type: "aws:kms/key:Key", inputs: { description } });
        const base = parseExport(JSON.stringify({ version: 3, deployment: { resources: [state("old")] } }), "base.json");
        for (const op of engineOps) {
            const parsed = parsePreview(JSON.stringify({ steps: [{ op, urn, oldState: state("old"), newState: state("new") }] }), `${op}.json`);
            expect(parsed.steps.map((s) => s.op), op).toEqual([op]);
            expect(applyPreview(parsed, base).after.map((r) => r.inputs["description"]), op).toEqual(expected[op]);
        }
    });
});

describe("pulumi stack export (version 3)", () => {
    const before = readExport(fixture("export-before.json"));

    it("reads every resource with inputs and outputs, the stack from the URNs", () => {
        expect(before.stack).toBe("fixture-prod");
        expect(before.resources).toHaveLength(10);
        const cluster = before.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
        expect(cluster.props).toMatchObject({ name: "llm", endpoint: "https://llm.eks.amazonaws.com" });
        expect(before.resources.find((r) => r.type === "pulumi:providers:aws")?.custom).toBe(true);
    });

    it("shows encrypted secrets as \"[secret]\", never their ciphertext", () => {
        const password = before.resources.find((r) => r.type === "random:index/randomPassword:RandomPassword")!;
        expect(password.props["result"]).toBe("[secret]");
        expect(JSON.stringify(before.resources)).not.toContain("v1:abcd1234:encrypted");
    });

    it("rejects another version, and a preview passed as an export", () => {
        expect(usageError(() => parseExport(JSON.stringify({ version: 2, deployment: { resources: [] } }), "old.json"))).toMatch(/--export old.json: version 2 is not supported; llm-breakeven reads version 3/);
        expect(usageError(() => readExport(fixture("preview-all-ops.json")))).toMatch(/is a preview, not a stack export: pass it with --preview/);
    });
});

describe("before, after and the delta", () => {
    it("applies the steps to the export: update, create, replace, delete, read, import", () => {
        const change = applyPreview(readPreview(fixture("preview-all-ops.json")), readExport(fixture("export-before.json")));
        const after = new Map(change.after.map((r) => [r.name + "|" + r.type, r]));
        expect(change.complete).toBe(true);
        // Updated: the new desired size.
        expect((after.get("llm-gpu-us-east-1a|aws:eks/nodeGroup:NodeGroup")!.props["scalingConfig"] as Record<string, unknown>)["desiredSize"]).toBe(2);
        // Replaced: the new copy stays (delete-replaced removes the old copy, not the new one).
        expect(after.get("llm-net-nat-a|aws:ec2/natGateway:NatGateway")?.props["connectivityType"]).toBe("private");
        // Deleted, created, read, imported.
        expect(after.has("llm-net-nat-a|aws:ec2/eip:Eip")).toBe(false);
        expect(after.has("llm-gpu-us-east-1b|aws:eks/nodeGroup:NodeGroup")).toBe(true);
        expect(after.has("shared-vpc|aws:ec2/vpc:Vpc")).toBe(true);
        expect(after.has("llm-imported-key|aws:kms/key:Key")).toBe(true);
        // Unchanged resources of the export stay.
        expect(after.has("llm-db-password|random:index/randomPassword:RandomPassword")).toBe(true);
        expect(change.ops.get(change.after.find((r) => r.type === "aws:ec2/natGateway:NatGateway")!.urn)).toBe("replace");
    });

    it("without an export or sames, before is what the steps say existed, and the plan says it is partial", () => {
        const change = applyPreview(readPreview(fixture("preview-changes-only.json")), undefined);
        expect(change.complete).toBe(false);
        expect(change.before.map((r) => r.name).sort()).toEqual(["llm-gpu-us-east-1a", "llm-net-nat-a", "llm-net-nat-a"]);
        expect(change.after.map((r) => r.name).sort()).toEqual(["llm-api-keys", "llm-gpu-us-east-1a", "llm-gpu-us-east-1b", "llm-imported-key", "llm-net-nat-a", "llm-vllm-hf-token", "shared-vpc"]);
    });
});

describe("bad preview files: one clear line each", () => {
    it("a truncated file", () => {
        expect(usageError(() => readPreview(fixture("preview-truncated.json")))).toMatch(/^--preview .*preview-truncated.json: is not valid JSON \(the file ends early: truncated\?\)/);
    });

    it("a preview of another cloud's resources", () => {
        expect(usageError(() => readPreview(fixture("preview-gcp.json")))).toMatch(/has no AWS resources \(found 3 gcp:\*\); llm-breakeven prices AWS stacks/);
    });

    it("a directory, a missing file, an empty file", () => {
        expect(usageError(() => readPreview(FIXTURES))).toMatch(/: is a directory; pass the JSON file itself$/);
        expect(usageError(() => readPreview(fixture("nope.json")))).toMatch(/nope.json: no such file$/);
        expect(usageError(() => parsePreview("  ", "empty.json"))).toMatch(/empty.json: is empty/);
    });

    it("an export passed as a preview, a step without its state, an unknown op", () => {
        expect(usageError(() => readPreview(fixture("export-before.json")))).toMatch(/this looks like a stack export: pass it with --export/);
        const doc = JSON.parse(fs.readFileSync(fixture("preview-all-ops.json"), "utf8")) as { steps: Array<Record<string, unknown>> };
        const noState = { ...doc, steps: [{ op: "create", urn: doc.steps[5]!["urn"] }] };
        expect(usageError(() => parsePreview(JSON.stringify(noState), "p.json"))).toBe('--preview p.json: steps[0]: a "create" step must carry newState');
        const badOp = { ...doc, steps: [{ ...doc.steps[5], op: "explode" }] };
        expect(usageError(() => parsePreview(JSON.stringify(badOp), "p.json"))).toMatch(/steps\[0\].op: "explode" is not a step op; allowed: same, create/);
        expect(usageError(() => parsePreview(JSON.stringify({ steps: [{ op: "create", urn: "not-a-urn" }] }), "p.json"))).toMatch(/steps\[0\].urn: "not-a-urn" is not a Pulumi URN/);
    });
});
