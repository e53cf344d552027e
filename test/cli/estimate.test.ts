/**
 * The `estimate` command: --preset seed --json reproduces the seed; bad flags are one UsageError
 * naming the flag, the value and what is accepted; through the real entry (bin/llm-breakeven.js) that is
 * exit 2, one line on stderr, no stack trace.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerEstimate } from "../../cli/commands/estimate";
import { UsageError } from "../../cli/errors";
import { Estimate, formatTokens } from "../../cost";

const ROOT = path.resolve(__dirname, "../..");

async function run(args: readonly string[]): Promise<{ stdout: string; exitCode: number | undefined }> {
    const program = new Command("llm-breakeven").exitOverride();
    let exitCode: number | undefined;
    registerEstimate(program, (code) => { exitCode = code; });
    let stdout = "";
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
    });
    try {
        await program.parseAsync(["estimate", ...args], { from: "user" });
    } finally {
        spy.mockRestore();
    }
    return { stdout, exitCode };
}

async function usageError(args: readonly string[]): Promise<string> {
    try {
        await run(args);
    } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toContain("\n");
        return (error as Error).message;
    }
    throw new Error(`expected ${args.join(" ")} to be rejected`);
}

/** Every figure of the seed (docs/sources.md §1) in the estimate's JSON, under the field names. */
function expectSeedFigures(json: Estimate): void {
    expect(json.selfHosted.nodeMonthlyUsd).toBe(7_920);
    expect(json.selfHosted.gpuMonthlyUsd).toBe(15_840);
    expect(json.selfHosted.lines.slice(1).map((l) => [l.id, l.monthlyUsd])).toEqual([["engineering", 3_500], ["monitoring", 200], ["storage-network-egress", 400]]);
    expect(json.selfHosted.overheadMonthlyUsd).toBe(4_100);
    expect(json.selfHosted.monthlyUsd).toBe(19_940);
    expect(json.api.usdPerMTok).toBe(0.8);
    expect(json.api.monthlyUsd).toBeCloseTo(400, 9);
    expect(json.unrouted.usdPerMTok).toBe(5);
    expect(json.unrouted.monthlyUsd).toBeCloseTo(2_500, 9);
    expect(json.breakEven.tokensPerMonth).toBeCloseTo(24.925e9, -3);
    expect(formatTokens(json.breakEven.tokensPerMonth ?? Number.NaN)).toBe("24.9B");
    expect(json.breakEven.unroutedTokensPerMonth).toBeCloseTo(3.988e9, -3);
    expect(formatTokens(json.breakEven.unroutedTokensPerMonth ?? Number.NaN)).toBe("3.99B");
    expect(json.breakEven.routedToUnroutedRatio).toBeCloseTo(6.25, 12);
    expect(json.breakEven.servedByConfiguredNodes).toBe(false);
    expect(json.capacity).not.toHaveProperty("servesBreakEven");
    expect(json.capacity.nodesNeeded).toBe(2);
    expect(json.capacity.perNode.model).toBe("llama-3.3-70b-instruct");
    expect(json.decision).toBe("stay-managed");
    expect(json.assumptions.length).toBeGreaterThan(5);
}

afterEach(() => vi.restoreAllMocks());

describe("estimate --preset seed --json", () => {
    it("reproduces every figure of the seed with the issue's field names", async () => {
        const { stdout, exitCode } = await run(["--preset", "seed", "--json"]);
        expect(exitCode).toBe(0);
        expectSeedFigures(JSON.parse(stdout));
    });

    it("prints the itemised table without --json", async () => {
        const { stdout } = await run(["--preset", "seed"]);
        for (const text of ["$15,840", "$4,100", "$19,940", "$2,500/month", "24.9B routed, 3.99B unrouted; routed/unrouted 6.25x", "stay-managed"]) {
            expect(stdout).toContain(text);
        }
    });

    it.each([
        [["--tokens-per-month", "24.9B"], 24.9e9],
        [["--tokens-per-month", "500M"], 500e6],
        [["--tokens-per-month", "5e8"], 5e8],
    ])("accepts %j", async (args, tokens) => {
        const json = JSON.parse((await run(["--preset", "seed", "--json", ...args])).stdout);
        expect(json.scenario.tokensPerMonth).toBeCloseTo(tokens, 0);
    });

    it("overrides: offer, nodes, rate, ratio, model, precision", async () => {
        const json = JSON.parse((await run([
            "--preset", "seed", "--json", "--offer", "aws-p5.48xlarge-on-demand", "--nodes", "3", "--api-usd-per-mtok", "2",
            "--input-output-ratio", "10", "--model", "llama-3.1-70b-instruct", "--precision", "fp8", "--tokens-per-month", "30B",
        ])).stdout);
        expect(json.selfHosted.offerId).toBe("aws-p5.48xlarge-on-demand");
        expect(json.selfHosted.nodes).toBe(3);
        expect(json.selfHosted.gpuMonthlyUsd).toBeCloseTo(3 * 55.04 * 730, 6);
        expect(json.api.usdPerMTok).toBe(2);
        expect(json.api.monthlyUsd).toBeCloseTo(60_000, 6);
        expect(json.scenario.inputOutputRatio).toBe(10);
        expect(json.capacity.perNode).toMatchObject({ model: "llama-3.1-70b-instruct", precision: "fp8", gpu: "h100-80gb" });
        expect(json.decision).toBe("optimize-routing");
    });

    it("without a preset: today's p4de price, GPT-4o blended at the ratio", async () => {
        const json = JSON.parse((await run(["--json", "--tokens-per-month", "100B"])).stdout);
        expect(json.selfHosted.offerId).toBe("aws-p4de.24xlarge-on-demand");
        expect(json.api.usdPerMTok).toBeCloseTo(4.375, 12);
        expect(json.api.monthlyUsd).toBeCloseTo(437_500, 6);
        expect(["self-host", "hybrid-analysis"]).toContain(json.decision);
    });

    it("--chart writes an SVG drawn by Vega with the curves and the break-even points", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "llm-breakeven-")), "seed.svg");
        await run(["--preset", "seed", "--chart", file]);
        const svg = fs.readFileSync(file, "utf8");
        expect(svg.startsWith("<svg")).toBe(true);
        expect(svg).toContain('class="marks"');
        for (const text of ["API routed ($0.80/M)", "API all-frontier ($5/M)", "Self-hosted, 2 configured nodes", "Self-hosted, sized for volume", "break-even routed, configured nodes: 24.9B", "break-even all-frontier, configured nodes: 3.99B"]) {
            expect(svg).toContain(text);
        }
    });
});

describe("bad input: one line naming the flag, the value and what is accepted", () => {
    it.each([
        [["--tokens-per-month", "0"], /^--tokens-per-month "0" must be above 0 tokens; accepted: .*500M, 24\.9B, 5e8/],
        [["--tokens-per-month", "-5B"], /^--tokens-per-month "-5B" must be above 0 tokens; accepted: .*500M, 24\.9B, 5e8/],
        [["--tokens-per-month", "24.9X"], /^--tokens-per-month "24\.9X" is not a token count; accepted: a number with an optional k, M, B or T suffix/],
        [["--offer", "lambda-8xa100-sed"], /^--offer "lambda-8xa100-sed" is not a GPU offer in the catalogue \(did you mean "lambda-8xa100-seed", "lambda-8xa100", .*\); accepted: /],
        [["--input-output-ratio", "0"], /^--input-output-ratio 0 is out of range; accepted: input tokens per output token, above 0 and at most 1000/],
        [["--input-output-ratio", "5000"], /^--input-output-ratio 5000 is out of range/],
        [["--input-output-ratio", "3:1"], /^--input-output-ratio "3:1" is not a number; accepted: /],
        [["--nodes", "1.5"], /^--nodes 1\.5 is not allowed; accepted: a whole number from 1 to 10000/],
        [["--api-usd-per-mtok", "-1"], /^--api-usd-per-mtok -1 must be above 0/],
        [["--model", "llama-70b"], /^--model "llama-70b" is not known \(did you mean .*\); accepted: llama-3.3-70b-instruct, /],
        // int8/int4 are refused as a stack with them is (config/stack.ts): no catalogue checkpoint serves them.
        [["--precision", "fp4"], /^--precision "fp4" is not known .*accepted: bf16, fp16, fp8$/],
        [["--preset", "seeed"], /^--preset "seeed" is not a preset; accepted: seed/],
        // Worded by cli/output/write.ts, the one module every output path goes through.
        [["--chart", "out.png"], /^--chart out\.png: must name a \.svg file/],
        [["--offer", "aws-p4d.24xlarge-on-demand", "--model", "llama-3.3-70b-instruct", "--tensor-parallel-size", "2"], /^--model\/--precision\/--offer\/--tensor-parallel-size: .*do not fit 2 GPUs per replica/],
    ])("%j", async (args, message) => {
        expect(await usageError(["--preset", "seed", ...args])).toMatch(message);
    });
});

describe("through the real entry (bin/llm-breakeven.js, what `llm-breakeven` runs)", () => {
    const cli = (args: readonly string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin", "llm-breakeven.js"), ...args], { cwd: ROOT, encoding: "utf8" });

    it("estimate --preset seed --json exits 0 with every seed figure", () => {
        const result = cli(["estimate", "--preset", "seed", "--json"]);
        expect(result.status).toBe(0);
        expectSeedFigures(JSON.parse(result.stdout));
    });

    it.each([
        [["--tokens-per-month", "0"], /^llm-breakeven: --tokens-per-month "0" must be above 0 tokens; /],
        [["--tokens-per-month", "-5B"], /^llm-breakeven: --tokens-per-month "-5B" must be above 0 tokens; /],
        [["--tokens-per-month", "24.9X"], /^llm-breakeven: --tokens-per-month "24\.9X" is not a token count; /],
        [["--offer", "lambda-8xa100-sed"], /^llm-breakeven: --offer "lambda-8xa100-sed" is not a GPU offer in the catalogue \(did you mean "lambda-8xa100-seed", /],
        [["--input-output-ratio", "0"], /^llm-breakeven: --input-output-ratio 0 is out of range; /],
        [["--input-output-ratio", "5000"], /^llm-breakeven: --input-output-ratio 5000 is out of range; /],
    ])("%j exits 2 with one line and no stack trace", (args, message) => {
        const result = cli(["estimate", "--preset", "seed", ...args]);
        expect(result.status).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
        expect(result.stderr).toMatch(message);
        expect(result.stderr).not.toMatch(/\n\s+at /);
    });
});
