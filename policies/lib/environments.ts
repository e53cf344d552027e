/**
 * The `environments` key of the policies that hold only some environments to their rule: one schema (the
 * stack schema's environments, so a misspelt "prod" is refused by the Pulumi CLI instead of silently
 * matching nothing) and one applicability check.
 */
import { ConfigOf, ConfigProperties } from "./configSchema";
import { ENVIRONMENTS } from "../../config/schema";

/** The `environments` property, defaulting to production; `what` says what the rule asks of them. */
export function environmentsProperty(what: string) {
    return {
        type: "array", items: { type: "string", enum: [...ENVIRONMENTS] }, default: ["production"], description: `Stack environments (llm-breakeven:environment) ${what}.`,
    } as const satisfies ConfigProperties[string];
}

export type EnvironmentsConfig = ConfigOf<{ readonly environments: ReturnType<typeof environmentsProperty> }>;

/** Why the rule does not apply to `environment` under this config; undefined when it does. */
export function outsideEnvironments(config: EnvironmentsConfig, environment: string): string | undefined {
    const environments: readonly string[] = config.environments ?? ["production"];
    return environments.includes(environment) ? undefined : `environment "${environment}" is not one of ${environments.join(", ")}`;
}
