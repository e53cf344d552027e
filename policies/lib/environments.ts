/**
 * The `environments` key of the policies that hold only some environments to their rule: one schema (the
 * stack schema's environments, so a misspelt "prod" is refused by the Pulumi CLI instead of silently
 * matching nothing) and one applicability check.
 */
import { PolicyConfigSchema } from "@pulumi/policy";
import { ENVIRONMENTS } from "../../config/schema";

export interface EnvironmentsConfig {
    /** Stack environments (llm-breakeven:environment) the rule applies to. Default ["production"]. */
    readonly environments?: readonly string[];
}

/** The `environments` property, defaulting to production; `what` says what the rule asks of them. */
export function environmentsProperty(what: string): PolicyConfigSchema["properties"][string] {
    return { type: "array", items: { type: "string", enum: [...ENVIRONMENTS] }, default: ["production"], description: `Stack environments (llm-breakeven:environment) ${what}.` };
}

/** Why the rule does not apply to `environment` under this config; undefined when it does. */
export function outsideEnvironments(config: EnvironmentsConfig, environment: string): string | undefined {
    const environments = config.environments ?? ["production"];
    return environments.includes(environment) ? undefined : `environment "${environment}" is not one of ${environments.join(", ")}`;
}
