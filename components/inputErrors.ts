/**
 * A component's own invariants: the arguments a program could pass wrongly (rules that stack config
 * can break live in the schema under config/, once, and are never restated here). Every broken one is collected and thrown
 * once as the SDK's `InputPropertiesError`, naming each property: the engine prints it per property
 * when the component runs behind a provider, and its message lists them all in a plain program.
 */
import * as pulumi from "@pulumi/pulumi";

export type InputProblem = pulumi.InputPropertyErrorDetails;

/** Throws one InputPropertiesError for `component name` when there is any problem; returns otherwise. */
export function throwInputErrors(component: string, name: string, errors: readonly InputProblem[]): void {
    if (errors.length > 0) throw inputPropertiesError(component, name, errors);
}

/** The error for `component name`: its message names every property, the value and the fix. */
export function inputPropertiesError(component: string, name: string, errors: readonly InputProblem[]): pulumi.InputPropertiesError {
    const message = `${component} ${name}: ${errors.map((e) => `'${e.propertyPath}' ${e.reason}`).join("; ")}`;
    return new pulumi.InputPropertiesError({ message, errors: [...errors] });
}
