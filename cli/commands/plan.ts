/**
 * `llm-breakeven plan`: the answer before there are cloud credentials. Runs a stack's Pulumi
 * program under Pulumi's mock runtime (or reads a real `pulumi preview --json` and
 * `pulumi stack export`), prices every resource, asks the cost engine for the API-equivalent cost,
 * break-even, capacity and decision, and runs the policy pack's analyzer.
 *
 *   llm-breakeven plan --all                                   every shipped stack, side by side (npm start)
 *   llm-breakeven plan --stack self-hosted-prod --json         one stack as JSON
 *   llm-breakeven plan --preview preview.json --export before.json --out report/
 *
 * Exit codes: 0 no mandatory policy fails, 5 one does (as the Pulumi CLI), 2 bad input. Every input
 * is checked before anything runs, and nothing is written to --out unless the whole plan succeeded.
 */
import type { Command } from "commander";
import { EXIT, UsageError } from "../errors";
import { RATE_ACCEPTED, RATIO_ACCEPTED, TOKENS_ACCEPTED } from "../flags";
import { planJson } from "../plan/json";
import { colorsFor, renderComparison, renderQuiet, renderStack } from "../plan/output";
import { assertUniquePhysicalNames } from "../plan/names";
import { allStacks, parseWhatIf, planFiles, planStack, prepareFiles, prepareStack, StackPlan } from "../plan/plan";
import { readExport, readPreview } from "../plan/preview";
import { progressLine, SILENT } from "../plan/progress";
import { readReports, renderMarkdown, renderReport, writeReport } from "../plan/report";
import { outputDir } from "../output/write";
import { measuredJson, measuredText, readMeasuredFlag, withMeasuredPolicy } from "../usage/drift";

export interface PlanOptions {
    readonly stack?: string;
    readonly all?: boolean;
    readonly preview?: string;
    readonly export?: string;
    readonly forceStack?: boolean;
    readonly policyConfig?: string;
    readonly combine?: readonly string[];
    readonly json?: boolean;
    readonly out?: string;
    readonly quiet?: boolean;
    readonly tokensPerMonth?: string;
    readonly apiUsdPerMtok?: string;
    readonly inputOutputRatio?: string;
    readonly measured?: string;
}

export function registerPlan(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("plan")
        .description("Plan stacks offline (Pulumi mock runtime, or a real preview/export): cost per resource, API-equivalent, break-even, capacity, decision and the policy verdict. Exit 5 when a mandatory policy fails.")
        .option("--stack <env>", "the stack to plan (stacks/Pulumi.<env>.yaml); with --preview/--export, the environment whose config and policy config apply")
        .option("--all", "plan every stack in stacks/ and compare them side by side")
        .option("--preview <file>", "price the output of `pulumi preview --json` (the after side)")
        .option("--export <file>", "price the output of `pulumi stack export` (the before side, with --preview)")
        .option("--force-stack", "with --stack and --preview/--export: price a preview or export whose URNs name another stack or project under --stack anyway")
        .option("--policy-config <file>", "policy-pack-config file (default: policies/config/<env>.json)")
        .option("--combine <reports...>", "merge report.json files of several environments into one report")
        .option("--json", "print the plan as JSON (one object per stack; an array with --all)")
        .option("--out <dir>", "write report.md (pull-request comment), report.json and breakeven.svg")
        .option("--quiet", "no progress line; one summary line per stack")
        .option("--tokens-per-month <count>", `what-if: override the workload's ${TOKENS_ACCEPTED}`)
        .option("--api-usd-per-mtok <usd>", `what-if: override the blended API rate, ${RATE_ACCEPTED}`)
        .option("--input-output-ratio <r>", `what-if: override the workload's ${RATIO_ACCEPTED}`)
        .option("--measured <file>", "with --stack: the measured-workload file (`llm-breakeven usage --write-workload`): declared vs measured, and the drift policy's verdict")
        .action(async (options: PlanOptions) => {
            setExitCode(await runPlan(options));
        });
}

function checkCombination(o: PlanOptions): void {
    const sources = [o.all === true ? "--all" : undefined, o.preview !== undefined || o.export !== undefined ? "--preview/--export" : undefined, o.combine !== undefined ? "--combine" : undefined].filter((s) => s !== undefined);
    if (sources.length > 1) throw new UsageError(`${sources.join(" and ")} cannot be combined; choose one`);
    if (o.forceStack === true && (o.stack === undefined || (o.preview === undefined && o.export === undefined))) {
        throw new UsageError("--force-stack prices a --preview/--export under --stack <env> although its URNs name another stack: it needs both");
    }
    if (o.all === true && o.stack !== undefined) throw new UsageError("--all plans every stack; drop --stack, or drop --all to plan one");
    if (sources.length === 0 && o.stack === undefined) throw new UsageError("nothing to plan: pass --stack <env>, --all, --preview <file> (with --export <file> for a delta), or --combine <report.json...>");
    if (o.combine !== undefined && (o.stack !== undefined || o.tokensPerMonth !== undefined || o.apiUsdPerMtok !== undefined || o.inputOutputRatio !== undefined || o.json === true)) {
        throw new UsageError("--combine renders existing reports: it takes only --out and --quiet");
    }
}

/** The command, as a function of its options: returns the exit code; throws UsageError / ConfigError for bad input. */
export async function runPlan(o: PlanOptions): Promise<number> {
    checkCombination(o);
    // Checked before any work: a path that cannot be written is one line and exit 2, not a failure after the plan.
    const out = o.out !== undefined ? outputDir("--out", o.out) : undefined;
    const stdout = process.stdout;

    if (o.combine !== undefined) {
        const report = readReports(o.combine);
        const md = renderMarkdown(report);
        if (out !== undefined) writeReport(out, { md, json: `${JSON.stringify(report, null, 2)}\n`, svg: undefined });
        if (o.quiet !== true || out === undefined) stdout.write(md);
        return report.stacks.some((s) => s.verdict === "blocked") ? EXIT.policyViolation : EXIT.ok;
    }

    // Everything that can be wrong with the input is found here, before a program runs.
    const whatIf = parseWhatIf(o);
    if (o.measured !== undefined && (o.stack === undefined || o.all === true || o.preview !== undefined)) throw new UsageError("--measured compares one shipped stack: pass it with --stack <env> (no --all or --preview)");
    const measured = readMeasuredFlag(o.measured, o.stack);
    const measuredStack = measured !== undefined ? withMeasuredPolicy(prepareStack(o.stack!, whatIf, o.policyConfig), measured) : undefined;
    let plans: StackPlan[];
    if (o.preview !== undefined || o.export !== undefined) {
        const preview = o.preview !== undefined ? readPreview(o.preview) : undefined;
        const base = o.export !== undefined ? readExport(o.export) : undefined;
        const prepared = prepareFiles({
            ...(preview !== undefined ? { preview } : {}), ...(base !== undefined ? { base } : {}), ...(o.stack !== undefined ? { stack: o.stack } : {}),
            forceStack: o.forceStack === true, whatIf, ...(o.policyConfig !== undefined ? { policyConfigFile: o.policyConfig } : {}),
        });
        plans = [await planFiles(prepared)];
    } else {
        const stacks = o.all === true ? allStacks() : [o.stack!];
        const prepared = stacks.map((s) => withMeasuredPolicy(prepareStack(s, whatIf, o.policyConfig), measured));
        const progress = o.quiet === true ? SILENT : progressLine(prepared.length);
        plans = [];
        try {
            for (const [i, p] of prepared.entries()) {
                progress.start(i, p.file.stack);
                plans.push(await planStack(p));
            }
        } finally {
            progress.done();
        }
        if (o.all === true) assertUniquePhysicalNames(plans);
    }

    // Render everything in memory; write only once all of it succeeded.
    const rendered = out !== undefined ? await renderReport(plans) : undefined;
    let text: string;
    if (o.json === true) {
        const json = plans.map(planJson);
        text = `${JSON.stringify(o.all === true ? json : measuredJson(json[0], measuredStack, measured), null, 2)}\n`;
    } else if (o.quiet === true) {
        text = `${plans.map(renderQuiet).join("\n")}\n`;
    } else {
        const c = colorsFor(stdout);
        text = `${plans.length > 1 ? renderComparison(plans, c) : renderStack(plans[0]!, c)}\n${measuredText(measuredStack, measured)}`;
    }
    if (out !== undefined && rendered !== undefined) {
        const files = writeReport(out, rendered);
        if (o.quiet !== true && o.json !== true) text += `\nWrote ${files.join(", ")}\n`;
    }
    stdout.write(text);
    return plans.some((p) => p.verdict.verdict === "blocked") ? EXIT.policyViolation : EXIT.ok;
}
