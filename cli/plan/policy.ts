/**
 * The policy verdict of a planned stack, through the analyzer code path `pulumi preview --policy-pack`
 * uses: @pulumi/policy's own AnalyzeStack handler (`makeAnalyzeStackRpcFun`, the function the pack's
 * gRPC server registers), called in process with the AnalyzeStackRequest the engine would send
 * (see requestOf). Properties go through the SDK's deserializer and its unknown-checking
 * proxy, enforcement levels and not-applicable are decided by the SDK, and the diagnostics are
 * read back from its AnalyzeResponse.
 *
 * What is not reused: the gRPC transport and the process the CLI would start (ts-node with type
 * checking takes seconds per start; the pack's e2e test covers that path). The policy config is
 * handed over as the CLI would after its Configure RPC: the SDK keeps Configure's result in a
 * module-private variable, so the configured level and properties are applied to each policy here
 * (level as the policy's own, properties through `getConfig`), with the SDK's `normalizeConfig`
 * reading the file and the schema defaults filled in as the CLI does.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Policies, Policy, PolicyConfigSchema, StackValidationPolicy } from "@pulumi/policy";
import { AGREEING_POLICIES, PACK_NAME, POLICIES } from "../../policies/registry";
import { withSharedView } from "../../policies/lib/view";
import { overrideTokenCount } from "../../policies/lib/workload";
import { UsageError } from "../errors";
import { analyzeStack, Level, LEVELS, normalizeConfig } from "./policyInternals";
import type { ResourceState } from "./state";

/** policies/ at the project root: the pack, its registry and its per-environment config. */
const POLICY_DIR = path.resolve(__dirname, "..", "..", "policies");

export type { Level } from "./policyInternals";

/** Whether a violation at this level blocks the update (the Pulumi CLI fails on mandatory and remediate ones). */
export function isBlocking(level: string): boolean {
    return level === "mandatory" || level === "remediate";
}

export interface Violation {
    readonly policy: string;
    readonly enforcementLevel: Level;
    readonly message: string;
    /** The resource it names, when the policy gave one. */
    readonly urn?: string;
}

export interface Verdict {
    readonly verdict: "pass" | "blocked";
    readonly violations: readonly Violation[];
    /** Policies the SDK reported as not applicable, with the reason. */
    readonly notApplicable: readonly { readonly policy: string; readonly reason: string }[];
    /** The policy config applied (its file, or "policy defaults"). */
    readonly configSource: string;
}

/** One policy's configuration after normalisation: its level and its properties. */
export interface PolicyConfigEntry {
    readonly enforcementLevel?: Level;
    readonly properties: Readonly<Record<string, unknown>>;
}

export type PolicyPackConfig = ReadonlyMap<string, PolicyConfigEntry>;

function packVersion(): string {
    try {
        const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as { version?: unknown };
        return typeof pkg.version === "string" ? pkg.version : "0.0.0";
    } catch {
        return "0.0.0";
    }
}

/** The policy-pack-config file of an environment (policies/config/<env>.json), when there is one. */
export function policyConfigFileFor(env: string): string | undefined {
    const file = path.join(POLICY_DIR, "config", `${env}.json`);
    return fs.existsSync(file) ? file : undefined;
}

/**
 * Reads a `--policy-pack-config` file: `{ "all": level, "<policy>": level | { enforcementLevel, ...props } }`.
 * Checks it against the pack as the CLI does: known policy names, known levels, each property's
 * JSON type; fills each policy's schema defaults. Throws UsageError naming the key, value and fix.
 */
export function readPolicyConfig(file: string): PolicyPackConfig {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (error) {
        throw new UsageError(`${file}: not a policy-pack-config JSON file (${(error as Error).message})`);
    }
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new UsageError(`${file}: a policy-pack-config file must be a JSON object of policy name -> level or config`);
    return normalisePolicyConfig(raw as Record<string, unknown>, file);
}

export function normalisePolicyConfig(raw: Readonly<Record<string, unknown>>, source = "policy config"): PolicyPackConfig {
    const byName = new Map(POLICIES.map((p) => [p.name, p]));
    const problems: string[] = [];
    const all = raw["all"];
    if (all !== undefined && (typeof all !== "string" || !LEVELS.includes(all as Level))) problems.push(`"all": ${JSON.stringify(all)} is not an enforcement level; allowed: ${LEVELS.join(", ")}`);
    const rest = Object.fromEntries(Object.entries(raw).filter(([k]) => k !== "all"));
    for (const [name, value] of Object.entries(rest)) {
        if (!byName.has(name)) problems.push(`"${name}" is not a policy of the pack; policies: ${[...byName.keys()].join(", ")}`);
        if (value === null || (typeof value !== "string" && typeof value !== "object") || Array.isArray(value)) problems.push(`"${name}": must be an enforcement level or an object`);
    }
    if (problems.length > 0) throw new UsageError(`${source}: ${problems.join("; ")}`);
    const normalised = normalizeConfig(rest);
    const result = new Map<string, PolicyConfigEntry>();
    for (const policy of POLICIES) {
        const entry = normalised[policy.name];
        const level = entry?.enforcementLevel ?? (typeof all === "string" ? all : undefined);
        if (level !== undefined && !LEVELS.includes(level as Level)) problems.push(`"${policy.name}".enforcementLevel: ${JSON.stringify(level)} is not allowed; allowed: ${LEVELS.join(", ")}`);
        const properties = { ...schemaDefaults(policy.configSchema), ...(entry?.properties ?? {}) };
        problems.push(...checkProperties(policy.name, policy.configSchema, properties));
        result.set(policy.name, { ...(level !== undefined ? { enforcementLevel: level as Level } : {}), properties });
    }
    problems.push(...disagreements(result));
    if (problems.length > 0) throw new UsageError(`${source}: ${problems.join("; ")}`);
    return result;
}

/**
 * The keys a policy shares with the one whose analysis it reports (AGREEING_POLICIES) must be set
 * alike: otherwise break-even-exemption would describe a different break-even from the one
 * projected-spend-below-api-break-even decides on. Alike means the same value ("6B" and 6e9 are);
 * a pair with a disabled member has nothing to agree on. The Pulumi CLI hands each policy only its
 * own config, so only the offline plan can catch this.
 */
function disagreements(config: PolicyPackConfig): string[] {
    const problems: string[] = [];
    const policy = (name: string): Policy | undefined => POLICIES.find((p) => p.name === name);
    const disabled = (name: string): boolean => (config.get(name)?.enforcementLevel ?? policy(name)?.enforcementLevel) === "disabled";
    for (const [decides, reports] of AGREEING_POLICIES) {
        if (disabled(decides) || disabled(reports)) continue;
        const a = config.get(decides)?.properties ?? {};
        const b = config.get(reports)?.properties ?? {};
        const shared = Object.keys(policy(decides)?.configSchema?.properties ?? {}).filter((key) => key in (policy(reports)?.configSchema?.properties ?? {}));
        for (const key of shared) {
            if (JSON.stringify(settingValue(key, a[key])) !== JSON.stringify(settingValue(key, b[key]))) {
                problems.push(`"${reports}".${key}: ${JSON.stringify(b[key]) ?? "unset"} differs from "${decides}".${key}: ${JSON.stringify(a[key]) ?? "unset"}; ${reports} reports ${decides}'s analysis, so set ${key} alike on both`);
            }
        }
    }
    return problems;
}

/** A setting's value for comparison: a token count as the number it names, as the policies read it. */
function settingValue(key: string, value: unknown): unknown {
    return key === "tokensPerMonth" && (typeof value === "string" || typeof value === "number") ? overrideTokenCount(value) ?? value : value;
}

function schemaDefaults(schema: PolicyConfigSchema | undefined): Record<string, unknown> {
    const defaults: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(schema?.properties ?? {})) {
        const value = (property as { default?: unknown }).default;
        if (value !== undefined) defaults[key] = value;
    }
    return defaults;
}

function jsonType(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

interface PropertySchema {
    readonly type?: string | string[];
    readonly minimum?: number;
    readonly exclusiveMinimum?: number;
    readonly maximum?: number;
    readonly exclusiveMaximum?: number;
    readonly enum?: readonly unknown[];
    readonly items?: { readonly enum?: readonly unknown[] };
}

/** A value (or an array item) outside the property's enum, as the Pulumi CLI refuses it. */
function enumProblem(value: unknown, p: PropertySchema): string | undefined {
    const outside = (allowed: readonly unknown[] | undefined, v: unknown) => allowed !== undefined && !allowed.includes(v);
    const bad = outside(p.enum, value) ? [value] : Array.isArray(value) ? value.filter((v) => outside(p.items?.enum, v)) : [];
    return bad.length === 0 ? undefined : `${bad.map((v) => JSON.stringify(v)).join(", ")} not allowed; allowed: ${(p.enum ?? p.items?.enum ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
}

/** The JSON-schema bounds the Pulumi CLI checks a numeric property against (draft-07 keywords, as the pack declares them). */
function boundProblem(value: number, p: PropertySchema): string | undefined {
    if (p.exclusiveMinimum !== undefined && !(value > p.exclusiveMinimum)) return `must be above ${p.exclusiveMinimum}`;
    if (p.minimum !== undefined && !(value >= p.minimum)) return `must be ${p.minimum} or more`;
    if (p.exclusiveMaximum !== undefined && !(value < p.exclusiveMaximum)) return `must be below ${p.exclusiveMaximum}`;
    if (p.maximum !== undefined && !(value <= p.maximum)) return `must be at most ${p.maximum}`;
    return undefined;
}

function checkProperties(policy: string, schema: PolicyConfigSchema | undefined, properties: Readonly<Record<string, unknown>>): string[] {
    const problems: string[] = [];
    const declared = schema?.properties ?? {};
    for (const [key, value] of Object.entries(properties)) {
        const property = declared[key] as PropertySchema | undefined;
        if (property === undefined) {
            problems.push(`"${policy}".${key}: not a config property of the policy; allowed: ${Object.keys(declared).join(", ") || "none"}`);
            continue;
        }
        if (property.type !== undefined) {
            const allowed = Array.isArray(property.type) ? property.type : [property.type];
            const actual = jsonType(value);
            if (!allowed.includes(actual) && !(actual === "integer" && allowed.includes("number"))) {
                problems.push(`"${policy}".${key}: ${JSON.stringify(value)} is a ${actual}; must be ${allowed.join(" or ")}`);
                continue;
            }
        }
        const bound = typeof value === "number" ? boundProblem(value, property) : undefined;
        if (bound !== undefined) problems.push(`"${policy}".${key}: ${JSON.stringify(value)} ${bound}`);
        const notAllowed = enumProblem(value, property);
        if (notAllowed !== undefined) problems.push(`"${policy}".${key}: ${notAllowed}`);
    }
    for (const key of schema?.required ?? []) {
        if (!(key in properties)) problems.push(`"${policy}".${key}: is required`);
    }
    return problems;
}

/** The pack's policies with the configured level and properties applied, as after Configure. */
function configuredPolicies(policies: Policies, config: PolicyPackConfig): Policies {
    return policies.map((policy): Policy => {
        const entry = config.get(policy.name);
        if (entry === undefined || !("validateStack" in policy)) return policy;
        const stackPolicy = policy as StackValidationPolicy;
        const configured: StackValidationPolicy = {
            ...stackPolicy,
            ...(entry.enforcementLevel !== undefined ? { enforcementLevel: entry.enforcementLevel } : {}),
            validateStack: (args, report) => stackPolicy.validateStack({ ...args, getConfig: <T extends object>() => ({ ...entry.properties }) as T }, report),
        };
        return configured;
    });
}

/**
 * The AnalyzeStackRequest the engine would send for these resources, as the message interface the
 * analyzer reads (getResourcesList, getProperties().toJavaScript(), getOptions(), getProvider(), ...).
 * Only the protobuf encoding is skipped: it is transport, like the gRPC hop, and at 10,000
 * resources decoding a Struct per resource for each of the seven policies was most of the time.
 * The SDK still deserializes every property (secrets, assets, unknowns) and wraps it in its
 * unknown-checking proxy, per policy, as it does behind the gRPC server.
 */
function requestOf(resources: readonly ResourceState[]): unknown {
    const providers = new Map<string, ProviderView>();
    const views = resources.map((r) => {
        // A custom resource reaches the analyzer with its provider (the pack tells components by its absence).
        let provider: ProviderView | undefined;
        if (r.custom && !r.type.startsWith("pulumi:")) {
            const pkg = r.type.split(":")[0] ?? "aws";
            provider = providers.get(pkg) ?? new ProviderView(pkg);
            providers.set(pkg, provider);
        }
        return new ResourceView(r, provider);
    });
    return { getResourcesList: () => views };
}

/** A plain object behind Struct's interface: the analyzer calls toJavaScript() and copies what it gets. */
class StructView {
    constructor(private readonly value: Record<string, unknown>) {}
    toJavaScript(): Record<string, unknown> {
        return this.value;
    }
}

const EMPTY_STRUCT = new StructView({});
const NO_STRINGS: readonly string[] = [];

class OptionsView {
    constructor(private readonly parent: string) {}
    getProtect(): boolean { return false; }
    getIgnorechangesList(): readonly string[] { return NO_STRINGS; }
    getAliasesList(): readonly string[] { return NO_STRINGS; }
    getCustomtimeouts(): undefined { return undefined; }
    getAdditionalsecretoutputsList(): readonly string[] { return NO_STRINGS; }
    getDeletebeforereplacedefined(): boolean { return false; }
    getDeletebeforereplace(): boolean { return false; }
    getParent(): string { return this.parent; }
}

class ProviderView {
    private readonly urn: string;
    constructor(private readonly pkg: string) {
        this.urn = `urn:pulumi:stack::project::pulumi:providers:${pkg}::default`;
    }
    getType(): string { return `pulumi:providers:${this.pkg}`; }
    getName(): string { return "default"; }
    getUrn(): string { return this.urn; }
    getProperties(): StructView { return EMPTY_STRUCT; }
}

class UrnsView {
    constructor(private readonly urns: readonly string[]) {}
    getUrnsList(): string[] { return [...this.urns]; }
}

class ResourceView {
    private readonly properties: StructView;
    private readonly options: OptionsView;
    private readonly dependencies: Map<string, UrnsView>;
    constructor(private readonly r: ResourceState, private readonly provider: ProviderView | undefined) {
        this.properties = new StructView(jsonSafe(r.props));
        this.options = new OptionsView(r.parent ?? "");
        this.dependencies = new Map(Object.entries(r.propertyDependencies ?? {}).map(([key, urns]) => [key, new UrnsView(urns)]));
    }
    getUrn(): string { return this.r.urn; }
    getType(): string { return this.r.type; }
    getName(): string { return this.r.name; }
    getParent(): string { return this.r.parent ?? ""; }
    getProperties(): StructView { return this.properties; }
    getOptions(): OptionsView { return this.options; }
    getProvider(): ProviderView | undefined { return this.provider; }
    getDependenciesList(): string[] { return [...new Set(Object.values(this.r.propertyDependencies ?? {}).flat())]; }
    getPropertydependenciesMap(): Map<string, UrnsView> { return this.dependencies; }
}

/** Properties as JSON values, as the wire carries them: drop undefined, non-finite numbers become null. */
function jsonSafe(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
        const safe = jsonValue(v);
        if (safe !== undefined) out[k] = safe;
    }
    return out;
}

function jsonValue(value: unknown): unknown {
    if (value === undefined || typeof value === "function" || typeof value === "symbol") return undefined;
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value === "bigint") return Number(value);
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map((v) => jsonValue(v) ?? null);
    return jsonSafe(value as Record<string, unknown>);
}

/**
 * Runs every policy of the pack over the stack. `flatConfig` is the stack's config as the CLI hands
 * it to the pack (PULUMI_CONFIG): the policies read `llm-breakeven:*` through pulumi.runtime.
 */
export async function evaluatePolicies(resources: readonly ResourceState[], options: {
    readonly flatConfig: Readonly<Record<string, string>>;
    readonly secretKeys?: readonly string[];
    readonly policyConfig?: PolicyPackConfig;
    readonly configSource?: string;
}): Promise<Verdict> {
    const policies = configuredPolicies(POLICIES, options.policyConfig ?? new Map());
    pulumi.runtime.setAllConfig({ ...options.flatConfig }, [...(options.secretKeys ?? [])]);
    const result = await analyzeStack(PACK_NAME, packVersion(), policies, requestOf(resources), withSharedView);
    const violations = result.diagnostics.map(({ urn, ...d }): Violation => ({ ...d, ...(urn !== "" ? { urn } : {}) }));
    const notApplicable = [...result.notApplicable];
    return {
        verdict: violations.some((v) => isBlocking(v.enforcementLevel)) ? "blocked" : "pass",
        violations,
        notApplicable,
        configSource: options.configSource ?? "policy defaults",
    };
}
