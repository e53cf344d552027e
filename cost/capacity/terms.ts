/**
 * The terms of a vLLM step, each a small pure function in SI units (bytes, FLOP, seconds), each
 * testable on its own. A decode step of a replica spanning `tp` GPUs at batch `b`:
 *
 *   step = max(bytes moved / achieved HBM bandwidth, FLOPs / achieved tensor rate)
 *        + tensor-parallel all-reduce (two per layer)
 *        + engine overhead (per step + per sequence)
 *
 * and chunked prefill shares the steps: every output token also pays for input/output prompt tokens
 * of compute. docs/sources.md §6 has the figures.
 */

/** Mean tokens a running sequence holds in the KV cache: its prompt plus, on average, half its output. */
export function contextTokensPerSequence(inputTokens: number, outputTokens: number): number {
    return inputTokens + outputTokens / 2;
}

/** KV-cache bytes one token occupies: K and V for every layer and KV head. */
export function kvBytesPerTokenOf(layers: number, kvHeads: number, headDim: number, bytesPerValue: number): number {
    return 2 * layers * kvHeads * headDim * bytesPerValue;
}

/** How many sequences of `contextTokens` the KV cache holds (0 when it holds none). */
export function kvBatchLimit(kvCacheBytes: number, contextTokens: number, kvBytesPerToken: number): number {
    if (!(kvCacheBytes > 0)) return 0;
    return Math.floor(kvCacheBytes / (contextTokens * kvBytesPerToken));
}

/** Bytes one GPU reads per decode step: its shard of the weights and of the batch's KV cache. */
export function decodeBytesPerGpu(weightBytes: number, batch: number, contextTokens: number, kvBytesPerToken: number, tp: number): number {
    return (weightBytes + batch * contextTokens * kvBytesPerToken) / tp;
}

/** Memory time of a step: bytes over the achieved share of the GPU's HBM bandwidth. */
export function memorySeconds(bytesPerGpu: number, hbmBytesPerSecond: number, bandwidthEfficiency: number): number {
    return bytesPerGpu / (hbmBytesPerSecond * bandwidthEfficiency);
}

/** FLOPs per GPU for `tokens` tokens through the model's matrices (2 x parameters per token). */
export function matmulFlopsPerGpu(parameters: number, tokens: number, tp: number): number {
    return (2 * parameters * tokens) / tp;
}

/** Compute time: FLOPs over the achieved share of the tensor rate. */
export function computeSeconds(flopsPerGpu: number, flopsPerSecond: number, computeEfficiency: number): number {
    return flopsPerGpu / (flopsPerSecond * computeEfficiency);
}

/**
 * Tensor parallelism all-reduces the activations twice per layer (after attention and after the MLP).
 * Each is a latency plus a ring all-reduce of batch x hidden x 2 bytes (BF16 activations): every GPU
 * sends and receives 2(tp-1)/tp of the message over its link. None on one GPU.
 */
export function allReduceSeconds(input: {
    readonly tp: number;
    readonly layers: number;
    readonly batch: number;
    readonly hiddenSize: number;
    readonly latencySeconds: number;
    readonly linkBytesPerSecond: number;
}): number {
    if (input.tp <= 1) return 0;
    const messageBytes = input.batch * input.hiddenSize * 2;
    const oneAllReduce = input.latencySeconds + ((2 * (input.tp - 1)) / input.tp) * (messageBytes / input.linkBytesPerSecond);
    return 2 * input.layers * oneAllReduce;
}

/** The engine's own time per step: scheduling, sampling and output processing, some per step and some per sequence. */
export function engineOverheadSeconds(perStepSeconds: number, perSequenceSeconds: number, batch: number): number {
    return perStepSeconds + perSequenceSeconds * batch;
}

/** Prefill is compute-bound: seconds of the replica's tensor cores per prompt token. */
export function prefillSecondsPerToken(parameters: number, tp: number, flopsPerSecond: number, computeEfficiency: number): number {
    return computeSeconds(matmulFlopsPerGpu(parameters, 1, tp), flopsPerSecond, computeEfficiency);
}
