/**
 * The project's measured kernel ceilings (docs/sources.md §6): one TP8 shard of Llama 3.3 70B BF16 on
 * one GPU, CUDA graph, no all-reduce, scheduler or sampling. A capacity prediction above them is a bug.
 */
import { GpuId, OPEN_MODELS } from "../catalogue";
import { CapacityParameters, ReplicaInput, stepTerms } from "./replica";

export interface KernelCeiling {
    readonly gpu: GpuId;
    /** Node ceiling, output tok/s, at batch 64 / 128 / 256 and 2,048 tokens of context. */
    readonly decodeTokensPerSecond: Readonly<Record<64 | 128 | 256, number>>;
    /** Prefill ceiling per node, tok/s, the highest of the 512-2,048-token prompts. */
    readonly prefillTokensPerSecond: number;
}

export const KERNEL_CEILINGS_MEASURED: readonly KernelCeiling[] = [
    { gpu: "h100-80gb", decodeTokensPerSecond: { 64: 6100, 128: 10400, 256: 14800 }, prefillTokensPerSecond: 18800 },
    { gpu: "h200-141gb", decodeTokensPerSecond: { 64: 7700, 128: 13100, 256: 18200 }, prefillTokensPerSecond: 16700 },
];

export interface CeilingCheck {
    readonly what: string;
    readonly ceiling: number;
    /** The model's kernel terms alone (no all-reduce, no engine), as the measurement ran. */
    readonly kernelOnly: number;
    /** The model's full prediction (all terms). */
    readonly predicted: number;
}

/** The model against each measured ceiling, on the measurement's own setup (TP8 Llama 3.3 70B BF16, context 2,048). */
export function ceilingChecks(params: CapacityParameters): CeilingCheck[] {
    const model = OPEN_MODELS.get("llama-3.3-70b-instruct");
    if (model === undefined) throw new Error("catalogue: llama-3.3-70b-instruct is missing (the kernel ceilings were measured on it)");
    return KERNEL_CEILINGS_MEASURED.flatMap((ceiling) => {
        // Context 2,048 per sequence: a 2,048-token prompt and one output token (input + half the output ~ 2,048).
        const input: ReplicaInput = {
            model, precision: "bf16", gpu: ceiling.gpu, tensorParallelSize: 8, engine: "vllm-v1", inputTokens: 2048, outputTokens: 1, maxNumSeqs: 256, gpuMemoryUtilization: 0.9,
        };
        const decode = ([64, 128, 256] as const).map((batch): CeilingCheck => {
            const t = stepTerms(input, params, batch);
            return { what: `${ceiling.gpu} decode, batch ${batch}`, ceiling: ceiling.decodeTokensPerSecond[batch], kernelOnly: batch / (Math.max(t.memoryMs, t.computeMs) / 1e3), predicted: batch / (t.decodeStepMs / 1e3) };
        });
        const prefillPerToken = stepTerms({ ...input, outputTokens: 2048 }, params, 1).prefillMsPerOutputToken / 1e3;
        return [...decode, { what: `${ceiling.gpu} prefill per node`, ceiling: ceiling.prefillTokensPerSecond, kernelOnly: 1 / prefillPerToken, predicted: 1 / prefillPerToken }];
    });
}
