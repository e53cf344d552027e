/**
 * What a test's self-hosted section needs beyond the schema's defaults: the default model source is
 * Hugging Face, which the schema accepts only with the CDN's address ranges (config/rules.ts). The
 * ranges are documentation addresses (RFC 5737): only their presence matters to these tests.
 */
export const HUGGING_FACE_EGRESS = { egressAllowedCidrs: ["192.0.2.0/24"] } as const;

/** A routing mix as the schema takes it, written tier by tier as [model, share]. */
export function routingMix(tiers: Readonly<Record<string, readonly [model: string, share: number]>>): { tier: string; model: string; share: number }[] {
    return Object.entries(tiers).map(([tier, [model, share]]) => ({ tier, model, share }));
}
