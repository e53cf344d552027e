/**
 * The pull-request report (`--out DIR`): report.md (the comment: per-environment table with before,
 * after and delta in $ and %, the verdict, a collapsible per-resource breakdown, the assumptions),
 * report.json (what report.md is rendered from, so a CI job can merge several environments'
 * reports into one comment with `plan --combine`), and breakeven.svg (the cost engine's chart per
 * stack, Vega-Lite rendered by Vega's headless View).
 *
 * Everything is rendered in memory first; files are written only when all of it succeeded.
 */
import { HOURS_PER_MONTH, formatTokens, formatUsd } from "../../cost/units";
import { priceBasis } from "../../policies/lib/format";
import { UsageError } from "../errors";
import type { OutputDir } from "../output/write";
import { PlanReportJson, planReportJson } from "./json";
import { percentChange, signedUsd } from "./output";
import type { StackPlan } from "./plan";
import { isBlocking } from "./policy";
import { parseJsonFile, readInputFile } from "./state";

/** The first line of the comment: the workflow finds the comment to update by it. */
export const REPORT_MARKER = "<!-- llm-breakeven-cost-report -->";

export interface ReportJson {
    readonly tool: "llm-breakeven";
    readonly reportVersion: 1;
    readonly stacks: readonly PlanReportJson[];
}

function reportJson(plans: readonly StackPlan[]): ReportJson {
    return { tool: "llm-breakeven", reportVersion: 1, stacks: plans.map((p) => ({ ...planReportJson(p), assumptions: assumptionsOf(p) })) };
}

function assumptionsOf(plan: StackPlan): string[] {
    const pricing = plan.config?.selfHosted?.pricing ?? "on-demand";
    return [
        `region ${plan.region}`,
        priceBasis(plan.region, plan.after.pricing),
        `${HOURS_PER_MONTH} hours a month (AWS's monthly convention: 8,760 h / 12)`,
        `EC2 ${pricing}`,
        ...(plan.estimate !== undefined ? [`workload ${formatTokens(plan.estimate.scenario.tokensPerMonth)} tokens/month at ${plan.estimate.scenario.inputOutputRatio}:1 input:output, peak x${plan.estimate.scenario.peakToAverage}`] : []),
    ];
}

function money(usd: number | null | undefined): string {
    return usd === null || usd === undefined ? "n/a" : formatUsd(usd);
}

/** Text outside code blocks: a policy message's `<USD>` must not become an HTML tag. */
function html(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Markdown table cells must not break the row. */
function cell(text: string): string {
    return html(text).replace(/\|/g, "\\|").replace(/\n/g, "<br>");
}

function verdictCell(s: PlanReportJson): string {
    const mandatory = s.violations.filter((v) => isBlocking(v.enforcementLevel)).length;
    const advisory = s.violations.length - mandatory;
    const head = s.verdict === "blocked" ? `:no_entry: blocked (${mandatory} mandatory)` : ":white_check_mark: pass";
    return advisory > 0 ? `${head}, ${advisory} advisory` : head;
}

function stackSection(s: PlanReportJson & { assumptions?: readonly string[] }): string[] {
    const lines = [`### ${s.stack}${s.mode !== null ? ` (${s.mode})` : ""}`, ""];
    // Older report.json files (plan --combine) may predate monthlyTotal.
    const total = s.monthlyTotal ?? null;
    if (total !== null) {
        lines.push(`- Monthly total: **${formatUsd(total.monthlyUsd)}/month** = ${total.parts.map((p) => `${p.label} ${formatUsd(p.monthlyUsd)}`).join(" + ")}`);
    }
    if (s.api !== null && s.breakEven !== null && s.capacity !== null && s.decision !== null) {
        lines.push(
            `- API-equivalent: **${formatUsd(s.api.monthlyUsd)}/month** at ${formatUsd(s.api.usdPerMTok)}/M for ${formatTokens(s.api.tokensPerMonth)} tokens (${s.api.basis})`,
            `- Self-hosted alternative: ${formatUsd(s.api.selfHostedMonthlyUsd)}/month; break-even ${s.breakEven.statement}`,
            `- Capacity: ${formatTokens(s.capacity.servableTokensPerMonth)} tokens/month servable at peak on ${s.capacity.configuredNodes} nodes; ${s.capacity.nodesNeeded} needed`,
            `- Decision: **${s.decision.decision}**${s.decision.rule !== undefined ? ` (rule \`${s.decision.rule}\`)` : ""}: ${s.decision.reason}`,
            "",
        );
    }
    for (const v of s.violations) {
        const blocking = isBlocking(v.enforcementLevel);
        const [first, ...rest] = v.message.split("\n");
        lines.push(`- ${blocking ? ":no_entry:" : ":warning:"} \`${v.policy}\` (${v.enforcementLevel}): ${html(first ?? "")}`);
        if (rest.length > 0) lines.push("  <details><summary>details</summary>", "", "  ```text", ...rest.map((l) => `  ${l}`), "  ```", "  </details>");
    }
    if (s.violations.length > 0) lines.push("");
    if (s.unpriced.length > 0) {
        const byType = new Map<string, number>();
        for (const u of s.unpriced) byType.set(u.type, (byType.get(u.type) ?? 0) + 1);
        lines.push(`**Not priced** (the total is a floor, never $0): ${[...byType].map(([t, n]) => `\`${t}\` x${n}`).join(", ")}`, "");
    }
    const deltas = s.deltas;
    if (deltas !== undefined) {
        lines.push(`<details><summary>Per-resource breakdown: ${deltas.length} changed resource${deltas.length === 1 ? "" : "s"}</summary>`, "");
        lines.push("| Resource | Type | Change | Before | After | Delta |", "|---|---|---|---:|---:|---:|");
        for (const d of [...deltas].sort((a, b) => Math.abs(b.deltaMonthlyUsd ?? Infinity) - Math.abs(a.deltaMonthlyUsd ?? Infinity))) {
            lines.push(`| ${cell(d.name)} | \`${d.type}\` | ${d.op} | ${money(d.beforeMonthlyUsd)} | ${money(d.afterMonthlyUsd)} | ${signedUsd(d.deltaMonthlyUsd)} |`);
        }
    } else {
        const billed = s.resources.filter((r) => r.monthlyUsd !== 0).sort((a, b) => (b.monthlyUsd ?? Infinity) - (a.monthlyUsd ?? Infinity));
        lines.push(`<details><summary>Per-resource breakdown: ${billed.length} billed of ${s.resources.length} resources</summary>`, "");
        lines.push("| Resource | Type | Monthly |", "|---|---|---:|");
        for (const r of billed) lines.push(`| ${cell(r.name)} | \`${r.type}\` | ${money(r.monthlyUsd)} |`);
    }
    lines.push("", "</details>", "");
    if (s.assumptions !== undefined) lines.push(`<sub>Assumptions: ${s.assumptions.join("; ")}.</sub>`, "");
    return lines;
}

/** The pull-request comment for one or more environments. */
export function renderMarkdown(report: ReportJson): string {
    const stacks = report.stacks as ReadonlyArray<PlanReportJson & { assumptions?: readonly string[] }>;
    const blocked = stacks.filter((s) => s.verdict === "blocked");
    const lines = [
        REPORT_MARKER,
        "## llm-breakeven cost report",
        "",
        blocked.length > 0
            ? `:no_entry: **Blocked**: a mandatory policy fails in ${blocked.map((s) => `\`${s.stack}\``).join(", ")}.`
            : ":white_check_mark: **Pass**: no mandatory policy fails.",
        "",
        "| Environment | Before | After | Delta | % | Verdict |",
        "|---|---:|---:|---:|---:|---|",
    ];
    for (const s of stacks) {
        const before = s.before?.monthlyUsd;
        const after = s.monthlyUsd;
        const delta = s.before === undefined ? undefined : s.deltaMonthlyUsd;
        lines.push(`| \`${s.stack}\` | ${s.before === undefined ? "-" : money(before)} | ${money(after)}${after === null ? ` (>= ${formatUsd(s.pricedMonthlyUsd)})` : ""} | ${s.before === undefined ? "-" : signedUsd(delta)} | ${s.before === undefined ? "-" : percentChange(before, after)} | ${verdictCell(s)} |`);
    }
    lines.push("", "Monthly figures are the stack's own resources; the API-equivalent and self-hosted figures come from the cost engine.", "");
    for (const s of stacks) lines.push(...stackSection(s));
    lines.push(`<sub>Generated by \`llm-breakeven plan\` offline from a committed price table; every monthly figure is hourly x ${HOURS_PER_MONTH} h.</sub>`, "");
    return lines.join("\n");
}

/** The engine's chart for each stack with an estimate: one panel each, its own legend, the same colour per line (cost/chart.ts). */
async function renderSvg(plans: readonly StackPlan[]): Promise<string | undefined> {
    // Vega loads only for --out: plans that draw no chart do not pay for it.
    const { chartPanelsSpec, renderSpecSvg } = await import("../../cost/chart");
    const panels = plans.filter((p) => p.estimate !== undefined).map((p) => ({ title: `${p.stack}: self-hosted vs API`, estimate: p.estimate! }));
    return panels.length === 0 ? undefined : renderSpecSvg(chartPanelsSpec(panels));
}

export interface RenderedReport {
    readonly md: string;
    readonly json: string;
    readonly svg: string | undefined;
}

export async function renderReport(plans: readonly StackPlan[]): Promise<RenderedReport> {
    const report = reportJson(plans);
    return { md: renderMarkdown(report), json: `${JSON.stringify(report, null, 2)}\n`, svg: await renderSvg(plans) };
}

/** Writes the rendered files into the checked --out folder (cli/output/write.ts: atomically); returns the paths written. */
export function writeReport(out: OutputDir, rendered: RenderedReport): string[] {
    return out.write([
        { name: "report.md", content: rendered.md },
        { name: "report.json", content: rendered.json },
        ...(rendered.svg !== undefined ? [{ name: "breakeven.svg", content: rendered.svg }] : []),
    ]);
}

/** Reads report.json files (from several environments' jobs) into one report, for `plan --combine`. */
export function readReports(files: readonly string[]): ReportJson {
    const stacks: PlanReportJson[] = [];
    for (const file of files) {
        const doc = parseJsonFile(readInputFile(file, "--combine"), file, "--combine", "`llm-breakeven plan --out` (report.json)");
        if (doc === null || typeof doc !== "object" || (doc as { tool?: unknown }).tool !== "llm-breakeven" || !Array.isArray((doc as { stacks?: unknown }).stacks)) {
            throw new UsageError(`--combine ${file}: is not an llm-breakeven report.json (no "tool": "llm-breakeven" with stacks[])`);
        }
        stacks.push(...((doc as ReportJson).stacks));
    }
    return { tool: "llm-breakeven", reportVersion: 1, stacks };
}
