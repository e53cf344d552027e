/**
 * End to end: the pack started as the Pulumi CLI starts it, fed the resources of a mock run of each
 * shipped stack.
 *
 * - Start: `node node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> .` with policies/ as working
 *   directory (test/policies/analyzer.ts). That runner always registers ts-node with
 *   `typeCheck: true` and the compilerOptions of policies/tsconfig.json: the pack is type checked
 *   as it loads, which the "type checks the pack" case below proves with a deliberate type error.
 * - Stack config: the run's flat config in PULUMI_CONFIG (secrets named in PULUMI_CONFIG_SECRET_KEYS).
 * - Protocol: GetAnalyzerInfo, Configure with policies/config/<env>.json, AnalyzeStack with the run's
 *   resources (test/policies/recorded.ts). One pack process per distinct stack config; the mutated
 *   cases reuse the self-hosted-prod process and call AnalyzeStack again.
 *
 * The shipped verdicts must agree with `llm-breakeven plan --all`, which runs the same policies in
 * process: all four stacks pass, hybrid-prod through its exemption (one break-even-exemption advisory).
 */
import * as fs from "fs";
import * as path from "path";
import { spawn } from "child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNKNOWN } from "../../cost/resource";
import { listStacks, readStackFile } from "../../mockrun";
import { Diagnostic, Level, PACK_DIR, PolicyPackProcess, killAllPacks } from "./analyzer";
import { programError, RecordedStack, recordStack, withConfigObject, withGpuInstanceType } from "./recorded";

// Six mock runs, then six pack processes each type-checking the pack with ts-node as the CLI does: ~40 s on
// an idle 2-CPU machine, several minutes on a contended one. A liveness bound, not a speed target.
const START_TIMEOUT_MS = 600_000;
const BREAK_EVEN = "projected-spend-below-api-break-even";

/**
 * hybrid-prod deploys above the break-even under a dated exemption. Until its expiry day (UTC) the
 * pack reports it as an advisory; from the day after, the block applies again. The expectation
 * follows the calendar as the pack does, so this suite states the right verdict on any date.
 */
const HYBRID_EXPIRES = (JSON.parse(readStackFile("hybrid-prod").config["llm-breakeven:exemption"] ?? "{}") as { expires?: string }).expires;
const HYBRID_EXEMPT = HYBRID_EXPIRES !== undefined && HYBRID_EXPIRES >= new Date().toISOString().slice(0, 10);

/** The verdict `llm-breakeven plan --all` prints for each shipped stack: every diagnostic, by policy and level. */
// Every shipped stack carries prices older than 180 days (README "Prices"): one prices-are-current advisory each.
const STALE: readonly [string, Level] = ["prices-are-current", "advisory"];
const SHIPPED_VERDICTS: Readonly<Record<string, ReadonlyArray<readonly [string, Level]>>> = {
    "gateway-dev": [STALE],
    // The shipped production gateways name LiteLLM by tag: no digest was resolved from the registry offline.
    "gateway-prod": [["gateway-image-pinned-by-digest", "advisory"], STALE],
    "hybrid-prod": HYBRID_EXEMPT ? [["break-even-exemption", "advisory"], ["gateway-image-pinned-by-digest", "advisory"], STALE] : [[BREAK_EVEN, "mandatory"], ["gateway-image-pinned-by-digest", "advisory"], STALE],
    "self-hosted-prod": [STALE],
};

/** p5e.48xlarge is a real AWS type (8x H200) that cost/catalogue.ts lists and us-east-1's price file does not price. */
const UNPRICED_GPU_TYPE = "p5e.48xlarge";
const UNKNOWN_TYPE = "p9.96xlarge";

function policyConfig(env: string): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(PACK_DIR, "config", `${env}.json`), "utf8")) as Record<string, unknown>;
}

const from = (ds: readonly Diagnostic[], policy: string) => ds.filter((d) => d.policyName === policy);
const verdictOf = (ds: readonly Diagnostic[]) => ds.map((d) => [d.policyName, d.enforcementLevel] as const).sort();

async function startPack(run: RecordedStack, env: string): Promise<PolicyPackProcess> {
    const pack = await PolicyPackProcess.start(run.stack, run.config, START_TIMEOUT_MS, run.secretKeys);
    await pack.configure(policyConfig(env));
    return pack;
}

/** Why the unpriced and unknown types are set on the recorded node groups rather than in the stack config. */
async function programRejection(instanceType: string): Promise<string | undefined> {
    return programError(withConfigObject(readStackFile("self-hosted-prod"), "selfHosted", (s) => ({ ...s, instanceType })));
}

const shipped = listStacks();
const runs = new Map<string, RecordedStack>();
const packs = new Map<string, PolicyPackProcess>();
let at500M: RecordedStack;
const rejections = new Map<string, string | undefined>();

beforeAll(async () => {
    // Mock runs one at a time (Pulumi's runtime is process-global), then every pack process at once.
    for (const stack of shipped) runs.set(stack, await recordStack(readStackFile(stack)));
    at500M = await recordStack(withConfigObject(readStackFile("self-hosted-prod"), "workload", (w) => ({ ...w, tokensPerMonth: "500M" })));
    for (const type of [UNPRICED_GPU_TYPE, UNKNOWN_TYPE]) rejections.set(type, await programRejection(type));
    const started = await Promise.all([
        ...shipped.map(async (stack) => [stack, await startPack(runs.get(stack)!, stack)] as const),
        (async () => ["self-hosted-prod@500M", await startPack(at500M, "self-hosted-prod")] as const)(),
    ]);
    for (const [key, pack] of started) packs.set(key, pack);
}, START_TIMEOUT_MS);

afterAll(() => {
    for (const pack of packs.values()) pack.kill();
    killAllPacks();
});

describe("the pack under the CLI's runner", () => {
    it("prints only its port at load and describes itself as the CLI expects", async () => {
        const pack = packs.get("self-hosted-prod")!;
        expect(pack.stdout().trim()).toMatch(/^\d+$/);
        const info = await pack.getAnalyzerInfo();
        expect(info.name).toBe("llm-breakeven-cost");
        expect(info.supportsConfig).toBe(true);
        const byName = new Map(info.policies.map((p) => [p.name, p]));
        expect(byName.get(BREAK_EVEN)?.enforcementLevel).toBe("mandatory");
        expect(byName.get(BREAK_EVEN)?.configSchemaKeys).toEqual(expect.arrayContaining(["tokensPerMonth", "apiUsdPerMTok", "overheadMonthlyUsd", "inputOutputRatio"]));
        expect(byName.get("self-hosting-would-be-cheaper")?.enforcementLevel).toBe("advisory");
        expect([...byName.keys()].sort()).toEqual([
            "break-even-exemption", "capacity-covers-workload", "declared-workload-matches-measured", "gateway-budget-covers-projection", "gateway-image-pinned-by-digest", "gpu-redundancy",
            "monthly-budget", "prices-are-current", BREAK_EVEN, "self-hosting-would-be-cheaper",
        ]);
    });

    it("type checks the pack as it loads (a type error stops the runner)", async () => {
        // A throwaway pack beside the tests (so node_modules/@types resolve as for policies/) with the
        // pack's own tsconfig.json: under transpile-only it would start and print a port.
        const dir = fs.mkdtempSync(path.join(__dirname, ".typecheck-"));
        try {
            fs.copyFileSync(path.join(PACK_DIR, "tsconfig.json"), path.join(dir, "tsconfig.json"));
            fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "typecheck-probe", main: "index.ts" }));
            fs.writeFileSync(path.join(dir, "index.ts"), "const replicas: number = \"two\";\nconsole.log(replicas);\n");
            const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
            const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: dir, env: { PATH: process.env["PATH"], HOME: process.env["HOME"] } });
            let output = "";
            child.stdout.on("data", (d: Buffer) => { output += d.toString(); });
            child.stderr.on("data", (d: Buffer) => { output += d.toString(); });
            const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
            expect(code).not.toBe(0);
            expect(output).toContain("TS2322");
            expect(output).not.toContain("two\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    }, START_TIMEOUT_MS);
});

describe("each shipped stack at its declared workload, with its own policies/config/<env>.json", () => {
    it("covers every stack in stacks/", () => {
        expect(shipped).toEqual(Object.keys(SHIPPED_VERDICTS).sort());
    });

    it.each(Object.keys(SHIPPED_VERDICTS))("%s: the verdict `plan --all` shows", async (stack) => {
        const run = runs.get(stack)!;
        expect(run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).length).toBeGreaterThan(40);
        const ds = await packs.get(stack)!.analyzeStack(run.resources);
        expect(verdictOf(ds)).toEqual([...SHIPPED_VERDICTS[stack]!].sort());
    });

    it.each(Object.keys(SHIPPED_VERDICTS))("%s: the same verdict at a first preview, where every ID and ARN the program passes on is unknown", async (stack) => {
        const run = runs.get(stack)!;
        expect(JSON.stringify(run.firstPreview)).toContain(UNKNOWN);
        const ds = await packs.get(stack)!.analyzeStack(run.firstPreview);
        expect(verdictOf(ds)).toEqual([...SHIPPED_VERDICTS[stack]!].sort());
    });

    it("hybrid-prod's exemption is read from its stack config", () => {
        expect(HYBRID_EXPIRES).toBe("2027-06-30");
    });

    it.runIf(HYBRID_EXEMPT)("hybrid-prod passes through its recorded exemption, which the advisory quotes", async () => {
        const ds = from(await packs.get("hybrid-prod")!.analyzeStack(runs.get("hybrid-prod")!.resources), "break-even-exemption");
        expect(ds).toHaveLength(1);
        for (const part of ["data-residency", "head-of-platform", "2027-06-30", "PLAT-1234"]) expect(ds[0]!.message).toContain(part);
    });

    it.runIf(!HYBRID_EXEMPT)("hybrid-prod blocks again once its exemption has expired, and says so", async () => {
        const ds = from(await packs.get("hybrid-prod")!.analyzeStack(runs.get("hybrid-prod")!.resources), BREAK_EVEN);
        expect(ds).toHaveLength(1);
        expect(ds[0]!.message).toContain("has expired");
    });

    it("self-hosted-prod: the pack sees the two p4de.24xlarge GPU node groups in two zones", () => {
        const groups = runs.get("self-hosted-prod")!.resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && (r.properties["instanceTypes"] as unknown[])[0] === "p4de.24xlarge");
        expect(groups.map((g) => g.name).sort()).toEqual(["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"]);
        // gpu-redundancy finds their zones through the subnets' URNs, as at a first preview (IDs unknown).
        for (const g of groups) expect(g.propertyDependencies?.["subnetIds"]?.[0]).toMatch(/Subnet::llm-net-private-us-east-1[ab]$/);
    });
});

describe("self-hosted-prod with the workload declared at 500M tokens/month (stack config changed, program rerun)", () => {
    it("gets the mandatory break-even violation, stating projected and API-equivalent spend", async () => {
        const ds = await packs.get("self-hosted-prod@500M")!.analyzeStack(at500M.resources);
        expect(ds.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policyName)).toEqual([BREAK_EVEN]);
        const message = from(ds, BREAK_EVEN)[0]!.message;
        const projected = /Projected monthly spend \$([\d,]+)\/month is above the \$([\d,]+)\/month the declared workload would cost through managed APIs/.exec(message);
        expect(projected).not.toBeNull();
        const [projectedUsd, apiUsd] = [projected![1]!, projected![2]!].map((s) => Number(s.replace(/,/g, "")));
        expect(apiUsd).toBe(3_000); // 500M tokens at the Claude Sonnet 4 list rate blended 3:1, $6.00/M
        expect(projectedUsd).toBeGreaterThan(25_000);
        for (const part of ["declared volume:      500M tokens/month", "API-equivalent spend: $3,000/month at $6.00 per million tokens", "break-even volume:", "llm-gpu-us-east-1a (aws:eks/nodeGroup:NodeGroup)", "region us-east-1", "730 hours a month", "EC2 reserved-1y"]) {
            expect(message).toContain(part);
        }
    });

    it("is the sample violation policies/README.md quotes (regenerate it with `plan --stack self-hosted-prod --tokens-per-month 500M`)", async () => {
        const ds = await packs.get("self-hosted-prod@500M")!.analyzeStack(at500M.resources);
        const readme = fs.readFileSync(path.join(PACK_DIR, "README.md"), "utf8");
        const sample = readme.slice(readme.indexOf("## A sample violation"), readme.indexOf("## Tests"));
        // The diagnostic's first line is the policy's description, which the CLI prints after its name and level.
        const [description, ...lines] = from(ds, BREAK_EVEN)[0]!.message.split("\n").filter((l) => l.trim() !== "");
        expect(lines.length).toBeGreaterThan(8);
        // The sample's second code block, line for line: no line missing, none stale.
        expect(sample.split("```")[3]!.trim().split("\n")).toEqual([`${BREAK_EVEN} (mandatory): ${description}`, ...lines]);
    });
});

describe("self-hosted-prod with an instance type the catalogue cannot price", () => {
    // The program refuses both types before registering anything (config/stack.ts and the preflight
    // price the stack), so the recorded GPU node groups are changed instead: what a stack edited
    // outside the program's validation, or a program without it, would hand the pack.
    it("the program itself rejects them, naming the key", () => {
        expect(rejections.get(UNPRICED_GPU_TYPE)).toContain(`llm-breakeven:selfHosted.instanceType: "${UNPRICED_GPU_TYPE}" has no reserved-1y price`);
        expect(rejections.get(UNKNOWN_TYPE)).toContain(`llm-breakeven:selfHosted.instanceType: "${UNKNOWN_TYPE}" is not a GPU instance type in the catalogue`);
    });

    it.each([
        [UNPRICED_GPU_TYPE, "has no on-demand price in us-east-1"],
        [UNKNOWN_TYPE, "is not in the catalogue"],
    ])("GPU node groups on %s: mandatory violation naming each node group and the type", async (type, reason) => {
        const { stack, changed } = withGpuInstanceType(runs.get("self-hosted-prod")!, [type]);
        expect(changed).toEqual(["llm-gpu-us-east-1a", "llm-gpu-us-east-1b"]);
        const ds = await packs.get("self-hosted-prod")!.analyzeStack(stack.resources);
        const breakEven = from(ds, BREAK_EVEN);
        expect(breakEven.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
        for (const name of changed) expect(breakEven[0]!.message).toContain(name);
        expect(breakEven[0]!.message).toContain(`instance type ${type} ${reason}`);
        expect(breakEven[0]!.message).toContain("a missing price is never counted as $0");
        // The budget cannot be checked either, and neither passes silently.
        expect(from(ds, "monthly-budget").map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
    });

    it("GPU node groups whose instance type is unknown at preview: mandatory, not the SDK's advisory \"can't run during preview\"", async () => {
        const { stack } = withGpuInstanceType(runs.get("self-hosted-prod")!, UNKNOWN);
        const ds = await packs.get("self-hosted-prod")!.analyzeStack(stack.resources);
        const breakEven = from(ds, BREAK_EVEN);
        expect(breakEven.map((d) => d.enforcementLevel)).toEqual(["mandatory"]);
        expect(breakEven[0]!.message).toContain("instanceTypes");
        expect(ds.some((d) => d.message.includes("can't run") && d.enforcementLevel === "advisory")).toBe(false);
    });

    it("the same process still passes the unchanged stack afterwards (no state carried between calls)", async () => {
        const ds = await packs.get("self-hosted-prod")!.analyzeStack(runs.get("self-hosted-prod")!.resources);
        expect(verdictOf(ds)).toEqual([...SHIPPED_VERDICTS["self-hosted-prod"]!].sort());
    });
});
