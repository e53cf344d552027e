/**
 * Builds the stack for its mode, and exports what every mode reports: the endpoint and the cost
 * engine's view (projected spend, API-equivalent spend, break-even, capacity, decision).
 */
import * as pulumi from "@pulumi/pulumi";
import { StackSecrets } from "../config/pulumi";
import { StackConfig } from "../config/stack";
import { buildGateway } from "./gateway";
import { buildHybrid } from "./hybrid";
import { buildSelfHosted } from "./selfHosted";

export type StackOutputs = Record<string, pulumi.Input<unknown>>;

export async function buildProgram(config: StackConfig, secrets: StackSecrets): Promise<StackOutputs> {
    switch (config.mode) {
        case "self-hosted":
            return buildSelfHosted(config, secrets);
        case "gateway":
            return buildGateway(config, secrets);
        case "hybrid":
            return buildHybrid(config, secrets);
    }
}
