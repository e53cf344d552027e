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
