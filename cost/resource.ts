/**
 * The one resource shape (StackResource) and the sentinels a preview puts in place of values not yet
 * known.
 */

/** The string sentinel: the one the engine sends for every value unknown at preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The sentinels the Pulumi engine and the policy SDK use for values unknown during preview. The
 * engine sends every unknown as the string sentinel; the SDK has one per JSON type.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
    UNKNOWN, // string
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

export function isUnknownValue(value: unknown): boolean {
    return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/**
 * One resource of a stack, wherever it was read: a mock run (mockrun/), a `pulumi preview --json` or
 * `pulumi stack export` file (cli/plan/state.ts), or the Analyzer's stack (policies/lib/view.ts). The
 * pricer, the policy pack and the plan read this shape; each source extends it with what only it has
 * (a preview's shown inputs, a mock run's raw inputs and outputs).
 */
export interface StackResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** false for component resources and the stack: they own nothing billable themselves. */
    readonly custom: boolean;
    /** The parent's URN; absent for the stack and where the source does not say. */
    readonly parent?: string | undefined;
    /** What is priced and what the policies see: inputs overlaid with the outputs known so far (outputs in a stack policy). */
    readonly props: Readonly<Record<string, unknown>>;
    /** URNs each property was computed from: resolves references unknown at preview (an ECS service's task definition). */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** What the pricer reads of a resource: a StackResource, or one made by hand (no URN; custom unless it says not). */
export type ResourceLike = Pick<StackResource, "type" | "name" | "props" | "propertyDependencies"> & Partial<Pick<StackResource, "urn" | "custom" | "parent">>;

/** The URN, ID, ARN and name other resources may refer to this one by (known values only). */
export function referencesOf(r: ResourceLike): string[] {
    const refs = [r.urn, r.props["id"], r.props["arn"], r.props["name"]];
    return refs.filter((x): x is string => typeof x === "string" && x !== "" && !isUnknownValue(x));
}
