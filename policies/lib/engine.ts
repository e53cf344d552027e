/**
 * The pack's only door to the cost engine (cost/index.ts): every API-cost, break-even and capacity
 * figure a policy states comes through here, so the pack, the program and the CLI agree to the cent.
 * Nothing in policies/ does that arithmetic itself.
 *
 * The engine is a static import, so the CLI's runner (ts-node, type checking on) checks these
 * signatures against cost/ as the pack loads: an engine that does not fit fails the load, and
 * `pulumi preview --policy-pack` fails with it instead of passing.
 */
import * as cost from "../../cost";
import * as stack from "../../config/scenario";
import { StackConfig, Workload } from "../../config/stack";

export type ApiSpend = cost.ApiSpend;
export type Capacity = cost.CapacityForStack;
export type SelfHostedAlternative = cost.SelfHostedAlternative;

/** What the policies ask the engine. */
export interface PolicyEngine {
    apiSpend(workload: Workload, mode: StackConfig["mode"]): ApiSpend;
    /** Monthly tokens at which `selfHostedMonthlyUsd` equals the API bill at the rate. */
    breakEvenTokensPerMonth(selfHostedMonthlyUsd: number, usdPerMTok: number, cacheHitRate: number): number;
    capacity(config: StackConfig, instanceType: string, workload: Workload): Capacity;
    selfHostedAlternative(config: StackConfig, workload: Workload): SelfHostedAlternative;
}

/**
 * cost/index.ts as the policies ask it; the compiler checks each signature. The stack functions go
 * through config/scenario.ts, which resolves a stack's self-hosted section to the schema's defaults.
 */
const COST_ENGINE: PolicyEngine = {
    apiSpend: stack.apiSpend,
    breakEvenTokensPerMonth: cost.breakEvenTokensPerMonth,
    capacity: stack.capacityFor,
    selfHostedAlternative: stack.selfHostedAlternative,
};

let bound: PolicyEngine | undefined;

/** Replaces the engine the policies use (a test's stub); undefined restores cost/index.ts. */
export function bindCostEngine(engine: PolicyEngine | undefined): void {
    bound = engine;
}

export function costEngine(): PolicyEngine {
    return bound ?? COST_ENGINE;
}
