/**
 * The hybrid mode: the self-hosted stack (helper B's `createSelfHosted`) and the gateway in the same
 * VPC. The tiers routed to `self-hosted` go to the stack's own vLLM through an internal load balancer;
 * the rest go to managed APIs. The cost engine splits the workload: the GPUs are priced against the
 * tokens they serve, the API tiers line by line.
 */
import { StackSecrets } from "../config/pulumi";
import { hybridSplit } from "../config/scenario";
import { ConfigError, StackConfig } from "../config/stack";
import { createGateway, preflightGateway, spendOutputs } from "./gateway";
import type { StackOutputs } from "./index";
import { callOutputs, createSelfHosted, preflightSelfHosted } from "./selfHosted";

export async function buildHybrid(config: StackConfig, secrets: StackSecrets): Promise<StackOutputs> {
    // Both sides' checks before anything exists, in one error.
    const problems: string[] = [];
    for (const check of [() => preflightSelfHosted(config, secrets), () => preflightGateway(config, secrets, { servedModelName: config.selfHosted?.model ?? "self-hosted" })]) {
        try {
            check();
        } catch (error) {
            if (error instanceof ConfigError) problems.push(...error.problems);
            else throw error;
        }
    }
    if (problems.length > 0) throw new ConfigError(problems);

    // The self-hosted stack's own internal endpoint (auth "gateway": the gateway's virtual keys in front).
    const selfHosted = await createSelfHosted(config, secrets);
    const network = selfHosted.network;
    const endpoint = selfHosted.endpoint;
    if (endpoint === undefined) throw new Error("createSelfHosted made no endpoint in hybrid mode (preflightSelfHosted always gives hybrid one)");
    const gateway = await createGateway(config, secrets, {
        network: { vpcId: network.vpcId, vpcCidr: network.vpcCidr, availabilityZoneNames: network.availabilityZoneNames, publicSubnetIds: network.publicSubnetIds, privateSubnetIds: network.privateSubnetIds },
        selfHosted: { servedModelName: selfHosted.servedModelName, apiBase: endpoint.url },
    });

    const split = hybridSplit(config);
    const e = selfHosted.estimate;
    return {
        endpoint: gateway.gateway.url,
        routerModel: "auto",
        masterKeySecretArn: gateway.gateway.masterKeySecretArn,
        selfHostedEndpoint: endpoint.url,
        selfHostedCall: callOutputs({ ...selfHosted, endpoint }),
        resources: { serviceName: gateway.gateway.serviceName, taskDefinitionArn: gateway.gateway.taskDefinitionArn, autoscalingPolicies: gateway.gateway.autoscalingPolicyNames, alarms: gateway.gateway.alarmNames, secretVersions: gateway.gateway.secretVersionIds },
        servedModelName: selfHosted.servedModelName,
        clusterName: selfHosted.clusterName,
        gpuNodeGroups: selfHosted.gpuNodeGroups,
        // No projectedMonthlyUsd: the gateway's infrastructure is priced per resource, not here (program/gateway.ts INFRASTRUCTURE_SPEND_NOTE).
        split: {
            selfHostedShare: split.selfHostedShare,
            selfHostedTokensPerMonth: split.selfHostedTokensPerMonth,
            apiTokensPerMonth: split.apiTokensPerMonth,
            apiUsdPerMTok: split.apiUsdPerMTok,
            apiMonthlyUsd: split.apiMonthlyUsd,
            selfHostedApiEquivalentUsdPerMTok: split.selfHostedApiEquivalentUsdPerMTok,
            selfHostedApiEquivalentBasis: split.selfHostedApiEquivalentBasis,
        },
        selfHostedMonthlyUsd: e.selfHosted.monthlyUsd,
        gatewaySpend: spendOutputs(gateway.apiBill),
        breakEven: { tokensPerMonth: e.breakEven.tokensPerMonth, statement: e.breakEven.statement, capacityAware: e.capacity.breakEven },
        capacity: { nodesNeeded: e.capacity.nodesNeeded, servesVolume: e.capacity.servesVolume, servableTokensPerMonth: e.capacity.servableTokensPerMonth },
        decision: { decision: e.decision, reason: e.decisionReason },
    };
}
