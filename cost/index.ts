/**
 * The cost engine, in one import: `import { estimate, nodeCapacity, ... } from "../cost"`.
 *
 * The catalogue, units and memory fit are re-exported so callers need no second import, and so is
 * the stack mapping (scenario.ts). The engine imports nothing from config/, components/, program/,
 * policies/ or cli/ (test/architecture.test.ts).
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
export * from "./scenario";
export * from "./errors";
