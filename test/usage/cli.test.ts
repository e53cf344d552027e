/**
 * `plan --measured` and `estimate --measured` through the CLI: declared vs measured side by side, the
 * drift verdict, and the pack's declared-workload-matches-measured policy fed the same file.
 */
import * as fs from "fs";
import * as path from "path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";
import { MEASURED_WORKLOAD_KIND, MeasuredWorkload } from "../../config/measuredWorkload";
import { removeTempDirs, tempDir } from "../tempDirs";

afterAll(removeTempDirs);

const DAY_MS = 86_400_000;
const dir = tempDir("measured-cli-");

/** self-hosted-prod declares 6B tokens/month at 3:1, peak 1.5. */
function measuredFile(name: string, tokensPerMonth: number, stack = "self-hosted-prod"): string {
    const to = new Date(Date.now() - DAY_MS);
    const m: MeasuredWorkload = {
        kind: MEASURED_WORKLOAD_KIND, version: 1, stack, prometheus: "http://prometheus:9090", measuredAt: new Date().toISOString(),
        window: { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: to.toISOString(), coveredHours: 720, stepSeconds: 300 },
        source: "vllm", queries: { inputTokens: "q1", outputTokens: "q2" },
        workload: { tokensPerMonth, inputOutputRatio: 2.5, peakToAverage: 1.8 },
        selfHosted: { nodeHours: 1440, meanNodes: 2, nodeHourlyUsd: 17.4, priceBasis: "catalogue", realisedUsdPerMTok: 5.1 },
        findings: [],
    };
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify(m));
    return file;
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => { stdout += String(chunk); return true; });
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => { stderr += String(chunk); return true; });
    try {
        return { code: await main(args), stdout, stderr };
    } finally {
        out.mockRestore();
        err.mockRestore();
    }
}

describe("plan --measured", () => {
    it("shows declared vs measured and a matching verdict", async () => {
        const { code, stdout } = await cli(["plan", "--stack", "self-hosted-prod", "--measured", measuredFile("match.json", 5.5e9)]);
        expect(code).toBe(0);
        expect(stdout).toMatch(/tokens\/month +6B +5\.5B +\+9%/);
        expect(stdout).toMatch(/input:output +3\.00:1 +2\.50:1 +\+20%/);
        expect(stdout).toContain("drift verdict: matches: the declared volume is within 25% of the measured one (+9%)");
        expect(stdout).toContain("realised $/M tokens: $5.10");
    });

    it("a drifted declaration: the verdict says so and the pack's advisory names it (JSON)", async () => {
        const { code, stdout } = await cli(["plan", "--stack", "self-hosted-prod", "--measured", measuredFile("drift.json", 2e9), "--json"]);
        expect(code).toBe(0);
        const json = JSON.parse(stdout) as { measured: { withinTolerance: boolean; summary: string }; violations: Array<{ policy: string; enforcementLevel: string; message: string }> };
        expect(json.measured.withinTolerance).toBe(false);
        expect(json.measured.summary).toBe("the declared volume is 200% above the measured one (tolerance 25%)");
        const advisory = json.violations.find((v) => v.policy === "declared-workload-matches-measured");
        expect(advisory?.enforcementLevel).toBe("advisory");
        expect(advisory?.message).toContain("declared: 6B tokens/month");
    });

    it("without --measured the drift policy is not applicable and the plan is unchanged", async () => {
        const { stdout } = await cli(["plan", "--stack", "self-hosted-prod", "--json"]);
        const json = JSON.parse(stdout) as Record<string, unknown>;
        expect(json["measured"]).toBeUndefined();
        expect(JSON.stringify(json["violations"])).not.toContain("declared-workload-matches-measured");
    });

    it("refuses a file that measured another stack, or --measured with --all", async () => {
        const other = await cli(["plan", "--stack", "self-hosted-prod", "--measured", measuredFile("other.json", 5e9, "hybrid-prod")]);
        expect(other.code).toBe(2);
        expect(other.stderr).toContain('measured stack "hybrid-prod", not "self-hosted-prod"');
        expect((await cli(["plan", "--all", "--measured", measuredFile("all.json", 5e9)])).code).toBe(2);
        const missing = await cli(["plan", "--stack", "self-hosted-prod", "--measured", path.join(dir, "none.json")]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain("cannot read the measured-workload file");
    });
});

describe("estimate --measured", () => {
    it("puts the scenario's workload beside the measured one", async () => {
        const { code, stdout } = await cli(["estimate", "--stack", "self-hosted-prod", "--measured", measuredFile("est.json", 2e9)]);
        expect(code).toBe(0);
        expect(stdout).toContain("Declared vs measured");
        expect(stdout).toContain("drift verdict: DRIFTED: the declared volume is 200% above the measured one (tolerance 25%)");
    });
});
