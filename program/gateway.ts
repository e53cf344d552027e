/**
 * The gateway mode: the team pays API prices and runs no GPU. A LiteLLM proxy routes each request to
 * the cheapest capable tier, caches similar requests, enforces budgets and reports spend.
 *
 * Everything that can be wrong is found before the first resource is registered: the schema
 * (config/: every rule config can break, including the network plan and that the provider keys are
 * set) first, then `preflightGateway` here with what the schema cannot see (the rendered routing
 * against the release, the run context, the price of every part), all problems in one ConfigError;
 * the key names inside the provider-key secret are checked when its value arrives (checkProviderKeys).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ApiBill, apiBillByTier, gatewayPriceProblems } from "../cost/gateway";
import { StackSecrets, requireSecretsRead } from "../config/pulumi";
import { estimateStack } from "../config/scenario";
import { ConfigError, GatewayConfig, NAMESPACE, SECRET_KEYS, StackConfig } from "../config/stack";
import { Gateway } from "../components/gateway/gateway";
import { RenderedLiteLLMConfig, RoutingConfigError, SelfHostedModel, renderLiteLLMConfig } from "../components/gateway/liteLLMConfig";
import { EXAMPLE_ACCOUNT, RunContext, runContext } from "./runContext";
import { digestProblem, openBreakProblems, releaseProblems, requiredFeatures } from "../platform/liteLLMRelease";
import { VpcRef } from "../components/network/vpc";
import type { StackOutputs } from "./index";

const key = (path: string): string => `${NAMESPACE}:${path}`;

export interface GatewayPreflight {
    readonly gateway: GatewayConfig;
    readonly rendered: RenderedLiteLLMConfig;
    readonly providerApiKeys: pulumi.Output<Record<string, string>>;
}

/** The checks the schema cannot make (the rendered routing against the release, the run context, the prices), all at once. */
export function preflightGateway(config: StackConfig, secrets: StackSecrets, selfHosted?: SelfHostedModel): GatewayPreflight {
    const gateway = config.gateway;
    // The schema requires the section in this mode (config/rules.ts): a config that lacks it did not come through it.
    if (gateway === undefined) throw new Error(`preflightGateway: mode "${config.mode}" without gateway; parse the config with config/stack.ts first`);
    requireSecretsRead(config, secrets);
    const problems: string[] = [];
    let rendered: RenderedLiteLLMConfig | undefined;
    try {
        rendered = renderLiteLLMConfig({
            routing: config.workload.routing ?? [],
            monthlyBudgetUsd: gateway.budgets.monthlyUsd,
            perProviderMonthlyUsd: gateway.budgets.perProviderMonthlyUsd,
            similarityThreshold: gateway.cache.similarityThreshold,
            semanticCache: gateway.cache.semantic,
            databaseEnabled: gateway.database.enabled,
            ...(selfHosted !== undefined ? { selfHosted } : {}),
            // Give up on a provider call a minute before the load balancer would drop the connection.
            requestTimeoutSeconds: Math.max(30, gateway.idleTimeoutSeconds - 60),
        });
    } catch (error) {
        if (error instanceof RoutingConfigError) problems.push(...error.problems);
        else throw error;
    }
    // The image must be a release with every feature the rendered config uses (platform/liteLLMRelease.ts).
    if (rendered !== undefined) problems.push(...releaseProblems(gateway.image, requiredFeatures(rendered.document), key("gateway.image")));
    // A real production `pulumi up` runs only a registry-resolved digest; checked here, before any
    // resource of the stack (hybrid: the self-hosted side too) is registered.
    const run = runContext();
    // A real deploy never starts a proxy that a feature it uses is known to break (no fixed release read).
    if (rendered !== undefined && !run.dryRun && !run.offlinePlan) problems.push(...openBreakProblems(gateway.image, requiredFeatures(rendered.document)));
    const refusal = deployRefusal({ ...run, environment: config.environment, image: gateway.image });
    if (refusal !== undefined) problems.push(refusal);
    const certificate = certificateRefusal({ ...run, certificateArn: gateway.certificateArn });
    if (certificate !== undefined) problems.push(certificate);
    problems.push(...gatewayPriceProblems({ cacheNodeType: gateway.cache.nodeType, ...(gateway.database.enabled ? { databaseInstanceClass: gateway.database.instanceClass } : {}) }));
    if (problems.length > 0 || rendered === undefined || secrets.providerApiKeys === undefined) throw new ConfigError(problems);
    return { gateway, rendered, providerApiKeys: secrets.providerApiKeys };
}

/**
 * The provider keys the routing needs, checked by name before anything is created: the names of a
 * secret object's keys are not secret, its values never leave the Output. When the secret is not
 * known yet (it always is for stack config), the check happens when the value arrives.
 */
export async function checkProviderKeys(providerApiKeys: pulumi.Output<Record<string, string>>, providers: readonly string[]): Promise<void> {
    const known = await (providerApiKeys as unknown as { isKnown: Promise<boolean> }).isKnown;
    if (!known) return;
    const names = await new Promise<string[]>((resolve) => providerApiKeys.apply((keys) => {
        resolve(Object.keys(keys ?? {}).filter((k) => typeof keys[k] === "string" && keys[k] !== ""));
        return keys;
    }));
    const missing = providers.filter((p) => !names.includes(p));
    if (missing.length > 0) {
        throw new ConfigError(missing.map((p) => `${key(`${SECRET_KEYS.providerApiKeys}.${p}`)}: is missing; the routing (or the semantic cache's embeddings) calls ${p}: run \`pulumi config set --secret --path ${key(`${SECRET_KEYS.providerApiKeys}.${p}`)} <key>\` (keys present: ${names.join(", ") || "none"})`));
    }
}

/**
 * Why this run must not deploy the gateway image, or undefined. Only a real `pulumi up` of a
 * production stack refuses an image without a registry-resolved digest: a preview, a dev stack and
 * the offline plan (mocks: no engine) go on, and the policy pack reports it there as an advisory.
 */
export function deployRefusal(input: RunContext & { readonly environment: string; readonly image: string }): string | undefined {
    if (input.dryRun || input.offlinePlan || input.environment !== "production") return undefined;
    return digestProblem(input.image, key("gateway.image"));
}

/**
 * The shipped stack files name a certificate in AWS's documentation account (EXAMPLE_ACCOUNT) so that
 * they plan as an internet-facing HTTPS gateway, but no such certificate is yours. A real `pulumi up`
 * with it would create the load balancer and then fail on its listener (a half-applied deploy):
 * refused before any resource is registered. Previews and the offline plan go on.
 */
export function certificateRefusal(input: RunContext & { readonly certificateArn: string | undefined }): string | undefined {
    if (input.dryRun || input.offlinePlan || input.certificateArn === undefined) return undefined;
    if (input.certificateArn.split(":")[4] !== EXAMPLE_ACCOUNT) return undefined;
    return `${key("gateway.certificateArn")}: "${input.certificateArn}" is the shipped example (AWS's documentation account ${EXAMPLE_ACCOUNT}), not your certificate; import or request one in ACM and run \`pulumi config set --path 'llm-breakeven:gateway.certificateArn' arn:aws:acm:<region>:<account>:certificate/<id>\``;
}

export interface GatewayDeployment {
    readonly gateway: Gateway;
    readonly rendered: RenderedLiteLLMConfig;
    /** The API bill of the routed workload (the engine's, from the workload); the infrastructure is priced per resource. */
    readonly apiBill: ApiBill;
}

export interface CreateGatewayOptions {
    /** Prefix of every resource name. Default "gw". */
    readonly name?: string;
    /** A network to join (hybrid). Default: the gateway's own VPC. */
    readonly network?: VpcRef;
    /** The self-hosted tier's model and private endpoint (hybrid). */
    readonly selfHosted?: SelfHostedModel & { readonly apiBase: pulumi.Input<string> };
    readonly parent?: pulumi.Resource;
}

/** Builds the gateway for a validated config (gateway or hybrid mode). */
export async function createGateway(config: StackConfig, secrets: StackSecrets, options: CreateGatewayOptions = {}): Promise<GatewayDeployment> {
    const { gateway, rendered, providerApiKeys } = preflightGateway(config, secrets, options.selfHosted);
    await checkProviderKeys(providerApiKeys, rendered.providers);
    const name = options.name ?? "gw";
    let zones: string[] = [];
    if (options.network === undefined) {
        const available = await aws.getAvailabilityZones({ state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] });
        zones = available.names.slice(0, gateway.availabilityZones);
        if (zones.length < gateway.availabilityZones) {
            throw new ConfigError([`${key("gateway.availabilityZones")}: ${gateway.availabilityZones} zones asked, but ${config.region} has ${zones.length} standard zones (${zones.join(", ")}); allowed: 2..${zones.length}`]);
        }
    }
    const tags = { "llm-breakeven:stack": pulumi.getStack(), "llm-breakeven:mode": config.mode, "llm-breakeven:environment": config.environment };
    const component = new Gateway(name, {
        environment: config.environment,
        region: config.region,
        ...(options.network !== undefined ? { network: options.network } : {}),
        availabilityZoneNames: zones,
        vpcCidr: gateway.vpcCidr,
        // One NAT per zone where an outage must not cut provider calls; one shared NAT elsewhere.
        natGateways: config.environment === "production" ? "per-zone" : "single",
        image: gateway.image,
        // Names AWS keeps account- or region-wide carry the project and the stack (cli/plan/names.ts checks them).
        physicalName: `${pulumi.getProject()}-${pulumi.getStack()}-${name}`,
        desiredCount: gateway.desiredCount, minCount: gateway.minCount, maxCount: gateway.maxCount,
        cpuUnits: gateway.cpu, memoryMiB: gateway.memoryMiB,
        ...(gateway.certificateArn !== undefined ? { certificateArn: gateway.certificateArn } : {}),
        idleTimeoutSeconds: gateway.idleTimeoutSeconds,
        waf: gateway.waf,
        cacheNodeType: gateway.cache.nodeType, cacheNodes: gateway.cache.nodes,
        ...(gateway.database.enabled ? { database: { instanceClass: gateway.database.instanceClass, multiAz: gateway.database.multiAz, allocatedStorageGiB: gateway.database.allocatedStorageGiB } } : {}),
        logRetentionDays: gateway.logRetentionDays,
        liteLLMConfigYaml: rendered.yaml,
        providers: rendered.providers,
        providerApiKeys,
        monthlyBudgetUsd: gateway.budgets.monthlyUsd,
        ...(options.selfHosted !== undefined ? { selfHostedApiBase: options.selfHosted.apiBase } : {}),
        requestsPerMonth: gateway.requestsPerMonth,
        tags,
    }, options.parent !== undefined ? { parent: options.parent } : {});
    const api = apiBillByTier({
        tokensPerMonth: config.workload.tokensPerMonth, inputOutputRatio: config.workload.inputOutputRatio, cacheHitRate: config.workload.cacheHitRate,
        routing: config.workload.routing ?? [],
        semanticCache: gateway.cache.semantic,
        ...(config.workload.apiUsdPerMTok !== undefined ? { usdPerMTok: config.workload.apiUsdPerMTok } : {}),
    });
    return {
        gateway: component,
        rendered,
        apiBill: api,
    };
}

/**
 * Where the gateway's infrastructure spend is reported. The stack's bill is the priced resources the
 * program created, and a program cannot see those as a set while it runs (under the real CLI each is
 * an Output; under mocks no transform sees them either), so no infrastructure figure is computed here:
 * one computed from the config would be a second pricer kept in step by hand, which it was until
 * issue 17 (ALARM_METRICS = 6, `secrets: 3 + providers + db`). The policy pack prices the resources
 * at `pulumi preview --policy-pack policies`, and `llm-breakeven plan` prices a mock run's.
 */
export const INFRASTRUCTURE_SPEND_NOTE = "priced per resource by the policy pack (pulumi preview --policy-pack policies) and by `llm-breakeven plan`, not in the stack outputs";

/**
 * The projected spend a program can honestly compute: the API bill of the routed workload, line by
 * line (usage charges are the engine's, from the workload), without provenance objects (the CLI
 * shows them elsewhere), and where the infrastructure's figure is.
 */
export function spendOutputs(api: ApiBill): Record<string, unknown> {
    const row = (l: { id: string; label: string; quantity: number; unit: string; unitUsd: number; monthlyUsd: number }) => ({ id: l.id, label: l.label, quantity: l.quantity, unit: l.unit, unitUsd: l.unitUsd, monthlyUsd: l.monthlyUsd });
    return {
        apiMonthlyUsd: api.monthlyUsd,
        api: [...api.tiers.map(row), ...(api.embedding !== undefined ? [row(api.embedding)] : [])],
        infrastructure: INFRASTRUCTURE_SPEND_NOTE,
    };
}

/** The stack outputs of the gateway mode: the endpoint, the projected spend line by line, and the engine's view. */
export async function buildGateway(config: StackConfig, secrets: StackSecrets): Promise<StackOutputs> {
    const deployment = await createGateway(config, secrets);
    const g = deployment.gateway;
    // The engine compares the API bill with the self-hosted alternative (the schema's defaults).
    const e = estimateStack(config);
    return {
        endpoint: g.url,
        routerModel: "auto",
        masterKeySecretArn: g.masterKeySecretArn,
        availabilityZones: g.availabilityZoneNames,
        // Every leaf of the graph, so the stack's outputs settle only when all of it is registered.
        resources: { serviceName: g.serviceName, taskDefinitionArn: g.taskDefinitionArn, autoscalingPolicies: g.autoscalingPolicyNames, alarms: g.alarmNames, secretVersions: g.secretVersionIds },
        // No projectedMonthlyUsd: it would need the infrastructure's figure (see INFRASTRUCTURE_SPEND_NOTE).
        projectedSpend: spendOutputs(deployment.apiBill),
        apiEquivalentMonthlyUsd: e.api.monthlyUsd,
        selfHostedAlternativeMonthlyUsd: e.selfHosted.monthlyUsd,
        breakEven: { tokensPerMonth: e.breakEven.tokensPerMonth, statement: e.breakEven.statement, capacityAware: e.capacity.breakEven },
        decision: { decision: e.decision, reason: e.decisionReason },
    };
}
