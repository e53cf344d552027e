/**
 * A shipped stack as `pulumi preview` hands it to a policy pack: the project's program run under
 * mockrun's mocks, each registered resource in the AnalyzeStack wire form.
 *
 * - properties: the resource's inputs as the program sent them, which is what the engine sends for
 *   a resource it plans to create. Secrets stay in the engine's secret wire form (the `4dabf181...`
 *   signature object mockrun records); the policy SDK unwraps them as it does for the real CLI.
 *   Values read from other resources' outputs are the mocks' known values, as in a preview of a
 *   stack whose resources exist; `firstPreview` is the same stack as a first preview sees it.
 * - urn, parent, dependencies, propertyDependencies: as mockrun records them off the program's
 *   RegisterResource requests.
 */
import { UNKNOWN } from "../../cost/resource";
import { RecordedResource, runStack, StackFile } from "../../mockrun";
import { WireResource } from "./analyzer";

export interface RecordedStack {
    readonly stack: string;
    /** Flat stack config as the CLI puts it in PULUMI_CONFIG (secrets as mockrun's placeholders). */
    readonly config: Record<string, string>;
    readonly secretKeys: readonly string[];
    readonly resources: readonly WireResource[];
    /**
     * The resources as the first preview of a new stack sends them: every value the program took
     * from a provider-computed output of another resource (an ID, an ARN, an endpoint, or a string
     * built from one) is the engine's unknown sentinel. Inputs the program set itself stay known.
     */
    readonly firstPreview: readonly WireResource[];
}

/** Runs the program for a stack file and returns its resources in wire form. */
export async function recordStack(file: StackFile): Promise<RecordedStack> {
    const run = await runStack(file);
    const resources = run.resources.map((r): WireResource => ({
        urn: r.urn, type: r.type, name: r.name, custom: r.custom, properties: r.inputs,
        ...(r.parent !== undefined ? { parent: r.parent } : {}),
        dependencies: r.dependencies, propertyDependencies: r.propertyDependencies,
    }));
    return { stack: run.stack, config: run.config, secretKeys: file.secretKeys, resources, firstPreview: asFirstPreview(run.resources, resources) };
}

/** Shorter computed values ("ACTIVE", a port) would match unrelated text. */
const MIN_COMPUTED_LENGTH = 8;

function asFirstPreview(recorded: readonly RecordedResource[], resources: readonly WireResource[]): WireResource[] {
    // What a provider computes: the ID and every output string the resource's inputs do not contain.
    const computedByUrn = new Map<string, string[]>();
    recorded.forEach((r, i) => {
        const inputs = JSON.stringify(r.inputs);
        const computed = [r.id, ...strings(r.outputs)].filter((v): v is string => v !== undefined && v.length >= MIN_COMPUTED_LENGTH && !inputs.includes(JSON.stringify(v)));
        computedByUrn.set(resources[i]!.urn, [...new Set(computed)]);
    });
    return resources.map((r) => {
        const properties: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(r.properties)) {
            const computed = (r.propertyDependencies?.[key] ?? []).flatMap((urn) => computedByUrn.get(urn) ?? []);
            properties[key] = computed.length === 0 ? value : replaceComputed(value, computed);
        }
        return { ...r, properties };
    });
}

function strings(value: unknown): string[] {
    if (typeof value === "string") return [value];
    if (Array.isArray(value)) return value.flatMap(strings);
    if (value !== null && typeof value === "object") return Object.values(value).flatMap(strings);
    return [];
}

function replaceComputed(value: unknown, computed: readonly string[]): unknown {
    if (typeof value === "string") return computed.some((c) => value.includes(c)) ? UNKNOWN : value;
    if (Array.isArray(value)) return value.map((v) => replaceComputed(v, computed));
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceComputed(v, computed)]));
    return value;
}

/** What the program throws for a stack file (undefined when it runs). */
export async function programError(file: StackFile): Promise<string | undefined> {
    try {
        await runStack(file);
        return undefined;
    } catch (error) {
        return (error as Error).message;
    }
}

/** The stack file with one `llm-breakeven:<key>` object config value changed. */
export function withConfigObject(file: StackFile, key: string, change: (value: Record<string, unknown>) => Record<string, unknown>): StackFile {
    const flatKey = `llm-breakeven:${key}`;
    const current = file.config[flatKey];
    if (current === undefined) throw new Error(`${file.stack} has no ${flatKey}`);
    return { ...file, config: { ...file.config, [flatKey]: JSON.stringify(change(JSON.parse(current) as Record<string, unknown>)) } };
}

/**
 * The stack's GPU node groups (the node groups running llm-breakeven:selfHosted.instanceType) with
 * `instanceTypes` replaced, and their launch templates' `instanceType` too where one is set, so the
 * pack cannot find the original type anywhere. Returns the names of the changed node groups.
 */
export function withGpuInstanceType(stack: RecordedStack, instanceTypes: unknown): { readonly stack: RecordedStack; readonly changed: readonly string[] } {
    const declared = (JSON.parse(stack.config["llm-breakeven:selfHosted"] ?? "{}") as { instanceType?: string }).instanceType;
    const gpuGroups = stack.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup"
        && Array.isArray(r.properties["instanceTypes"]) && (r.properties["instanceTypes"] as unknown[]).includes(declared));
    const templates = new Set(gpuGroups.flatMap((r) => r.propertyDependencies?.["launchTemplate"] ?? []));
    const groups = new Set(gpuGroups.map((r) => r.urn));
    const resources = stack.resources.map((r): WireResource => {
        if (groups.has(r.urn)) return { ...r, properties: { ...r.properties, instanceTypes } };
        if (templates.has(r.urn) && r.properties["instanceType"] !== undefined) {
            return { ...r, properties: { ...r.properties, instanceType: Array.isArray(instanceTypes) ? instanceTypes[0] : instanceTypes } };
        }
        return r;
    });
    return { stack: { ...stack, resources }, changed: gpuGroups.map((r) => r.name) };
}
