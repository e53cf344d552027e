/**
 * `llm-breakeven capacity` (issue 12): the JSON fields, the layout it picks and why, and bad flags as
 * one UsageError naming the flag; through the real entry, exit 2.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { describe, expect, it } from "vitest";
import { capacityFromOptions, capacityJson } from "../../cli/commands/capacity";
import { UsageError } from "../../cli/errors";

const ROOT = path.resolve(__dirname, "../..");
const cli = (args: readonly string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin", "llm-breakeven.js"), ...args], { cwd: ROOT, encoding: "utf8" });
const example = { gpu: "a100-80gb", gpus: "8", model: "llama-3.1-70b-instruct", precision: "fp8", engine: "vllm-0.5", inputTokens: "230", outputTokens: "200", concurrency: "320" };

describe("llm-breakeven capacity", () => {
    it("the issue's example picks data parallelism over TP8 and explains why (through bin/llm-breakeven.js)", () => {
        const result = cli(["capacity", "--gpu", "a100-80gb", "--gpus", "8", "--model", "llama-3.1-70b-instruct", "--precision", "fp8", "--engine", "vllm-0.5",
            "--input-tokens", "230", "--output-tokens", "200", "--concurrency", "320", "--json"]);
        expect(result.stderr).toBe("");
        expect(result.status).toBe(0);
        const json = JSON.parse(result.stdout) as {
            perReplica: { outputTokensPerSecond: number; tpotMs: number; batch: number };
            perNode: { outputTokensPerSecond: number; replicas: number };
            layout: { tensorParallelSize: number; reason: string };
            stepTerms: Record<string, number | string>;
            layouts: { tensorParallelSize: number; outputTokensPerSecond: number }[];
        };
        expect(json.layout.tensorParallelSize).toBe(2);
        expect(json.perNode.replicas).toBe(4);
        expect(json.perReplica.batch).toBe(80);
        expect(json.perNode.outputTokensPerSecond).toBeCloseTo(4 * json.perReplica.outputTokensPerSecond, 6);
        expect(json.perReplica.tpotMs).toBeCloseTo((80 / json.perReplica.outputTokensPerSecond) * 1000, 6);
        const tp8 = json.layouts.find((l) => l.tensorParallelSize === 8)!;
        expect(json.perNode.outputTokensPerSecond).toBeGreaterThan(tp8.outputTokensPerSecond);
        expect(json.layout.reason).toContain("Data parallelism wins");
        expect(Object.keys(json.stepTerms)).toEqual(["memoryMs", "computeMs", "bound", "allReduceMs", "engineOverheadMs", "decodeStepMs", "prefillMsPerOutputToken"]);
    });

    it("the README quotes the issue's example as the command prints it", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const quoted = /--engine vllm-0\.5 --input-tokens 230 --output-tokens 200 --concurrency 320\n```\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
        const result = cli(["capacity", "--gpu", "a100-80gb", "--gpus", "8", "--model", "llama-3.1-70b-instruct", "--precision", "fp8", "--engine", "vllm-0.5",
            "--input-tokens", "230", "--output-tokens", "200", "--concurrency", "320"]);
        expect(result.status).toBe(0);
        expect(quoted).toBe(result.stdout.trimEnd() + "\n");
    });

    it("--tensor-parallel-size forces the layout; --tpot-ms lowers the batch", () => {
        const tp8 = capacityJson(capacityFromOptions({ ...example, tensorParallelSize: "8" }));
        expect(tp8).toMatchObject({ layout: { tensorParallelSize: 8, reason: expect.stringContaining("--tensor-parallel-size 8 asked for") } });
        const free = capacityFromOptions({ ...example, engine: "vllm-v1", concurrency: undefined });
        const slo = capacityFromOptions({ ...example, engine: "vllm-v1", concurrency: undefined, tpotMs: "40" });
        expect(slo.batchPerReplica).toBeLessThan(free.batchPerReplica);
        expect(slo.tpotMs).toBeLessThanOrEqual(40);
    });

    it("--engine vllm-v1 says its overheads are not fitted to V1 runs; vllm-0.5 says they are (JSON and text)", () => {
        const v1 = capacityJson(capacityFromOptions({ ...example, engine: "vllm-v1" }));
        expect(v1["engineCalibration"]).toEqual({ fitted: false, statement: expect.stringMatching(/^vLLM >= 0\.8 \(V1 engine\): overheads NOT fitted to vllm-v1 runs \(too few published\); borrowed from vllm-0\.6\. /) });
        expect(capacityJson(capacityFromOptions(example))["engineCalibration"]).toMatchObject({ fitted: true });
        const text = cli(["capacity", "--gpu", "h100-80gb", "--gpus", "8", "--model", "llama-3.3-70b-instruct", "--precision", "bf16", "--engine", "vllm-v1", "--input-tokens", "1500", "--output-tokens", "500"]);
        expect(text.status).toBe(0);
        expect(text.stdout).toMatch(/^engine {6}vLLM >= 0\.8 \(V1 engine\): overheads NOT fitted to vllm-v1 runs/m);
    });

    it.each([
        ["an unknown GPU", { gpu: "v100" }, '--gpu "v100" is not known; accepted: a100-40gb, a100-80gb, h100-80gb, h200-141gb, a10g-24gb, l40s-48gb'],
        ["an unknown engine", { engine: "vllm-0.4" }, '--engine "vllm-0.4" is not known; accepted: vllm-0.5, vllm-0.6, vllm-v1'],
        ["a fractional token count", { inputTokens: "2.5" }, "--input-tokens 2.5 is not a whole number; accepted: a whole number from 1 to 1000000"],
        ["a missing output length", { outputTokens: undefined }, "--output-tokens is required; accepted: a whole number of tokens"],
        ["a TP that does not divide the node", { tensorParallelSize: "3" }, "capacity: tensorParallelSize 3 must divide the node's 8 GPUs (allowed: 1, 2, 4, 8)"],
    ])("refuses %s, naming the flag and what is accepted", (_name, over, message) => {
        expect(() => capacityFromOptions({ ...example, ...over })).toThrow(UsageError);
        expect(() => capacityFromOptions({ ...example, ...over })).toThrow(message);
    });

    it("a model that does not fit is exit 2 with one line naming the fix", () => {
        const result = cli(["capacity", "--gpu", "a10g-24gb", "--gpus", "4", "--model", "llama-3.3-70b-instruct", "--precision", "bf16", "--input-tokens", "500", "--output-tokens", "200"]);
        expect(result.status).toBe(2);
        expect(result.stderr).toMatch(/^llm-breakeven: capacity: Llama 3\.3 70B Instruct at bf16 on 4x A10G 24GB: 141 GB of weights plus KV cache do not fit the node at any tensor-parallel size .*lower precision/);
        expect(result.stderr.trim().split("\n")).toHaveLength(1);
    });
});
