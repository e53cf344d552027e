import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderLiteLLMConfig } from "../../components/gateway/liteLLMConfig";
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_LITELLM_IMAGE, LITELLM_FEATURES, LiteLLMFeatureKey, digestProblem, parseImage, parseReleaseTag, releaseProblems, requiredFeatures,
} from "../../platform/liteLLMRelease";
import { listStacks, readStackFile } from "../../mockrun";
import { parseFlatConfig } from "../../config/stack";
import { deployRefusal as deployRefusalFor, preflightGateway } from "../../program/gateway";

const PROD_ROUTING = [
    { tier: "simple", model: "groq/llama-3.1-8b", share: 0.5 },
    { tier: "reasoning", model: "anthropic/claude-sonnet-4", share: 0.5 },
];
const KEYS = { hfToken: undefined, providerApiKeys: pulumi.secret<Record<string, string>>({ groq: "k", openai: "k", anthropic: "k" }) };
const rendered = (semanticCache = true) => renderLiteLLMConfig({ routing: PROD_ROUTING, monthlyBudgetUsd: 100, perProviderMonthlyUsd: { groq: 10 }, similarityThreshold: 0.9, databaseEnabled: true, semanticCache });

/** The shipped stacks that run a gateway, with their image and rendered config. */
const shipped = listStacks().map((stack) => ({ stack, config: parseFlatConfig(readStackFile(stack).config) })).filter((s) => s.config.gateway !== undefined && s.config.mode !== "self-hosted");

describe("LiteLLM release tags", () => {
    it.each([
        ["v1.111.0", { major: 1, minor: 111, patch: 0, prerelease: false }],
        ["1.93.0", { major: 1, minor: 93, patch: 0, prerelease: false }],
        ["main-v1.80.0-stable", { major: 1, minor: 80, patch: 0, prerelease: false }],
        ["v1.83.10-stable", { major: 1, minor: 83, patch: 10, prerelease: false }],
        ["v1.111.0-rc.3", { major: 1, minor: 111, patch: 0, prerelease: true }],
        ["v1.111.0-dev.4", { major: 1, minor: 111, patch: 0, prerelease: true }],
    ])("%s parses", (tag, version) => expect(parseReleaseTag(tag)).toEqual(version));

    it.each(["latest", "main-stable", "lts", "sha-abc123"])("%s names no release", (tag) => expect(parseReleaseTag(tag)).toBeUndefined());

    it("splits an image into repository, tag and digest", () => {
        const digest = `sha256:${"ab".repeat(32)}`;
        expect(parseImage(`ghcr.io/berriai/litellm:v1.111.0@${digest}`)).toEqual({ repository: "ghcr.io/berriai/litellm", tag: "v1.111.0", digest });
        expect(parseImage("ghcr.io/berriai/litellm")).toEqual({ repository: "ghcr.io/berriai/litellm" });
    });
});

describe("the feature table", () => {
    it("reads the features a rendered config uses from the document itself", () => {
        expect(requiredFeatures(rendered().document).sort()).toEqual(["complexityRouter", "complexityRouterDefaultModel", "metricsEndpointAuth", "prometheusCallback", "providerBudgets", "valkeySemanticCache"].sort());
        expect(requiredFeatures(rendered(false).document)).not.toContain("valkeySemanticCache");
    });

    it("every feature the renderer can emit has a floor release and upstream evidence", () => {
        for (const f of Object.values(LITELLM_FEATURES)) {
            expect(parseReleaseTag(f.since), f.id).toBeDefined();
            expect(f.evidence, f.id).toMatch(/BerriAI\/litellm|litellm-docs/);
        }
    });

    // The defect: the old pin, main-v1.80.0-stable, has neither the router nor valkey-semantic.
    it.each<[string, LiteLLMFeatureKey[]]>([
        ["ghcr.io/berriai/litellm:main-v1.80.0-stable", ["complexityRouter", "complexityRouterDefaultModel", "valkeySemanticCache", "prometheusCallback", "metricsEndpointAuth", "providerBudgets"]],
        ["ghcr.io/berriai/litellm:v1.90.0", ["valkeySemanticCache"]],
        ["ghcr.io/berriai/litellm:v1.92.0", ["valkeySemanticCache"]],
        ["ghcr.io/berriai/litellm:v1.93.0-rc.1", ["valkeySemanticCache"]],
    ])("%s is refused for what it lacks", (image, lacking) => {
        const problems = releaseProblems(image, requiredFeatures(rendered().document));
        expect(problems).toHaveLength(lacking.length);
        for (const k of lacking) expect(problems.join("\n")).toContain(LITELLM_FEATURES[k].id);
        for (const p of problems) expect(p).toMatch(/^llm-breakeven:gateway\.image: .* use ghcr\.io\/berriai\/litellm:v1\.111\.0 or newer$/);
    });

    it("refuses a release where a feature is known broken, and an image that names no release", () => {
        expect(releaseProblems("ghcr.io/berriai/litellm:v1.86.0", ["complexityRouter"])[0]).toMatch(/1\.83\.14\.\.1\.86\.0, where complexity-router is broken \(BerriAI\/litellm#27473/);
        expect(releaseProblems(`ghcr.io/berriai/litellm@sha256:${"0".repeat(64)}`, ["complexityRouter"])[0]).toMatch(/names no release version .* keep the release tag beside the digest/);
        expect(releaseProblems("ghcr.io/berriai/litellm:main-stable", ["complexityRouter"])[0]).toMatch(/tag "main-stable"/);
    });

    it("the pinned release has every feature, with and without the cache", () => {
        expect(releaseProblems(DEFAULT_LITELLM_IMAGE, requiredFeatures(rendered().document))).toEqual([]);
        expect(releaseProblems(DEFAULT_LITELLM_IMAGE, Object.keys(LITELLM_FEATURES) as LiteLLMFeatureKey[])).toEqual([]);
    });

    it.each(shipped.map((s) => [s.stack, s.config] as const))("%s: its image is a release with every feature its rendered config uses, and no digest nobody resolved", (_stack, config) => {
        const pre = preflightGateway(config, KEYS, config.mode === "hybrid" ? { servedModelName: "m" } : undefined);
        expect(releaseProblems(config.gateway!.image, requiredFeatures(pre.rendered.document))).toEqual([]);
        expect(parseImage(config.gateway!.image).digest).toBeUndefined();
    });

    it("preflight refuses an image below what the config uses, naming the key and the fix", () => {
        const config = parseFlatConfig({ ...readStackFile("gateway-dev").config, "llm-breakeven:gateway": JSON.stringify({ ...parseFlatConfig(readStackFile("gateway-dev").config).gateway, image: "ghcr.io/berriai/litellm:main-v1.80.0-stable" }) });
        expect(() => preflightGateway(config, KEYS)).toThrow(/llm-breakeven:gateway\.image: main-v1\.80\.0-stable predates complexity-router/);
    });
});

describe("the digest a production deploy needs", () => {
    const digest = `sha256:${"ab".repeat(32)}`;
    it("only a real `pulumi up` of production refuses a tag without a digest, in one line with the resolving command", () => {
        const line = deployRefusalFor({ dryRun: false, offlinePlan: false, environment: "production", image: DEFAULT_LITELLM_IMAGE });
        expect(line).toBe(digestProblem(DEFAULT_LITELLM_IMAGE));
        expect(line).toMatch(/^llm-breakeven:gateway\.image: "ghcr\.io\/berriai\/litellm:v1\.111\.0" has no digest; .*docker buildx imagetools inspect ghcr\.io\/berriai\/litellm:v1\.111\.0/);
        expect(line).not.toContain("\n");
        expect(deployRefusalFor({ dryRun: true, offlinePlan: false, environment: "production", image: DEFAULT_LITELLM_IMAGE })).toBeUndefined();
        expect(deployRefusalFor({ dryRun: false, offlinePlan: true, environment: "production", image: DEFAULT_LITELLM_IMAGE })).toBeUndefined();
        expect(deployRefusalFor({ dryRun: false, offlinePlan: false, environment: "dev", image: DEFAULT_LITELLM_IMAGE })).toBeUndefined();
        expect(deployRefusalFor({ dryRun: false, offlinePlan: false, environment: "production", image: `${DEFAULT_LITELLM_IMAGE}@${digest}` })).toBeUndefined();
    });
});

describe("renovate.json keeps the LiteLLM image current", () => {
    const renovate = JSON.parse(fs.readFileSync(path.join(__dirname, "../../renovate.json"), "utf8")) as { customManagers: { managerFilePatterns: string[]; matchStrings: string[] }[]; packageRules: { matchPackageNames?: string[]; pinDigests?: boolean }[] };
    const managerFor = (file: string) => renovate.customManagers.find((m) => m.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file)));
    const tracked = (file: string): string[] => {
        const manager = managerFor(file);
        if (manager === undefined) return [];
        const text = fs.readFileSync(path.join(__dirname, "../..", file), "utf8");
        return manager.matchStrings.flatMap((m) => [...text.matchAll(new RegExp(m, "g"))].map((x) => `${x.groups!["depName"]}:${x.groups!["currentValue"]}`));
    };

    it.each(shipped.map((s) => s.stack))("tracks the image line of stacks/Pulumi.%s.yaml, once", (stack) => {
        expect(tracked(`stacks/Pulumi.${stack}.yaml`)).toEqual([parseFlatConfig(readStackFile(stack).config).gateway!.image.split("@")[0]]);
    });

    it("tracks the schema's default and pins digests", () => {
        expect(tracked("platform/liteLLMRelease.ts")).toEqual([DEFAULT_LITELLM_IMAGE.split("@")[0]]);
        expect(renovate.packageRules.find((r) => r.matchPackageNames?.includes("ghcr.io/berriai/litellm"))?.pinDigests).toBe(true);
    });
});

describe("the shipped example certificate (AWS's documentation account)", () => {
    it("plans, and a real pulumi up refuses it before any resource, naming the key and the command", async () => {
        const { certificateRefusal } = await import("../../program/gateway");
        const example = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-4000-8000-000000000000";
        expect(certificateRefusal({ dryRun: true, offlinePlan: false, certificateArn: example })).toBeUndefined();
        expect(certificateRefusal({ dryRun: false, offlinePlan: true, certificateArn: example })).toBeUndefined();
        expect(certificateRefusal({ dryRun: false, offlinePlan: false, certificateArn: "arn:aws:acm:us-east-1:210987654321:certificate/abc" })).toBeUndefined();
        expect(certificateRefusal({ dryRun: false, offlinePlan: false, certificateArn: example })).toBe(
            `llm-breakeven:gateway.certificateArn: "${example}" is the shipped example (AWS's documentation account 123456789012), not your certificate; import or request one in ACM and run \`pulumi config set --path 'llm-breakeven:gateway.certificateArn' arn:aws:acm:<region>:<account>:certificate/<id>\``);
    });
});
