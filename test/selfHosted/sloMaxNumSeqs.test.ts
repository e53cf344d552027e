/**
 * A latency SLO reaches the vLLM Deployment (issue 12): self-hosted-prod under mocks, once as shipped
 * and once with a tight selfHosted.slo.tpotMs. The rendered --max-num-seqs must drop to the batch the
 * capacity model found to be the largest that meets the SLO; without the SLO it stays the configured 256.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { MockRun, RecordedResource, StackFile, readStackFile, runStack } from "../../mockrun";
import { parseFlatConfig } from "../../config/stack";
import { estimateStack } from "../../config/scenario";
import { by, selfHostedProgram } from "./helpers";

/** Tight enough to bind on 8x A100 with Llama 3.3 70B BF16 (about 340 ms per token at the KV-cache batch), loose enough to keep TP4. */
const TPOT_MS = 200;

const shipped = readStackFile("self-hosted-prod");
const withSlo = (file: StackFile, tpotMs: number): StackFile => {
    const selfHosted = JSON.parse(String(file.config["llm-breakeven:selfHosted"])) as Record<string, unknown>;
    return { ...file, config: { ...file.config, "llm-breakeven:selfHosted": JSON.stringify({ ...selfHosted, slo: { tpotMs } }) } };
};

/** The flag's value in every vLLM Deployment of a run (one per GPU zone). */
function flagValues(run: MockRun, flag: string): string[] {
    return by(run.resources, "kubernetes:apps/v1:Deployment").map((d: RecordedResource) => {
        const args = (d.inputs as { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]!.args;
        const at = args.indexOf(flag);
        if (at < 0) throw new Error(`${d.name} renders no ${flag}`);
        return args[at + 1] as string;
    });
}

let plain: MockRun;
let tight: MockRun;

beforeAll(async () => {
    plain = await runStack(shipped, { program: selfHostedProgram });
    tight = await runStack(withSlo(shipped, TPOT_MS), { program: selfHostedProgram });
});

describe("selfHosted.slo.tpotMs and the rendered --max-num-seqs", () => {
    it("without an SLO every Deployment runs the configured --max-num-seqs 256", () => {
        expect(flagValues(plain, "--max-num-seqs")).toEqual(["256", "256"]);
    });

    it("a tight TPOT lowers --max-num-seqs to the capacity model's SLO batch, on the layout it chose", () => {
        const capacity = estimateStack(parseFlatConfig(withSlo(shipped, TPOT_MS).config)).capacity.perNode;
        // The SLO, not memory or --max-num-seqs, set the batch: the largest that meets TPOT <= 200 ms.
        expect(capacity.tpotMs).toBeLessThanOrEqual(TPOT_MS);
        expect(capacity.maxNumSeqs).toBe(capacity.batchPerReplica);
        expect(capacity.batchPerReplica).toBeLessThan(256);
        const rendered = flagValues(tight, "--max-num-seqs");
        expect(rendered).toEqual([String(capacity.maxNumSeqs), String(capacity.maxNumSeqs)]);
        expect(Number(rendered[0])).toBeLessThan(Number(flagValues(plain, "--max-num-seqs")[0]));
        expect(flagValues(tight, "--tensor-parallel-size")).toEqual([String(capacity.tensorParallelSize), String(capacity.tensorParallelSize)]);
    });
});
