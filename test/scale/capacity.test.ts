/**
 * capacity-covers-workload and the engine agree at every volume: the policy passes exactly when the
 * engine's nodes-needed (N+1 at peak) is at most the nodes the stack runs. The sweep crosses the
 * boundary where the policy used to pass with no spare while the engine said one more node.
 */
import * as pulumi from "@pulumi/pulumi";
import { ReportViolation } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { estimateStack } from "../../config/scenario";
import { parseFlatConfig } from "../../config/stack";
import { capacityCoversWorkload } from "../../policies/capacity";
import { selfHostedStack, stackArgs, StackFixture, withConfig } from "../policies/fixtures";

async function passes(fixture: StackFixture): Promise<{ pass: boolean; message: string }> {
    pulumi.runtime.setAllConfig(fixture.config);
    const found: string[] = [];
    const report: ReportViolation = (message) => { found.push(message); };
    await capacityCoversWorkload.validateStack(stackArgs(fixture), report);
    return { pass: found.length === 0, message: found.join("\n") };
}

describe("capacity-covers-workload = the engine's nodes-needed", () => {
    it("agrees with the engine at every point from 2B to 40B tokens/month on 2 p4de nodes (peak 1.5)", async () => {
        const verdicts: { tokens: number; needed: number; pass: boolean }[] = [];
        for (let tokens = 2e9; tokens <= 40e9; tokens += 0.5e9) {
            const fixture = withConfig(selfHostedStack(), "workload", { tokensPerMonth: tokens, apiUsdPerMTok: 6, inputOutputRatio: 3, peakToAverage: 1.5 });
            const needed = estimateStack(parseFlatConfig(fixture.config)).capacity.nodesNeeded;
            const { pass, message } = await passes(fixture);
            verdicts.push({ tokens, needed, pass });
            expect(pass, `${tokens / 1e9}B: engine needs ${needed}, policy ${pass ? "passes" : "blocks"}\n${message}`).toBe(needed <= 2);
            if (!pass) expect(message).toContain(`the declared peak needs ${needed}`);
        }
        // The sweep crosses the boundary: both verdicts occur.
        expect(new Set(verdicts.map((v) => v.pass))).toEqual(new Set([true, false]));
    }, 120_000);
});
