import { describe, expect, it } from "vitest";
import { ConfigError, parseFlatConfig, parseStackConfig, readFlatConfig, selfHostedSchema } from "../../config/stack";
import { HUGGING_FACE_EGRESS } from "./fixtures";

/** A self-hosted config; on the default source (Hugging Face) with its ranges unless the case names a source. */
const selfHosted = (overrides: Record<string, unknown> = {}) => ({
    mode: "self-hosted",
    workload: { tokensPerMonth: "30B", apiUsdPerMTok: 0.8 },
    selfHosted: "modelSource" in overrides ? overrides : { ...HUGGING_FACE_EGRESS, ...overrides },
});

/** The schema's rules without the secrets' (config/rules.ts requiredSecrets: test/config/deployRules.test.ts). */
function problemsOf(raw: Record<string, unknown>): readonly string[] {
    try {
        parseStackConfig(raw, "unread");
    } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).problems;
    }
    throw new Error("expected the config to be rejected");
}

describe("stack config", () => {
    it("applies the documented defaults", () => {
        const config = parseStackConfig(selfHosted(), "unread");
        expect(config.environment).toBe("production");
        expect(config.workload).toMatchObject({ tokensPerMonth: 30e9, inputOutputRatio: 3, peakToAverage: 2, cacheHitRate: 0 });
        expect(config.selfHosted).toMatchObject({ instanceType: "p4de.24xlarge", model: "llama-3.3-70b-instruct", precision: "bf16", gpuZones: 2, nodesPerZone: 1, availabilityZones: 3 });
        expect(config.overhead).toEqual({ engineeringMonthlyUsd: 3500, monitoringMonthlyUsd: 200, storageNetworkEgressMonthlyUsd: 400 });
        // Backwards compatible: without a model source, vLLM pulls from Hugging Face as before.
        expect(config.selfHosted?.modelSource).toEqual({ kind: "huggingface" });
        expect(selfHostedSchema.parse({}).egressAllowedCidrs).toEqual([]);
    });

    it("reads an S3 mirror; its prefix may be left to default to the model's Hugging Face id", () => {
        expect(parseStackConfig(selfHosted({ modelSource: { kind: "s3", bucket: "models-x", prefix: "meta-llama/Llama-3.3-70B-Instruct" } }), "unread").selfHosted?.modelSource)
            .toEqual({ kind: "s3", bucket: "models-x", prefix: "meta-llama/Llama-3.3-70B-Instruct" });
        expect(parseStackConfig(selfHosted({ modelSource: { kind: "s3", bucket: "models-x" } }), "unread").selfHosted?.modelSource).toEqual({ kind: "s3", bucket: "models-x" });
    });

    it.each([
        ["500M", 500e6],
        ["24.9B", 24.9e9],
        ["5e8", 5e8],
        [750000, 750000],
    ])("accepts the token count %s", (tokens, expected) => {
        expect(parseStackConfig({ ...selfHosted(), workload: { tokensPerMonth: tokens, apiUsdPerMTok: 1 } }, "unread").workload.tokensPerMonth).toBe(expected);
    });

    it.each([
        ["an unknown instance type", { instanceType: "p9.48xlarge" }, "llm-breakeven:selfHosted.instanceType: \"p9.48xlarge\" is not a GPU instance type"],
        ["one zone with redundancy on", { gpuZones: 1 }, "llm-breakeven:selfHosted.gpuZones: 1 zone cannot be redundant"],
        ["a model that does not fit", { instanceType: "p4d.24xlarge", tensorParallelSize: 2 }, "llm-breakeven:selfHosted.tensorParallelSize: Llama 3.3 70B Instruct at bf16 needs 141 GB"],
        // Only remedies the stack can take: a TP the node has room for, a precision vLLM serves (never int4).
        ["a model that does not fit, with the remedies", { instanceType: "p4d.24xlarge", tensorParallelSize: 2 }, "llm-breakeven:selfHosted.tensorParallelSize: Llama 3.3 70B Instruct at bf16 needs 141 GB of weights plus KV cache, but 2x A100 40GB at 0.9 utilisation give 72 GB: use a larger tensorParallelSize (up to 8), or a lower precision (fp8), or a larger-memory instance type (p4de.24xlarge)"],
        ["zero nodes", { nodesPerZone: 0 }, "llm-breakeven:selfHosted.nodesPerZone: 0 GPU nodes per zone serves nothing"],
        // The engine estimates int4; a stack cannot deploy it, so the schema (plan, pack, estimate --stack) refuses it.
        ["a precision vLLM cannot serve", { precision: "int4" }, "llm-breakeven:selfHosted.precision: \"int4\" cannot be served: it needs a pre-quantized (GPTQ/AWQ) checkpoint, which the catalogue does not name; allowed: bf16, fp16, fp8"],
        ["a TP size that does not divide the GPUs", { tensorParallelSize: 3 }, "llm-breakeven:selfHosted.tensorParallelSize: 3 does not divide the 8 GPUs of p4de.24xlarge; allowed: 1, 2, 4, 8"],
        ["a typo", { instanceTyp: "p4de.24xlarge" }, "llm-breakeven:selfHosted: unknown key \"instanceTyp\""],
        ["an unknown model source", { modelSource: { kind: "gcs" } }, "llm-breakeven:selfHosted.modelSource.kind: Invalid discriminator value. Expected 's3' | 'huggingface' (got \"gcs\")"],
        ["an S3 mirror without a bucket", { modelSource: { kind: "s3" } }, "llm-breakeven:selfHosted.modelSource.bucket: is required when kind is \"s3\""],
        ["a bucket name with dots", { modelSource: { kind: "s3", bucket: "models.example.com" } }, "llm-breakeven:selfHosted.modelSource.bucket: must be an S3 bucket name"],
        ["a prefix with a leading slash", { modelSource: { kind: "s3", bucket: "models-x", prefix: "/llama" } }, "llm-breakeven:selfHosted.modelSource.prefix: must be a key prefix without s3://"],
        ["a bucket key on Hugging Face", { modelSource: { kind: "huggingface", bucket: "models-x" } }, "llm-breakeven:selfHosted.modelSource: unknown key \"bucket\""],
        ["hand-typed ranges beside an S3 mirror", { modelSource: { kind: "s3", bucket: "models-x" }, egressAllowedCidrs: ["52.216.0.0/15"] }, "llm-breakeven:selfHosted.egressAllowedCidrs: [\"52.216.0.0/15\"] must be empty when selfHosted.modelSource.kind is \"s3\""],
        // Issue 17: the network rules are the schema's, stated once (the program no longer restates them).
        ["a VPC too small for the node subnets", { vpcCidr: "10.40.0.0/22" }, "llm-breakeven:selfHosted.vpcCidr: \"10.40.0.0/22\" is too small for per-zone node subnets (pods take VPC addresses); allowed: a /20 or larger"],
        ["a misaligned VPC", { vpcCidr: "10.40.1.0/16" }, "llm-breakeven:selfHosted.vpcCidr: \"10.40.1.0/16\" is not aligned: the network address of a /16 there is 10.40.0.0"],
        ["an egress range with an octet above 255", { modelSource: { kind: "huggingface" }, egressAllowedCidrs: ["192.0.2.0/24", "300.0.0.0/8"] }, "llm-breakeven:selfHosted.egressAllowedCidrs.1: \"300.0.0.0/8\" is not an IPv4 CIDR: octets must be 0-255"],
        ["a Capacity Block across two zones", { capacityType: "CAPACITY_BLOCK", capacityReservationId: "cr-0123456789abcdef0" }, "llm-breakeven:selfHosted.capacityType: CAPACITY_BLOCK with 2 GPU zones"],
    ])("rejects %s, naming the key, the value and what is allowed", (_label, overrides, expected) => {
        expect(problemsOf(selfHosted(overrides)).some((p) => p.startsWith(expected))).toBe(true);
    });

    it("reports every problem at once, structural and cross-field", () => {
        const problems = problemsOf({
            mode: "hybrid",
            workload: { tokensPerMonth: "24.9X", cacheHitRate: 2, routing: [{ tier: "simple", model: "openai/gpt-5", share: 0.5 }] },
            selfHosted: { instanceType: "p9.48xlarge" },
            gateway: { budgets: { monthlyUsd: 100 }, minCount: 1, desiredCount: 1 },
        });
        expect(problems).toEqual(expect.arrayContaining([
            expect.stringContaining("llm-breakeven:workload.tokensPerMonth: must be a positive token count"),
            expect.stringContaining("llm-breakeven:workload.cacheHitRate"),
            expect.stringContaining("llm-breakeven:selfHosted.instanceType: \"p9.48xlarge\""),
            expect.stringContaining("llm-breakeven:gateway.minCount: 1 is below the production floor of 2 tasks"),
        ]));
    });

    it.each([
        ["one zone, in any environment (an ALB needs two)", { availabilityZones: 1 }, "dev", "llm-breakeven:gateway.availabilityZones: 1 zone cannot hold an Application Load Balancer (it needs subnets in 2 zones); allowed: 2..6"],
        ["a VPC outside /16../20", { vpcCidr: "10.50.0.0/24" }, "production", "llm-breakeven:gateway.vpcCidr: \"10.50.0.0/24\" must be a /16 to /20"],
        ["a VPC that is not a CIDR", { vpcCidr: "10.500.0.0/16" }, "production", "llm-breakeven:gateway.vpcCidr: \"10.500.0.0/16\" is not an IPv4 CIDR: octets must be 0-255"],
    ])("rejects a gateway network with %s, naming the key and the value", (_label, overrides, environment, expected) => {
        const problems = problemsOf({
            mode: "gateway", environment,
            workload: { tokensPerMonth: "500M", routing: [{ tier: "simple", model: "openai/gpt-4o-mini", share: 1 }] },
            gateway: { budgets: { monthlyUsd: 1000 }, ...overrides },
        });
        expect(problems.filter((p) => p.startsWith(expected))).toHaveLength(1);
    });

    it("checks routing: known models, shares summing to 1, self-hosted only in hybrid", () => {
        const problems = problemsOf({
            mode: "gateway",
            workload: { tokensPerMonth: "500M", routing: [{ tier: "simple", model: "openai/gpt-4o-mimi", share: 0.7 }, { tier: "complex", model: "self-hosted", share: 0.2 }] },
            gateway: { budgets: { monthlyUsd: 1000 } },
        });
        expect(problems).toEqual(expect.arrayContaining([
            expect.stringMatching(/^llm-breakeven:workload\.routing: shares sum to 0\.9; they must sum to 1/),
            expect.stringMatching(/^llm-breakeven:workload\.routing\.0\.model: "openai\/gpt-4o-mimi" is not an API model in the catalogue \(did you mean "openai\/gpt-4o-mini"/),
            expect.stringMatching(/^llm-breakeven:workload\.routing\.1\.model: "self-hosted" is only allowed when mode is "hybrid"/),
        ]));
    });

    it("rejects unknown top-level keys with a suggestion", () => {
        expect(problemsOf({ ...selfHosted(), workloda: {} })).toEqual([expect.stringMatching(/^llm-breakeven:workloda: unknown config key \(did you mean "workload"/)]);
    });

    it("reads the flat map the Pulumi CLI passes, skipping secrets", () => {
        const config = parseFlatConfig({
            "llm-breakeven:mode": "self-hosted",
            "llm-breakeven:workload": JSON.stringify({ tokensPerMonth: "30B", apiUsdPerMTok: 0.8 }),
            "llm-breakeven:selfHosted": JSON.stringify(HUGGING_FACE_EGRESS),
            "llm-breakeven:hfToken": "hf_secret",
            "aws:region": "us-east-1",
        });
        expect(config.mode).toBe("self-hosted");
        expect(JSON.stringify(config)).not.toContain("hf_secret");
    });

    it("tells a flat map with no llm-breakeven keys from an invalid one and a valid one", () => {
        expect(readFlatConfig({ "aws:region": "us-east-1" })).toEqual({ kind: "absent" });
        const valid = readFlatConfig({ "llm-breakeven:mode": "self-hosted", "llm-breakeven:workload": JSON.stringify({ tokensPerMonth: "30B", apiUsdPerMTok: 0.8 }), "llm-breakeven:selfHosted": JSON.stringify(HUGGING_FACE_EGRESS), "llm-breakeven:hfToken": "hf_secret" });
        expect(valid.kind === "parsed" && valid.config.mode).toBe("self-hosted");
        const invalid = readFlatConfig({ "llm-breakeven:mode": "self-hostd" });
        expect(invalid.kind).toBe("invalid");
        expect(invalid.kind === "invalid" && invalid.problems.join("\n")).toMatch(/llm-breakeven:mode/);
    });
});
