#!/usr/bin/env node
/**
 * `llm-breakeven`: the command-line face of the cost engine.
 *
 *   llm-breakeven estimate --preset seed        one scenario, itemised
 *   llm-breakeven plan --all                    every shipped stack, planned offline and priced
 *
 * Each command lives in its own module and registers itself here; nothing imports this file.
 */
import * as fs from "fs";
import * as path from "path";
import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/stack";
import { EXIT, UsageError } from "./errors";
import { registerCapacity } from "./commands/capacity";
import { registerEstimate } from "./commands/estimate";
import { registerPlan } from "./commands/plan";
import { registerUsage } from "./commands/usage";
import { registerSmoke } from "./commands/smoke";
import { registerPrices } from "./commands/prices";
import { registerRecommend } from "./commands/recommend";

export async function main(argv: readonly string[]): Promise<number> {
    const program = new Command("llm-breakeven")
        .description("Self-host an open LLM or route through managed APIs: cost, capacity, break-even and the policy verdict.")
        .version(packageVersion(), "-V, --version", "print the version")
        .exitOverride()
        .showHelpAfterError(false)
        .configureOutput({ writeErr: (text) => process.stderr.write(text) });
    let exitCode: number = EXIT.ok;
    const setExitCode = (code: number): void => {
        exitCode = code;
    };
    registerEstimate(program, setExitCode);
    registerPlan(program, setExitCode);
    registerUsage(program, setExitCode);
    registerSmoke(program, setExitCode);
    registerCapacity(program, setExitCode);
    registerPrices(program, setExitCode);
    registerRecommend(program, setExitCode);
    try {
        await program.parseAsync([...argv], { from: "user" });
        return exitCode;
    } catch (error) {
        if (error instanceof CommanderError) {
            // Commander already printed its one-line message; --help and --version exit 0.
            return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
        }
        if (error instanceof UsageError || error instanceof ConfigError) {
            process.stderr.write(`llm-breakeven: ${error.message}\n`);
            return EXIT.usage;
        }
        throw error;
    }
}

/**
 * Anything main() did not turn into exit 2 or 5 is a bug in llm-breakeven, not the user's input:
 * say so first, then what to report (package.json names no repository, so no address is invented
 * here), then the trace a maintainer needs.
 */
export function internalErrorText(error: unknown, argv: readonly string[]): string {
    const message = error instanceof Error ? error.message : String(error);
    const stack = error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : "";
    return [
        `llm-breakeven: internal error (a bug in llm-breakeven, not in your input): ${message.split("\n")[0] ?? ""}`,
        `llm-breakeven: please report it to the llm-breakeven maintainers with the command (llm-breakeven ${argv.join(" ")}), the version (${packageVersion()}) and this output.`,
        stack,
    ].join("\n");
}

/** package.json's version. */
function packageVersion(): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
}

/** Runs the CLI on these arguments and sets the process's exit code (bin/llm-breakeven.js and `tsx cli/main.ts`). */
export function runCli(argv: readonly string[]): void {
    main(argv).then(
        (code) => {
            process.exitCode = code;
        },
        (error: unknown) => {
            process.stderr.write(internalErrorText(error, argv));
            process.exitCode = EXIT.bug;
        },
    );
}

if (require.main === module) runCli(process.argv.slice(2));
