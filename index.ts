/**
 * The llm-breakeven Pulumi program: `pulumi up -s <env>` with stacks/Pulumi.<env>.yaml.
 *
 * Config is read and validated here, once; a bad config fails before any resource is registered.
 * Everything else takes typed values.
 */
import { loadStackConfig, loadStackSecrets } from "./config/pulumi";
import { buildProgram } from "./program";

export = async () => {
    const config = loadStackConfig();
    return buildProgram(config, loadStackSecrets());
};
