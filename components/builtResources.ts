/**
 * What a component built, in the pricer's resource shape (cost/resource.ts): each custom resource
 * registered under it, with its type token, name and inputs as the SDK registered them. The stack's
 * bill is these resources priced by cost/pricers/, the same functions the offline plan and the policy
 * pack run; a component exposes them instead of a count of what it builds kept beside the code.
 *
 * Recorded with the SDK's public `transformations` resource option: a transformation on a component
 * is called, synchronously and before registration, for the component and for every resource whose
 * parent chain reaches it, with that resource's type token, name and props. It changes nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { ResourceLike, UNKNOWN } from "../cost/resource";

/**
 * A value as the pricer can read it while the program runs: an Output, a promise or a resource
 * reference is not known until deployment, so it becomes the preview's unknown sentinel (a pricer
 * that needs it says so, naming the property, never $0); lists keep their length.
 */
export function valueAtProgramTime(value: unknown): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise || pulumi.Resource.isInstance(value)) return UNKNOWN;
    if (Array.isArray(value)) return value.map(valueAtProgramTime);
    if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, valueAtProgramTime(v)]));
    return value;
}

export interface BuiltResourceRecorder {
    /** Pass in the component's `transformations` (after the caller's own, so it sees their changes). */
    readonly transformation: pulumi.ResourceTransformation;
    /** Every custom resource registered under the component so far, in registration order. */
    readonly resources: readonly ResourceLike[];
}

/** A recorder for one component: create it before `super(...)` and hand its transformation to the component's options. */
export function recordBuiltResources(): BuiltResourceRecorder {
    const resources: ResourceLike[] = [];
    const transformation: pulumi.ResourceTransformation = (args) => {
        // The component itself (and any nested component) owns nothing billable: its custom children are recorded.
        if (args.resource instanceof pulumi.ComponentResource) return undefined;
        resources.push({ type: args.type, name: args.name, custom: true, props: valueAtProgramTime(args.props) as Record<string, unknown> });
        return undefined;
    };
    return { transformation, resources };
}
