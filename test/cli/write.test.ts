/**
 * cli/output/write.ts, the one module every output path goes through: checked before any work,
 * written atomically, nothing partial left on failure, every failure one OutputError line.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../cli/errors";
import { colorEnabled, colorsFor } from "../../cli/output/color";
import { OutputError, outputDir, outputFile } from "../../cli/output/write";
import { internalErrorText } from "../../cli/main";

let dirs: string[] = [];
function temp(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llm-breakeven-write-"));
    dirs.push(dir);
    return dir;
}
afterEach(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    dirs = [];
});

function errorOf(f: () => unknown): OutputError {
    try {
        f();
    } catch (error) {
        expect(error).toBeInstanceOf(OutputError);
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toContain("\n");
        return error as OutputError;
    }
    throw new Error("expected an OutputError");
}

describe("outputDir", () => {
    it("creates nothing when checked, then the missing directories and the files when written", () => {
        const root = temp();
        const out = outputDir("--out", path.join(root, "a", "b"));
        expect(fs.readdirSync(root)).toEqual([]);
        expect(out.write([{ name: "report.md", content: "# md\n" }, { name: "report.json", content: "{}\n" }])).toEqual([path.join(root, "a", "b", "report.md"), path.join(root, "a", "b", "report.json")]);
        expect(fs.readdirSync(path.join(root, "a", "b")).sort()).toEqual(["report.json", "report.md"]);
        expect(fs.readFileSync(path.join(root, "a", "b", "report.md"), "utf8")).toBe("# md\n");
    });

    it("leaves nothing partial when a write fails: no temporary files, no new directories, old files untouched", () => {
        const root = temp();
        const dir = path.join(root, "out");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "report.json"), "old");
        // report.md is a directory: its rename fails after report.json's temporary file was written.
        fs.mkdirSync(path.join(dir, "report.md"));
        const out = outputDir("--out", dir);
        const error = errorOf(() => out.write([{ name: "report.json", content: "new" }, { name: "report.md", content: "# md" }]));
        expect(error.message).toMatch(/^--out .*out: /);
        expect(fs.readdirSync(dir).sort()).toEqual(["report.json", "report.md"]);
        expect(fs.readFileSync(path.join(dir, "report.json"), "utf8")).toBe("old");

        const nested = path.join(root, "new", "deeper");
        const fresh = outputDir("--out", nested);
        fs.mkdirSync(path.join(root, "new"));
        fs.mkdirSync(nested);
        fs.mkdirSync(path.join(nested, "x.md"));
        errorOf(() => fresh.write([{ name: "x.md", content: "x" }]));
        expect(fs.readdirSync(nested)).toEqual(["x.md"]);
    });

    it.each([
        ["/proc/x", /^--out \/proc\/x: \/proc is on a proc filesystem/],
        ["/proc/1/nonexist/x", /^--out \/proc\/1\/nonexist\/x: \/proc\/1 is on a proc filesystem/],
        ["/sys/x", /^--out \/sys\/x: \/sys is on a sysfs filesystem/],
        ["", /^--out "": is empty/],
    ])("refuses %j up front", (dir, pattern) => {
        expect(errorOf(() => outputDir("--out", dir)).message).toMatch(pattern);
    });

    it("refuses a path that is a file, or below one", () => {
        const file = path.join(temp(), "f");
        fs.writeFileSync(file, "");
        expect(errorOf(() => outputDir("--out", file)).message).toBe(`--out ${file}: exists and is not a directory`);
        expect(errorOf(() => outputDir("--out", path.join(file, "x", "y"))).message).toBe(`--out ${path.join(file, "x", "y")}: ${file} is a file, not a directory`);
    });
});

describe("outputFile", () => {
    it("replaces an existing file atomically and checks the extension", () => {
        const file = path.join(temp(), "chart.svg");
        fs.writeFileSync(file, "old");
        outputFile("--chart", file, { extensions: [".svg"] }).write("<svg/>");
        expect(fs.readFileSync(file, "utf8")).toBe("<svg/>");
        expect(fs.readdirSync(path.dirname(file))).toEqual(["chart.svg"]);
        expect(errorOf(() => outputFile("--chart", "x.png", { extensions: [".svg"] })).message).toBe("--chart x.png: must name a .svg file (e.g. break-even.svg)");
        expect(errorOf(() => outputFile("--chart", path.dirname(file))).message).toMatch(/is a directory; name a file inside it$/);
    });
});

describe("colour", () => {
    it.each([
        [true, {}, true],
        [false, {}, false],
        [true, { NO_COLOR: "1" }, false],
        [true, { NO_COLOR: "" }, true],
        [true, { TERM: "dumb" }, false],
    ])("a stream with isTTY %s and env %j: colour %s", (isTTY, env, expected) => {
        expect(colorEnabled({ isTTY }, env)).toBe(expected);
        expect(colorsFor({ isTTY }, env).red("x") !== "x").toBe(expected);
    });
});

describe("internal errors", () => {
    it("say it is a bug and what to report, with no invented address", () => {
        const text = internalErrorText(new Error("boom"), ["plan", "--all"]);
        expect(text).toMatch(/^llm-breakeven: internal error \(a bug in llm-breakeven, not in your input\): boom\n/);
        expect(text).toContain("report it to the llm-breakeven maintainers with the command (llm-breakeven plan --all)");
        expect(text).not.toMatch(/https?:\/\//);
    });
});
