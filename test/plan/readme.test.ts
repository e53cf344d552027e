/**
 * README's sample of `npm start` is what `npm start` prints: every row of the abridged table, cell by
 * cell, and the decision line of `plan --stack self-hosted-prod` (issue 15: keep them in sync).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "bin", "llm-breakeven.js");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

function run(args: readonly string[]): string {
    const child = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
    expect(child.status, child.stderr).toBe(0);
    return child.stdout;
}

/** The cells of each row of a cli-table3 table, by its first cell. */
function tableRows(text: string): Map<string, string[]> {
    const rows = new Map<string, string[]>();
    for (const line of text.split("\n")) {
        if (!line.startsWith("│")) continue;
        const cells = line.slice(1, -1).split("│").map((c) => c.trim());
        rows.set(cells[0]!, cells.slice(1));
    }
    return rows;
}

describe("README's npm start sample", () => {
    it("matches plan --all cell by cell", () => {
        const sample = /It\nprints one column per environment \(abridged\):\n\n```text\n([\s\S]*?)```/.exec(README)?.[1];
        expect(sample, "README's npm start table").toBeDefined();
        const rows = tableRows(run(["plan", "--all"]));
        const lines = sample!.trimEnd().split("\n");
        const header = lines[0]!.trim().split(/\s{2,}/);
        expect(rows.get("")).toEqual(header);
        for (const line of lines.slice(1)) {
            const [label, ...cells] = line.trim().split(/\s{2,}/);
            expect(rows.get(label!), `README row "${label}"`).toEqual(cells);
        }
    });

    it("quotes plan --stack self-hosted-prod's total and decision as printed", () => {
        const text = run(["plan", "--stack", "self-hosted-prod"]);
        const quoted = /`plan --stack <env>` prints the same parts[\s\S]*?```text\n([\s\S]*?)```/.exec(README)?.[1];
        expect(quoted).toBeDefined();
        for (const line of quoted!.split("\n").filter((l) => l.trim() !== "" && l !== "...")) expect(text).toContain(line);
    });
});
