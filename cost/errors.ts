/**
 * The error every layer throws for input it cannot use: config/stack.ts's schema, the engine's
 * mapping of a stack onto a scenario (scenario.ts), the program's preflights. It lives in the engine
 * because the engine throws it too and imports nothing from config/; config/errors.ts re-exports it.
 */

/** Every problem with a stack's config, each naming its key, the value and what is allowed. */
export class ConfigError extends Error {
    /** `where`: the file or stack the config came from, when the reader knows it (`stacks/Pulumi.gateway-dev.yaml (stack gateway-dev)`). */
    constructor(readonly problems: readonly string[], readonly where?: string) {
        super(`${where !== undefined ? `${where}: invalid` : "Invalid"} llm-breakeven stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "ConfigError";
    }
}
