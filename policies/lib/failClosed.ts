/**
 * Every validateStack of the pack runs inside `failClosed`: a read of a value unknown at preview
 * must not become the SDK's advisory "can't run policy during preview" (the deploy would proceed
 * unchecked). Anything else a policy throws (the cost engine failing, say) goes to the SDK, which
 * fails the preview with the error: never a pass. The engine itself cannot be missing: it is a static
 * import (lib/engine.ts), so a pack without it does not load.
 */
import { ReportViolation, StackValidation, StackValidationArgs, UnknownValueError } from "@pulumi/policy";

function isUnknownValueError(error: unknown): error is Error {
    // instanceof fails when two copies of @pulumi/policy are installed; the class name does not.
    return error instanceof UnknownValueError || (error instanceof Error && error.constructor.name === "UnknownValueError");
}

export function failClosed(policyName: string, validate: StackValidation): StackValidation {
    return async (args: StackValidationArgs, reportViolation: ReportViolation) => {
        try {
            await validate(args, reportViolation);
        } catch (error) {
            if (isUnknownValueError(error)) {
                reportViolation(`${policyName} cannot decide at preview because a value it needs is unknown (${error.message}); `
                    + "it fails closed instead of passing. Set the value from config rather than from another resource's output, or run the preview again once the resources it depends on exist.");
                return;
            }
            // NotApplicableError (args.notApplicable) and anything unexpected go to the SDK: the
            // former is reported as not applicable, the latter fails the preview with an error.
            throw error;
        }
    };
}
