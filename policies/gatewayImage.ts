/**
 * gateway-image-pinned-by-digest (advisory): a production gateway should run its LiteLLM image by a
 * digest resolved from the registry, not by a tag that can move. The offline plan and `pulumi
 * preview` report it here; a production `pulumi up` refuses it outright (program/gateway.ts
 * deployRefusal), with the same line.
 */
import { digestProblem } from "../platform/liteLLMRelease";
import { environmentsProperty, outsideEnvironments } from "./lib/environments";
import { stackPolicy } from "./lib/stackPolicy";

export const gatewayImagePinnedByDigest = stackPolicy({
    name: "gateway-image-pinned-by-digest",
    description: "A production gateway's LiteLLM image should carry a digest resolved from the registry; `pulumi up` refuses it without one.",
    enforcementLevel: "advisory",
    config: {
        environments: environmentsProperty("whose gateway image must carry a registry digest (`pulumi up` refuses production's without one)"),
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        const stack = view.stackConfig.kind === "parsed" ? view.stackConfig.config : undefined;
        if (stack?.gateway === undefined || stack.mode === "self-hosted") {
            return args.notApplicable("the stack runs no gateway (llm-breakeven:mode gateway or hybrid)");
        }
        const outside = outsideEnvironments(config, stack.environment);
        if (outside !== undefined) return args.notApplicable(outside);
        const problem = digestProblem(stack.gateway.image);
        if (problem !== undefined) reportViolation(`${problem}. \`pulumi up\` refuses this stack until then.`);
    },
});
