/**
 * Bad configs fail before any resource is registered, with one error naming each key path, the value
 * and what is allowed: run through the program under mocks, expecting the rejection AND an empty graph.
 */
import { describe, expect, it } from "vitest";
import { PLACEHOLDER_SECRET, StackFile, readStackFile, runStack } from "../../mockrun";
import { selfHostedProgram } from "./helpers";

const shipped = readStackFile("self-hosted-prod");
/** The shipped stack with a Hugging Face token set (its S3 mirror needs none), so a case can switch source or drop it. */
const base: StackFile = { ...shipped, config: { ...shipped.config, "llm-breakeven:hfToken": PLACEHOLDER_SECRET }, secretKeys: [...shipped.secretKeys, "llm-breakeven:hfToken"] };
const baseSelfHosted = JSON.parse(base.config["llm-breakeven:selfHosted"] as string) as Record<string, unknown>;
/** The shipped stack switched to Hugging Face, with CDN ranges (documentation addresses: only their presence matters here). */
const HUGGING_FACE = { modelSource: { kind: "huggingface" }, egressAllowedCidrs: ["192.0.2.0/24"] };

/** Runs the program with a changed config; returns the error it raised and the resources recorded anyway. */
async function attempt(change: { selfHosted?: Record<string, unknown>; environment?: string; dropSecret?: string }, seen?: (typesAndNames: string[]) => void): Promise<{ error: Error | undefined; recorded: number }> {
    const config: Record<string, string> = { ...base.config, "llm-breakeven:selfHosted": JSON.stringify({ ...baseSelfHosted, ...change.selfHosted }) };
    if (change.environment !== undefined) config["llm-breakeven:environment"] = change.environment;
    if (change.dropSecret !== undefined) delete config[change.dropSecret];
    let error: Error | undefined;
    const run = await runStack({ ...base, config, secretKeys: base.secretKeys.filter((k) => k !== change.dropSecret) }, {
        requireResources: false,
        program: async () => {
            try {
                return await selfHostedProgram();
            } catch (caught) {
                error = caught as Error;
                return {};
            }
        },
    });
    seen?.(run.resources.flatMap((r) => [r.type, `${r.type}::${r.name}`]));
    return { error, recorded: run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length };
}

describe("bad self-hosted config is rejected before any resource exists", () => {
    it.each([
        ["an unknown instance type", { selfHosted: { instanceType: "p4de.48xlarge" } }, /llm-breakeven:selfHosted\.instanceType: "p4de\.48xlarge" is not a GPU instance type in the catalogue; allowed: .*p4de\.24xlarge/],
        ["one zone with redundancy on", { selfHosted: { gpuZones: 1 } }, /llm-breakeven:selfHosted\.gpuZones: 1 zone cannot be redundant: use at least 2/],
        ["a model that does not fit the GPUs at the requested precision", { selfHosted: { instanceType: "g5.12xlarge", precision: "bf16" } }, /llm-breakeven:selfHosted\.precision: Llama 3\.3 70B Instruct at bf16 needs 141 GB of weights .* give \d+ GB: use a lower precision \(fp8\), or a larger-memory instance type \(p4de\.24xlarge\)$/m],
        ["zero nodes", { selfHosted: { nodesPerZone: 0 } }, /llm-breakeven:selfHosted\.nodesPerZone: 0 GPU nodes per zone serves nothing: use at least 1/],
        ["a tensor-parallel size that does not divide the GPUs", { selfHosted: { tensorParallelSize: 3 } }, /llm-breakeven:selfHosted\.tensorParallelSize: 3 does not divide the 8 GPUs of p4de\.24xlarge; allowed: 1, 2, 4, 8/],
        ["redundancy off in production", { selfHosted: { redundancy: false } }, /llm-breakeven:selfHosted\.redundancy: false is not allowed when environment is "production"/],
        ["a precision vLLM cannot serve from the catalogue's checkpoints", { selfHosted: { precision: "int4" } }, /llm-breakeven:selfHosted\.precision: "int4" cannot be served: .*allowed: bf16, fp16, fp8/],
        ["a root volume too small for the Hugging Face cache", { selfHosted: { ...HUGGING_FACE, rootVolumeSizeGiB: 150 } }, /llm-breakeven:selfHosted\.rootVolumeSizeGiB: 150 GiB cannot hold the model cache .*allowed: 214 or more/],
        ["Hugging Face without its address ranges", { selfHosted: { modelSource: { kind: "huggingface" } } }, /llm-breakeven:selfHosted\.egressAllowedCidrs: \[\] leaves the serving namespace no route to the model source when selfHosted\.modelSource\.kind is "huggingface" .*list the Hugging Face CDN's address ranges, or mirror the weights in S3/],
        ["hand-typed ranges beside an S3 mirror", { selfHosted: { egressAllowedCidrs: ["52.216.0.0/15", "54.231.0.0/17"] } }, /llm-breakeven:selfHosted\.egressAllowedCidrs: \["52\.216\.0\.0\/15","54\.231\.0\.0\/17"\] must be empty when selfHosted\.modelSource\.kind is "s3": .*prefix list.*remove the key/],
        ["an S3 mirror without a bucket", { selfHosted: { modelSource: { kind: "s3" } } }, /llm-breakeven:selfHosted\.modelSource\.bucket: is required when kind is "s3"/],
        ["a bucket with dots or a scheme", { selfHosted: { modelSource: { kind: "s3", bucket: "s3://models.example" } } }, /llm-breakeven:selfHosted\.modelSource\.bucket: must be an S3 bucket name: .*no dots .* \(got "s3:\/\/models\.example"\)/],
        ["a prefix with a wildcard", { selfHosted: { modelSource: { kind: "s3", bucket: "models-x", prefix: "meta-llama/*" } } }, /llm-breakeven:selfHosted\.modelSource\.prefix: must be a key prefix .* \(got "meta-llama\/\*"\)/],
        ["an unknown model source", { selfHosted: { modelSource: { kind: "gcs", bucket: "models-x" } } }, /llm-breakeven:selfHosted\.modelSource\.kind: .*'s3' \| 'huggingface'.*\(got "gcs"\)/],
        ["a VPC too small for per-zone subnets", { selfHosted: { vpcCidr: "10.40.0.0/24" } }, /llm-breakeven:selfHosted\.vpcCidr: "10\.40\.0\.0\/24" is too small .*allowed: a \/20 or larger/],
        ["a Capacity Block across two zones", { selfHosted: { capacityType: "CAPACITY_BLOCK", capacityReservationId: "cr-0123456789abcdef0" } }, /llm-breakeven:selfHosted\.capacityType: CAPACITY_BLOCK with 2 GPU zones/],
        ["Hugging Face without a token", { selfHosted: HUGGING_FACE, dropSecret: "llm-breakeven:hfToken" }, /llm-breakeven:hfToken: is required when selfHosted\.modelSource\.kind is "huggingface": .*pulumi config set --secret llm-breakeven:hfToken hf_/],
    ])("%s", async (_label, change, message) => {
        const { error, recorded } = await attempt(change);
        expect(error?.name).toBe("ConfigError");
        expect(error?.message).toMatch(message);
        expect(recorded).toBe(0);
    });

    it("lists every problem of a config at once", async () => {
        const { error, recorded } = await attempt({ selfHosted: { instanceType: "p9.huge", gpuZones: 1, nodesPerZone: 0 } });
        expect(error?.message).toMatch(/3 problems/);
        expect(error?.message).toMatch(/selfHosted\.instanceType/);
        expect(error?.message).toMatch(/selfHosted\.gpuZones/);
        expect(error?.message).toMatch(/selfHosted\.nodesPerZone/);
        expect(recorded).toBe(0);
    });

    it("lists every preflight problem at once too", async () => {
        // The VPC's CIDR is the schema's rule since issue 17 (the schema lists it with the other schema problems).
        const { error, recorded } = await attempt({ selfHosted: { rootVolumeSizeGiB: 150, modelSource: { kind: "huggingface" } }, dropSecret: "llm-breakeven:hfToken" });
        for (const key of ["hfToken", "selfHosted.rootVolumeSizeGiB", "selfHosted.egressAllowedCidrs"]) expect(error?.message).toContain(`llm-breakeven:${key}`);
        expect(recorded).toBe(0);
    });

    it("an S3 mirror needs no Hugging Face token: without one the stack deploys and makes no token Secret", async () => {
        const recorded: string[] = [];
        const { error } = await attempt({ dropSecret: "llm-breakeven:hfToken" }, (types) => recorded.push(...types));
        expect(error).toBeUndefined();
        expect(recorded).toContain("kubernetes:core/v1:ServiceAccount");
        expect(recorded).not.toContain("kubernetes:core/v1:Secret::llm-vllm-hf-token");
        // The other Secrets: vLLM's API key and Grafana's password.
        expect(recorded.filter((t) => t.startsWith("kubernetes:core/v1:Secret::")).sort()).toEqual(["kubernetes:core/v1:Secret::llm-mon-grafana-admin", "kubernetes:core/v1:Secret::llm-vllm-api-key"]);
    });

    it("Hugging Face with ranges and a token still deploys (the default source, kept working)", async () => {
        const { error, recorded } = await attempt({ selfHosted: HUGGING_FACE });
        expect(error).toBeUndefined();
        expect(recorded).toBeGreaterThan(70);
    });

    it("the attempt helper does record resources when the config is good (the zero above is not vacuous)", async () => {
        const { error, recorded } = await attempt({});
        expect(error).toBeUndefined();
        expect(recorded).toBeGreaterThan(70);
    });
});

describe("the root volume the preflight asks for", () => {
    // Llama 3.3 70B's BF16 checkpoint is 141.2 GB (131.5 GiB); the OS 30 GiB and the image 16 GiB; 20% headroom.
    it.each([
        ["huggingface", "bf16", 214],
        // vLLM quantizes to FP8 on load: the BF16 checkpoint is what lands in the cache.
        ["huggingface", "fp8", 214],
        // Streamed into GPU memory: only the OS and the image.
        ["s3", "bf16", 56],
    ] as const)("%s at %s: %s GiB", async (source, precision, gib) => {
        const { rootVolumeNeededGiB } = await import("../../cost/memory");
        const { OPEN_MODELS } = await import("../../cost/catalogue");
        expect(rootVolumeNeededGiB(OPEN_MODELS.get("llama-3.3-70b-instruct")!, precision, source)).toBe(gib);
    });
});
