/**
 * The cross-field rules of the stack config: every rule a config can break that one field's schema
 * cannot say (the mode's sections, redundancy, fit on the GPUs, the root volume, the network plans
 * and egress ranges, routing shares, the secrets the config needs). `stackConfigFor` runs them through
 * its refinement, and parseStackConfig on the sections that parse when another does not, so one error
 * lists every problem. Each rule is stated here once; the program's preflight keeps only what config
 * cannot know (the run context, the prices, the autoscaling plan).
 */
import type { z } from "zod";
import { API_MODELS, BYTES_PER_PARAMETER, EC2_INSTANCE_TYPES, GPUS, OPEN_MODELS, Precision, SERVABLE_PRECISIONS, UNSERVABLE_PRECISION } from "../cost/catalogue";
import { checkpointGB, fitModel, rootVolumeNeededGiB } from "../cost/memory";
import { SELF_HOSTED_ROUTE, requiredProviders, unroutedBudgets } from "../cost/gateway";
import { parseCidr } from "../platform/cidr";
import { planGatewaySubnets, planSubnets } from "../platform/subnets";
import { ENDPOINT_DEFAULTS, checkEndpoint, endpointAuth } from "./endpoint";
import { suggest } from "./errors";
import { NAMESPACE, SECRET_KEYS, SecretKey, SecretsPresent } from "./keys";
import type { Environment, GatewayConfig, Mode, SelfHostedConfig, Workload, baseSchema } from "./schema";

/** Collects one cross-field problem: its key path below the namespace, the message and the value. */
export type Ctx = (path: Array<string | number>, message: string, value?: unknown) => void;

function issue(ctx: Ctx, path: Array<string | number>, message: string, value?: unknown): void {
    ctx(path, message, value);
}

export type PartialConfig = Partial<Pick<z.output<typeof baseSchema>, "mode" | "environment" | "workload" | "selfHosted" | "gateway">>;

/**
 * Every cross-field rule. `secrets` says which secret keys the stack sets (presence only), for the
 * rules that need a secret; "unread" skips those (the caller deploys nothing).
 */
export function checkCrossFields(config: PartialConfig, ctx: Ctx, secrets: SecretsPresent, present = { selfHosted: config.selfHosted !== undefined, gateway: config.gateway !== undefined }): void {
    if (config.mode === undefined) return;
    const needsSelfHosted = config.mode === "self-hosted" || config.mode === "hybrid";
    const needsGateway = config.mode === "gateway" || config.mode === "hybrid";
    if (needsSelfHosted && !present.selfHosted) {
        issue(ctx, ["selfHosted"], `is required when mode is "${config.mode}": set llm-breakeven:selfHosted with at least its model source (modelSource {kind: s3, bucket}, or the default Hugging Face with egressAllowedCidrs); the rest has defaults`);
    }
    if (needsGateway && !present.gateway) {
        issue(ctx, ["gateway"], `is required when mode is "${config.mode}": set llm-breakeven:gateway with at least budgets.monthlyUsd`);
    }
    const environment = config.environment ?? "production";
    if (config.selfHosted !== undefined && needsSelfHosted) {
        checkSelfHosted(config.selfHosted, environment, ctx);
        const endpoint = config.selfHosted.endpoint;
        if ((endpoint !== undefined || config.mode === "hybrid") && config.selfHosted.availabilityZones < 2) {
            issue(ctx, ["selfHosted", "availabilityZones"], `${config.selfHosted.availabilityZones} zone cannot hold the endpoint's Application Load Balancer (it needs subnets in 2 zones${config.mode === "hybrid" ? ", and so does the gateway's" : ""}); allowed: 2..6${config.mode === "hybrid" ? "" : ", or no selfHosted.endpoint (in-cluster only)"}`, config.selfHosted.availabilityZones);
        }
        if (endpoint !== undefined) {
            checkEndpoint(endpoint, config.mode === "hybrid" ? "hybrid" : "self-hosted", ctx);
        } else if (config.mode === "hybrid" && environment === "production") {
            // Without the section hybrid reaches vLLM over plain HTTP inside the VPC, which production refuses.
            issue(ctx, ["selfHosted", "endpoint"], "is required when mode is \"hybrid\" and environment is \"production\": the gateway reaches vLLM through it, and production refuses plain HTTP; set selfHosted.endpoint.certificateArn and hostName (stacks/Pulumi.hybrid-prod.yaml shows how)");
        }
    }
    if (config.gateway !== undefined && needsGateway) checkGateway(config.gateway, environment, ctx);
    if (config.gateway?.cache.semantic === false && needsGateway && (config.workload?.cacheHitRate ?? 0) > 0) {
        issue(ctx, ["workload", "cacheHitRate"], `${config.workload?.cacheHitRate} needs the semantic cache, which llm-breakeven:gateway.cache.semantic turns off: set cacheHitRate to 0 or the cache back on`, config.workload?.cacheHitRate);
    }
    if (config.workload !== undefined) checkRouting(config.workload, config.mode, ctx);
    if (config.gateway !== undefined && needsGateway && config.workload?.routing !== undefined) {
        const providers = requiredProviders(knownRoutes(config.workload.routing), config.gateway.cache.semantic);
        for (const b of unroutedBudgets(config.gateway.budgets.perProviderMonthlyUsd, providers)) issue(ctx, ["gateway", "budgets", "perProviderMonthlyUsd", b.name], b.reason);
    }
    if (secrets !== "unread") {
        for (const secret of requiredSecrets(config)) if (!secrets.has(secret.key)) issue(ctx, [secret.key], secret.reason);
    }
}

/**
 * The secrets a config needs, each with why and the command that sets it: the provider keys wherever
 * there is a gateway, the Hugging Face token where vLLM downloads from Hugging Face (an S3 mirror needs
 * none), vLLM's key where the endpoint checks it. The offline plan supplies placeholders for exactly these.
 */
export function requiredSecrets(config: PartialConfig): Array<{ readonly key: SecretKey; readonly reason: string }> {
    const key = (secret: SecretKey): string => `${NAMESPACE}:${secret}`;
    const needed: Array<{ key: SecretKey; reason: string }> = [];
    if (config.mode === undefined) return needed;
    if (config.mode !== "self-hosted") {
        const providers = config.workload?.routing !== undefined ? requiredProviders(knownRoutes(config.workload.routing), config.gateway?.cache.semantic ?? true).join(", ") : "";
        needed.push({ key: SECRET_KEYS.providerApiKeys, reason: `is required: the gateway calls ${providers || "the routed providers"}; run \`pulumi config set --secret --path ${key(SECRET_KEYS.providerApiKeys)}.<provider> <key>\` for each` });
    }
    const selfHosted = config.mode !== "gateway" ? config.selfHosted : undefined;
    if (selfHosted === undefined) return needed;
    if (selfHosted.modelSource.kind === "huggingface") {
        needed.push({ key: SECRET_KEYS.hfToken, reason: `is required when selfHosted.modelSource.kind is "huggingface": vLLM downloads the weights from Hugging Face (Llama models are gated); run \`pulumi config set --secret ${key(SECRET_KEYS.hfToken)} hf_...\`, or load from an in-region S3 mirror (selfHosted.modelSource: {kind: s3, bucket, prefix})` });
    }
    const mode = config.mode === "hybrid" ? "hybrid" : "self-hosted";
    const endpoint = selfHosted.endpoint ?? (mode === "hybrid" ? ENDPOINT_DEFAULTS : undefined);
    if (endpoint !== undefined && endpointAuth(endpoint, mode) === "api-key") {
        needed.push({ key: SECRET_KEYS.vllmApiKey, reason: `is required when selfHosted.endpoint.auth is "api-key": vLLM checks it on every /v1 request; run \`pulumi config set --secret ${key(SECRET_KEYS.vllmApiKey)} "$(openssl rand -hex 32)"\`` });
    }
    return needed;
}

/** The routes whose model the catalogue knows (checkRouting reports the others). */
function knownRoutes(routing: NonNullable<Workload["routing"]>): NonNullable<Workload["routing"]> {
    return routing.filter((r) => r.model === SELF_HOSTED_ROUTE || API_MODELS.has(r.model));
}

function checkSelfHosted(s: SelfHostedConfig, environment: Environment, ctx: Ctx): void {
    const gpuTypes = Object.values(EC2_INSTANCE_TYPES).filter((t) => t.gpu !== undefined).map((t) => t.instanceType);
    const instance = EC2_INSTANCE_TYPES[s.instanceType];
    if (instance?.gpu === undefined) {
        issue(ctx, ["selfHosted", "instanceType"], `"${s.instanceType}" is not a GPU instance type in the catalogue; allowed: ${gpuTypes.join(", ")} (${suggest(s.instanceType, gpuTypes)})`, s.instanceType);
    }
    const model = OPEN_MODELS.get(s.model);
    if (model === undefined) {
        const ids = [...OPEN_MODELS.keys()];
        issue(ctx, ["selfHosted", "model"], `"${s.model}" is not a model in the catalogue; allowed: ${ids.join(", ")}`, s.model);
    }
    if (s.redundancy) {
        if (s.gpuZones < 2) issue(ctx, ["selfHosted", "gpuZones"], `${s.gpuZones} zone cannot be redundant: use at least 2, or set selfHosted.redundancy to false (not allowed in production)`, s.gpuZones);
    } else if (environment === "production") {
        issue(ctx, ["selfHosted", "redundancy"], "false is not allowed when environment is \"production\": production needs at least two GPU nodes across two zones", false);
    }
    if (!SERVABLE_PRECISIONS.includes(s.precision)) {
        issue(ctx, ["selfHosted", "precision"], `"${s.precision}" cannot be served: ${UNSERVABLE_PRECISION}; allowed: ${SERVABLE_PRECISIONS.join(", ")}`);
    }
    if (s.nodesPerZone < 1) {
        issue(ctx, ["selfHosted", "nodesPerZone"], `${s.nodesPerZone} GPU nodes per zone serves nothing: use at least 1`, s.nodesPerZone);
    }
    if (s.gpuZones > s.availabilityZones) {
        issue(ctx, ["selfHosted", "gpuZones"], `${s.gpuZones} must be <= selfHosted.availabilityZones (${s.availabilityZones})`, s.gpuZones);
    }
    if (s.modelSource.kind === "huggingface" && s.egressAllowedCidrs.length === 0) {
        issue(ctx, ["selfHosted", "egressAllowedCidrs"], "[] leaves the serving namespace no route to the model source when selfHosted.modelSource.kind is \"huggingface\" (its NetworkPolicy allows only DNS, the VPC endpoints and these ranges); list the Hugging Face CDN's address ranges, or mirror the weights in S3 once and set selfHosted.modelSource to {kind: s3, bucket, prefix} (its ranges come from the region's S3 prefix list)", s.egressAllowedCidrs);
    }
    if (s.modelSource.kind === "s3" && s.egressAllowedCidrs.length > 0) {
        issue(ctx, ["selfHosted", "egressAllowedCidrs"], `${JSON.stringify(s.egressAllowedCidrs)} must be empty when selfHosted.modelSource.kind is "s3": the pods reach S3 on the ranges of the region's S3 managed prefix list, read at deploy time; remove the key (hand-typed ranges drift and would open egress to more than the model source)`, s.egressAllowedCidrs);
    }
    checkCidr(["selfHosted", "vpcCidr"], s.vpcCidr, (cidr) => planSubnets(cidr, zoneNames(s.availabilityZones)), ctx);
    s.egressAllowedCidrs.forEach((cidr, i) => checkCidr(["selfHosted", "egressAllowedCidrs", i], cidr, parseCidr, ctx));
    if (s.capacityType === "CAPACITY_BLOCK" && s.gpuZones > 1) {
        issue(ctx, ["selfHosted", "capacityType"], `CAPACITY_BLOCK with ${s.gpuZones} GPU zones: a Capacity Block reservation lives in one zone and the config holds one reservation id; allowed: ON_DEMAND, or CAPACITY_BLOCK with gpuZones 1 (redundancy false, not in production)`, s.capacityType);
    }
    if (s.capacityType === "CAPACITY_BLOCK" && s.capacityReservationId === undefined) {
        issue(ctx, ["selfHosted", "capacityReservationId"], "is required when capacityType is CAPACITY_BLOCK (a Capacity Block reservation id, cr-...)");
    }
    if (instance?.gpu !== undefined && model !== undefined) {
        const neededGiB = rootVolumeNeededGiB(model, s.precision, s.modelSource.kind);
        if (s.rootVolumeSizeGiB < neededGiB) {
            const holds = s.modelSource.kind === "huggingface" ? `the model cache (${model.label} checkpoint ${checkpointGB(model, s.precision).toFixed(0)} GB + the vLLM image + the OS, with 20% headroom)` : "the vLLM image and the OS, with 20% headroom";
            issue(ctx, ["selfHosted", "rootVolumeSizeGiB"], `${s.rootVolumeSizeGiB} GiB cannot hold ${holds}; allowed: ${neededGiB} or more`, s.rootVolumeSizeGiB);
        }
        const gpuCount = instance.gpu.count;
        if (s.tensorParallelSize !== undefined && gpuCount % s.tensorParallelSize !== 0) {
            const divisors = Array.from({ length: gpuCount }, (_, i) => i + 1).filter((d) => gpuCount % d === 0);
            issue(ctx, ["selfHosted", "tensorParallelSize"], `${s.tensorParallelSize} does not divide the ${gpuCount} GPUs of ${s.instanceType}; allowed: ${divisors.join(", ")}`, s.tensorParallelSize);
        }
        const span = s.tensorParallelSize !== undefined && gpuCount % s.tensorParallelSize === 0 ? s.tensorParallelSize : gpuCount;
        const fit = fitModel({ model, precision: s.precision, gpu: instance.gpu.id, gpusPerReplica: span, gpuMemoryUtilization: s.gpuMemoryUtilization });
        if (!fit.fits) {
            issue(ctx, ["selfHosted", s.tensorParallelSize !== undefined ? "tensorParallelSize" : "precision"],
                `${model.label} at ${s.precision} needs ${fit.weightsGB.toFixed(0)} GB of weights plus KV cache, but ${span}x ${GPUS[instance.gpu.id].label} at ${s.gpuMemoryUtilization} utilisation give ${fit.usableGB.toFixed(0)} GB: ${fitAdvice(s.precision, span, gpuCount)}`,
                s.tensorParallelSize ?? s.precision);
        }
    }
}

function checkGateway(g: GatewayConfig, environment: Environment, ctx: Ctx): void {
    if (g.availabilityZones < 2) {
        issue(ctx, ["gateway", "availabilityZones"], `${g.availabilityZones} zone cannot hold an Application Load Balancer (it needs subnets in 2 zones); allowed: 2..6 (a dev stack may still run one task)`, g.availabilityZones);
    }
    // The subnet plan's own limits on the CIDR (the zone count is the rule above).
    checkCidr(["gateway", "vpcCidr"], g.vpcCidr, (cidr) => planGatewaySubnets(cidr, zoneNames(Math.max(2, g.availabilityZones))), ctx);
    if (g.minCount > g.maxCount) issue(ctx, ["gateway", "maxCount"], `(${g.maxCount}) must be >= gateway.minCount (${g.minCount})`, g.maxCount);
    if (g.desiredCount < g.minCount || g.desiredCount > g.maxCount) issue(ctx, ["gateway", "desiredCount"], `(${g.desiredCount}) must be between gateway.minCount (${g.minCount}) and gateway.maxCount (${g.maxCount})`, g.desiredCount);
    if (environment === "production") {
        if (g.minCount < 2) issue(ctx, ["gateway", "minCount"], `${g.minCount} is below the production floor of 2 tasks`, g.minCount);
    }
    const fargate: Record<number, [number, number]> = { 256: [512, 2048], 512: [1024, 4096], 1024: [2048, 8192], 2048: [4096, 16384], 4096: [8192, 30720], 8192: [16384, 61440], 16384: [32768, 122880] };
    const range = fargate[g.cpu];
    if (range === undefined) {
        issue(ctx, ["gateway", "cpu"], `${g.cpu} is not a Fargate CPU size; allowed: ${Object.keys(fargate).join(", ")}`, g.cpu);
    } else if (g.memoryMiB < range[0] || g.memoryMiB > range[1]) {
        issue(ctx, ["gateway", "memoryMiB"], `${g.memoryMiB} is not allowed with cpu ${g.cpu}; allowed: ${range[0]}..${range[1]} MiB`, g.memoryMiB);
    }
}

/** Placeholder zone names: a subnet plan's limits depend on the count, not on the names a region gives at deploy. */
function zoneNames(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `zone-${i}`);
}

/** A CIDR the network would be cut from: `check` throws with the value and what is allowed. */
function checkCidr(path: Array<string | number>, cidr: string, check: (cidr: string) => unknown, ctx: Ctx): void {
    try {
        check(cidr);
    } catch (error) {
        issue(ctx, path, (error as Error).message, cidr);
    }
}

function checkRouting(w: Workload, mode: Mode, ctx: Ctx): void {
    if (w.routing === undefined) {
        if (w.apiUsdPerMTok === undefined) {
            issue(ctx, ["workload", "apiUsdPerMTok"], "is required when workload.routing is not given: the API rate the self-hosted cost is compared with (USD per million tokens, e.g. 0.8 routed or 5 all-GPT-4o)");
        }
        if (mode !== "self-hosted") {
            issue(ctx, ["workload", "routing"], `is required when mode is "${mode}": the gateway routes by it (e.g. [{tier: simple, model: groq/llama-3.1-8b, share: 0.6}, ...])`);
        }
        return;
    }
    const total = w.routing.reduce((sum, r) => sum + r.share, 0);
    if (Math.abs(total - 1) > 1e-6) {
        issue(ctx, ["workload", "routing"], `shares sum to ${Number(total.toFixed(6))}; they must sum to 1 (adjust the share of each tier)`, w.routing.map((r) => r.share));
    }
    const seen = new Set<string>();
    w.routing.forEach((r, i) => {
        if (seen.has(r.tier)) issue(ctx, ["workload", "routing", i, "tier"], `"${r.tier}" appears twice: each tier once`, r.tier);
        seen.add(r.tier);
        if (r.model === SELF_HOSTED_ROUTE) {
            if (mode !== "hybrid") issue(ctx, ["workload", "routing", i, "model"], `"${SELF_HOSTED_ROUTE}" is only allowed when mode is "hybrid"; use a catalogue model id`, r.model);
        } else if (!API_MODELS.has(r.model)) {
            const ids = [...API_MODELS.keys()];
            issue(ctx, ["workload", "routing", i, "model"], `"${r.model}" is not an API model in the catalogue (${suggest(r.model, ids)}); allowed: ${ids.join(", ")}${mode === "hybrid" ? `, ${SELF_HOSTED_ROUTE}` : ""}`, r.model);
        }
    });
    if (mode === "hybrid" && !w.routing.some((r) => r.model === SELF_HOSTED_ROUTE)) {
        issue(ctx, ["workload", "routing"], `must send at least one tier to "${SELF_HOSTED_ROUTE}" when mode is "hybrid"`);
    }
}

/** What would make a model fit: only the remedies this stack can take (a servable precision, a TP the node has room for). */
function fitAdvice(precision: Precision, span: number, gpuCount: number): string {
    const lower = SERVABLE_PRECISIONS.filter((p) => BYTES_PER_PARAMETER[p] < BYTES_PER_PARAMETER[precision]);
    const remedies = [
        ...(span < gpuCount ? [`a larger tensorParallelSize (up to ${gpuCount})`] : []),
        ...(lower.length > 0 ? [`a lower precision (${lower.join(", ")})`] : []),
        "a larger-memory instance type (p4de.24xlarge)",
    ];
    return `use ${remedies.join(", or ")}`;
}
