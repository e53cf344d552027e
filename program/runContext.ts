import * as pulumi from "@pulumi/pulumi";

/**
 * What kind of run the program is in, read once from the SDK for every deploy-time rule:
 * `dryRun` for `pulumi preview` (and the preview phase of `up`), `offlinePlan` when no Pulumi
 * engine is attached (the mock runtime of `llm-breakeven plan` and the tests), where values a stack
 * file cannot carry (a certificate, a resolved digest) stand in as placeholders.
 */
export interface RunContext {
    readonly dryRun: boolean;
    readonly offlinePlan: boolean;
}

/**
 * AWS's documentation account. The shipped stack files name resources there (a certificate, a model
 * bucket) so that they plan; none of them is yours, so a real deploy refuses them before any
 * resource is registered (program/gateway.ts certificateRefusal, program/selfHosted.ts
 * modelBucketRefusal). Previews and the offline plan go on.
 */
export const EXAMPLE_ACCOUNT = "123456789012";

export function runContext(): RunContext {
    return { dryRun: pulumi.runtime.isDryRun(), offlinePlan: pulumi.runtime.getEngine() === undefined };
}
