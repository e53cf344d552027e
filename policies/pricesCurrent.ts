/**
 * prices-are-current (advisory): the AWS prices behind the stack's bill are younger than a stated age
 * (default cost/prices/store.ts PRICE_MAX_AGE_DAYS). Old prices still price the stack; the advisory
 * names them and the command that refreshes them.
 */
import { stalePriceAdvisory } from "../cost/prices/age";
import { PRICE_MAX_AGE_DAYS } from "../cost/prices/store";
import { stackPolicy } from "./lib/stackPolicy";

export const pricesAreCurrent = stackPolicy({
    name: "prices-are-current",
    description: `The AWS prices behind the stack's bill are at most ${PRICE_MAX_AGE_DAYS} days old (refresh with \`llm-breakeven prices update\`).`,
    enforcementLevel: "advisory",
    config: {
        maxPriceAgeDays: { type: "integer", minimum: 1, default: PRICE_MAX_AGE_DAYS, description: "Age in days past which a price gives an advisory." },
    },
    validate: ({ config, stackView }, reportViolation) => {
        const maxAgeDays = config.maxPriceAgeDays ?? PRICE_MAX_AGE_DAYS;
        const view = stackView();
        const advisory = stalePriceAdvisory(view.pricing, view.region, maxAgeDays);
        if (advisory !== undefined) reportViolation(advisory);
    },
});
