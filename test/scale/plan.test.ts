/** `plan --stack self-hosted-prod` shows the cost range: floor, expected, ceiling. */
import { describe, expect, it } from "vitest";
import { EC2_INSTANCE_TYPES } from "../../cost/catalogue";
import { HOURS_PER_MONTH } from "../../cost/units";
import { cli } from "./cli";

const usd = (text: string): number => Number(text.replace(/[$,]/g, ""));

describe("plan --stack self-hosted-prod", () => {
    it("prints the range: the 2-node floor (table total + overhead), the expected at the declared peak, the 3-node ceiling", async () => {
        const run = await cli("plan", "--stack", "self-hosted-prod");
        expect(run.code).toBe(0);
        const total = usd(/│ Total\s+│\s+\d+ │\s+(\$[\d,]+) │/.exec(run.stdout)?.[1] ?? "NaN");
        const m = /Range \/month: {3}floor (\$[\d,]+) \(2 GPU nodes\), expected (\$[\d,]+) \(2, the declared peak x1\.5\), ceiling (\$[\d,]+) \(3 GPU nodes\): resources \+ overhead/.exec(run.stdout);
        expect(m, run.stdout).not.toBeNull();
        const [floor, expected, ceiling] = [usd(m![1]!), usd(m![2]!), usd(m![3]!)];
        expect(floor).toBe(total + 4100);
        // The floor's 2 nodes serve the declared 6B at 1.5x with a spare: nothing to add.
        expect(expected).toBe(floor);
        // One burst node, on demand (not the reserved rate the floor pays), with its root volume.
        const onDemandNode = EC2_INSTANCE_TYPES["p4de.24xlarge"]!.onDemand!.usd * HOURS_PER_MONTH;
        expect(ceiling - floor).toBeGreaterThan(onDemandNode);
        expect(ceiling - floor).toBeLessThan(onDemandNode + 300);
    });
});
