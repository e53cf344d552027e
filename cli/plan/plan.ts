/**
 * The plan of one stack: its resources priced (cost/pricers/ through the policy pack's own view,
 * so the plan and the pack agree to the cent), the engine's API-equivalent cost, break-even,
 * capacity and decision (estimateStack), and the policy verdict (./policy.ts).
 *
 * Sources: a shipped stack run under Pulumi's mock runtime (mockrun), or a real preview and/or a
 * stack export. Everything that can be wrong with the input is checked before anything is
 * computed or written.
 */
import { ConfigError, Mode, NAMESPACE, readFlatConfig, StackConfig, StackConfigState } from "../../config/stack";
import { estimateStack } from "../../config/scenario";
import type { Estimate } from "../../cost/estimate";
import type { PricedResource, StackPricing } from "../../cost/pricers";
import { rateFlag, ratioFlag, tokensFlag } from "../flags";
import { listStacks, PROJECT, readStackFile, RecordedResource, redactSecrets, runStack, StackFile, STACKS_DIR } from "../../mockrun";
import { buildView } from "../../policies/lib/view";
import { UsageError } from "../errors";
import { derivedPolicyConfig } from "./derivedPolicy";
import { evaluatePolicies, normalisePolicyConfig, policyConfigFileFor, PolicyPackConfig, readPolicyConfig, Verdict } from "./policy";
import { monthlyBudget } from "../../policies/monthlyBudget";
import { applyPreview, Preview, StackExport, StepOp } from "./preview";
import { parseUrn, ResourceState } from "./state";

/** Workload overrides from the command line (what-if), applied to the stack's config before anything runs. */
export interface WhatIf {
    readonly tokensPerMonth?: number;
    readonly apiUsdPerMTok?: number;
    readonly inputOutputRatio?: number;
}

export interface PricedRow {
    readonly state: ResourceState;
    readonly price: PricedResource;
    /** Priced or free: the figure; unknown with a worst case: the worst case; otherwise null (never $0). */
    readonly monthlyUsd: number | null;
    /** The top-level component it belongs to ("llm-net (Vpc)"), or "(stack)". */
    readonly component: string;
}

export interface Side {
    readonly rows: readonly PricedRow[];
    readonly pricing: StackPricing;
    /** The whole side's monthly cost; null when a billable resource is unpriced or unknown without a bound. */
    readonly monthlyUsd: number | null;
    /** What is priced (with worst cases): a floor when monthlyUsd is null. */
    readonly pricedMonthlyUsd: number;
}

export interface ResourceDelta {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** The preview's op for it; "same" when no step names it. */
    readonly op: StepOp;
    readonly beforeMonthlyUsd: number | null;
    readonly afterMonthlyUsd: number | null;
    /** null when either side cannot be priced. */
    readonly deltaMonthlyUsd: number | null;
}

export interface StackPlan {
    readonly stack: string;
    readonly source: "program" | "preview" | "export";
    readonly mode: Mode | null;
    readonly region: string;
    readonly config: StackConfig | undefined;
    readonly after: Side;
    /** Preview and export plans: the before side and the per-resource delta. */
    readonly before?: Side;
    readonly deltas?: readonly ResourceDelta[];
    /** With a before side: after minus before, per month; null when either side cannot be priced. */
    readonly deltaMonthlyUsd?: number | null;
    /** Whether before/after cover the whole stack (a program run, an export, or a preview with --show-sames). */
    readonly complete: boolean;
    readonly estimate: Estimate | undefined;
    /** Why there is no estimate (no llm-breakeven config in a preview, say). */
    readonly estimateProblem?: string;
    readonly verdict: Verdict;
}

// ---------------------------------------------------------------------------------------------
// Input checks.
// ---------------------------------------------------------------------------------------------

/** The environment's stack file, or a UsageError naming the stacks there are. */
function stackFileFor(stack: string, dir: string = STACKS_DIR): StackFile {
    try {
        return readStackFile(stack, dir);
    } catch (error) {
        const message = (error as Error).message;
        throw new UsageError(`--stack ${stack}: ${message.replace(/^no stack "[^"]*": /, "")}`);
    }
}

export function allStacks(dir: string = STACKS_DIR): string[] {
    const stacks = listStacks(dir);
    if (stacks.length === 0) throw new UsageError(`--all: no stacks in ${dir} (expected Pulumi.<env>.yaml files)`);
    return stacks;
}

/** A copy of a flat config with the what-if overrides written into `llm-breakeven:workload`. */
function applyWhatIf(flat: Readonly<Record<string, string>>, whatIf: WhatIf, where: string): Record<string, string> {
    const entries = Object.entries(whatIf).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return { ...flat };
    const key = `${NAMESPACE}:workload`;
    const text = flat[key];
    if (text === undefined) throw new UsageError(`${entries.map(([k]) => flagOf(k)).join(", ")}: ${where} has no ${key} to override`);
    let workload: unknown;
    try {
        workload = JSON.parse(text);
    } catch {
        throw new UsageError(`${where}: ${key} is not a JSON object, so it cannot be overridden`);
    }
    if (workload === null || typeof workload !== "object" || Array.isArray(workload)) throw new UsageError(`${where}: ${key} must be an object`);
    return { ...flat, [key]: JSON.stringify({ ...(workload as Record<string, unknown>), ...Object.fromEntries(entries) }) };
}

function flagOf(key: string): string {
    return { tokensPerMonth: "--tokens-per-month", apiUsdPerMTok: "--api-usd-per-mtok", inputOutputRatio: "--input-output-ratio" }[key] ?? key;
}

/** Parses what-if flag text with the parsers `estimate` uses (cli/flags.ts): a bad value is a UsageError naming the flag. */
export function parseWhatIf(options: { readonly tokensPerMonth?: string; readonly apiUsdPerMtok?: string; readonly inputOutputRatio?: string }): WhatIf {
    return {
        ...(options.tokensPerMonth !== undefined ? { tokensPerMonth: tokensFlag(options.tokensPerMonth) } : {}),
        ...(options.apiUsdPerMtok !== undefined ? { apiUsdPerMTok: rateFlag("--api-usd-per-mtok", options.apiUsdPerMtok) } : {}),
        ...(options.inputOutputRatio !== undefined ? { inputOutputRatio: ratioFlag(options.inputOutputRatio) } : {}),
    };
}

/** The stack config a plan compares with (absent when it has no llm-breakeven keys); an invalid one stops the plan before anything runs. */
function stackConfigState(flat: Readonly<Record<string, string>>, where: string): StackConfigState {
    const state = readFlatConfig(flat);
    if (state.kind === "invalid") throw new ConfigError(state.problems, where);
    return state;
}

/**
 * Where a plan's policy config comes from: a file (explicit, or policies/config/<env>.json), or
 * derived from the stack file (./derivedPolicy.ts): the pack's defaults now, the monthly-budget
 * ceiling once the stack is priced. Either way `config` is there to read and adjust (--measured does).
 */
export interface PolicyChoice {
    readonly kind: "file" | "derived";
    readonly config: PolicyPackConfig;
    readonly source: string;
}

/** The policy config of an environment: an explicit file, else policies/config/<env>.json, else derived from the stack file. */
function policyConfigFor(stack: string, file: string | undefined): PolicyChoice {
    if (file !== undefined) return { kind: "file", config: readPolicyConfig(file), source: file };
    const shipped = policyConfigFileFor(stack);
    if (shipped !== undefined) return { kind: "file", config: readPolicyConfig(shipped), source: `policies/config/${stack}.json` };
    return { kind: "derived", config: normalisePolicyConfig({}), source: `derived from stacks/Pulumi.${stack}.yaml` };
}

/** The config and its source for the policy run: a derived one gets its monthly-budget ceiling from the priced baseline. */
function resolvePolicy(choice: PolicyChoice, stack: string, baseline: Pick<StackPlan, "complete" | "after" | "config" | "estimate">): { readonly config: PolicyPackConfig; readonly source: string } {
    if (choice.kind === "file") return choice;
    const derived = derivedPolicyConfig(stack, baseline);
    const config = new Map(choice.config);
    const budget = derived.config.get(monthlyBudget.name);
    if (budget !== undefined) config.set(monthlyBudget.name, budget);
    return { config, source: derived.source };
}

// ---------------------------------------------------------------------------------------------
// Pricing.
// ---------------------------------------------------------------------------------------------

function rowMonthlyUsd(price: PricedResource): number | null {
    if (price.kind === "priced") return price.monthlyUsd;
    if (price.kind === "free") return 0;
    if (price.kind === "unknown" && price.worstCase !== undefined) return price.worstCase.monthlyUsd;
    return null;
}

/** The top-level component under the stack each resource belongs to, from parents (or the URN's type chain). */
function componentsOf(states: readonly ResourceState[]): Map<string, string> {
    const byUrn = new Map(states.map((s) => [s.urn, s]));
    const label = (s: ResourceState): string => `${s.name} (${s.type.split(":").pop()})`;
    const topLevelByType = new Map<string, ResourceState[]>();
    for (const s of states) {
        const parent = s.parent === undefined ? undefined : byUrn.get(s.parent);
        if (!s.custom && s.type !== "pulumi:pulumi:Stack" && (parent === undefined || parent.type === "pulumi:pulumi:Stack")) {
            topLevelByType.set(s.type, [...(topLevelByType.get(s.type) ?? []), s]);
        }
    }
    const result = new Map<string, string>();
    for (const s of states) {
        let node: ResourceState | undefined = s;
        let top: ResourceState | undefined;
        const seen = new Set<string>();
        while (node !== undefined && !seen.has(node.urn)) {
            seen.add(node.urn);
            if (!node.custom && node.type !== "pulumi:pulumi:Stack") top = node;
            node = node.parent === undefined ? undefined : byUrn.get(node.parent);
        }
        if (top === undefined) {
            // No parent recorded: the URN's type chain still names the top-level component's type.
            const chain = parseUrn(s.urn)?.typeChain ?? [];
            const topType = chain[0] === "pulumi:pulumi:Stack" ? chain[1] : chain[0];
            const candidates = topType === undefined || topType === s.type ? [] : topLevelByType.get(topType) ?? [];
            if (candidates.length === 1) top = candidates[0];
        }
        result.set(s.urn, top === undefined ? "(stack)" : label(top));
    }
    return result;
}

function priceSide(states: readonly ResourceState[], stackConfig: StackConfigState, flat: Readonly<Record<string, string>>): Side {
    const view = buildView(states, stackConfig, { ...flat });
    const components = componentsOf(states);
    const rows = states.map((state, i): PricedRow => {
        const price = view.pricing.entries[i]!.price;
        return { state, price, monthlyUsd: rowMonthlyUsd(price), component: components.get(state.urn) ?? "(stack)" };
    });
    const trusted = view.pricing.unpriced.length === 0 && view.pricing.unbounded.length === 0;
    return { rows, pricing: view.pricing, monthlyUsd: trusted ? view.pricing.monthlyUsd : null, pricedMonthlyUsd: view.pricing.monthlyUsd };
}

function deltasOf(before: Side, after: Side, ops: ReadonlyMap<string, StepOp>): ResourceDelta[] {
    const beforeByUrn = new Map(before.rows.map((r) => [r.state.urn, r]));
    const afterByUrn = new Map(after.rows.map((r) => [r.state.urn, r]));
    const urns = [...new Set([...beforeByUrn.keys(), ...afterByUrn.keys()])];
    return urns.map((urn): ResourceDelta => {
        const b = beforeByUrn.get(urn);
        const a = afterByUrn.get(urn);
        const state = (a ?? b)!.state;
        const beforeUsd = b === undefined ? 0 : b.monthlyUsd;
        const afterUsd = a === undefined ? 0 : a.monthlyUsd;
        return {
            urn, type: state.type, name: state.name, op: ops.get(urn) ?? "same",
            beforeMonthlyUsd: beforeUsd, afterMonthlyUsd: afterUsd,
            deltaMonthlyUsd: beforeUsd === null || afterUsd === null ? null : afterUsd - beforeUsd,
        };
    });
}

// ---------------------------------------------------------------------------------------------
// Plans.
// ---------------------------------------------------------------------------------------------

function fromRecorded(r: RecordedResource): ResourceState {
    const inputs = redactSecrets(r.inputs) as Record<string, unknown>;
    // The mocks answered with inputs plus computed outputs (ARNs): what a stack policy sees. Bridged
    // providers carry the resource's id among its outputs too; node groups refer to subnets by it.
    const props = { ...(redactSecrets(r.outputs) as Record<string, unknown>) };
    if (r.custom && r.id !== undefined && r.id !== "" && props["id"] === undefined) props["id"] = r.id;
    return {
        urn: r.urn, type: r.type, name: r.name, custom: r.custom, parent: r.parent, inputs, props,
        ...(Object.keys(r.propertyDependencies).length > 0 ? { propertyDependencies: r.propertyDependencies } : {}),
    };
}

function estimateOf(state: StackConfigState): { estimate?: Estimate; problem?: string } {
    if (state.kind !== "parsed") return { problem: "no llm-breakeven stack config to compare with" };
    try {
        return { estimate: estimateStack(state.config) };
    } catch (error) {
        if (error instanceof ConfigError) return { problem: error.problems.join("; ") };
        throw error;
    }
}

export interface PrepareStack {
    readonly file: StackFile;
    readonly configState: StackConfigState;
    readonly policy: PolicyChoice;
}

/** Reads and checks a shipped stack (file, what-ifs, config schema, policy config) without running anything. */
export function prepareStack(stack: string, whatIf: WhatIf, policyConfigFile?: string, dir: string = STACKS_DIR): PrepareStack {
    const file = stackFileFor(stack, dir);
    const where = `${dir === STACKS_DIR ? "stacks" : dir}/Pulumi.${stack}.yaml (stack ${stack})`;
    const config = applyWhatIf(file.config, whatIf, where);
    return { file: { ...file, config }, configState: stackConfigState(config, where), policy: policyConfigFor(stack, policyConfigFile) };
}

/** Plans a shipped stack: runs its program under mocks, prices what it registers, estimates and checks it. */
export async function planStack(prepared: PrepareStack): Promise<StackPlan> {
    const { file, configState, policy } = prepared;
    const run = await runStack(file);
    const states = run.resources.map(fromRecorded);
    const after = priceSide(states, configState, run.config);
    const config = configState.kind === "parsed" ? configState.config : undefined;
    const { estimate, problem } = estimateOf(configState);
    const resolved = resolvePolicy(policy, file.stack, { complete: true, after, config, estimate });
    const verdict = await evaluatePolicies(states, { flatConfig: run.config, secretKeys: file.secretKeys, policyConfig: resolved.config, configSource: resolved.source });
    return {
        stack: file.stack, source: "program", mode: config?.mode ?? null, region: run.config["aws:region"] ?? config?.region ?? "us-east-1", config,
        after, complete: true, estimate, ...(problem !== undefined ? { estimateProblem: problem } : {}), verdict,
    };
}

export interface PrepareFiles {
    readonly stack: string;
    readonly preview: Preview | undefined;
    readonly base: StackExport | undefined;
    readonly flat: Record<string, string>;
    readonly secretKeys: readonly string[];
    readonly configState: StackConfigState;
    readonly policy: PolicyChoice;
}

/**
 * Checks a preview and/or an export plan. The stack is `--stack`, else the one the URNs name; its
 * config is the preview's own, else stacks/Pulumi.<stack>.yaml when it exists.
 *
 * A preview belongs to the stack and project its URNs name: with `--stack` naming another stack (or
 * the URNs another project), its resources would be priced and judged under the wrong stack's config
 * and policy config, so that is an error unless `--force-stack` says it is meant.
 */
export function prepareFiles(input: { readonly preview?: Preview; readonly base?: StackExport; readonly stack?: string; readonly forceStack?: boolean; readonly whatIf: WhatIf; readonly policyConfigFile?: string }): PrepareFiles {
    const { preview, base } = input;
    const stack = input.stack ?? preview?.stack ?? base?.stack;
    if (stack === undefined) throw new UsageError(`${preview !== undefined ? `--preview ${preview.file}` : `--export ${base?.file ?? ""}`}: names no stack (no resource URNs); pass --stack <env>`);
    if (preview?.stack !== undefined && base?.stack !== undefined && (preview.stack !== base.stack || preview.project !== base.project)) {
        throw new UsageError(`--preview ${preview.file} is of stack "${preview.stack}" (project ${preview.project ?? "?"}) but --export ${base.file} is of stack "${base.stack}" (project ${base.project ?? "?"}): compare a stack with itself`);
    }
    if (input.forceStack !== true) checkOwner(stack, input.stack !== undefined, preview ?? base);
    let flat: Record<string, string> = {};
    let secretKeys: string[] = [];
    const own = preview !== undefined && Object.keys(preview.config).some((k) => k.startsWith(`${NAMESPACE}:`));
    if (own) {
        flat = { ...preview.config };
    } else if (listStacks().includes(stack)) {
        const file = readStackFile(stack);
        flat = { ...file.config };
        secretKeys = [...file.secretKeys];
    } else if (preview !== undefined) {
        flat = { ...preview.config };
    }
    const where = own ? `--preview ${preview.file} (stack ${stack})` : listStacks().includes(stack) ? `stacks/Pulumi.${stack}.yaml (stack ${stack})` : `stack "${stack}"`;
    flat = applyWhatIf(flat, input.whatIf, where);
    return { stack, preview, base, flat, secretKeys, configState: stackConfigState(flat, where), policy: policyConfigFor(stack, input.policyConfigFile) };
}

/** The file's URNs must name this project and, when --stack is given, that stack. */
function checkOwner(stack: string, explicit: boolean, file: { readonly file: string; readonly stack: string | undefined; readonly project: string | undefined } | undefined): void {
    if (file === undefined) return;
    const flag = "steps" in file ? "--preview" : "--export";
    const force = "; pass --force-stack to price it under --stack anyway";
    if (file.project !== undefined && file.project !== PROJECT) {
        throw new UsageError(`${flag} ${file.file}: its resources belong to project "${file.project}", not "${PROJECT}" (their URNs name urn:pulumi:${file.stack ?? "?"}::${file.project}::...): it is not a preview of this project's stacks${force}`);
    }
    if (explicit && file.stack !== undefined && file.stack !== stack) {
        throw new UsageError(`${flag} ${file.file}: is of stack "${file.stack}" (its URNs name urn:pulumi:${file.stack}::${file.project ?? PROJECT}::...) but --stack is "${stack}": it would be priced under ${stack}'s config and policy config; pass the ${flag === "--preview" ? "preview" : "export"} of ${stack}, or drop --stack${force}`);
    }
}

export async function planFiles(prepared: PrepareFiles): Promise<StackPlan> {
    const { preview, base, flat, configState, policy } = prepared;
    const change = applyPreview(preview, base);
    const before = priceSide(change.before, configState, flat);
    const after = priceSide(change.after, configState, flat);
    const config = configState.kind === "parsed" ? configState.config : undefined;
    const { estimate, problem } = estimateOf(configState);
    // Derived from the stack before the change when there is one: a change that outgrows it by a fifth blocks.
    const resolved = resolvePolicy(policy, prepared.stack, { complete: change.complete, after: base !== undefined ? before : after, config, estimate });
    const verdict = await evaluatePolicies(change.after, { flatConfig: flat, secretKeys: prepared.secretKeys, policyConfig: resolved.config, configSource: resolved.source });
    return {
        stack: prepared.stack, source: preview !== undefined ? "preview" : "export", mode: config?.mode ?? null,
        region: flat["aws:region"] ?? config?.region ?? "us-east-1", config,
        after, before, deltas: deltasOf(before, after, change.ops),
        deltaMonthlyUsd: before.monthlyUsd === null || after.monthlyUsd === null ? null : after.monthlyUsd - before.monthlyUsd,
        complete: change.complete,
        estimate, ...(problem !== undefined ? { estimateProblem: problem } : {}), verdict,
    };
}
