/**
 * A parsed stack config as the engine's inputs (cost/scenario.ts): the self-hosted section resolved
 * to the schema's defaults where the stack has none (a gateway stack is compared with that
 * deployment), and the engine's stack functions called with it. Reading config only; the
 * arithmetic is the engine's.
 */
import * as engine from "../cost/scenario";
import { Estimate, Scenario } from "../cost/estimate";
import { Mode, SelfHostedConfig, StackConfig, Workload, selfHostedSchema } from "./stack";

/** The stack's self-hosted section, or the schema's defaults (the alternative a gateway stack is compared with). */
export function selfHostedOrDefault(config: Pick<StackConfig, "selfHosted">): SelfHostedConfig {
    return config.selfHosted ?? selfHostedSchema.parse({});
}

/** The engine's view of a stack: its config with the self-hosted section resolved. */
export function stackInputs(config: StackConfig): engine.StackInputs {
    return { ...config, selfHosted: selfHostedOrDefault(config) };
}

export function scenarioFromStackConfig(config: StackConfig, name?: string): Scenario {
    return engine.scenarioFromStackConfig(stackInputs(config), name);
}

/** The stack's estimate: what the Pulumi program reports and the CLI prints for a stack. */
export function estimateStack(config: StackConfig): Estimate {
    return engine.estimateStack(stackInputs(config));
}

export function hybridSplit(config: Pick<StackConfig, "workload" | "selfHosted">): engine.HybridSplit {
    return engine.hybridSplit({ workload: config.workload, selfHosted: selfHostedOrDefault(config) });
}

/** The workload's API spend; the self-hosted tier is priced at the hosted copy of `selfHostedModel` (default: the schema's model). */
export function apiSpend(workload: Workload, mode: Mode, selfHostedModel: string = selfHostedSchema.parse({}).model): engine.ApiSpend {
    return engine.apiSpend(workload, mode, selfHostedModel);
}

export function capacityFor(config: Pick<StackConfig, "selfHosted">, instanceType: string, workload: Workload): engine.CapacityForStack {
    return engine.capacityFor({ selfHosted: selfHostedOrDefault(config) }, instanceType, workload);
}

export function selfHostedAlternative(config: Pick<StackConfig, "selfHosted" | "overhead">, workload: Workload): engine.SelfHostedAlternative {
    return engine.selfHostedAlternative({ selfHosted: selfHostedOrDefault(config), overhead: config.overhead }, workload);
}
