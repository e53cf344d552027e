/**
 * The pack's only door to the cost engine (cost/ and config/scenario.ts): every API-cost,
 * break-even and capacity figure a policy states comes through here, so the pack, the program and
 * the CLI agree to the cent. Nothing in policies/ does that arithmetic itself.
 */
import { StackConfig, Workload } from "../../config/stack";

export interface ApiSpend {
    /** Blended rate of the whole workload through managed APIs, USD per million tokens. */
    readonly allApiUsdPerMTok: number;
    /** Monthly bill if every token went to managed APIs (net of the semantic cache). */
    readonly allApiMonthlyUsd: number;
    /** Share of tokens the stack serves itself (1 self-hosted, 0 gateway, the routed share in hybrid). */
    readonly selfHostedShare: number;
    /** Monthly API bill of the tokens the stack does not serve itself (gateway and hybrid). */
    readonly remainingApiMonthlyUsd: number;
}

export interface Capacity {
    /** Output tokens per second one node of the instance type serves for the stack's model. */
    readonly perNodeTokensPerSecond: number;
    /** Output tokens per second at the declared peak. */
    readonly peakTokensPerSecond: number;
    readonly nodesNeeded: number;
    /** One line on how the figure was reached (model, precision, tensor parallel, engine). */
    readonly basis: string;
}

export interface SelfHostedAlternative {
    /** Monthly cost of the smallest redundant self-hosted deployment serving the workload. */
    readonly monthlyUsd: number;
    readonly breakEvenTokensPerMonth: number;
    readonly label: string;
}

export interface PolicyEngine {
    apiSpend(workload: Workload, mode: StackConfig["mode"]): ApiSpend;
    /** Monthly tokens at which `selfHostedMonthlyUsd` equals the API bill at the rate. */
    breakEvenTokensPerMonth(selfHostedMonthlyUsd: number, usdPerMTok: number, cacheHitRate: number): number;
    capacity(config: StackConfig, instanceType: string, workload: Workload): Capacity;
    selfHostedAlternative(config: StackConfig, workload: Workload): SelfHostedAlternative;
}

export class EngineUnavailableError extends Error {}

/** The engine bound to the project's cost/ module. */
export function costEngine(): PolicyEngine {
    throw new EngineUnavailableError("the cost engine (cost/index.ts) is not available in this checkout");
}
