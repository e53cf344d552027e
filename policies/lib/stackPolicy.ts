/**
 * The one way the pack declares a policy. Every policy it builds validates inside `failClosed` (a value
 * unknown at preview is a violation, never the SDK's advisory skip), reads its config through
 * `args.getConfig`, and sees the stack through the one `stackView` (built on first use): by
 * construction, not by each file remembering to.
 */
import { EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { ConfigOf, ConfigProperties } from "./configSchema";
import { failClosed } from "./failClosed";
import { StackView, stackView } from "./view";

export interface PolicyRun<C> {
    /** The SDK's arguments: `notApplicable`, the raw resources. */
    readonly args: StackValidationArgs;
    /** The policy's own config (--policy-pack-config), as the SDK validated it against `config`. */
    readonly config: C;
    /** The stack as the engine sees it (resources, parsed stack config, pricing), built on the first call. */
    stackView(): StackView;
}

export interface StackPolicySpec<P extends ConfigProperties> {
    readonly name: string;
    readonly description: string;
    readonly enforcementLevel: EnforcementLevel;
    /**
     * JSON-schema properties of the policy's config: the Pulumi CLI validates --policy-pack-config
     * against them, and the config `validate` reads is typed from them (ConfigOf).
     */
    readonly config: P;
    readonly validate: (run: PolicyRun<ConfigOf<P>>, reportViolation: ReportViolation) => void | Promise<void>;
}

export function stackPolicy<const P extends ConfigProperties>(spec: StackPolicySpec<P>): StackValidationPolicy {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel,
        configSchema: { properties: spec.config },
        validateStack: failClosed(spec.name, (args, reportViolation) => {
            let view: StackView | undefined;
            return spec.validate({ args, config: args.getConfig<ConfigOf<P>>(), stackView: () => (view ??= stackView(args)) }, reportViolation);
        }),
    };
}
