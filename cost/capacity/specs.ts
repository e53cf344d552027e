/**
 * The hardware and engine facts the capacity model needs beyond the catalogue's GPU rows: the
 * interconnect tensor parallelism talks over, the FP8 tensor rate, each model's hidden size (the
 * all-reduce message), and the vLLM engine generations. Each with where it was read
 * (docs/sources.md §6). The calibration measurements live in cost/data/vllm-runs.json.
 */
import { GpuId, Precision, Provenance } from "../catalogue";

const DATASHEET = (gpu: string): Provenance => ({ source: `NVIDIA ${gpu} datasheet (docs/sources.md §6)`, region: "global", date: "2024" });

export interface GpuLink {
    readonly kind: "nvlink3" | "nvlink4" | "pcie4";
    /** Per GPU, one direction: the datasheet's bidirectional figure halved (a ring all-reduce sends and receives at once). */
    readonly gbPerSecondOneWay: number;
    /** The datasheet figure, for messages. */
    readonly label: string;
}

/**
 * The engine's per-step work (scheduling, sampling, output processing) runs on the host CPU and in small
 * GPU kernels, so it differs by platform: the measured A100 nodes took about twice the H100 nodes'
 * engine time at the same batch (cost/data/vllm-runs.json, Llama 3.1 8B rows). One fitted factor per
 * era; GPUs without runs take their era's (A10G hosts are A100-era, L40S and H200 hosts H100-era).
 */
export type PlatformEra = "ampere" | "hopper";

export interface GpuComputeSpec {
    readonly link: GpuLink;
    readonly era: PlatformEra;
    /**
     * HBM bandwidth the project's kernel measurement reached (docs/sources.md §6: a TP8 shard of Llama 3.3
     * 70B, batch 64-256, context 2048, no all-reduce or scheduler): the lowest of its points, bytes per
     * step over step time, rounded down. No prediction may move bytes faster.
     */
    readonly measuredKernelTBps?: number;
    /**
     * BF16 tensor rate the same measurement's prefill reached per GPU: the node's highest prefill figure
     * (H100 18,800, H200 16,700 tok/s) x 141.2 GFLOP per token / 8 GPUs, rounded down. No BF16 prediction may compute faster.
     */
    readonly measuredKernelBf16Tflops?: number;
    /** Dense FP8 tensor rate; absent on GPUs without FP8 units (A100, A10G), where vLLM runs FP8 weight-only. */
    readonly fp8Tflops?: number;
    readonly provenance: Provenance;
}

const NVLINK3: GpuLink = { kind: "nvlink3", gbPerSecondOneWay: 300, label: "NVLink 3, 600 GB/s per GPU" };
const NVLINK4: GpuLink = { kind: "nvlink4", gbPerSecondOneWay: 450, label: "NVLink 4, 900 GB/s per GPU" };
const PCIE4: GpuLink = { kind: "pcie4", gbPerSecondOneWay: 32, label: "PCIe Gen4 x16, 64 GB/s" };

export const GPU_COMPUTE: Readonly<Record<GpuId, GpuComputeSpec>> = {
    "a100-40gb": { link: NVLINK3, era: "ampere", provenance: DATASHEET("A100 (SXM4)") },
    "a100-80gb": { link: NVLINK3, era: "ampere", provenance: DATASHEET("A100 (SXM4)") },
    "h100-80gb": { link: NVLINK4, era: "hopper", measuredKernelTBps: 2.19, measuredKernelBf16Tflops: 331.8, fp8Tflops: 1979, provenance: DATASHEET("H100 SXM") },
    "h200-141gb": { link: NVLINK4, era: "hopper", measuredKernelTBps: 2.76, measuredKernelBf16Tflops: 294.7, fp8Tflops: 1979, provenance: DATASHEET("H200 SXM") },
    "l40s-48gb": { link: PCIE4, era: "hopper", fp8Tflops: 733, provenance: DATASHEET("L40S") },
    "a10g-24gb": { link: PCIE4, era: "ampere", provenance: DATASHEET("A10") },
};

/** Hidden size (the all-reduce carries one activation row of it per sequence), from each model's config.json. */
export const MODEL_HIDDEN_SIZE: Readonly<Record<string, number>> = {
    "llama-3.3-70b-instruct": 8192,
    "llama-3.1-70b-instruct": 8192,
    "llama-3.1-8b-instruct": 4096,
};

export function hiddenSize(modelId: string): number {
    const hidden = MODEL_HIDDEN_SIZE[modelId];
    if (hidden === undefined) throw new Error(`capacity: no hidden size for model "${modelId}"; add it to MODEL_HIDDEN_SIZE in cost/capacity/specs.ts from its config.json`);
    return hidden;
}

/**
 * What the tensor cores run for a precision: FP8 weights use FP8 tensor cores (W8A8) where the GPU has
 * them; elsewhere vLLM dequantizes them in the FP8 Marlin kernel and computes in BF16 (W8A16: "for GPUs
 * that lack FP8 hardware support, we can leverage the Marlin kernel for fast weight-only FP8
 * quantization", vllm/model_executor/layers/quantization/utils/marlin_utils_fp8.py). So FP8 on an
 * A100 halves the bytes each step moves but not the FLOP time.
 */
export function tensorTflops(gpu: { readonly bf16Tflops: number }, compute: GpuComputeSpec, precision: Precision): number {
    return precision === "fp8" && compute.fp8Tflops !== undefined ? compute.fp8Tflops : gpu.bf16Tflops;
}

// ---------------------------------------------------------------------------------------------
// Engine generations
// ---------------------------------------------------------------------------------------------

export type EngineId = "vllm-0.5" | "vllm-0.6" | "vllm-v1";
export const ENGINE_IDS: readonly EngineId[] = ["vllm-0.5", "vllm-0.6", "vllm-v1"];

export interface EngineGeneration {
    readonly id: EngineId;
    readonly label: string;
    /** The generation whose fitted overheads this one uses when it has no runs of its own. */
    readonly borrowsFrom?: EngineId;
    readonly why: string;
}

export const ENGINE_GENERATIONS: Readonly<Record<EngineId, EngineGeneration>> = {
    "vllm-0.5": {
        id: "vllm-0.5", label: "vLLM 0.5.x",
        why: "one scheduler pass, sampling and detokenisation on the CPU between every GPU step (the vLLM v0.6.0 blog measured the GPU idle a large share of each step)",
    },
    "vllm-0.6": {
        id: "vllm-0.6", label: "vLLM 0.6-0.7 (V0 engine, multi-step scheduling)",
        why: "--num-scheduler-steps schedules once for several steps and overlaps output processing, so the per-step CPU cost shrinks",
    },
    "vllm-v1": {
        id: "vllm-v1", label: "vLLM >= 0.8 (V1 engine)",
        borrowsFrom: "vllm-0.6",
        why: "the V1 engine (default from 0.8.0) runs the scheduler in its own process and overlaps it with the GPU; too few published V1 runs state everything a fit needs (one, long-context and memory-bound, is kept as a check; docs/sources.md §20 lists the rest and what each lacks), so it uses the vllm-0.6 overheads",
    },
};

/** Whether a generation's overheads were fitted to runs of its own, in one line (the capacity command prints it). */
export function engineCalibration(engine: EngineId): { readonly fitted: boolean; readonly statement: string } {
    const generation = ENGINE_GENERATIONS[engine];
    if (generation.borrowsFrom === undefined) {
        return { fitted: true, statement: `${generation.label}: overheads fitted to runs of this generation (cost/data/vllm-runs.json; npm run bench:capacity prints the error)` };
    }
    return {
        fitted: false,
        statement: `${generation.label}: overheads NOT fitted to ${engine} runs (too few published); borrowed from ${generation.borrowsFrom}. `
            + `The published ${engine} runs in cost/data/vllm-runs.json are checks the fit never sees; npm run bench:capacity prints how far the borrowed overheads miss them`,
    };
}

/**
 * The generation of a pinned vllm/vllm-openai image: v0.5.x, v0.6-0.7 (V0 with multi-step), >= 0.8 (V1
 * by default). A digest pin carries no version: it is read as V1, the engine of every image since
 * 0.8.0, and the capacity assumptions say so.
 */
export function engineForImage(image: string): { readonly engine: EngineId; readonly basis: string } {
    const match = /:v?(\d+)\.(\d+)\.(\d+)$/.exec(image);
    if (match === null) return { engine: "vllm-v1", basis: `${image} is pinned by digest, so its version is unknown: read as the V1 engine (every vLLM since 0.8.0)` };
    const major = Number(match[1]);
    const minor = Number(match[2]);
    if (major > 0 || minor >= 8) return { engine: "vllm-v1", basis: `${image}: vLLM >= 0.8 runs the V1 engine` };
    if (minor >= 6) return { engine: "vllm-0.6", basis: `${image}: vLLM 0.6-0.7 (V0 engine, multi-step scheduling)` };
    if (minor === 5) return { engine: "vllm-0.5", basis: `${image}: vLLM 0.5.x` };
    throw new Error(`capacity: ${image} is older than vLLM 0.5, which the capacity model has no runs for; pin vllm/vllm-openai:v0.5.4 or later`);
}
