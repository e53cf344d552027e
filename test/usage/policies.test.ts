/**
 * The measured workload in the policy pack, in the pack's own test pattern (test/policies): a
 * happy-path stack and measured-workload file, one field changed per case.
 * `declared-workload-matches-measured`, and `projected-spend-below-api-break-even` judging the
 * measured volume (workloadSource: measured).
 */
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { MeasuredWorkload } from "../../config/measuredWorkload";
import { writeMeasuredFile } from "./measuredFixture";
import { declaredWorkloadMatchesMeasured } from "../../policies/declaredWorkload";
import { projectedSpendBelowApiBreakEven } from "../../policies/projectedSpend";
import { runPolicy, selfHostedStack, soleViolation } from "../policies/fixtures";
import { removeTempDirs, tempDir } from "../tempDirs";

afterAll(removeTempDirs);

const DAY_MS = 86_400_000;
const dir = tempDir("measured-policy-");

/** The happy path (measuredFixture.ts): 9.5B measured against the fixture stack's declared 10B. */
function measuredFile(change: (m: MeasuredWorkload) => MeasuredWorkload = (m) => m, name = "usage.json"): string {
    return writeMeasuredFile(path.join(dir, name), change);
}

const run = runPolicy;

describe("declared-workload-matches-measured", () => {
    const policy = declaredWorkloadMatchesMeasured;

    it("passes when the declared volume is within the tolerance of the measured one", async () => {
        expect((await run(policy, selfHostedStack(), { measuredFile: measuredFile() })).violations).toEqual([]);
    });

    it("fails when the declared volume is off by more than the tolerance, naming both figures and the fix", async () => {
        const file = measuredFile((m) => ({ ...m, workload: { ...m.workload, tokensPerMonth: 4e9 } }));
        soleViolation(await run(policy, selfHostedStack(), { measuredFile: file }),
            ["the declared volume is 150% above the measured one (tolerance 25%)", "declared: 10B tokens/month", "4B tokens/month", "pulumi config set --path 'llm-breakeven:workload.tokensPerMonth' 4B"]);
    });

    it("the tolerance is configurable", async () => {
        const file = measuredFile((m) => ({ ...m, workload: { ...m.workload, tokensPerMonth: 4e9 } }));
        expect((await run(policy, selfHostedStack(), { measuredFile: file, tolerance: 2 })).violations).toEqual([]);
        expect((await run(policy, selfHostedStack(), { measuredFile: measuredFile(), tolerance: 0.01 })).violations).toHaveLength(1);
    });

    it("a file whose window ended longer ago than maxMeasuredAgeDays is a violation", async () => {
        const file = measuredFile((m) => ({ ...m, window: { ...m.window, to: new Date(Date.now() - 60 * DAY_MS).toISOString() } }));
        expect((await run(policy, selfHostedStack(), { measuredFile: file })).violations[0]).toMatch(/60\.0 days ago, older than the 45 days allowed/);
        expect((await run(policy, selfHostedStack(), { measuredFile: file, maxMeasuredAgeDays: 90 })).violations).toEqual([]);
    });

    it("a missing or malformed file is a violation, never a pass", async () => {
        expect((await run(policy, selfHostedStack(), { measuredFile: path.join(dir, "nope.json") })).violations[0]).toContain("cannot read the measured-workload file");
        const bad = measuredFile((m) => ({ ...m, workload: { ...m.workload, tokensPerMonth: 0 } }), "bad.json");
        expect((await run(policy, selfHostedStack(), { measuredFile: bad })).violations[0]).toContain("workload.tokensPerMonth");
    });

    it("is not applicable until a measured file is configured", async () => {
        expect((await run(policy, selfHostedStack(), {})).notApplicable).toContain("no measured-workload file configured");
    });
});

describe("projected-spend-below-api-break-even with workloadSource measured", () => {
    const policy = projectedSpendBelowApiBreakEven;

    it("passes at the declared 10B but blocks when the measured volume is 500M, citing the measurement", async () => {
        expect((await run(policy, selfHostedStack(), {})).violations).toEqual([]);
        const file = measuredFile((m) => ({ ...m, workload: { ...m.workload, tokensPerMonth: 5e8 } }));
        soleViolation(await run(policy, selfHostedStack(), { workloadSource: "measured", measuredFile: file }), ["500M tokens/month (measured by `llm-breakeven usage` from vllm counters"]);
    });

    it("a stale measurement blocks rather than falling back to the declared volume", async () => {
        const file = measuredFile((m) => ({ ...m, window: { ...m.window, to: new Date(Date.now() - 100 * DAY_MS).toISOString() } }), "stale.json");
        const { violations } = await run(policy, selfHostedStack(), { workloadSource: "measured", measuredFile: file });
        expect(violations[0]).toContain("older than the 45 days allowed");
    });

    it("measured with no file, or with a tokensPerMonth override beside it, is a violation", async () => {
        expect((await run(policy, selfHostedStack(), { workloadSource: "measured" })).violations[0]).toContain("no measuredFile is set");
        expect((await run(policy, selfHostedStack(), { workloadSource: "measured", measuredFile: measuredFile(), tokensPerMonth: "1B" })).violations[0]).toContain("drop tokensPerMonth");
    });
});
