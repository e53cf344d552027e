/**
 * A policy's config is declared once, as the JSON schema the Pulumi CLI validates --policy-pack-config
 * against; the TypeScript type the policy reads is derived from it (ConfigOf), so a key cannot be in one
 * and missing from the other, and a property's description is written once.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { jsonSchemaRange, Range } from "../../cost/workload";

/** The properties of a policy's config schema. */
export type ConfigProperties = PolicyConfigSchema["properties"];

type Scalar<T> = T extends "number" | "integer" ? number : T extends "string" ? string : T extends "boolean" ? boolean : never;

/** The value a property's schema admits: an enum's members, an array of its items, or the type's scalar(s). */
type ValueOf<S> =
    S extends { readonly enum: readonly (infer E)[] } ? E
        : S extends { readonly type: "array"; readonly items: infer I } ? readonly ValueOf<I>[]
            : S extends { readonly type: readonly (infer T)[] } ? Scalar<T>
                : S extends { readonly type: infer T } ? Scalar<T> : never;

/** The config a policy reads: each schema property, optional (the CLI fills defaults; the code states its own). */
export type ConfigOf<P> = { readonly [K in keyof P]?: ValueOf<P[K]> };

/** A number property held to one of the engine's ranges (cost/workload.ts), as the Pulumi CLI validates it. */
export function rangedNumber(range: Range, description: string): { readonly type: "number"; readonly description: string } & ReturnType<typeof jsonSchemaRange> {
    return { type: "number", ...jsonSchemaRange(range), description };
}
