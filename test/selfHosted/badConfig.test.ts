/**
 * Bad configs fail before any resource is registered, with one error naming each key path, the value
 * and what is allowed: run through the program under mocks, expecting the rejection AND an empty graph.
 */
import { describe, expect, it } from "vitest";
import { readStackFile, runStack } from "../../mockrun";
import { selfHostedProgram } from "./helpers";

const base = readStackFile("self-hosted-prod");
const baseSelfHosted = JSON.parse(base.config["llm-breakeven:selfHosted"] as string) as Record<string, unknown>;

/** Runs the program with a changed config; returns the error it raised and the resources recorded anyway. */
async function attempt(change: { selfHosted?: Record<string, unknown>; environment?: string; dropSecret?: string }): Promise<{ error: Error | undefined; recorded: number }> {
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
    return { error, recorded: run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack").length };
}

describe("bad self-hosted config is rejected before any resource exists", () => {
    it.each([
        ["an unknown instance type", { selfHosted: { instanceType: "p4de.48xlarge" } }, /llm-breakeven:selfHosted\.instanceType: "p4de\.48xlarge" is not a GPU instance type in the catalogue; allowed: .*p4de\.24xlarge/],
        ["one zone with redundancy on", { selfHosted: { gpuZones: 1 } }, /llm-breakeven:selfHosted\.gpuZones: 1 zone cannot be redundant: use at least 2/],
        ["a model that does not fit the GPUs at the requested precision", { selfHosted: { instanceType: "g5.12xlarge", precision: "bf16" } }, /llm-breakeven:selfHosted\.precision: Llama 3\.3 70B Instruct at bf16 needs 141 GB of weights .* give \d+ GB/],
        ["zero nodes", { selfHosted: { nodesPerZone: 0 } }, /llm-breakeven:selfHosted\.nodesPerZone: 0 GPU nodes per zone serves nothing: use at least 1/],
        ["a tensor-parallel size that does not divide the GPUs", { selfHosted: { tensorParallelSize: 3 } }, /llm-breakeven:selfHosted\.tensorParallelSize: 3 does not divide the 8 GPUs of p4de\.24xlarge; allowed: 1, 2, 4, 8/],
        ["redundancy off in production", { selfHosted: { redundancy: false } }, /llm-breakeven:selfHosted\.redundancy: false is not allowed when environment is "production"/],
        ["a precision vLLM cannot serve from the catalogue's checkpoints", { selfHosted: { precision: "int4" } }, /llm-breakeven:selfHosted\.precision: "int4" cannot be served: .*allowed: bf16, fp16, fp8/],
        ["a root volume too small for the model cache", { selfHosted: { rootVolumeSizeGiB: 150 } }, /llm-breakeven:selfHosted\.rootVolumeSizeGiB: 150 GiB cannot hold the model cache .*allowed: \d+ or more/],
        ["no egress range for the model source", { selfHosted: { egressAllowedCidrs: [] } }, /llm-breakeven:selfHosted\.egressAllowedCidrs: \[\] leaves the serving namespace no route to the model source/],
        ["a VPC too small for per-zone subnets", { selfHosted: { vpcCidr: "10.40.0.0/24" } }, /llm-breakeven:selfHosted\.vpcCidr: "10\.40\.0\.0\/24" is too small .*allowed: a \/20 or larger/],
        ["a Capacity Block across two zones", { selfHosted: { capacityType: "CAPACITY_BLOCK", capacityReservationId: "cr-0123456789abcdef0" } }, /llm-breakeven:selfHosted\.capacityType: CAPACITY_BLOCK with 2 GPU zones/],
        ["a missing Hugging Face token", { dropSecret: "llm-breakeven:hfToken" }, /llm-breakeven:hfToken: is required: .*pulumi config set --secret llm-breakeven:hfToken hf_/],
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
        const { error, recorded } = await attempt({ selfHosted: { precision: "int4", vpcCidr: "10.40.0.0/22", egressAllowedCidrs: [] }, dropSecret: "llm-breakeven:hfToken" });
        for (const key of ["hfToken", "selfHosted.precision", "selfHosted.vpcCidr", "selfHosted.egressAllowedCidrs"]) expect(error?.message).toContain(`llm-breakeven:${key}`);
        expect(recorded).toBe(0);
    });

    it("the attempt helper does record resources when the config is good (the zero above is not vacuous)", async () => {
        const { error, recorded } = await attempt({});
        expect(error).toBeUndefined();
        expect(recorded).toBeGreaterThan(70);
    });
});
