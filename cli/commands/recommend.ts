/**
 * `llm-breakeven recommend`: for a workload and a model, every catalogue offer x precision x layout x
 * pricing, sized N+1 at peak and ranked by monthly cost (cost/recommend.ts), beside the managed-API
 * bill and the seed's decision. `--json` for tooling; `--write-stack <env>` writes the top deployable
 * configuration as a stack and its policy config, and plans it (exit 5 if a policy blocks it).
 */
import * as path from "path";
import { Command } from "commander";
import { CACHE_HIT_RATE_RANGE, OPEN_MODELS, PEAK_TO_AVERAGE_RANGE, SEED_ASSUMPTIONS, formatTokens, formatUsd, rangeText } from "../../cost";
import { Configuration, recommend, Recommendation, RecommendInput } from "../../cost/recommend";
import { hostedEquivalent } from "../../cost/scenario";
import { suggest } from "../../config/stack";
import { EXIT, UsageError } from "../errors";
import { plainTable } from "../output/color";
import { RATE_ACCEPTED, RATIO_ACCEPTED, TOKENS_ACCEPTED, boundedFlag, numberFlag, rateFlag, ratioFlag, tokensFlag } from "../flags";
import { writeStack, WrittenStack } from "../recommend/writeStack";

const ROOT = path.resolve(__dirname, "..", "..");
const DEFAULT_MODEL = "llama-3.3-70b-instruct";

export interface RecommendOptions {
    readonly tokensPerMonth?: string;
    readonly model?: string;
    readonly inputOutputRatio?: string;
    readonly peakToAverage?: string;
    readonly apiUsdPerMtok?: string;
    readonly cacheHitRate?: string;
    readonly residency?: boolean;
    readonly tpotMs?: string;
    readonly maxMonthlyUsd?: string;
    readonly top?: string;
    readonly json?: boolean;
    readonly writeStack?: string;
    readonly stacksDir?: string;
    readonly policyConfigDir?: string;
    readonly modelBucket?: string;
}

export function registerRecommend(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("recommend")
        .description("Rank every catalogue offer, precision, layout and pricing for a workload (N+1 at peak) beside the API bill; optionally write the top one as a stack.")
        .option("--tokens-per-month <count>", TOKENS_ACCEPTED)
        .option("--model <id>", `the open model to serve (default ${DEFAULT_MODEL})`)
        .option("--input-output-ratio <r>", `${RATIO_ACCEPTED}; default 3`)
        .option("--peak-to-average <x>", `peak-hour over average, ${rangeText(PEAK_TO_AVERAGE_RANGE)}; default 2`)
        .option("--api-usd-per-mtok <usd>", `the managed-API rate to compare with, ${RATE_ACCEPTED}; default: the cheapest hosted copy of the model`)
        .option("--cache-hit-rate <share>", `semantic-cache hits, ${rangeText(CACHE_HIT_RATE_RANGE)}; default 0`)
        .option("--residency", "the workload must stay in your own account (the seed's decision then self-hosts)")
        .option("--tpot-ms <ms>", "time-per-output-token objective: leave out layouts whose decode step is slower")
        .option("--max-monthly-usd <usd>", "the budget the burst nodes may fill (GPU nodes + overhead; default: the API bill)")
        .option("--top <n>", "configurations to show (default 5)")
        .option("--json", "print the ranking as JSON")
        .option("--write-stack <env>", "write the top deployable configuration as stacks/Pulumi.<env>.yaml and policies/config/<env>.json, then plan it")
        .option("--stacks-dir <dir>", "with --write-stack: where the stack file goes (default stacks/)")
        .option("--policy-config-dir <dir>", "with --write-stack: where its policy config goes (default policies/config/)")
        .option("--model-bucket <name>", "with --write-stack: the S3 mirror of the weights (default llm-breakeven-models-<env>)")
        .action(async (o: RecommendOptions) => {
            const r = recommend(inputFrom(o));
            const top = o.top !== undefined ? boundedFlag("--top", o.top, { min: 1, max: 1000, minExclusive: false }, "a whole number of configurations, 1 to 1000") : 5;
            const shown: Recommendation = { ...r, configurations: r.configurations.slice(0, Math.floor(top)) };
            let written: WrittenStack | undefined;
            if (o.writeStack !== undefined) {
                const env = o.writeStack;
                if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(env)) throw new UsageError(`--write-stack ${JSON.stringify(env)}: an environment name is lowercase letters, digits and hyphens`);
                written = await writeStack(r, {
                    env, stacksDir: path.resolve(o.stacksDir ?? path.join(ROOT, "stacks")), policyConfigDir: path.resolve(o.policyConfigDir ?? path.join(ROOT, "policies", "config")),
                    modelBucket: o.modelBucket ?? `llm-breakeven-models-${env}`,
                });
                if (written.plan.verdict.verdict === "blocked") setExitCode(EXIT.policyViolation);
            }
            process.stdout.write(o.json === true ? `${JSON.stringify(written !== undefined ? { ...shown, written: writtenJson(written) } : shown, null, 2)}\n` : render(shown, written));
        });
}

function inputFrom(o: RecommendOptions): RecommendInput {
    if (o.tokensPerMonth === undefined) throw new UsageError(`--tokens-per-month: required (${TOKENS_ACCEPTED})`);
    const model = o.model ?? DEFAULT_MODEL;
    if (!OPEN_MODELS.has(model)) throw new UsageError(`--model ${model}: not an open model in the catalogue (${suggest(model, [...OPEN_MODELS.keys()])}); allowed: ${[...OPEN_MODELS.keys()].join(", ")}`);
    const inputOutputRatio = o.inputOutputRatio !== undefined ? ratioFlag(o.inputOutputRatio) : 3;
    const rate = o.apiUsdPerMtok !== undefined
        ? { usdPerMTok: rateFlag("--api-usd-per-mtok", o.apiUsdPerMtok), basis: "--api-usd-per-mtok, given" }
        : hostedEquivalent(model, inputOutputRatio);
    return {
        tokensPerMonth: tokensFlag(o.tokensPerMonth),
        inputOutputRatio,
        peakToAverage: o.peakToAverage !== undefined ? boundedFlag("--peak-to-average", o.peakToAverage, PEAK_TO_AVERAGE_RANGE, `a factor ${rangeText(PEAK_TO_AVERAGE_RANGE)}`) : 2,
        model,
        apiUsdPerMTok: rate.usdPerMTok,
        apiBasis: rate.basis,
        cacheHitRate: o.cacheHitRate !== undefined ? boundedFlag("--cache-hit-rate", o.cacheHitRate, CACHE_HIT_RATE_RANGE, `a share ${rangeText(CACHE_HIT_RATE_RANGE)}`) : 0,
        residencyRequired: o.residency === true,
        overhead: SEED_ASSUMPTIONS.overhead,
        ...(o.tpotMs !== undefined ? { tpotMs: numberFlag("--tpot-ms", o.tpotMs, "milliseconds per output token, above 0") } : {}),
        ...(o.maxMonthlyUsd !== undefined ? { maxMonthlyUsd: numberFlag("--max-monthly-usd", o.maxMonthlyUsd, "USD per month, above 0") } : {}),
    };
}

function writtenJson(w: WrittenStack): Record<string, unknown> {
    return {
        rank: w.configuration.rank, stackFile: w.stackFile, policyConfigFile: w.policyConfigFile, gpuCeilingMonthlyUsd: w.gpuCeilingMonthlyUsd,
        verdict: w.plan.verdict.verdict, violations: w.plan.verdict.violations.map((v) => ({ policy: v.policy, enforcementLevel: v.enforcementLevel, message: v.message })),
    };
}

function nodesCell(c: Configuration): string {
    const mix = c.nodes.spot > 0 ? ` (${c.nodes.onDemand} on-demand + ${c.nodes.spot} ${c.pricing})` : "";
    return `${c.nodes.floor}-${c.nodes.ceiling}${mix}`;
}

function render(r: Recommendation, written: WrittenStack | undefined): string {
    const table = plainTable(["#", "Offer", "Precision", "Layout", "Pricing", "Nodes", "Monthly (floor-ceiling)", "vs API"]);
    for (const c of r.configurations) {
        table.push([
            String(c.rank), `${c.offerId}${c.deployable ? "" : " *"}`, c.precision, `TP${c.layout.tensorParallelSize} x${c.layout.replicasPerNode}`, c.pricing, nodesCell(c),
            `${formatUsd(c.monthlyUsd.floor)}-${formatUsd(c.monthlyUsd.ceiling)}`, `${c.savingMonthlyUsd >= 0 ? "saves" : "loses"} ${formatUsd(Math.abs(c.savingMonthlyUsd))}`,
        ]);
    }
    const w = r.workload;
    const lines = [
        `${formatTokens(w.tokensPerMonth)} tokens/month of ${w.model}, ${w.inputOutputRatio}:1 input:output, peak x${w.peakToAverage}: nodes N+1 at peak, one group per zone`,
        `Managed API: ${formatUsd(r.api.monthlyUsd)}/month at ${formatUsd(r.api.usdPerMTok)}/M (${r.api.basis}); burst budget ${formatUsd(r.budgetMonthlyUsd)}/month`,
        `Seed's decision: ${r.seed.decision}: ${r.seed.reason}`,
        table.toString(),
        "Monthly: GPU nodes + the seed's $4,100 overhead; expected = floor (the floor serves the declared peak with a spare). * not deployable by these stacks (another provider).",
        `Not ranked: ${r.notConsidered.length} (--json lists each with its reason)`,
    ];
    if (written !== undefined) {
        const shown = (file: string): string => (path.relative(process.cwd(), file).startsWith("..") ? file : path.relative(process.cwd(), file));
        lines.push(`Wrote ${shown(written.stackFile)} and ${shown(written.policyConfigFile)} (rank ${written.configuration.rank}, GPU ceiling ${formatUsd(written.gpuCeilingMonthlyUsd)}/month); plan: ${written.plan.verdict.verdict}`);
        for (const v of written.plan.verdict.violations) lines.push(`  x ${v.policy} (${v.enforcementLevel}): ${v.message.split("\n")[0] ?? ""}`);
    }
    return `${lines.join("\n")}\n`;
}
