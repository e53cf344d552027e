/**
 * Reads the stack's config from the Pulumi runtime, once, for index.ts: the plain values through the
 * zod schema, the secrets as Pulumi secrets (they never leave an Output).
 */
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, SECRET_KEYS, StackConfig, parseFlatConfig } from "./stack";

export interface StackSecrets {
    /** Hugging Face token for gated models (`pulumi config set --secret llm-breakeven:hfToken hf_...`). */
    readonly hfToken: pulumi.Output<string> | undefined;
    /** Provider API keys, provider name -> key (`pulumi config set --secret --path llm-breakeven:providerApiKeys.openai sk-...`). */
    readonly providerApiKeys: pulumi.Output<Record<string, string>> | undefined;
    /** vLLM's bearer key for the self-hosted endpoint (`pulumi config set --secret llm-breakeven:vllmApiKey "$(openssl rand -hex 32)"`). */
    readonly vllmApiKey?: pulumi.Output<string> | undefined;
}

/** Parses every `llm-breakeven:*` key; unknown keys (typos) are reported with the rest. */
export function loadStackConfig(): StackConfig {
    return parseFlatConfig(pulumi.runtime.allConfig());
}

export function loadStackSecrets(): StackSecrets {
    const config = new pulumi.Config(NAMESPACE);
    return {
        hfToken: config.getSecret(SECRET_KEYS.hfToken),
        providerApiKeys: config.getSecretObject<Record<string, string>>(SECRET_KEYS.providerApiKeys),
        vllmApiKey: config.getSecret(SECRET_KEYS.vllmApiKey),
    };
}
