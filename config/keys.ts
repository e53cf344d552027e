/** The stack config's names: its namespace, its top-level keys and its secret keys (schema.ts and errors.ts share them). */

export const NAMESPACE = "llm-breakeven";

/** Secret config keys (set with `pulumi config set --secret`). */
export const SECRET_KEYS = {
    hfToken: "hfToken",
    providerApiKeys: "providerApiKeys",
    /** vLLM's bearer key for the self-hosted endpoint (selfHosted.endpoint.auth api-key). */
    vllmApiKey: "vllmApiKey",
} as const;

/** The config keys the schema knows, for spotting typos in `llm-breakeven:*`. */
export const CONFIG_KEYS = ["mode", "environment", "region", "workload", "selfHosted", "gateway", "overhead", "exemption"] as const;

export type SecretKey = (typeof SECRET_KEYS)[keyof typeof SECRET_KEYS];

/**
 * Which secrets the stack sets, for the rules that need one (config/rules.ts requiredSecrets): their
 * keys only, never a value (config/pulumi.ts reads the values, as Pulumi secrets). A flat config map
 * carries them (secretKeysIn): `pulumi up` and the policy pack get the stack's config with its
 * secrets, the offline plan its placeholders. "unread": the caller deploys nothing and reads no
 * secret (`estimate` and `usage` price a stack file), so those rules are not checked.
 */
export type SecretsPresent = ReadonlySet<SecretKey> | "unread";

/** The secret keys a flat config map (`llm-breakeven:hfToken` -> value) sets. */
export function secretKeysIn(flat: Readonly<Record<string, string>>): ReadonlySet<SecretKey> {
    return new Set(Object.values(SECRET_KEYS).filter((key) => `${NAMESPACE}:${key}` in flat));
}
