/**
 * The cost engine, in one import: `import { estimate, nodeCapacity, ... } from "../cost"`.
 *
 * The catalogue, units and memory fit are re-exported so callers need no second import. The stack
 * mapping (config/scenario.ts) is re-exported too, because the policy pack asks the engine by these
 * names (apiSpend, breakEvenTokensPerMonth, capacityFor, selfHostedAlternative: policies/lib/engine.ts).
 */
export * from "./catalogue";
export * from "./units";
export * from "./memory";
export * from "./workload";
export * from "./costLine";
export * from "./selfHosted";
export * from "./capacity";
export * from "./breakEven";
export * from "./decision";
export * from "./estimate";
export {
    apiSpend, capacityFor, estimateStack, hostedEquivalent, hybridSplit, offerFor, scenarioFromStackConfig, selfHostedAlternative, selfHostedOrDefault,
} from "../config/scenario";
export type { ApiSpend, CapacityForStack, HybridSplit, SelfHostedAlternative } from "../config/scenario";
