/**
 * `llm-breakeven plan`: run a stack's Pulumi program offline, price every resource, and give the policy verdict.
 * (Minimal shell; the full command is being built in cli/plan/.)
 */
import type { Command } from "commander";
import { UsageError } from "./errors";

export function registerPlan(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("plan")
        .description("Plan a stack offline under Pulumi's mock runtime: cost, break-even, capacity and the policy verdict.")
        .option("--stack <env>", "the stack to plan (stacks/Pulumi.<env>.yaml)")
        .option("--all", "plan every stack in stacks/ side by side")
        .action(() => {
            void setExitCode;
            throw new UsageError("plan is not implemented yet");
        });
}
