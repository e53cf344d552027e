/** A price older than the stated age gives an advisory naming it and the refresh command; a recent one gives none. */
import { describe, expect, it } from "vitest";
import { stalePriceAdvisory, stalePrices } from "../../cost/prices/age";
import { priceResources } from "../../cost/pricers";
import { PRICE_MAX_AGE_DAYS } from "../../cost/prices/store";

const NOW = new Date("2026-11-30T00:00:00Z");
const stack = priceResources([
    { type: "aws:ec2/natGateway:NatGateway", name: "nat-a", props: {} },
    { type: "aws:ec2/natGateway:NatGateway", name: "nat-b", props: {} },
    { type: "aws:eks/nodeGroup:NodeGroup", name: "gpu", props: { instanceTypes: ["p4de.24xlarge"], scalingConfig: { desiredSize: 1 } } },
]);

describe("stale prices", () => {
    it("names each price older than the limit once, with its date, source and resources", () => {
        const stale = stalePrices(stack, PRICE_MAX_AGE_DAYS, NOW);
        // The NAT gateway-hour is the hand-typed 2024-07 figure (infracost golden tests): 882 days old.
        expect(stale.find((s) => s.unit === "NAT gateway-hour")).toEqual({ unit: "NAT gateway-hour", date: "2024-07", ageDays: 882, source: "infracost golden tests; AWS offer file", resources: ["nat-a", "nat-b"] });
        // p4de's price is tsaol/aws-gpu's 2026-01-21 figure: 313 days.
        expect(stale.find((s) => s.unit === "instance-hour")?.ageDays).toBe(313);
        expect(stalePriceAdvisory(stack, "us-east-1", PRICE_MAX_AGE_DAYS, NOW)).toMatch(/^2 prices behind this stack's bill are older than 180 days:\n[\s\S]*Refresh them: `llm-breakeven prices update --region us-east-1`/);
    });

    it("gives no advisory when every price is within the limit", () => {
        expect(stalePrices(stack, 10_000, NOW)).toEqual([]);
        expect(stalePriceAdvisory(stack, "us-east-1", 10_000, NOW)).toBeUndefined();
    });
});
