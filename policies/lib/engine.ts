/**
 * The pack's only door to the cost engine (cost/index.ts, written alongside the pack): every
 * API-cost, break-even and capacity figure a policy states comes through here, so the pack, the
 * program and the CLI agree to the cent. Nothing in policies/ does that arithmetic itself.
 *
 * The engine is bound lazily: a checkout without it (or with an engine missing a function the pack
 * needs) makes every policy that needs a figure report a violation, never pass.
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

/** What the policies ask the engine. */
export interface PolicyEngine {
    apiSpend(workload: Workload, mode: StackConfig["mode"]): ApiSpend;
    /** Monthly tokens at which `selfHostedMonthlyUsd` equals the API bill at the rate. */
    breakEvenTokensPerMonth(selfHostedMonthlyUsd: number, usdPerMTok: number, cacheHitRate: number): number;
    capacity(config: StackConfig, instanceType: string, workload: Workload): Capacity;
    selfHostedAlternative(config: StackConfig, workload: Workload): SelfHostedAlternative;
}

export class EngineUnavailableError extends Error {}

let bound: PolicyEngine | undefined;

/**
 * Binds the engine the policies use. The pack binds cost/index.ts itself on first use; an embedding
 * caller (the CLI's in-process plan, a test) may bind the same engine explicitly.
 */
export function bindCostEngine(engine: PolicyEngine | undefined): void {
    bound = engine;
}

/** The engine bound to the project's cost/ module. Throws EngineUnavailableError (policies fail closed). */
export function costEngine(): PolicyEngine {
    if (bound !== undefined) return bound;
    bound = fromCostModule(loadCostModule());
    return bound;
}

type CostModule = Record<string, unknown>;

function loadCostModule(): CostModule {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require("../../cost") as CostModule;
    } catch (error) {
        throw new EngineUnavailableError(`the cost engine (cost/index.ts) cannot be loaded: ${(error as Error).message.split("\n")[0]}`);
    }
}

/**
 * Maps the engine's exported functions onto what the policies ask. This is the single place that
 * knows the engine's signatures: check it against cost/index.ts whenever the engine changes.
 */
export function fromCostModule(mod: CostModule): PolicyEngine {
    const required = ["apiSpend", "breakEvenTokensPerMonth", "capacityFor", "selfHostedAlternative"] as const;
    const missing = required.filter((name) => typeof mod[name] !== "function");
    if (missing.length > 0) {
        throw new EngineUnavailableError(`the cost engine (cost/index.ts) does not export ${missing.join(", ")}, which the policy pack needs (see policies/lib/engine.ts)`);
    }
    const fn = <A extends unknown[], R>(name: (typeof required)[number]) => mod[name] as (...args: A) => R;
    return {
        apiSpend: fn<[Workload, StackConfig["mode"]], ApiSpend>("apiSpend"),
        breakEvenTokensPerMonth: fn<[number, number, number], number>("breakEvenTokensPerMonth"),
        capacity: fn<[StackConfig, string, Workload], Capacity>("capacityFor"),
        selfHostedAlternative: fn<[StackConfig, Workload], SelfHostedAlternative>("selfHostedAlternative"),
    };
}
