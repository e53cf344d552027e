/**
 * The pull-request workflow: valid by the registry's GitHub Actions workflow linter
 * (@action-validator/core, the schema GitHub publishes for workflows), and doing what the issue
 * asks: per environment, `pulumi preview` with the policy pack and that environment's policy
 * config, priced by `llm-breakeven plan`, and ONE comment found by its marker and updated in place.
 */
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import { describe, expect, it, vi } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPORT_MARKER } from "../../cli/plan/report";

const ROOT = path.resolve(__dirname, "../..");
const FILE = path.join(ROOT, ".github/workflows/cost.yml");
const text = fs.readFileSync(FILE, "utf8");

interface Step { readonly name?: string; readonly uses?: string; readonly run?: string; readonly with?: Record<string, unknown>; readonly if?: string }
interface Job { readonly needs?: string; readonly if?: string; readonly permissions?: Record<string, string>; readonly strategy?: { matrix: { environment: string[] } }; readonly steps: Step[] }
const workflow = parseYaml(text) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };

describe(".github/workflows/cost.yml", () => {
    it("passes the workflow linter with no errors", () => {
        // The linter warns on stderr that it does not check path globs; that is not an error.
        const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
        try {
            const state = validateWorkflow(text);
            expect(state.actionType).toBe("workflow");
            expect(state.errors).toEqual([]);
        } finally {
            warn.mockRestore();
            error.mockRestore();
        }
    });

    it("runs the tool through the entry point users run (the package's bin), never tsx on the sources", () => {
        const runs = Object.values(workflow.jobs).flatMap((j) => j.steps).map((s) => s.run ?? "").join("\n");
        expect(runs).not.toMatch(/tsx|cli\/main\.ts/);
        expect(runs.match(/npx llm-breakeven (plan|usage)/g)?.length ?? 0).toBeGreaterThanOrEqual(3);
    });

    it("the linter does catch a broken workflow (the check can fail)", () => {
        const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
        try {
            const broken = text.replace("runs-on: ubuntu-latest", "runs-onn: ubuntu-latest");
            expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
        } finally {
            warn.mockRestore();
        }
    });

    it("previews every shipped environment with the policy pack and its config", () => {
        const preview = workflow.jobs["preview"]!;
        const shipped = fs.readdirSync(path.join(ROOT, "stacks")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
        expect([...preview.strategy!.matrix.environment].sort()).toEqual(shipped);
        const run = preview.steps.map((s) => s.run ?? "").join("\n");
        expect(run).toMatch(/pulumi preview --stack "\$STACK" --json/);
        expect(run).toContain("--policy-pack policies");
        expect(run).toContain('--policy-pack-config "policies/config/$STACK.json"');
        expect(run).toContain("pulumi stack export --stack \"$STACK\" --file before.json");
        expect(run).toMatch(/npx llm-breakeven plan --stack "\$STACK" --preview preview.json --export before.json/);
        // A mandatory violation fails the environment's job.
        expect(run).toMatch(/test "\$PREVIEW_EXIT" = "0" && test "\$PLAN_EXIT" = "0"/);
    });

    it("posts or updates one comment, found by the report's marker", () => {
        const comment = workflow.jobs["comment"]!;
        expect(comment.needs).toBe("preview");
        expect(comment.permissions).toMatchObject({ "pull-requests": "write" });
        expect(workflow.permissions).toEqual({ contents: "read" });
        const script = String(comment.steps.find((s) => s.uses?.startsWith("actions/github-script@"))?.with?.["script"]);
        expect(script).toContain(`const marker = "${REPORT_MARKER}"`);
        expect(script).toContain("github.rest.issues.updateComment");
        expect(script).toContain("github.rest.issues.createComment");
        const merge = comment.steps.map((s) => s.run ?? "").join("\n");
        expect(merge).toContain("plan --combine");
        // With no report at all, the stand-in comment carries the marker too, so the next push updates it.
        expect(merge).toContain(`'${REPORT_MARKER}'`);
    });
});
