/**
 * Runs the Pulumi program (index.ts) under Pulumi's official mock runtime and records every resource
 * it registers: what `pulumi preview` would create, without the CLI, a cloud or credentials.
 *
 * Used by the tests, by `llm-breakeven plan` and by the policy pack's end-to-end test. Runs are
 * sequential: Pulumi's runtime state is process-global, so a second run starts only when the first
 * has finished (`runStack` queues them).
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { offlinePlanEndpoint } from "../config/endpoint";
import { NAMESPACE, readFlatConfig, requiredSecrets, SECRET_KEYS, SecretKey } from "../config/stack";
import { API_MODELS, EMBEDDING_MODELS } from "../cost/catalogue";
import { liteLLMProvider } from "../cost/gateway";
import type { StackResource } from "../cost/resource";
import { answerInvoke } from "./invokes";
import { mockState } from "./outputs";
import { checkPromiseLeaks, drainRegistrations, onRegistration, skipSdkBookkeeping } from "./sdkInternals";

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export const PROJECT = "llm-breakeven";
export const STACKS_DIR = path.join(__dirname, "..", "stacks");

/**
 * A resource as the mock run records it: the shared shape's identity (cost/resource.ts) with the
 * raw inputs and outputs in place of `props` (secrets still wrapped; the plan redacts them into
 * props, cli/plan/plan.ts).
 */
export interface RecordedResource extends Omit<StackResource, "props" | "parent" | "propertyDependencies"> {
    readonly id: string | undefined;
    readonly parent: string | undefined;
    /** URNs the resource depends on (`dependsOn` and every input's resource), as the engine records them. */
    readonly dependencies: readonly string[];
    /** URNs each input was computed from: how a preview resolves a reference unknown until apply (a launch template's ID). */
    readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
    /** Inputs as the program sent them; secret values keep Pulumi's secret wrapper (see `isSecret`). */
    readonly inputs: Record<string, unknown>;
    /** The state the mocks answered with (inputs plus the computed outputs). */
    readonly outputs: Record<string, unknown>;
}

export interface StackFile {
    readonly stack: string;
    /** Flat config map as the CLI hands it to a program: `llm-breakeven:workload` -> JSON text. */
    readonly config: Record<string, string>;
    /** Keys whose value is a secret (`secure:` in the stack file, or a placeholder standing for one). */
    readonly secretKeys: readonly string[];
    /** Plain keys the offline plan filled with a marked placeholder (the endpoint's certificate); a deploy refuses them. */
    readonly offlinePlaceholders?: readonly string[];
}

export interface MockRun {
    readonly stack: string;
    readonly config: Record<string, string>;
    readonly resources: readonly RecordedResource[];
    readonly outputs: Record<string, unknown>;
}

/** Secrets a stack file holds encrypted (`secure:`), or that the program requires; planned with a placeholder. */
export const PLACEHOLDER_SECRET = "placeholder-secret-for-offline-plan";
/** A key for every provider of the catalogue's API and embedding models: whichever the routing picks has one. */
const PROVIDERS = [...new Set([...API_MODELS.keys(), ...EMBEDDING_MODELS.keys()].map(liteLLMProvider))].sort();
/** A placeholder for every secret the schema knows (typed by it: a new secret key needs one here). */
const SECRET_PLACEHOLDERS: Readonly<Record<SecretKey, string>> = {
    [SECRET_KEYS.hfToken]: PLACEHOLDER_SECRET,
    [SECRET_KEYS.providerApiKeys]: JSON.stringify(Object.fromEntries(PROVIDERS.map((p) => [p, PLACEHOLDER_SECRET]))),
    // The vLLM key component refuses a key shorter than 32 characters (components/selfHosted/apiKey.ts); the placeholder says what it is.
    [SECRET_KEYS.vllmApiKey]: `${PLACEHOLDER_SECRET}-vllm-api-key`,
};
/** The same, by full config key (`llm-breakeven:hfToken`). */
const REQUIRED_SECRETS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SECRET_PLACEHOLDERS).map(([key, value]) => [`${NAMESPACE}:${key}`, value]));

/**
 * The secrets the program asks for with this config, so a plan injects no more than `pulumi up`
 * would need: the schema's own list (config/rules.ts requiredSecrets), read with the secrets unread
 * (they are what is being decided). A config the schema rejects gets every placeholder, so the
 * program runs far enough to name its problems.
 */
function placeholderSecrets(config: Readonly<Record<string, string>>): string[] {
    const state = readFlatConfig(config, "unread");
    if (state.kind !== "parsed") return Object.keys(REQUIRED_SECRETS);
    return requiredSecrets(state.config).map((secret) => `${NAMESPACE}:${secret.key}`);
}

/**
 * A production stack file cannot carry its endpoint's certificate (a real ARN is not known offline):
 * the plan fills in the clearly-marked placeholder of config/endpoint.ts, which only an offline plan
 * accepts. Returns the keys it filled, for the plan to say so.
 */
function withOfflineEndpoint(config: Record<string, string>): string[] {
    const selfHostedKey = "llm-breakeven:selfHosted";
    const text = config[selfHostedKey];
    const mode = config["llm-breakeven:mode"];
    if (text === undefined || (mode !== "self-hosted" && mode !== "hybrid")) return [];
    let selfHosted: unknown;
    try {
        selfHosted = JSON.parse(text);
    } catch {
        return [];
    }
    if (selfHosted === null || typeof selfHosted !== "object" || Array.isArray(selfHosted)) return [];
    const section = selfHosted as Record<string, unknown>;
    const endpoint = section["endpoint"];
    if (endpoint === undefined || endpoint === null || typeof endpoint !== "object" || Array.isArray(endpoint) || "certificateArn" in endpoint) return [];
    if ((config["llm-breakeven:environment"] ?? "production") !== "production") return [];
    const placeholder = offlinePlanEndpoint(config["llm-breakeven:region"] ?? config["aws:region"] ?? "us-east-1");
    const filled = { ...(endpoint as Record<string, unknown>), certificateArn: placeholder.certificateArn, ...("hostName" in endpoint ? {} : { hostName: placeholder.hostName }) };
    config[selfHostedKey] = JSON.stringify({ ...section, endpoint: filled });
    return ["selfHosted.endpoint.certificateArn", ...("hostName" in endpoint ? [] : ["selfHosted.endpoint.hostName"])];
}

/** The environments shipped in stacks/ (Pulumi.<env>.yaml), sorted. */
export function listStacks(dir: string = STACKS_DIR): string[] {
    return fs.readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/** Reads stacks/Pulumi.<stack>.yaml into the flat config map the Pulumi CLI would pass the program. */
export function readStackFile(stack: string, dir: string = STACKS_DIR): StackFile {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) {
        throw new Error(`no stack "${stack}": ${path.relative(process.cwd(), file)} does not exist (stacks: ${listStacks(dir).join(", ")})`);
    }
    const doc: unknown = parseYaml(fs.readFileSync(file, "utf8"));
    const configSection = doc !== null && typeof doc === "object" ? (doc as Record<string, unknown>)["config"] : undefined;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    if (configSection !== undefined && configSection !== null) {
        if (typeof configSection !== "object") throw new Error(`${file}: "config" must be a map`);
        for (const [key, value] of Object.entries(configSection as Record<string, unknown>)) {
            const secure = value !== null && typeof value === "object" && "secure" in (value as object);
            if (secure) {
                config[key] = REQUIRED_SECRETS[key] ?? PLACEHOLDER_SECRET;
                secretKeys.push(key);
            } else {
                config[key] = typeof value === "string" ? value : JSON.stringify(value);
            }
        }
    }
    const offlinePlaceholders = withOfflineEndpoint(config);
    for (const key of placeholderSecrets(config)) {
        if (!(key in config)) {
            config[key] = REQUIRED_SECRETS[key]!;
            secretKeys.push(key);
        }
    }
    return { stack, config, secretKeys, ...(offlinePlaceholders.length > 0 ? { offlinePlaceholders } : {}) };
}

export function isSecret(value: unknown): value is { readonly value: unknown } {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** A copy of a value with every secret replaced by "[secret]", as `pulumi preview --json` shows them. */
export function redactSecrets(value: unknown): unknown {
    if (isSecret(value)) return "[secret]";
    if (Array.isArray(value)) return value.map(redactSecrets);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v)]));
    }
    return value;
}

/** A copy with secret wrappers removed (the values the resource would receive). */
export function unwrapSecrets(value: unknown): unknown {
    if (isSecret(value)) return unwrapSecrets(value.value);
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value !== null && typeof value === "object") {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

type Program = () => Promise<Record<string, unknown> | void>;

let queue: Promise<unknown> = Promise.resolve();

export interface RunOptions {
    /** The program; default: the project's index.ts. */
    readonly program?: Program;
    /** Run as a preview: outputs the mocks do not give stay unknown. Default false. */
    readonly preview?: boolean;
    /**
     * Fail when the program registers no resource of its own. Default true: a mock run that records
     * nothing (mocks not installed, a program that returned early) must never pass for a plan.
     */
    readonly requireResources?: boolean;
    /**
     * Keep the SDK's per-promise bookkeeping and, after the run, fail on any promise it tracked that
     * never settled: the check `pulumi up` makes at exit. Default false (it costs a third of a run).
     */
    readonly checkPromiseLeaks?: boolean;
}

/** Runs one stack's config through the program under mocks. Throws what the program throws. */
export function runStack(file: StackFile, options: RunOptions = {}): Promise<MockRun> {
    const run = queue.then(() => runNow(file, options));
    queue = run.catch(() => undefined);
    return run;
}

async function loadProgram(): Promise<Program> {
    const entry: unknown = await import("../index");
    const candidate = typeof entry === "function" ? entry : (entry as { default?: unknown }).default;
    if (typeof candidate !== "function") throw new Error("index.ts must export the program function (export = async () => ...)");
    return candidate as Program;
}

async function runNow(file: StackFile, options: RunOptions): Promise<MockRun> {
    // PULUMI_DEBUG_PROMISE_LEAKS=1 keeps the SDK's own bookkeeping, as `pulumi up` would.
    const checkLeaks = (options.checkPromiseLeaks ?? false) || Boolean(process.env["PULUMI_DEBUG_PROMISE_LEAKS"]);
    const restore = skipSdkBookkeeping(checkLeaks);
    try {
        const run = await runProgram(file, options);
        if (checkLeaks) checkPromiseLeaks(file.stack);
        return run;
    } finally {
        restore();
    }
}

async function runProgram(file: StackFile, options: RunOptions): Promise<MockRun> {
    const recorded: Array<Omit<RecordedResource, Registered> & Registration> = [];
    const byKey = new Map<string, (typeof recorded)[number]>();
    const region = file.config["aws:region"] ?? "us-east-1";
    await pulumi.runtime.setMocks({
        newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
            const inputs = (args.inputs ?? {}) as Record<string, unknown>;
            const { id, state } = mockState(args.type, args.name, unwrapSecrets(inputs) as Record<string, unknown>, region);
            const entry = { type: args.type, name: args.name, custom: args.custom !== false, id, inputs, outputs: state };
            recorded.push(entry);
            byKey.set(`${args.type}::${args.name}`, entry);
            return { id, state };
        },
        call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
            return answerInvoke(args.token, (args.inputs ?? {}) as Record<string, unknown>, region);
        },
    }, PROJECT, file.stack, options.preview ?? false);
    // The mock monitor does not hand the mocks a resource's URN, parent or dependencies: read them off the request.
    onRegistration((type, name, registration) => {
        const entry = byKey.get(`${type}::${name}`);
        if (entry !== undefined) Object.assign(entry, registration);
    });

    const config = { ...file.config, "aws:region": region };
    pulumi.runtime.setAllConfig(config, [...file.secretKeys]);
    const program = options.program ?? (await loadProgram());
    // A program error is caught inside the stack's init and raised after the run: thrown through
    // the stack resource, it would also surface as unhandled rejections in the SDK's own promises.
    let failure: { readonly error: unknown } | undefined;
    const outputs = await pulumi.runtime.runInPulumiStack(async () => {
        try {
            return (await program()) ?? {};
        } catch (error) {
            failure = { error };
            return {};
        }
    });
    await drainRegistrations();
    if (failure !== undefined) throw failure.error;
    const resources = recorded.map((r): RecordedResource => ({
        ...r, urn: r.urn ?? `urn:pulumi:${file.stack}::${PROJECT}::${r.type}::${r.name}`, parent: r.parent,
        dependencies: r.dependencies ?? [], propertyDependencies: r.propertyDependencies ?? {},
    }));
    const own = resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"));
    if ((options.requireResources ?? true) && own.length === 0) {
        throw new Error(`mockrun: stack "${file.stack}" registered no resources under mocks; the program did not run (is index.ts exporting the program function?)`);
    }
    return { stack: file.stack, config, resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

/** What a registration answer adds to the mocks' record (filled in when the monitor answers). */
type Registered = "urn" | "parent" | "dependencies" | "propertyDependencies";
type Registration = { -readonly [K in Registered]?: RecordedResource[K] };

/** Plans a shipped stack by name. */
export async function runShippedStack(stack: string, options: RunOptions = {}): Promise<MockRun> {
    return runStack(readStackFile(stack), options);
}
