/**
 * `llm-breakeven estimate`: one scenario, itemised; `--json` for the same as JSON; `--chart` for the
 * break-even chart. Flags are checked here, at the edge: a bad value is a UsageError naming the
 * flag, the value and what is accepted (exit 2, one line, no stack trace).
 */
import * as fs from "fs";
import * as path from "path";
import { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { NAMESPACE, parseStackConfig, suggest } from "../../config/stack";
import { scenarioFromStackConfig } from "../../config/scenario";
import {
    BYTES_PER_PARAMETER, CACHE_HIT_RATE_RANGE, CapacityError, Estimate, GPU_OFFERS, OPEN_MODELS, PEAK_TO_AVERAGE_RANGE, Precision, SEED_ASSUMPTIONS, SERVABLE_PRECISIONS, Scenario,
    MAX_NODES, UNSERVABLE_PRECISION, allFrontierRate, rangeText, estimate, formatTokens, formatUsd, formatWhole, seedScenario,
} from "../../cost";
import { UsageError } from "../errors";
import { Colors, colorsFor, plainTable } from "../output/color";
import { OutputFile, outputFile } from "../output/write";
import { RATE_ACCEPTED, RATIO_ACCEPTED, TOKENS_ACCEPTED, boundedFlag, numberFlag, rateFlag, ratioFlag, tokensFlag } from "../flags";
import { estimateMeasured, readMeasuredFlag } from "../usage/drift";

export const PRESETS = ["seed"] as const;

const PEAK_ACCEPTED = `a peak-hour over average factor ${rangeText(PEAK_TO_AVERAGE_RANGE)}, e.g. 2`;
const CACHE_ACCEPTED = `a share ${rangeText(CACHE_HIT_RATE_RANGE)}, e.g. 0.2 (plan with at most 0.2 unless measured)`;


export interface EstimateOptions {
    readonly preset?: string;
    /** An environment: stacks/Pulumi.<env>.yaml, as `plan --stack`. */
    readonly stack?: string;
    /** A stack file by path. */
    readonly stackFile?: string;
    readonly json?: boolean;
    readonly tokensPerMonth?: string;
    readonly offer?: string;
    readonly nodes?: string;
    readonly apiUsdPerMtok?: string;
    readonly unroutedUsdPerMtok?: string;
    readonly inputOutputRatio?: string;
    readonly peakToAverage?: string;
    readonly cacheHitRate?: string;
    readonly model?: string;
    readonly precision?: string;
    readonly tensorParallelSize?: string;
    /** commander's --no-redundancy: false when given. */
    readonly redundancy?: boolean;
    readonly residency?: boolean;
    readonly chart?: string;
    readonly measured?: string;
}

export function registerEstimate(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("estimate")
        .description("Self-hosted vs API cost, capacity, break-even and the decision for one scenario.")
        .option("--preset <name>", `load a preset scenario (${PRESETS.join(", ")}: the seed article's assumptions exactly)`)
        .option("--stack <env>", "start from a shipped stack's config (stacks/Pulumi.<env>.yaml), as `plan --stack <env>`")
        .option("--stack-file <file>", "start from a stack config file by path (a Pulumi.<env>.yaml)")
        .option("--json", "print the estimate as JSON")
        .option("--tokens-per-month <count>", TOKENS_ACCEPTED)
        .option("--offer <id>", "GPU node offer from the catalogue (e.g. aws-p4de.24xlarge-on-demand, lambda-8xa100-seed)")
        .option("--nodes <n>", `configured GPU nodes, 1 to ${MAX_NODES} (the fixed count the seed-style break-even uses)`)
        .option("--api-usd-per-mtok <usd>", `API rate with routing (the seed: 0.8): ${RATE_ACCEPTED}`)
        .option("--unrouted-usd-per-mtok <usd>", `API rate with everything on the frontier model (default: GPT-4o list prices blended at the ratio): ${RATE_ACCEPTED}`)
        .option("--input-output-ratio <r>", RATIO_ACCEPTED)
        .option("--peak-to-average <x>", `peak-hour rate over the monthly average: ${PEAK_ACCEPTED} (default 2)`)
        .option("--cache-hit-rate <share>", `semantic-cache hit rate: ${CACHE_ACCEPTED} (default 0)`)
        .option("--model <id>", `open model to self-host (${[...OPEN_MODELS.keys()].join(", ")})`)
        .option("--precision <p>", `weights precision (${SERVABLE_PRECISIONS.join(", ")}; int4/int8 need a pre-quantized checkpoint the catalogue does not name)`)
        .option("--tensor-parallel-size <n>", "GPUs per replica (default: the layout that serves the most)")
        .option("--no-redundancy", "size without N+1 (not for production)")
        .option("--residency", "the workload has a data-residency or compliance requirement")
        .option("--chart <file.svg>", "write the break-even chart (monthly cost against tokens per month) as SVG")
        .option("--measured <file>", "show the scenario's workload beside the measured one (`llm-breakeven usage --write-workload`)")
        .action(async (options: EstimateOptions) => {
            // Checked before any work (cli/output/write.ts): a chart path that cannot be written is one line, exit 2.
            const chart = options.chart !== undefined ? chartFlag(options.chart) : undefined;
            const result = estimateFromOptions(options);
            const measured = estimateMeasured(result.scenario, readMeasuredFlag(options.measured, undefined));
            if (chart !== undefined) {
                // Vega loads only for a chart: a fifth of the start-up of a command that draws none.
                const { renderChartSvg } = await import("../../cost/chart");
                chart.write(await renderChartSvg(result));
            }
            process.stdout.write(options.json === true ? `${JSON.stringify(measured !== undefined ? { ...result, measured: measured.json } : result, null, 2)}\n` : renderTable(result, colorsFor(process.stdout), options.chart) + (measured?.text ?? ""));
            setExitCode(0);
        });
}

/** The scenario the flags describe, estimated. Throws UsageError on any bad flag. */
export function estimateFromOptions(options: EstimateOptions): Estimate {
    const scenario = scenarioFromOptions(options);
    try {
        return estimate(scenario);
    } catch (error) {
        if (error instanceof CapacityError) {
            throw new UsageError(`--model/--precision/--offer/--tensor-parallel-size: ${error.message}`);
        }
        throw error;
    }
}

export function scenarioFromOptions(options: EstimateOptions): Scenario {
    if (options.preset !== undefined && !(PRESETS as readonly string[]).includes(options.preset)) {
        throw new UsageError(`--preset "${options.preset}" is not a preset; accepted: ${PRESETS.join(", ")}`);
    }
    const starts = [options.preset !== undefined ? "--preset" : undefined, options.stack !== undefined ? "--stack" : undefined, options.stackFile !== undefined ? "--stack-file" : undefined].filter((s) => s !== undefined);
    if (starts.length > 1) throw new UsageError(`${starts.join(" and ")} each give a starting scenario; use one`);
    const ratio = options.inputOutputRatio !== undefined ? ratioFlag(options.inputOutputRatio) : undefined;
    const base = options.preset === "seed" ? seedScenario()
        : options.stack !== undefined ? stackScenario(stackFileOf(options.stack), "--stack")
            : options.stackFile !== undefined ? stackScenario(options.stackFile, "--stack-file")
                : defaultScenario(ratio ?? DEFAULT_RATIO);
    const inputOutputRatio = ratio ?? base.inputOutputRatio;
    // Without a preset or a stack, the API rates follow the ratio; a preset's or a stack's stay as given.
    const rates = starts.length === 0 ? defaultRates(inputOutputRatio) : base.api;

    const offerId = options.offer !== undefined ? offerFlag(options.offer) : base.selfHosted.offerId;
    const model = options.model !== undefined ? choiceFlag("--model", options.model, [...OPEN_MODELS.keys()]) : base.selfHosted.model;
    const precision = options.precision !== undefined ? precisionFlag(options.precision) : base.selfHosted.precision;
    const tensorParallelSize = options.tensorParallelSize !== undefined ? integerFlag("--tensor-parallel-size", options.tensorParallelSize, 1, 64) : base.selfHosted.tensorParallelSize;
    const usdPerMTok = options.apiUsdPerMtok !== undefined ? rateFlag("--api-usd-per-mtok", options.apiUsdPerMtok) : rates.usdPerMTok;
    const unroutedUsdPerMTok = options.unroutedUsdPerMtok !== undefined ? rateFlag("--unrouted-usd-per-mtok", options.unroutedUsdPerMtok) : rates.unroutedUsdPerMTok;
    const { tensorParallelSize: _tp, ...selfHostedBase } = base.selfHosted;
    return {
        ...base,
        tokensPerMonth: options.tokensPerMonth !== undefined ? tokensFlag(options.tokensPerMonth) : base.tokensPerMonth,
        inputOutputRatio,
        peakToAverage: options.peakToAverage !== undefined ? boundedFlag("--peak-to-average", options.peakToAverage, PEAK_TO_AVERAGE_RANGE, PEAK_ACCEPTED) : base.peakToAverage,
        cacheHitRate: options.cacheHitRate !== undefined ? boundedFlag("--cache-hit-rate", options.cacheHitRate, CACHE_HIT_RATE_RANGE, CACHE_ACCEPTED) : base.cacheHitRate,
        residencyRequired: options.residency === true || base.residencyRequired,
        api: {
            usdPerMTok,
            basis: options.apiUsdPerMtok !== undefined ? "--api-usd-per-mtok, given directly" : rates.basis,
            unroutedUsdPerMTok,
            unroutedBasis: options.unroutedUsdPerMtok !== undefined ? "--unrouted-usd-per-mtok, given directly" : rates.unroutedBasis,
        },
        selfHosted: {
            ...selfHostedBase,
            offerId,
            nodes: options.nodes !== undefined ? integerFlag("--nodes", options.nodes, 1, MAX_NODES) : base.selfHosted.nodes,
            redundancy: options.redundancy === false ? false : base.selfHosted.redundancy,
            model,
            precision,
            ...(tensorParallelSize !== undefined ? { tensorParallelSize } : {}),
        },
    };
}

const DEFAULT_RATIO = 3;

/** Without a preset: the seed's volume, overhead and node count on today's AWS p4de price, 3:1, all GPT-4o. */
function defaultScenario(inputOutputRatio: number): Scenario {
    const seed = seedScenario();
    return {
        ...seed,
        name: "custom",
        inputOutputRatio,
        api: defaultRates(inputOutputRatio),
        selfHosted: { ...seed.selfHosted, offerId: "aws-p4de.24xlarge-on-demand" },
        overhead: SEED_ASSUMPTIONS.overhead,
    };
}

function defaultRates(inputOutputRatio: number): Scenario["api"] {
    const frontier = allFrontierRate(inputOutputRatio);
    const basis = `${frontier.basis} (no routing given: pass --api-usd-per-mtok)`;
    return { usdPerMTok: frontier.usdPerMTok, basis, unroutedUsdPerMTok: frontier.usdPerMTok, unroutedBasis: basis };
}

/** The shipped stacks (stacks/Pulumi.<env>.yaml), read without loading the Pulumi SDK (mockrun does). */
const STACKS_DIR = path.join(__dirname, "..", "..", "stacks");

function stackFileOf(env: string): string {
    const file = path.join(STACKS_DIR, `Pulumi.${env}.yaml`);
    if (/^[A-Za-z0-9_.-]+$/.test(env) && fs.existsSync(file)) return file;
    const envs = fs.readdirSync(STACKS_DIR).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((e): e is string => e !== undefined).sort();
    const hint = /[\/\\]|\.ya?ml$/i.test(env) ? `; for a stack file by path, pass --stack-file ${env}` : ` (${suggest(env, envs)})`;
    throw new UsageError(`--stack "${env}" is not a stack in stacks/${hint}; accepted: ${envs.join(", ")}`);
}

function stackScenario(file: string, flag: "--stack" | "--stack-file"): Scenario {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`${flag} "${file}" cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a stack file such as stacks/Pulumi.self-hosted-prod.yaml`);
    }
    let document: unknown;
    try {
        document = parseYaml(text);
    } catch (error) {
        throw new UsageError(`${flag} "${file}" is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
    }
    const config = (document as { config?: Record<string, unknown> } | null)?.config ?? {};
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(config)) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        // Secrets arrive as { secure: ... } and are not part of the cost model.
        if (value !== null && typeof value === "object" && "secure" in value) continue;
        raw[key.slice(NAMESPACE.length + 1)] = value;
    }
    // No secret is read: estimate prices the file, it deploys nothing (the secret rules are `pulumi up`'s and the plan's).
    return scenarioFromStackConfig(parseStackConfig(raw, "unread"), path.basename(file).replace(/^Pulumi\.|\.yaml$/g, ""));
}

// ---------------------------------------------------------------------------------------------
// Flag checks: each names the flag, the value and what is accepted.
// ---------------------------------------------------------------------------------------------

function integerFlag(flag: string, text: string, min: number, max: number): number {
    const accepted = `a whole number from ${min} to ${max}`;
    const value = numberFlag(flag, text, accepted);
    if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} ${text} is not allowed; accepted: ${accepted}`);
    return value;
}

function choiceFlag(flag: string, text: string, choices: readonly string[]): string {
    if (!choices.includes(text)) throw new UsageError(`${flag} "${text}" is not known (${suggest(text, choices)}); accepted: ${choices.join(", ")}`);
    return text;
}

/** The precisions a stack may set (config/rules.ts refuses the others the same way). */
function precisionFlag(text: string): Precision {
    const known = Object.keys(BYTES_PER_PARAMETER);
    if (known.includes(text) && !SERVABLE_PRECISIONS.includes(text as Precision)) {
        throw new UsageError(`--precision "${text}" cannot be served: ${UNSERVABLE_PRECISION}; accepted: ${SERVABLE_PRECISIONS.join(", ")}`);
    }
    return choiceFlag("--precision", text, SERVABLE_PRECISIONS) as Precision;
}

function chartFlag(file: string): OutputFile {
    return outputFile("--chart", file, { extensions: [".svg"] });
}

function offerFlag(text: string): string {
    const ids = [...GPU_OFFERS.keys()];
    if (!GPU_OFFERS.has(text)) throw new UsageError(`--offer "${text}" is not a GPU offer in the catalogue (${suggest(text, ids)}); accepted: ${ids.join(", ")}`);
    return text;
}

// ---------------------------------------------------------------------------------------------
// The table.
// ---------------------------------------------------------------------------------------------

const tokens = (n: number | null): string => (n === null ? "never" : formatTokens(n));
const perMonth = (usd: number): string => `${formatUsd(usd)}/month`;
const rate = (usd: number): string => `${formatUsd(usd)}/M`;
export function renderTable(e: Estimate, c: Colors, chartFile?: string): string {
    const yesNo = (b: boolean | null | undefined): string => (b === true ? c.green("yes") : b === false ? c.red("no") : "n/a");
    const out: string[] = [];
    const s = e.scenario;
    out.push(c.bold(`llm-breakeven estimate: ${s.name}`) + `  (${formatTokens(s.tokensPerMonth)} tokens/month, ${s.inputOutputRatio}:1 input:output, peak x${s.peakToAverage})`);

    const lines = plainTable(["self-hosted, configured nodes", "qty", "unit", "unit price", "monthly"].map((h) => c.cyan(h)), { colAligns: ["left", "right", "left", "right", "right"] });
    for (const line of e.selfHosted.lines) lines.push([line.label, String(line.quantity), line.unit, formatUsd(line.unitUsd), formatUsd(line.monthlyUsd)]);
    lines.push([c.bold("GPUs"), "", "", "", formatUsd(e.selfHosted.gpuMonthlyUsd)]);
    lines.push([c.bold("overhead"), "", "", "", formatUsd(e.selfHosted.overheadMonthlyUsd)]);
    lines.push([c.bold("total"), "", "", "", c.bold(formatUsd(e.selfHosted.monthlyUsd))]);
    out.push(lines.toString());

    const p = e.capacity.perNode;
    const summary = plainTable(["", c.cyan("figure")], { wordWrap: true, colWidths: [34, 90] });
    summary.push(
        ["API, routed", `${rate(e.api.usdPerMTok)} -> ${perMonth(e.api.monthlyUsd)} (${e.api.basis})`],
        ["API, unrouted", `${rate(e.unrouted.usdPerMTok)} -> ${perMonth(e.unrouted.monthlyUsd)} (${e.unrouted.basis})`],
        ["break-even, configured nodes", `${tokens(e.breakEven.tokensPerMonth)} routed, ${tokens(e.breakEven.unroutedTokensPerMonth)} unrouted${e.breakEven.routedToUnroutedRatio !== null ? `; routed/unrouted ${Number(e.breakEven.routedToUnroutedRatio.toFixed(2))}x` : ""}`],
        ["capacity per node", `${p.replicasPerNode} x TP${p.tensorParallelSize}, batch ${p.batchPerReplica}: ${formatWhole(p.outputTokensPerSecond)} output tok/s, ${formatTokens(p.tokensPerMonth)} tokens/month flat out`],
        [`capacity of ${e.selfHosted.nodes} configured nodes`, `${formatTokens(e.capacity.tokensPerMonth)} tokens/month flat out; ${formatTokens(e.capacity.servableTokensPerMonth)} at peak x${s.peakToAverage}${s.selfHosted.redundancy ? " keeping a spare node" : ""}`],
        ["serves this volume?", yesNo(e.capacity.servesVolume)],
        [`serves the ${tokens(e.breakEven.tokensPerMonth)} break-even?`, yesNo(e.breakEven.servedByConfiguredNodes)],
        ["nodes needed for this volume", `${e.capacity.nodesNeeded} -> ${perMonth(e.capacity.monthlyUsd)} with overhead`],
        ["break-even, capacity-aware", `routed: ${e.capacity.breakEven.statement}; unrouted: ${e.capacity.unroutedBreakEven.statement}`],
        [c.bold("decision"), `${c.bold(e.decision)}: ${e.decisionReason}`],
    );
    out.push(summary.toString());
    out.push(c.dim("assumptions:"));
    for (const a of e.assumptions) out.push(c.dim(`  - ${a.text}${a.provenance !== undefined ? ` [${a.provenance.source}, ${a.provenance.region}, ${a.provenance.date}]` : ""}`));
    if (chartFile !== undefined) out.push(`chart written to ${chartFile}`);
    return `${out.join("\n")}\n`;
}
