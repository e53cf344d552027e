/** Bad input from the command line or a file: one clear line on stderr, exit code 2, no stack trace. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

export const EXIT = {
    ok: 0,
    /** Bad input: a flag, a file or a stack config. */
    usage: 2,
    /** A mandatory policy failed (the Pulumi CLI's exit code for a policy violation). */
    policyViolation: 5,
    /** A bug in llm-breakeven (never the user's input): the message says so and what to report. */
    bug: 1,
} as const;
