/**
 * `llm-breakeven capacity`: what one node serves for one configuration, which replica layout and why,
 * and the step time term by term (cost/capacity.ts).
 *
 *   llm-breakeven capacity --gpu a100-80gb --gpus 8 --model llama-3.1-70b-instruct --precision fp8 \
 *       --engine vllm-0.5 --input-tokens 230 --output-tokens 200 --concurrency 320 --json
 */
import { Command } from "commander";
import { BYTES_PER_PARAMETER, GPUS, GpuId, OPEN_MODELS, Precision } from "../../cost/catalogue";
import { CapacityError, ENGINE_IDS, EngineId, NodeCapacity, nodeCapacity } from "../../cost/capacity";
import { formatWhole } from "../../cost/units";
import { UsageError } from "../errors";
import { boundedFlag } from "../flags";

interface CapacityOptions {
    readonly gpu?: string;
    readonly gpus?: string;
    readonly model?: string;
    readonly precision?: string;
    readonly tensorParallelSize?: string;
    readonly engine?: string;
    readonly inputTokens?: string;
    readonly outputTokens?: string;
    readonly concurrency?: string;
    readonly maxNumSeqs?: string;
    readonly tpotMs?: string;
    readonly ttftMs?: string;
    readonly json?: boolean;
}

export function registerCapacity(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("capacity")
        .description("What one GPU node serves for a model, precision, engine and workload shape, the layout that serves the most, and why.")
        .option("--gpu <id>", `GPU (${Object.keys(GPUS).join(", ")})`)
        .option("--gpus <n>", "GPUs per node (default 8)")
        .option("--model <id>", `open model (${[...OPEN_MODELS.keys()].join(", ")})`)
        .option("--precision <p>", `weights precision (${Object.keys(BYTES_PER_PARAMETER).join(", ")})`)
        .option("--tensor-parallel-size <n>", "GPUs per replica (default: the layout that serves the most within the SLO)")
        .option("--engine <generation>", `vLLM engine generation (${ENGINE_IDS.join(", ")}; default vllm-v1)`)
        .option("--input-tokens <n>", "mean prompt tokens per request")
        .option("--output-tokens <n>", "mean output tokens per request")
        .option("--concurrency <n>", "sequences in flight across the node (default: as many as the replicas hold)")
        .option("--max-num-seqs <n>", "vLLM --max-num-seqs per replica (default 256)")
        .option("--tpot-ms <ms>", "time-per-output-token target: the batch is the largest that meets it")
        .option("--ttft-ms <ms>", "time-to-first-token target (without queueing)")
        .option("--json", "print the result as JSON")
        .action((options: CapacityOptions) => {
            const result = capacityFromOptions(options);
            process.stdout.write(options.json === true ? `${JSON.stringify(capacityJson(result), null, 2)}\n` : renderCapacity(result));
            setExitCode(0);
        });
}

function required(flag: string, value: string | undefined, accepted: string): string {
    if (value === undefined) throw new UsageError(`${flag} is required; accepted: ${accepted}`);
    return value;
}

function wholeFlag(flag: string, text: string, min: number, max: number): number {
    const accepted = `a whole number from ${min} to ${max}`;
    const value = boundedFlag(flag, text, { min, minExclusive: false, max }, accepted);
    if (!Number.isInteger(value)) throw new UsageError(`${flag} ${text} is not a whole number; accepted: ${accepted}`);
    return value;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
    const match = allowed.find((a) => a === text);
    if (match === undefined) throw new UsageError(`${flag} "${text}" is not known; accepted: ${allowed.join(", ")}`);
    return match;
}

/** The node capacity the flags describe. Throws UsageError on a bad flag or a configuration that cannot serve. */
export function capacityFromOptions(options: CapacityOptions): NodeCapacity {
    const gpu = oneOf<GpuId>("--gpu", required("--gpu", options.gpu, Object.keys(GPUS).join(", ")), Object.keys(GPUS) as GpuId[]);
    const modelId = oneOf("--model", required("--model", options.model, [...OPEN_MODELS.keys()].join(", ")), [...OPEN_MODELS.keys()]);
    const model = OPEN_MODELS.get(modelId);
    if (model === undefined) throw new UsageError(`--model "${modelId}" is not known`);
    const precision = oneOf<Precision>("--precision", required("--precision", options.precision, Object.keys(BYTES_PER_PARAMETER).join(", ")), Object.keys(BYTES_PER_PARAMETER) as Precision[]);
    const inputTokens = wholeFlag("--input-tokens", required("--input-tokens", options.inputTokens, "a whole number of tokens"), 1, 1_000_000);
    const outputTokens = wholeFlag("--output-tokens", required("--output-tokens", options.outputTokens, "a whole number of tokens"), 1, 1_000_000);
    const engine: EngineId = options.engine !== undefined ? oneOf("--engine", options.engine, ENGINE_IDS) : "vllm-v1";
    const ms = (flag: string, text: string | undefined): number | undefined => (text === undefined ? undefined : boundedFlag(flag, text, { min: 0, minExclusive: true, max: 1e7 }, "milliseconds above 0"));
    const tpotMs = ms("--tpot-ms", options.tpotMs);
    const ttftMs = ms("--ttft-ms", options.ttftMs);
    try {
        return nodeCapacity({
            model, precision, gpu, engine, inputTokens, outputTokens, inputOutputRatio: inputTokens / outputTokens,
            gpusPerNode: options.gpus !== undefined ? wholeFlag("--gpus", options.gpus, 1, 64) : 8,
            ...(options.tensorParallelSize !== undefined ? { tensorParallelSize: wholeFlag("--tensor-parallel-size", options.tensorParallelSize, 1, 64) } : {}),
            ...(options.concurrency !== undefined ? { concurrency: wholeFlag("--concurrency", options.concurrency, 1, 1_000_000) } : {}),
            ...(options.maxNumSeqs !== undefined ? { maxNumSeqs: wholeFlag("--max-num-seqs", options.maxNumSeqs, 1, 4096) } : {}),
            ...(tpotMs !== undefined || ttftMs !== undefined ? { slo: { ...(tpotMs !== undefined ? { tpotMs } : {}), ...(ttftMs !== undefined ? { ttftMs } : {}) } } : {}),
        });
    } catch (error) {
        if (error instanceof CapacityError) throw new UsageError(`capacity: ${error.message}`);
        throw error;
    }
}

/** The JSON the command prints: per replica, per node, the layout and why, the step's terms. */
export function capacityJson(c: NodeCapacity): Record<string, unknown> {
    const t = c.terms;
    return {
        model: c.model, precision: c.precision, gpu: c.gpu, gpusPerNode: c.gpusPerNode, engine: c.engine, engineCalibration: c.engineCalibration,
        workload: { inputTokens: c.inputTokens, outputTokens: c.outputTokens },
        perReplica: { outputTokensPerSecond: t.outputTokensPerSecond, tpotMs: c.tpotMs, ttftMs: c.ttftMs, batch: c.batchPerReplica, maxNumSeqs: c.maxNumSeqs },
        perNode: { outputTokensPerSecond: c.outputTokensPerSecond, replicas: c.replicasPerNode, tokensPerMonth: c.tokensPerMonth },
        layout: { tensorParallelSize: c.tensorParallelSize, replicasPerNode: c.replicasPerNode, reason: c.layoutReason },
        stepTerms: {
            memoryMs: t.memoryMs, computeMs: t.computeMs, bound: t.bound, allReduceMs: t.allReduceMs, engineOverheadMs: t.engineOverheadMs,
            decodeStepMs: t.decodeStepMs, prefillMsPerOutputToken: t.prefillMsPerOutputToken,
        },
        layouts: c.layouts.map((l) => ({
            tensorParallelSize: l.tensorParallelSize, replicasPerNode: l.replicasPerNode, fits: l.fits, batch: l.batchPerReplica, batchReason: l.batchReason,
            outputTokensPerSecond: l.outputTokensPerSecond, tpotMs: l.tpotMs, decodeStepMs: l.decodeStepMs,
        })),
        assumptions: c.assumptions,
    };
}

function renderCapacity(c: NodeCapacity): string {
    const t = c.terms;
    return [
        `${c.model} at ${c.precision} on ${c.gpusPerNode}x ${GPUS[c.gpu].label}, ${c.engine}, ${formatWhole(c.inputTokens)} in / ${formatWhole(c.outputTokens)} out per request`,
        `layout      ${c.layoutReason}`,
        `per replica ${formatWhole(t.outputTokensPerSecond)} output tok/s at batch ${c.batchPerReplica}, TPOT ${c.tpotMs.toFixed(1)} ms, TTFT ${c.ttftMs.toFixed(0)} ms`,
        `per node    ${formatWhole(c.outputTokensPerSecond)} output tok/s (${c.replicasPerNode} replica${c.replicasPerNode === 1 ? "" : "s"})`,
        `step        ${t.decodeStepMs.toFixed(1)} ms = max(memory ${t.memoryMs.toFixed(1)}, compute ${t.computeMs.toFixed(1)}) + all-reduce ${t.allReduceMs.toFixed(1)} + engine ${t.engineOverheadMs.toFixed(1)}; prefill ${t.prefillMsPerOutputToken.toFixed(2)} ms per output token`,
        `engine      ${c.engineCalibration.statement}`,
        "",
    ].join("\n");
}
