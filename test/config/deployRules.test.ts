/**
 * Issue 17: every rule config can break is the schema's, stated once, and the parse alone reports it
 * (no program run, no preflight): the secrets a config needs (presence only, from an explicit input),
 * the hybrid production endpoint, the root volume against the checkpoint, Hugging Face's egress ranges,
 * the provider budgets against the routing.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, SecretKey, parseFlatConfig, parseStackConfig, readFlatConfig, requiredSecrets, secretKeysIn } from "../../config/stack";
import { readStackFile } from "../../mockrun";
import { HUGGING_FACE_EGRESS } from "./fixtures";

const ALL_SECRETS: ReadonlySet<SecretKey> = new Set(["hfToken", "providerApiKeys", "vllmApiKey"]);
const NO_SECRETS: ReadonlySet<SecretKey> = new Set();
const S3 = { modelSource: { kind: "s3", bucket: "models-x" } };
/** A one-zone development stack (no redundancy): in-cluster it is allowed. */
const ONE_ZONE = { availabilityZones: 1, gpuZones: 1, redundancy: false };
const ROUTING = [{ tier: "simple", model: "self-hosted", share: 0.6 }, { tier: "complex", model: "openai/gpt-4o", share: 0.4 }];

const selfHosted = (section: Record<string, unknown>, environment = "production") =>
    ({ mode: "self-hosted", environment, workload: { tokensPerMonth: "30B", apiUsdPerMTok: 0.8 }, selfHosted: section });
const hybrid = (section: Record<string, unknown>, environment = "production") =>
    ({ mode: "hybrid", environment, workload: { tokensPerMonth: "10B", routing: ROUTING }, selfHosted: section, gateway: { budgets: { monthlyUsd: 50_000 } } });
const gateway = () => ({ mode: "gateway", environment: "dev", workload: { tokensPerMonth: "1B", routing: [{ tier: "simple", model: "groq/llama-3.1-8b", share: 1 }] }, gateway: { budgets: { monthlyUsd: 1000 } } });

function problemsOf(raw: Record<string, unknown>, secrets: ReadonlySet<SecretKey> | "unread"): readonly string[] {
    try {
        parseStackConfig(raw, secrets);
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
    }
    return [];
}

describe("the schema alone reports each rule the preflight used to hold", () => {
    it.each([
        ["Hugging Face without its token", selfHosted({ ...HUGGING_FACE_EGRESS }), new Set<SecretKey>(), "llm-breakeven:hfToken: is required when selfHosted.modelSource.kind is \"huggingface\": vLLM downloads the weights from Hugging Face (Llama models are gated); run `pulumi config set --secret llm-breakeven:hfToken hf_...`, or load from an in-region S3 mirror"],
        ["api-key auth without vLLM's key", selfHosted({ ...S3, endpoint: { allowedCidrs: ["10.60.0.0/16"] } }), new Set<SecretKey>(), "llm-breakeven:vllmApiKey: is required when selfHosted.endpoint.auth is \"api-key\": vLLM checks it on every /v1 request; run `pulumi config set --secret llm-breakeven:vllmApiKey \"$(openssl rand -hex 32)\"`"],
        ["a gateway without provider keys", gateway(), new Set<SecretKey>(), "llm-breakeven:providerApiKeys: is required: the gateway calls groq, openai; run `pulumi config set --secret --path llm-breakeven:providerApiKeys.<provider> <key>` for each"],
        ["hybrid production without an endpoint", hybrid({ ...S3 }), ALL_SECRETS, "llm-breakeven:selfHosted.endpoint: is required when mode is \"hybrid\" and environment is \"production\": the gateway reaches vLLM through it, and production refuses plain HTTP"],
        ["a root volume too small for the Hugging Face cache", selfHosted({ ...HUGGING_FACE_EGRESS, rootVolumeSizeGiB: 150 }), ALL_SECRETS, "llm-breakeven:selfHosted.rootVolumeSizeGiB: 150 GiB cannot hold the model cache (Llama 3.3 70B Instruct checkpoint 141 GB + the vLLM image + the OS, with 20% headroom); allowed: 214 or more"],
        // Not a preflight rule before: AWS refused the load balancer mid-deploy; now the schema names it.
        ["an endpoint in one zone", selfHosted({ ...S3, ...ONE_ZONE, endpoint: { allowedCidrs: ["10.60.0.0/16"] } }, "dev"), ALL_SECRETS, "llm-breakeven:selfHosted.availabilityZones: 1 zone cannot hold the endpoint's Application Load Balancer (it needs subnets in 2 zones); allowed: 2..6, or no selfHosted.endpoint (in-cluster only)"],
        // The LiteLLM renderer's rule until issue 17 (program/gateway.ts preflight): the schema's now, the renderer sharing its words.
        ["a provider budget for a provider the routing does not call", { ...gateway(), gateway: { budgets: { monthlyUsd: 1000, perProviderMonthlyUsd: { gemini: 10, groq: 5 } } } }, ALL_SECRETS, "llm-breakeven:gateway.budgets.perProviderMonthlyUsd.gemini: (10) names a provider the routing does not call; the routed providers are groq, openai: rename the key or remove it"],
        ["Hugging Face without its address ranges", selfHosted({}), ALL_SECRETS, "llm-breakeven:selfHosted.egressAllowedCidrs: [] leaves the serving namespace no route to the model source when selfHosted.modelSource.kind is \"huggingface\""],
    ])("%s", (_label, raw, secrets, expected) => {
        const problems = problemsOf(raw, secrets);
        expect(problems.filter((p) => p.startsWith(expected))).toHaveLength(1);
    });

    it("passes the same configs once the fix is made (the rejections above are not vacuous)", () => {
        expect(problemsOf(selfHosted({ ...HUGGING_FACE_EGRESS }), new Set<SecretKey>(["hfToken"]))).toEqual([]);
        expect(problemsOf(selfHosted({ ...S3, endpoint: { allowedCidrs: ["10.60.0.0/16"] } }), new Set<SecretKey>(["vllmApiKey"]))).toEqual([]);
        expect(problemsOf(gateway(), new Set<SecretKey>(["providerApiKeys"]))).toEqual([]);
        // openai is called for the semantic cache's embeddings, so its budget is allowed.
        expect(problemsOf({ ...gateway(), gateway: { budgets: { monthlyUsd: 1000, perProviderMonthlyUsd: { groq: 5, openai: 5 } } } }, ALL_SECRETS)).toEqual([]);
        expect(problemsOf(hybrid({ ...S3, endpoint: {} }), ALL_SECRETS)).toEqual([]);
        expect(problemsOf(hybrid({ ...S3 }, "dev"), ALL_SECRETS)).toEqual([]);
        // An S3 mirror streams into GPU memory: 150 GiB holds the image and the OS.
        expect(problemsOf(selfHosted({ ...S3, rootVolumeSizeGiB: 150 }), NO_SECRETS)).toEqual([]);
        expect(problemsOf(selfHosted({ ...HUGGING_FACE_EGRESS, rootVolumeSizeGiB: 214 }), ALL_SECRETS)).toEqual([]);
        expect(problemsOf(selfHosted({ ...S3, ...ONE_ZONE }, "dev"), ALL_SECRETS)).toEqual([]);
        expect(problemsOf(selfHosted({ ...S3, ...ONE_ZONE, availabilityZones: 2, endpoint: { allowedCidrs: ["10.60.0.0/16"] } }, "dev"), ALL_SECRETS)).toEqual([]);
    });

    it("lists the moved rules with the others, all at once, in one ConfigError", () => {
        const problems = problemsOf(selfHosted({ rootVolumeSizeGiB: 150, gpuZones: 1 }), NO_SECRETS);
        expect(problems.map((p) => p.split(":").slice(0, 2).join(":")).sort()).toEqual([
            "llm-breakeven:hfToken", "llm-breakeven:selfHosted.egressAllowedCidrs", "llm-breakeven:selfHosted.gpuZones", "llm-breakeven:selfHosted.rootVolumeSizeGiB",
        ]);
    });

    it("checks the secrets only when the caller says which are set: \"unread\" (estimate, usage) deploys nothing", () => {
        expect(problemsOf(selfHosted({ ...HUGGING_FACE_EGRESS }), "unread")).toEqual([]);
        expect(problemsOf(gateway(), "unread")).toEqual([]);
        // The other rules hold whatever the caller reads.
        expect(problemsOf(selfHosted({}), "unread")).toEqual([expect.stringMatching(/^llm-breakeven:selfHosted\.egressAllowedCidrs: \[\]/)]);
    });
});

describe("which secrets are set comes from the flat map the CLI hands the program and the pack", () => {
    const flat = (extra: Record<string, string>): Record<string, string> => ({
        "llm-breakeven:mode": "self-hosted",
        "llm-breakeven:workload": JSON.stringify({ tokensPerMonth: "30B", apiUsdPerMTok: 0.8 }),
        "llm-breakeven:selfHosted": JSON.stringify(HUGGING_FACE_EGRESS),
        ...extra,
    });

    it("reads presence only: the key, never the value", () => {
        expect([...secretKeysIn(flat({ "llm-breakeven:hfToken": "hf_secret", "other:hfToken": "x" }))]).toEqual(["hfToken"]);
        expect(JSON.stringify(parseFlatConfig(flat({ "llm-breakeven:hfToken": "hf_secret" })))).not.toContain("hf_secret");
    });

    it("the same rule for `pulumi up`, the pack (readFlatConfig) and the offline plan", () => {
        expect(() => parseFlatConfig(flat({}))).toThrow(/llm-breakeven:hfToken: is required/);
        const state = readFlatConfig(flat({}));
        expect(state.kind === "invalid" && state.problems).toEqual([expect.stringMatching(/^llm-breakeven:hfToken: is required/)]);
        expect(readFlatConfig(flat({}), "unread").kind).toBe("parsed");
    });

    it("the offline plan supplies placeholders for exactly the secrets the schema asks for", () => {
        for (const stack of ["self-hosted-prod", "hybrid-prod", "gateway-prod", "gateway-dev"]) {
            const file = readStackFile(stack);
            const config = parseFlatConfig(file.config);
            expect(file.secretKeys.map((k) => k.replace(/^llm-breakeven:/, "")).sort()).toEqual(requiredSecrets(config).map((s) => s.key).sort());
        }
    });
});
