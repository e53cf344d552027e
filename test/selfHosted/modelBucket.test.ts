/**
 * The shipped self-hosted and hybrid stacks name their S3 model mirror in AWS's documentation account
 * (123456789012) so that they plan; a real `pulumi up` refuses it before any resource exists, as it
 * refuses the example certificate.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it, vi } from "vitest";
import { readStackFile } from "../../mockrun";
import { ConfigError, parseFlatConfig } from "../../config/stack";
import { modelBucketRefusal, preflightSelfHosted } from "../../program/selfHosted";

// The program asks the SDK what kind of run it is in; here, the update phase of a real `pulumi up`.
const run = vi.hoisted(() => ({ dryRun: false, offlinePlan: false }));
vi.mock(import("../../program/runContext"), async (original) => ({ ...(await original()), runContext: () => ({ ...run }) }));

const EXAMPLE = "llm-breakeven-models-123456789012-us-east-1";
const s3 = (bucket: string) => ({ kind: "s3" as const, bucket, prefix: "meta-llama/Llama-3.3-70B-Instruct" });
const FIX = `create a bucket in us-east-1, fill it as the stack file's comment shows, and run \`pulumi config set --path 'llm-breakeven:selfHosted.modelSource.bucket' <your-bucket>\``;

describe("the shipped example model bucket (AWS's documentation account)", () => {
    it("plans, previews, and a real pulumi up refuses it in one line naming the key and the fix", () => {
        expect(modelBucketRefusal({ dryRun: true, offlinePlan: false, region: "us-east-1", modelSource: s3(EXAMPLE) })).toBeUndefined();
        expect(modelBucketRefusal({ dryRun: false, offlinePlan: true, region: "us-east-1", modelSource: s3(EXAMPLE) })).toBeUndefined();
        expect(modelBucketRefusal({ dryRun: false, offlinePlan: false, region: "us-east-1", modelSource: s3("acme-llm-weights-us-east-1") })).toBeUndefined();
        expect(modelBucketRefusal({ dryRun: false, offlinePlan: false, region: "us-east-1", modelSource: { kind: "huggingface" } })).toBeUndefined();
        expect(modelBucketRefusal({ dryRun: false, offlinePlan: false, region: "us-east-1", modelSource: s3(EXAMPLE) })).toBe(
            `llm-breakeven:selfHosted.modelSource.bucket: "${EXAMPLE}" is the shipped example (it names AWS's documentation account 123456789012), not your model mirror; ${FIX}`);
    });

    it.each(["self-hosted-prod", "hybrid-prod"])("%s: the preflight of a real pulumi up refuses the shipped bucket before any resource", (stack) => {
        const config = parseFlatConfig(readStackFile(stack).config);
        expect(config.selfHosted?.modelSource).toMatchObject({ kind: "s3", bucket: EXAMPLE });
        let error: unknown;
        try {
            preflightSelfHosted(config, { hfToken: undefined, providerApiKeys: pulumi.output<Record<string, string>>({ openai: "k" }), vllmApiKey: pulumi.output("k") });
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).problems).toContain(`llm-breakeven:selfHosted.modelSource.bucket: "${EXAMPLE}" is the shipped example (it names AWS's documentation account 123456789012), not your model mirror; ${FIX}`);
    });

    it("the offline plan of the same stack is not refused for it", () => {
        run.offlinePlan = true;
        try {
            const config = parseFlatConfig(readStackFile("self-hosted-prod").config);
            let problems: readonly string[] = [];
            try {
                preflightSelfHosted(config, { hfToken: undefined, providerApiKeys: pulumi.output<Record<string, string>>({ openai: "k" }), vllmApiKey: pulumi.output("k") });
            } catch (caught) {
                problems = (caught as ConfigError).problems;
            }
            expect(problems.filter((p) => p.includes("modelSource.bucket"))).toEqual([]);
        } finally {
            run.offlinePlan = false;
        }
    });
});
