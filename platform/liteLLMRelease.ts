/**
 * Which LiteLLM release the rendered config.yaml needs, from the config itself: every feature the
 * renderer (liteLLMConfig.ts) can emit, the first release with it working, and the upstream record
 * that says so. Pure: the program refuses an image below what its config uses, and the tests hold
 * the shipped stacks to it.
 *
 * Tag naming (litellm-docs#127, the "cleaner release versions" post, 2026-05-14): up to v1.83.x
 * stable images were `main-vX.Y.Z-stable` / `vX.Y.Z-stable`; from v1.84.0 a stable release is the
 * plain `vX.Y.Z` (also `X.Y.Z`, the same digest), hotfixes bump PATCH, release candidates are
 * `vX.Y.Z-rc.N` and nightlies `vX.Y.Z-dev.N`. The rolling `main-stable` tag is deprecated.
 */

export const LITELLM_IMAGE_REPOSITORY = "ghcr.io/berriai/litellm";
/**
 * The pinned release, v1.111.0: the newest stable release in the upstream record read on 2026-11-30
 * (newreleases.io, BerriAI/litellm v1.110.4: "latest releases: v1.111.0, v1.109.5"; v1.111.0-rc.1..3
 * and -dev.3/4 precede it). Not `lts`, `latest` or `main-stable`: a floating tag changes under a
 * running service. The schema's default; Renovate (renovate.json) proposes newer tags and pins
 * the registry's digest here and in the stack files.
 */
export const DEFAULT_LITELLM_IMAGE = "ghcr.io/berriai/litellm:v1.111.0";

export interface ReleaseVersion {
    readonly major: number;
    readonly minor: number;
    readonly patch: number;
    /** rc/dev/nightly: below the release of the same number. */
    readonly prerelease: boolean;
}

export interface LiteLLMFeature {
    readonly id: string;
    /** What in config.yaml uses it. */
    readonly configKey: string;
    /** The first release with it working ("X.Y.Z"). */
    readonly since: string;
    /**
     * "first-release": `since` is the first release that has it (read from a release note or the
     * release's own changelog range). "upper-bound": the PR is older than `since`, but the first
     * release carrying it was not read; every release from `since` has it.
     */
    readonly basis: "first-release" | "upper-bound";
    readonly evidence: string;
    /** Releases known broken for this feature (inclusive), with the report. */
    readonly brokenIn?: { readonly from: string; readonly to: string; readonly evidence: string };
    /**
     * Broken from `from` on, and no release read carries the fix: a real `pulumi up` refuses the
     * feature on those releases (program/gateway.ts), with `resolve`; the offline plan and previews go
     * on. Close it (brokenIn) when a release note names the fix.
     */
    readonly openBreak?: { readonly from: string; readonly key: string; readonly evidence: string; readonly resolve: string };
}

/** Every feature the renderer can emit. Keys match `requiredFeatures`. */
export const LITELLM_FEATURES = {
    complexityRouter: {
        id: "complexity-router",
        configKey: "model_list[].litellm_params.model: auto_router/complexity_router, complexity_router_config.tiers",
        since: "1.81.14",
        basis: "first-release",
        evidence: "BerriAI/litellm#21789 (merged 2026-02-21, adds litellm/router_strategy/complexity_router/); release notes v1.81.14 (litellm-docs release_notes/v1.81.14)",
        brokenIn: {
            from: "1.83.14", to: "1.86.0",
            evidence: "BerriAI/litellm#27473 (closed): the auto_router/complexity_router deployment is dropped at load ('Unmapped LLM provider') on v1.83.14 and v1.86.0; the release that closed it was not identified, so these two ends are refused",
        },
    },
    complexityRouterDefaultModel: {
        id: "complexity-router-default-model",
        configKey: "model_list[].litellm_params.complexity_router_default_model",
        since: "1.81.14",
        basis: "first-release",
        evidence: "BerriAI/litellm#21789 adds complexity_router_default_model to litellm/types/router.py; docs/proxy auto_router setup: a sibling of complexity_router_config (a default_model inside the config is overwritten at init, BerriAI/litellm#38174 review)",
    },
    valkeySemanticCache: {
        id: "valkey-semantic-cache",
        configKey: "litellm_settings.cache_params.type: valkey-semantic, valkey_semantic_cache_embedding_model",
        since: "1.93.0",
        basis: "upper-bound",
        evidence: "added by BerriAI/litellm#30675 (merged 2026-06-17, first in v1.90.0; \"unrecognized\" before), but the proxy's async path never cached until BerriAI/litellm#32295 (opened 2026-07-06; the bug still reported on v1.92.0-rc1 in #32324, 2026-07-07). Release records read 2026-11-30: litellm-docs release_notes/index.md (v1.92.0 2026-07-11, v1.93.0 2026-07-18) and release_notes/v1.93.0 (range v1.92.0...v1.93.0), which lists the PRs opened beside it (#32284-#32298) but not #32295 itself; no release note names it, and the tag holding its merge commit was not read (the BerriAI/litellm snapshot is over the fetch limit). 1.93.0 is the first release that can carry it; litellm/caching/valkey_semantic_cache.py at 04c1c8ba passes metadata= only",
        openBreak: {
            from: "1.94.0",
            key: "gateway.cache.semantic",
            evidence: "BerriAI/litellm#39180 (open, 2026-09-01; verified in the 1.94.0 and 1.99.0 sdists): valkey_semantic_cache.py imports redis.commands.search.indexDefinition, a module the official images' redis-py no longer has, so the proxy fails at startup with ModuleNotFoundError; the fix, #40863 (\"confirmed against 1.102.0\"), was still open on 2026-09-13, and valkey_semantic_cache.py at 04c1c8ba still has the import (line 27); no release read carries the fix",
            resolve: "pulumi config set --path 'llm-breakeven:gateway.cache.semantic' false and pulumi config set --path 'llm-breakeven:workload.cacheHitRate' 0, or pin a release whose notes list BerriAI/litellm#40863 and record it in platform/liteLLMRelease.ts",
        },
    },
    prometheusCallback: {
        id: "prometheus-callback",
        configKey: "litellm_settings.callbacks: [prometheus]",
        since: "1.80.5",
        basis: "upper-bound",
        evidence: "enterprise-only from BerriAI/litellm#5769 (2024-09-18) until \"Prometheus - make OSS\" BerriAI/litellm#16689 (merged 2025-11-15, the day v1.80.0-stable was dated); v1.80.5-stable (2025-11-22) is the first stable certain to carry it",
    },
    metricsEndpointAuth: {
        id: "metrics-endpoint-auth",
        configKey: "litellm_settings.require_auth_for_metrics_endpoint",
        since: "1.80.5",
        basis: "upper-bound",
        evidence: "key added by BerriAI/litellm#9766 (merged 2025-04-05, opt-in); default true since v1.85.0 per litellm-docs#504 (commit BerriAI/litellm@35bbca60), reported on 1.84.0 in BerriAI/litellm#27926; the collector sends the master key either way",
    },
    providerBudgets: {
        id: "provider-budgets",
        configKey: "router_settings.provider_budget_config",
        since: "1.80.5",
        basis: "upper-bound",
        evidence: "BerriAI/litellm#6817 (merged 2024-11-19) and config.yaml support BerriAI/litellm#6827 (2024-11-20)",
    },
} as const satisfies Record<string, LiteLLMFeature>;

export type LiteLLMFeatureKey = keyof typeof LITELLM_FEATURES;

/** "v1.111.0", "1.111.0", "main-v1.80.0-stable", "v1.83.10-stable", "v1.111.0-rc.3" -> the version; undefined when the tag names none. */
export function parseReleaseTag(tag: string): ReleaseVersion | undefined {
    const match = /^(?:main-)?v?(\d+)\.(\d+)\.(\d+)(?:(-stable)(?:\.patch\.\d+)?|\.post\d+|(-?(?:rc|dev|nightly)[.\d]*))?$/.exec(tag);
    if (match === null) return undefined;
    return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]), prerelease: match[5] !== undefined };
}

function compare(a: ReleaseVersion, b: ReleaseVersion): number {
    return a.major - b.major || a.minor - b.minor || a.patch - b.patch || Number(b.prerelease) - Number(a.prerelease);
}

function version(text: string): ReleaseVersion {
    const parsed = parseReleaseTag(text);
    if (parsed === undefined) throw new Error(`liteLLMRelease: "${text}" is not a release number`);
    return parsed;
}

export interface ImageReference {
    readonly repository: string;
    readonly tag?: string;
    readonly digest?: string;
}

/** `ghcr.io/berriai/litellm:v1.111.0@sha256:...` -> its parts. */
export function parseImage(image: string): ImageReference {
    const [nameAndTag, digest] = image.split("@", 2) as [string, string | undefined];
    const colon = nameAndTag.lastIndexOf(":");
    const hasTag = colon > nameAndTag.lastIndexOf("/");
    return {
        repository: hasTag ? nameAndTag.slice(0, colon) : nameAndTag,
        ...(hasTag ? { tag: nameAndTag.slice(colon + 1) } : {}),
        ...(digest !== undefined ? { digest } : {}),
    };
}

interface Deployment { readonly litellm_params?: Readonly<Record<string, unknown>> }

/** The features a rendered config.yaml (as data) uses, by reading it, not the inputs that made it. */
export function requiredFeatures(document: Readonly<Record<string, unknown>>): LiteLLMFeatureKey[] {
    const used = new Set<LiteLLMFeatureKey>();
    const models = (document["model_list"] ?? []) as readonly Deployment[];
    for (const m of models) {
        if (m.litellm_params?.["model"] === "auto_router/complexity_router") used.add("complexityRouter");
        if (m.litellm_params?.["complexity_router_default_model"] !== undefined) used.add("complexityRouterDefaultModel");
    }
    const settings = (document["litellm_settings"] ?? {}) as Readonly<Record<string, unknown>>;
    const cache = settings["cache_params"] as Readonly<Record<string, unknown>> | undefined;
    if (settings["cache"] === true && cache?.["type"] === "valkey-semantic") used.add("valkeySemanticCache");
    if (Array.isArray(settings["callbacks"]) && settings["callbacks"].includes("prometheus")) used.add("prometheusCallback");
    if (settings["require_auth_for_metrics_endpoint"] !== undefined) used.add("metricsEndpointAuth");
    const router = (document["router_settings"] ?? {}) as Readonly<Record<string, unknown>>;
    if (router["provider_budget_config"] !== undefined) used.add("providerBudgets");
    return (Object.keys(LITELLM_FEATURES) as LiteLLMFeatureKey[]).filter((k) => used.has(k));
}

/**
 * What is wrong with running `image` for a config that uses `features`: one line per problem,
 * each naming the key, the value and the fix. Empty when the release has every feature.
 */
export function releaseProblems(image: string, features: readonly LiteLLMFeatureKey[], key = "llm-breakeven:gateway.image"): string[] {
    const ref = parseImage(image);
    if (ref.repository !== LITELLM_IMAGE_REPOSITORY && ref.repository !== `${LITELLM_IMAGE_REPOSITORY}-database`) {
        return [`${key}: "${image}" is not ${LITELLM_IMAGE_REPOSITORY}; the feature table (platform/liteLLMRelease.ts) covers only its releases`];
    }
    const tagged = ref.tag === undefined ? undefined : parseReleaseTag(ref.tag);
    if (tagged === undefined) {
        return [`${key}: "${image}" names no release version (tag ${ref.tag === undefined ? "missing" : `"${ref.tag}"`}), so the features config.yaml uses cannot be checked; keep the release tag beside the digest: ${LITELLM_IMAGE_REPOSITORY}:vX.Y.Z@sha256:<digest> (${DEFAULT_LITELLM_IMAGE} has them all)`];
    }
    const problems: string[] = [];
    for (const k of features) {
        const f: LiteLLMFeature = LITELLM_FEATURES[k];
        if (compare(tagged, version(f.since)) < 0) {
            problems.push(`${key}: ${ref.tag} predates ${f.id} (${f.configKey}), first working in ${f.since} (${f.evidence}); use ${DEFAULT_LITELLM_IMAGE} or newer`);
        } else if (f.brokenIn !== undefined && compare(tagged, version(f.brokenIn.from)) >= 0 && compare(tagged, version(f.brokenIn.to)) <= 0) {
            problems.push(`${key}: ${ref.tag} is in ${f.brokenIn.from}..${f.brokenIn.to}, where ${f.id} is broken (${f.brokenIn.evidence}); use ${DEFAULT_LITELLM_IMAGE} or newer`);
        }
    }
    return problems;
}

/**
 * What a real deploy must not run: each feature the config uses that is in an open break on this
 * release (see LiteLLMFeature.openBreak), one line naming its key, the report and the fix.
 */
export function openBreakProblems(image: string, features: readonly LiteLLMFeatureKey[]): string[] {
    const tagged = parseReleaseTag(parseImage(image).tag ?? "");
    if (tagged === undefined) return [];
    return features.flatMap((k) => {
        const f: LiteLLMFeature = LITELLM_FEATURES[k];
        if (f.openBreak === undefined || compare(tagged, version(f.openBreak.from)) < 0) return [];
        return [`llm-breakeven:${f.openBreak.key}: ${f.id} is broken on ${image} (from ${f.openBreak.from}, no fixed release read: ${f.openBreak.evidence}); run ${f.openBreak.resolve}`];
    });
}

/** The one command that resolves an image's digest from the registry. */
export function digestCommand(image: string): string {
    const ref = parseImage(image);
    return `docker buildx imagetools inspect ${ref.repository}:${ref.tag ?? "<tag>"} --format '{{json .Manifest.Digest}}' (or: crane digest ${ref.repository}:${ref.tag ?? "<tag>"})`;
}

/**
 * Why a production `pulumi up` refuses this image, or undefined when it may go: a tag moves, so
 * production runs only a digest someone resolved from the registry (never one typed from memory).
 */
export function digestProblem(image: string, key = "llm-breakeven:gateway.image"): string | undefined {
    const ref = parseImage(image);
    if (ref.digest !== undefined && /^sha256:[a-f0-9]{64}$/.test(ref.digest)) return undefined;
    return `${key}: "${image}" has no digest; a production \`pulumi up\` runs only an image pinned by a digest resolved from the registry: run ${digestCommand(image)} and set ${ref.repository}:${ref.tag ?? "<tag>"}@<digest>`;
}
