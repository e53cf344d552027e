import { BYTES_PER_PARAMETER, GPUS, GpuId, OpenModel, Precision } from "./catalogue";
import { kvBytesPerTokenOf } from "./capacity/terms";

/** Weight bytes of a model at a precision, in GB (1e9 bytes). */
export function weightsGB(model: OpenModel, precision: Precision): number {
    return (model.parameters * BYTES_PER_PARAMETER[precision]) / 1e9;
}

/**
 * KV-cache bytes one token occupies (K and V, every layer). BF16 whatever the weights: vLLM's
 * --kv-cache-dtype defaults to "auto", the model's activation dtype ("If auto, will use model data type": CacheConfig.cache_dtype, vllm/config/cache.py), and the
 * stacks do not set it, so FP8 weights still keep a BF16 cache.
 */
export function kvBytesPerToken(model: OpenModel, _precision: Precision): number {
    return kvBytesPerTokenOf(model.layers, model.kvHeads, model.headDim, KV_CACHE_BYTES_PER_VALUE);
}

/** BF16 KV cache (see kvBytesPerToken). */
export const KV_CACHE_BYTES_PER_VALUE = 2;

export interface FitInput {
    readonly model: OpenModel;
    readonly precision: Precision;
    readonly gpu: GpuId;
    /** GPUs one replica spans (tensor parallel x pipeline parallel). */
    readonly gpusPerReplica: number;
    /** Share of GPU memory vLLM may use (its --gpu-memory-utilization). */
    readonly gpuMemoryUtilization: number;
}

export interface Fit {
    readonly weightsGB: number;
    readonly usableGB: number;
    /** Memory left for the KV cache after the weights and a runtime reserve. */
    readonly kvCacheGB: number;
    readonly fits: boolean;
}

/**
 * Activations, CUDA graphs and the NCCL buffers take about 2 GB per GPU in vLLM besides weights
 * and KV cache; a replica with less than 10% of its usable memory left for KV serves almost nothing.
 */
const RUNTIME_RESERVE_GB_PER_GPU = 2;
const MIN_KV_SHARE = 0.1;

export function fitModel(input: FitInput): Fit {
    const gpu = GPUS[input.gpu];
    const usableGB = gpu.memoryGB * input.gpuMemoryUtilization * input.gpusPerReplica;
    const weights = weightsGB(input.model, input.precision);
    const kvCacheGB = usableGB - weights - RUNTIME_RESERVE_GB_PER_GPU * input.gpusPerReplica;
    return { weightsGB: weights, usableGB, kvCacheGB, fits: kvCacheGB >= MIN_KV_SHARE * usableGB };
}

/** The smallest power-of-two tensor-parallel size (up to the node's GPUs) at which the model fits, if any. */
export function smallestFittingTensorParallel(input: Omit<FitInput, "gpusPerReplica"> & { readonly gpusPerNode: number }): number | undefined {
    for (let tp = 1; tp <= input.gpusPerNode; tp *= 2) {
        if (input.gpusPerNode % tp === 0 && fitModel({ ...input, gpusPerReplica: tp }).fits) return tp;
    }
    return undefined;
}

/** The vllm/vllm-openai image, ~16.5 GB unpacked (docs/sources.md §6), cached on the node's root volume too. */
export const VLLM_IMAGE_GIB = 16;
/** The AL2023 AMI, kubelet images, logs. */
export const NODE_BASE_GIB = 30;

/**
 * GB a replica downloads: vLLM's dynamic FP8 quantizes BF16 weights on load, so an FP8 stack still
 * pulls (and caches) the BF16 checkpoint.
 */
export function checkpointGB(model: OpenModel, precision: Precision): number {
    return weightsGB(model, precision === "fp8" ? "bf16" : precision);
}

/**
 * Root volume a GPU node needs: the base, the image and (Hugging Face only: an S3 mirror is streamed
 * into GPU memory, never written to disk) one copy of the checkpoint, with 20% headroom. The stack
 * schema holds the config to it (config/rules.ts).
 */
export function rootVolumeNeededGiB(model: OpenModel, precision: Precision, source: "s3" | "huggingface"): number {
    const checkpointGiB = source === "huggingface" ? (checkpointGB(model, precision) * 1e9) / 2 ** 30 : 0;
    return Math.ceil((NODE_BASE_GIB + VLLM_IMAGE_GIB + checkpointGiB) * 1.2);
}
