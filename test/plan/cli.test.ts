/**
 * `llm-breakeven plan` through cli/main.ts, in process: each exit code (0 pass, 5 mandatory
 * violation, 2 bad input), the --json shape exactly, secrets redacted, what-ifs, the delta, the
 * unpriced listing, the reports, and nothing written to --out on bad input. One child-process run
 * checks the exit code the shell sees.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, Run } from "../scale/cli";
import { GPU_OFFERS } from "../../cost/catalogue";
import { formatUsd, offerMonthlyUsd } from "../../cost/units";
import { PLACEHOLDER_SECRET } from "../../mockrun";
import { normalisePolicyConfig } from "../../cli/plan/policy";

const ROOT = path.resolve(__dirname, "../..");
const fixture = (name: string) => path.join(__dirname, "fixtures", name);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "llm-breakeven-plan-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** The CLI in-process, output captured (test/scale/cli.ts). */
const plan = (...args: string[]): Promise<Run> => cli("plan", ...args);

// Issue 15 added monthlyTotal (one total per stack, with the parts that add up to it) beside monthlyUsd (the resources alone).
const PLAN_KEYS = ["stack", "mode", "monthlyUsd", "monthlyTotal", "resources", "api", "breakEven", "capacity", "decision", "verdict", "violations"];

describe("plan --stack self-hosted-prod --json", () => {
    let json: Record<string, unknown>;
    let run: Run;

    it("prints exactly the issue's fields, one object for one stack", async () => {
        run = await plan("--stack", "self-hosted-prod", "--json");
        // 6B tokens/month at $6/M is above the 4.92B break-even: no blocking policy (README's npm start table);
        // the one advisory says some us-east-1 prices are older than 180 days (README "Prices").
        expect(run.code).toBe(0);
        json = JSON.parse(run.stdout) as Record<string, unknown>;
        expect(Object.keys(json)).toEqual(PLAN_KEYS);
        expect(json["stack"]).toBe("self-hosted-prod");
        expect(json["mode"]).toBe("self-hosted");
        expect(json["verdict"]).toBe("pass");
        const violations = json["violations"] as Array<Record<string, unknown>>;
        expect(violations.map((v) => [v["policy"], v["enforcementLevel"]])).toEqual([["prices-are-current", "advisory"]]);
        expect(String(violations[0]?.["message"])).toContain("llm-breakeven prices update --region us-east-1");
    });

    it("records and prices the program's resources: two p4de GPU node groups at the reserved rate", () => {
        const resources = json["resources"] as Array<Record<string, unknown>>;
        expect(resources.length).toBeGreaterThan(20);
        for (const r of resources) expect(Object.keys(r)).toEqual(["urn", "type", "name", "inputs", "monthlyUsd"]);
        const gpu = resources.filter((r) => r["type"] === "aws:eks/nodeGroup:NodeGroup" && (r["inputs"] as { instanceTypes?: string[] }).instanceTypes?.[0] === "p4de.24xlarge");
        expect(gpu.map((r) => r["name"]).sort()).toEqual(["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"]);
        for (const r of gpu) expect(r["monthlyUsd"]).toBeGreaterThan(12_000);
        const total = resources.reduce((s, r) => s + ((r["monthlyUsd"] as number | null) ?? 0), 0);
        expect(json["monthlyUsd"]).toBeCloseTo(total, 0);
    });

    it("carries the engine's API-equivalent, break-even, capacity and decision", () => {
        expect(json["api"]).toMatchObject({ monthlyUsd: 36_000, usdPerMTok: 6, tokensPerMonth: 6e9 });
        expect(json["api"]).toMatchObject({ selfHostedMonthlyUsd: 29_505.99 });
        expect((json["breakEven"] as { tokensPerMonth: number }).tokensPerMonth).toBeCloseTo(4.92e9, -7);
        // Capacity model v2 (issue 12): 2 x TP4 per 8x A100 node.
        expect(json["capacity"]).toMatchObject({ configuredNodes: 2, tensorParallelSize: 4, nodesNeeded: 2, servesVolume: true });
        // Issue 15: the decision names the rule that decided, worked out by cost/decision.ts.
        expect(Object.keys(json["decision"] as object)).toEqual(["decision", "rule", "reason"]);
        expect(json["decision"]).toMatchObject({ decision: "optimize-routing", rule: "spend-between" });
        expect((json["decision"] as { reason: string }).reason).toBe("API spend $36,000/month is between $20,000 and $80,000: optimise routing first; self-hosting would save $6,494/month");
    });

    it("shows one monthly total whose parts (GPU instances, the rest of the stack, overhead) add up on screen (issue 15)", async () => {
        const text = (await plan("--stack", "self-hosted-prod")).stdout;
        // From the priced resources and the catalogue: everything but the two p4de instances at the
        // 1-year reserved rate (a GPU node group's own bill also holds its root volume).
        const instance = offerMonthlyUsd(GPU_OFFERS.get("aws-p4de.24xlarge-reserved-1y")!);
        const resources = json["resources"] as Array<{ type: string; name: string; monthlyUsd: number }>;
        const resourcesUsd = resources.reduce((sum, r) => sum + r.monthlyUsd, 0);
        const rest = resourcesUsd - 2 * instance;
        expect(rest).toBeGreaterThan(100);
        const total = resourcesUsd + 4100; // the pack's projection: resources + the seed's overhead
        expect(json["monthlyTotal"]).toMatchObject({ parts: [{ id: "gpu-instances" }, { id: "rest-of-stack" }, { id: "overhead", monthlyUsd: 4100 }] });
        expect((json["monthlyTotal"] as { monthlyUsd: number }).monthlyUsd).toBeCloseTo(total, 1);
        const block = /Monthly total: (\$[\d,]+)\/month.*\n  GPU instances +(\$[\d,]+).*\n  rest of the stack +(\$[\d,]+).*\n  overhead +(\$[\d,]+).*\n  -+\n  total +(\$[\d,]+)/.exec(text);
        expect(block, text).not.toBeNull();
        const usd = (t: string): number => Number(t.replace(/[$,]/g, ""));
        const [, head, gpu, others, overhead, sum] = block!;
        expect(usd(head!)).toBe(Math.round(total));
        expect(usd(sum!)).toBe(usd(head!));
        expect(usd(gpu!) + usd(others!) + usd(overhead!)).toBe(usd(sum!));
        expect(usd(others!)).toBeCloseTo(rest, -1);
        // The engine's own figure is GPU instances + overhead, said as such, and the decision names its rule.
        expect(text).toContain(`Self-hosted:    ${formatUsd(29_506.09)}/month = 2 x`);
        expect(text).toContain("Decision:       optimize-routing, by the rule spend-between: API spend $36,000/month is between $20,000 and $80,000: optimise routing first; self-hosting would save $6,494/month");
        const gateway = (await plan("--stack", "gateway-prod")).stdout;
        expect(gateway).toMatch(/Monthly total: .*\n  stack resources .*\n  API bill, routed /);
        expect(gateway).not.toMatch(/^  GPU instances/m);
        // A preview's changed resources are not the whole stack: no total to state.
        const changesOnly = await plan("--preview", fixture("preview-changes-only.json"), "--policy-config", fixture("policy-advisory.json"));
        expect(changesOnly.stdout).toContain("Self-hosted:");
        expect(changesOnly.stdout).not.toContain("Monthly total");
    });

    it("streams the weights from its S3 mirror, so it holds no Hugging Face token at all", () => {
        expect(run.stdout).not.toContain(PLACEHOLDER_SECRET);
        const resources = json["resources"] as Array<Record<string, unknown>>;
        expect(resources.filter((r) => String(r["name"]).includes("hf-token"))).toEqual([]);
    });
});

describe("plan --stack gateway-prod --json", () => {
    it("shows secrets as \"[secret]\": no provider key or generated password appears", async () => {
        const gateway = await plan("--stack", "gateway-prod", "--json");
        expect(gateway.code).toBe(0);
        expect(gateway.stdout).not.toContain(PLACEHOLDER_SECRET);
        expect(gateway.stdout).not.toContain("mock-random-password");
        const resources = (JSON.parse(gateway.stdout) as Record<string, unknown>)["resources"] as Array<Record<string, unknown>>;
        const versions = resources.filter((r) => r["type"] === "aws:secretsmanager/secretVersion:SecretVersion");
        expect(versions.length, "the gateway stores its keys in Secrets Manager").toBeGreaterThan(0);
        for (const v of versions) expect((v["inputs"] as Record<string, unknown>)["secretString"], String(v["name"])).toBe("[secret]");
    });
});

describe("exit codes", () => {
    it("5 when a mandatory policy fails: 500M tokens/month cannot pay for two p4de nodes", async () => {
        const run = await plan("--stack", "self-hosted-prod", "--tokens-per-month", "500M", "--json");
        expect(run.code).toBe(5);
        const json = JSON.parse(run.stdout) as { verdict: string; violations: Array<{ policy: string; enforcementLevel: string; message: string }>; api: { tokensPerMonth: number } };
        expect(json.verdict).toBe("blocked");
        for (const v of json.violations) expect(Object.keys(v)).toEqual(["policy", "enforcementLevel", "message"]);
        expect(json.api.tokensPerMonth).toBe(5e8);
        const breakEven = json.violations.find((v) => v.policy === "projected-spend-below-api-break-even");
        expect(breakEven?.enforcementLevel).toBe("mandatory");
        expect(breakEven?.message, breakEven?.message).toContain("500M tokens/month");
    });

    it("0 when no mandatory policy fails (the same preview with every policy advisory)", async () => {
        const run = await plan("--preview", fixture("preview-all-ops.json"), "--export", fixture("export-before.json"), "--policy-config", fixture("policy-advisory.json"), "--json");
        expect(run.code).toBe(0);
        const json = JSON.parse(run.stdout) as { verdict: string; violations: Array<{ enforcementLevel: string }> };
        expect(json.verdict).toBe("pass");
        expect(json.violations.length).toBeGreaterThan(0);
        expect(json.violations.every((v) => v.enforcementLevel === "advisory")).toBe(true);
    });

    it("5 from a preview when the environment's budget is exceeded", async () => {
        const run = await plan("--preview", fixture("preview-all-ops.json"), "--policy-config", fixture("policy-tight-budget.json"), "--quiet");
        expect(run.code).toBe(5);
        expect(run.stdout).toBe("fixture-prod: $84,718/month, blocked (1 mandatory)\n");
    });

    it("the shell sees 2 for bad input and 5 for a violation (child process, through bin/llm-breakeven.js as npm start runs it)", () => {
        const bad = spawnSync(process.execPath, [path.join(ROOT, "bin", "llm-breakeven.js"), "plan", "--stack", "no-such-env"], { cwd: ROOT, encoding: "utf8" });
        expect(bad.status).toBe(2);
        expect(bad.stderr.trim().split("\n")).toHaveLength(1);
        expect(bad.stderr).toContain("--stack no-such-env: stacks/Pulumi.no-such-env.yaml does not exist (stacks: ");
        const blocked = spawnSync(process.execPath, [path.join(ROOT, "bin", "llm-breakeven.js"), "plan", "--preview", fixture("preview-all-ops.json"), "--policy-config", fixture("policy-tight-budget.json"), "--quiet"], { cwd: ROOT, encoding: "utf8" });
        expect(blocked.status).toBe(5);
        expect(blocked.stdout).toBe("fixture-prod: $84,718/month, blocked (1 mandatory)\n");
    });
});

describe("bad input: one clear line, exit 2, nothing written to --out", () => {
    const cases: Array<[string, string[], RegExp]> = [
        ["a missing stack", ["--stack", "no-such-env"], /^llm-breakeven: --stack no-such-env: stacks\/Pulumi.no-such-env.yaml does not exist/],
        ["a truncated preview", ["--preview", fixture("preview-truncated.json")], /is not valid JSON \(the file ends early: truncated\?\)/],
        ["a malformed preview", ["--preview", fixture("policy-advisory.json")], /has no "steps" array, so it is not the output of `pulumi preview --json`/],
        ["another cloud's preview", ["--preview", fixture("preview-gcp.json")], /has no AWS resources \(found 3 gcp:\*\)/],
        ["a directory for the preview", ["--preview", path.join(__dirname, "fixtures")], /is a directory; pass the JSON file itself/],
        ["a directory for the export", ["--preview", fixture("preview-all-ops.json"), "--export", __dirname], /--export .*: is a directory/],
        ["a bad what-if", ["--stack", "self-hosted-prod", "--input-output-ratio", "0"], /--input-output-ratio 0 is out of range; accepted: input tokens per output token, above 0 and at most 1000/],
        ["a bad policy config", ["--preview", fixture("preview-all-ops.json"), "--policy-config", fixture("preview-gcp.json")], /"config" is not a policy of the pack/],
        ["a policy config whose paired policies disagree", ["--stack", "self-hosted-prod", "--policy-config", fixture("policy-exemptions-disagree.json")],
            /"break-even-exemption".tokensPerMonth: unset differs from "projected-spend-below-api-break-even".tokensPerMonth: "6B"; .*"break-even-exemption".allowExemptions: true differs from "projected-spend-below-api-break-even".allowExemptions: false; break-even-exemption reports projected-spend-below-api-break-even's analysis, so set allowExemptions alike on both/],
        ["no source", [], /nothing to plan/],
    ];
    for (const [what, args, message] of cases) {
        it(what, async () => {
            const out = path.join(tmp, `bad-${what.replace(/\W+/g, "-")}`);
            const run = await plan(...args, "--out", out);
            expect(run.code).toBe(2);
            expect(run.stderr).toMatch(message);
            expect(run.stderr.trim().split("\n")).toHaveLength(1);
            expect(run.stdout).toBe("");
            expect(fs.existsSync(out)).toBe(false);
        });
    }

    it("--out naming a file", async () => {
        const run = await plan("--preview", fixture("preview-all-ops.json"), "--out", fixture("policy-advisory.json"));
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/--out .*policy-advisory.json: exists and is not a directory/);
    });
});

describe("previews: the delta per resource, unpriced types by name and count", () => {
    it("reports before, after and delta per changed resource", async () => {
        const out = path.join(tmp, "delta");
        const run = await plan("--preview", fixture("preview-all-ops.json"), "--export", fixture("export-before.json"), "--policy-config", fixture("policy-advisory.json"), "--out", out);
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(/llm-gpu-us-east-1a .* update .* \$20,036 .* \$40,073 .* \+\$20,036/);
        expect(run.stdout).toMatch(/Total .* \$20,512 .* \$80,619 .* \+\$60,107 \(\+293\.0%\)/);
        const report = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as { stacks: Array<{ before: { monthlyUsd: number }; monthlyUsd: number; deltaMonthlyUsd: number; deltas: Array<{ name: string; op: string; deltaMonthlyUsd: number }> }> };
        const stack = report.stacks[0]!;
        expect(stack.before.monthlyUsd).toBeCloseTo(20_511.85, 0);
        expect(stack.deltaMonthlyUsd).toBeCloseTo(stack.monthlyUsd - stack.before.monthlyUsd, 2);
        const byName = new Map(stack.deltas.map((d) => [`${d.name}:${d.op}`, d.deltaMonthlyUsd]));
        expect(byName.get("llm-net-nat-a:delete")).toBeCloseTo(-3.65, 2);
        expect(byName.get("llm-net-nat-a:replace")).toBe(0);
        expect(byName.get("llm-gpu-us-east-1b:create")).toBeGreaterThan(40_000);
    });

    it("lists unpriced types with a count and never counts them as $0", async () => {
        const run = await plan("--preview", fixture("preview-unpriced.json"), "--policy-config", fixture("policy-advisory.json"));
        expect(run.stdout).toContain("Not priced (3 resources; the total is a floor, not $0):");
        expect(run.stdout).toContain("aws:lightsail/instance:Instance x3: box-0, box-1, box-2");
        expect(run.stdout).toMatch(/>= \$33 \(incomplete\)/);
        const json = JSON.parse((await plan("--preview", fixture("preview-unpriced.json"), "--policy-config", fixture("policy-advisory.json"), "--json")).stdout) as { monthlyUsd: number | null; resources: Array<{ name: string; monthlyUsd: number | null }> };
        expect(json.monthlyUsd).toBeNull();
        expect(json.resources.filter((r) => r.name.startsWith("box-")).map((r) => r.monthlyUsd)).toEqual([null, null, null]);
    });
});

describe("--all and the reports", () => {
    it("compares every shipped stack side by side, with a progress line on stderr", async () => {
        const out = path.join(tmp, "all");
        const run = await plan("--all", "--out", out);
        expect(run.code).toBe(0); // every shipped stack passes (README's npm start table)
        const stacks = fs.readdirSync(path.join(ROOT, "stacks")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined);
        expect(stacks.length).toBeGreaterThan(1);
        for (const s of stacks) expect(run.stdout).toContain(s);
        for (const row of ["Monthly total", "  GPU instances", "  overhead", "API instead /month", "Break-even /month", "Decision", "Policy verdict"]) expect(run.stdout).toContain(row);
        // hybrid-prod self-hosts because its workload must stay in the account, not because it is cheaper: the cell names the rule.
        expect(run.stdout).toMatch(/│ Decision +│ .*self-host \(residency\)/);
        expect(run.stdout).toMatch(/│ Decision +│ .*optimize-routing \(API \$20k-\$80k\)/);
        expect(run.stdout).not.toMatch(/\x1b\[/); // not a terminal: no colour
        expect(run.stderr).toContain(`[${stacks.length}/${stacks.length}] planning`);

        const md = fs.readFileSync(path.join(out, "report.md"), "utf8");
        expect(md.split("\n")[0]).toBe("<!-- llm-breakeven-cost-report -->");
        expect(md).toContain("| Environment | Before | After | Delta | % | Verdict |");
        for (const s of stacks) expect(md).toContain(`| \`${s}\` |`);
        expect(md).toContain("<details><summary>Per-resource breakdown");
        expect(md).toMatch(/Assumptions: region us-east-1; prices dated .* \(us-east-1 list prices, cost\/prices\/data\/aws\/us-east-1\.json\); 730 hours a month/);
        const json = JSON.parse(fs.readFileSync(path.join(out, "report.json"), "utf8")) as { stacks: Array<{ stack: string }> };
        expect(json.stacks.map((s) => s.stack)).toEqual(stacks);
        const svg = fs.readFileSync(path.join(out, "breakeven.svg"), "utf8");
        expect(svg).toMatch(/^<svg/);
        expect(svg).toContain("self-hosted-prod: self-hosted vs API");
        expect(svg).not.toContain(PLACEHOLDER_SECRET);
        expect(fs.readFileSync(path.join(out, "report.json"), "utf8")).not.toContain(PLACEHOLDER_SECRET);
    }, 120_000);

    it("--quiet prints one line per stack and no progress", async () => {
        const run = await plan("--all", "--quiet");
        expect(run.stderr).toBe("");
        const stacks = fs.readdirSync(path.join(ROOT, "stacks")).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => s !== undefined).sort();
        const lines = run.stdout.trim().split("\n");
        expect(lines.map((l) => l.split(":")[0])).toEqual(stacks);
        for (const l of lines) expect(l).toMatch(/^[\w-]+: \$[\d,]+\/month, pass$/);
    }, 120_000);

    it("--combine merges several environments' report.json into one comment", async () => {
        const a = path.join(tmp, "combine-a");
        const b = path.join(tmp, "combine-b");
        await plan("--preview", fixture("preview-all-ops.json"), "--export", fixture("export-before.json"), "--policy-config", fixture("policy-advisory.json"), "--out", a, "--quiet");
        await plan("--stack", "self-hosted-prod", "--out", b, "--quiet");
        const run = await plan("--combine", path.join(a, "report.json"), path.join(b, "report.json"));
        expect(run.stdout.split("\n")[0]).toBe("<!-- llm-breakeven-cost-report -->");
        expect(run.stdout).toMatch(/\| `fixture-prod` \| \$20,512 \| \$80,619 \| \+\$60,107 \| \+293\.0% \| :white_check_mark: pass/);
        expect(run.stdout).toContain("| `self-hosted-prod` | - |");
    }, 120_000);
});

describe("policy config: the break-even pair set alike", () => {
    const spend = "projected-spend-below-api-break-even";
    const exemption = "break-even-exemption";

    it("takes the same value written two ways, and a pair with a disabled member", () => {
        expect(() => normalisePolicyConfig({ [spend]: { tokensPerMonth: "6B" }, [exemption]: { tokensPerMonth: 6e9 } })).not.toThrow();
        expect(() => normalisePolicyConfig({ [spend]: { allowExemptions: false }, [exemption]: "disabled" })).not.toThrow();
        expect(() => normalisePolicyConfig({ all: "disabled", [spend]: { enforcementLevel: "mandatory", allowExemptions: false } })).not.toThrow();
    });

    it("refuses different values, naming both keys and the fix", () => {
        expect(() => normalisePolicyConfig({ [spend]: { tokensPerMonth: "6B" }, [exemption]: { tokensPerMonth: "5B" } }))
            .toThrow(`"${exemption}".tokensPerMonth: "5B" differs from "${spend}".tokensPerMonth: "6B"; ${exemption} reports ${spend}'s analysis, so set tokensPerMonth alike on both`);
        expect(() => normalisePolicyConfig({ [spend]: { allowExemptions: false } })).toThrow(/"break-even-exemption".allowExemptions: true differs/);
    });
});
