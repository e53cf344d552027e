/**
 * Reads the stack's config from the Pulumi runtime, once, for index.ts: the plain values through the
 * zod schema, the secrets as Pulumi secrets (they never leave an Output).
 */
import * as pulumi from "@pulumi/pulumi";
import { NAMESPACE, SECRET_KEYS, StackConfig, parseFlatConfig, requiredSecrets, secretKeysIn } from "./stack";

export interface StackSecrets {
    /** Hugging Face token for gated models (`pulumi config set --secret llm-breakeven:hfToken hf_...`). */
    readonly hfToken: pulumi.Output<string> | undefined;
    /** Provider API keys, provider name -> key (`pulumi config set --secret --path llm-breakeven:providerApiKeys.openai sk-...`). */
    readonly providerApiKeys: pulumi.Output<Record<string, string>> | undefined;
    /** vLLM's bearer key for the self-hosted endpoint (`pulumi config set --secret llm-breakeven:vllmApiKey "$(openssl rand -hex 32)"`). */
    readonly vllmApiKey?: pulumi.Output<string> | undefined;
}

/**
 * Parses every `llm-breakeven:*` key; unknown keys (typos) are reported with the rest. The CLI hands
 * the program its secrets in the same map (decrypted): the schema sees which are set, never a value.
 */
export function loadStackConfig(): StackConfig {
    const flat = pulumi.runtime.allConfig();
    return parseFlatConfig(flat, secretKeysIn(flat));
}

export function loadStackSecrets(): StackSecrets {
    const config = new pulumi.Config(NAMESPACE);
    return {
        hfToken: config.getSecret(SECRET_KEYS.hfToken),
        providerApiKeys: config.getSecretObject<Record<string, string>>(SECRET_KEYS.providerApiKeys),
        vllmApiKey: config.getSecret(SECRET_KEYS.vllmApiKey),
    };
}

/**
 * The secrets the schema found set (rules.ts requiredSecrets) are the ones the program got: a config
 * parsed without them, or with another stack's, did not come through loadStackConfig. An invariant of
 * the program (the config rule is the schema's), so a plain Error.
 */
export function requireSecretsRead(config: StackConfig, secrets: StackSecrets): void {
    const missing = requiredSecrets(config).filter((s) => secrets[s.key] === undefined).map((s) => `${NAMESPACE}:${s.key}`);
    if (missing.length > 0) throw new Error(`${missing.join(", ")} unset, but the config passed the schema with ${missing.length > 1 ? "them" : "it"} set; parse the config and read the secrets from the same stack (config/pulumi.ts)`);
}
