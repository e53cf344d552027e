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

export function runContext(): RunContext {
    return { dryRun: pulumi.runtime.isDryRun(), offlinePlan: pulumi.runtime.getEngine() === undefined };
}
