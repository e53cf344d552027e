/**
 * The llm-breakeven-cost policy pack: `pulumi preview --policy-pack policies
 * --policy-pack-config policies/config/<env>.json`. The only place the PolicyPack is constructed;
 * constructing it starts the Analyzer gRPC server the CLI talks to. Nothing else runs at load.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, POLICIES } from "./registry";

new PolicyPack(PACK_NAME, {
    description: "Blocks a deploy whose projected monthly spend is above what the declared workload would cost through managed APIs.",
    policies: POLICIES,
});
