/** .github/workflows/prices.yml: valid by GitHub's workflow schema, scheduled, and running `prices update` before it opens a pull request. */
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";

const text = fs.readFileSync(path.resolve(__dirname, "../../.github/workflows/prices.yml"), "utf8");
const workflow = parseYaml(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> };

describe(".github/workflows/prices.yml", () => {
    it("passes the workflow linter with no errors", () => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        try {
            expect(validateWorkflow(text).errors).toEqual([]);
        } finally {
            warn.mockRestore();
        }
    });

    it("runs on a schedule, updates the price files, then opens a pull request with them", () => {
        expect(Object.keys(workflow.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
        expect(workflow.permissions).toEqual({ contents: "write", "pull-requests": "write" });
        const runs = workflow.jobs["update"]!.steps.map((s) => s.run ?? "");
        const update = runs.findIndex((r) => r.includes("prices update"));
        const pr = runs.findIndex((r) => r.includes("gh pr create"));
        expect(update).toBeGreaterThan(-1);
        expect(pr).toBeGreaterThan(update);
        expect(runs[pr]).toContain("git add cost/prices/data");
    });
});
