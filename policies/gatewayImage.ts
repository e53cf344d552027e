/**
 * gateway-image-pinned-by-digest (advisory): a production gateway should run its LiteLLM image by a
 * digest resolved from the registry, not by a tag that can move. The offline plan and `pulumi
 * preview` report it here; a production `pulumi up` refuses it outright (program/gateway.ts
 * deployRefusal), with the same line.
 */
import { digestProblem } from "../platform/liteLLMRelease";
import { stackPolicy } from "./lib/stackPolicy";

export const GATEWAY_IMAGE_POLICY = "gateway-image-pinned-by-digest";

export interface GatewayImageConfig {
    /** Environments whose gateway must carry a digest. Default ["production"] (what `pulumi up` refuses). */
    readonly environments?: readonly string[];
}

export const gatewayImagePinnedByDigest = stackPolicy<GatewayImageConfig>({
    name: GATEWAY_IMAGE_POLICY,
    description: "A production gateway's LiteLLM image should carry a digest resolved from the registry; `pulumi up` refuses it without one.",
    enforcementLevel: "advisory",
    config: {
        environments: { type: "array", items: { type: "string", enum: ["dev", "staging", "production"] }, default: ["production"], description: "Environments whose gateway image must carry a registry digest." },
    },
    validate: ({ args, config, stackView }, reportViolation) => {
        const view = stackView();
        const stack = view.stackConfig.kind === "parsed" ? view.stackConfig.config : undefined;
        if (stack?.gateway === undefined || stack.mode === "self-hosted") {
            return args.notApplicable("the stack runs no gateway (llm-breakeven:mode gateway or hybrid)");
        }
        const environments = config.environments ?? ["production"];
        if (!environments.includes(stack.environment)) return args.notApplicable(`environment "${stack.environment}" is not one of ${environments.join(", ")}`);
        const problem = digestProblem(stack.gateway.image);
        if (problem !== undefined) reportViolation(`${problem}. \`pulumi up\` refuses this stack until then.`);
    },
});
