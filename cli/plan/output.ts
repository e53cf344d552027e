/**
 * What `plan` prints on a terminal: one stack in detail (per-component cost table, unpriced types,
 * the engine's figures, the verdict with every violation), or a side-by-side comparison of many.
 * Colour only when the stream is a terminal and NO_COLOR is unset (cli/output/color.ts).
 */
import { rangeOfResources } from "../../cost/range";
import type Table from "cli-table3";
import type { Estimate } from "../../cost/estimate";
import { ruleLabel } from "../../cost/decision";
import { formatTokens, formatUsd } from "../../cost/units";
import { unpricedReason } from "../../cost/pricers";
import type { Side, StackPlan } from "./plan";
import { isBlocking } from "./policy";
import { monthlyTotal, TotalPartId } from "./total";
import { Align, Colors, plainTable } from "../output/color";

export { Colors, colorsFor } from "../output/color";

function table(head: string[], colAligns?: Align[]): Table.Table {
    return plainTable(head, colAligns !== undefined ? { colAligns } : {});
}

export function money(usd: number | null, floor?: number): string {
    if (usd === null) return floor !== undefined && floor > 0 ? `>= ${formatUsd(floor)} (incomplete)` : "unpriced";
    return formatUsd(usd);
}

/** A monthly change with its sign ("+$20,036", "-$3.65"); "n/a" when either side is unpriced. Also report.md's. */
export function signedUsd(usd: number | null | undefined): string {
    if (usd === null || usd === undefined) return "n/a";
    if (Math.abs(usd) < 0.005) return "$0";
    return `${usd > 0 ? "+" : "-"}${formatUsd(Math.abs(usd))}`;
}

/** The change from before to after in percent ("+298.3%", "new" from $0). Also report.md's. */
export function percentChange(before: number | null | undefined, after: number | null): string {
    if (before === null || before === undefined || after === null) return "n/a";
    if (before === 0) return after === 0 ? "0%" : "new";
    const p = ((after - before) / before) * 100;
    return `${p > 0 ? "+" : ""}${p.toFixed(1)}%`;
}

/** Unpriced and unbounded resources, grouped by type with a count: the reason each total is incomplete. */
function unpricedByType(side: Side): Array<{ readonly type: string; readonly count: number; readonly names: readonly string[]; readonly reason: string }> {
    const groups = new Map<string, { type: string; count: number; names: string[]; reason: string }>();
    for (const e of [...side.pricing.unpriced, ...side.pricing.unbounded]) {
        const reason = unpricedReason(e.price);
        const g = groups.get(e.type) ?? { type: e.type, count: 0, names: [], reason };
        g.count += 1;
        g.names.push(e.name);
        groups.set(e.type, g);
    }
    return [...groups.values()].sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function componentTable(side: Side): string {
    const groups = new Map<string, { count: number; usd: number; incomplete: boolean }>();
    for (const r of side.rows) {
        if (r.state.type === "pulumi:pulumi:Stack") continue;
        const g = groups.get(r.component) ?? { count: 0, usd: 0, incomplete: false };
        g.count += 1;
        if (r.monthlyUsd === null) g.incomplete = true;
        else g.usd += r.monthlyUsd;
        groups.set(r.component, g);
    }
    const t = table(["Component", "Resources", "Monthly"], ["left", "right", "right"]);
    const sorted = [...groups].sort((a, b) => b[1].usd - a[1].usd);
    for (const [name, g] of sorted) t.push([name, String(g.count), g.incomplete ? `>= ${formatUsd(g.usd)}` : formatUsd(g.usd)]);
    const total = side.rows.filter((r) => r.state.type !== "pulumi:pulumi:Stack").length;
    t.push(["Total", String(total), money(side.monthlyUsd, side.pricedMonthlyUsd)]);
    return t.toString();
}

function deltaTable(plan: StackPlan): string {
    const t = table(["Resource", "Type", "Change", "Before", "After", "Delta"], ["left", "left", "left", "right", "right", "right"]);
    const changed = (plan.deltas ?? []).filter((d) => d.op !== "same");
    for (const d of changed) t.push([d.name, d.type, d.op, money(d.beforeMonthlyUsd), money(d.afterMonthlyUsd), signedUsd(d.deltaMonthlyUsd)]);
    const before = plan.before!;
    t.push([`Total${plan.complete ? "" : " (changed resources only)"}`, "", "", money(before.monthlyUsd, before.pricedMonthlyUsd), money(plan.after.monthlyUsd, plan.after.pricedMonthlyUsd), `${signedUsd(plan.deltaMonthlyUsd ?? null)} (${percentChange(before.monthlyUsd, plan.after.monthlyUsd)})`]);
    return changed.length === 0 ? `No resource changes.\n${t.toString()}` : t.toString();
}

function indent(text: string, prefix: string): string {
    return text.split("\n").map((l) => `${prefix}${l}`).join("\n");
}

function verdictLines(plan: StackPlan, c: Colors): string[] {
    const v = plan.verdict;
    const mandatory = v.violations.filter((x) => isBlocking(x.enforcementLevel));
    const head = v.verdict === "blocked"
        ? c.red(c.bold(`Policy verdict: BLOCKED (${mandatory.length} mandatory violation${mandatory.length === 1 ? "" : "s"})`))
        : c.green(c.bold("Policy verdict: pass"));
    const lines = [`${head} ${c.dim(`[${v.configSource}]`)}`];
    for (const x of v.violations) {
        const mark = isBlocking(x.enforcementLevel) ? c.red("x") : c.yellow("!");
        const [first, ...rest] = x.message.split("\n");
        lines.push(`  ${mark} ${c.bold(x.policy)} (${x.enforcementLevel}): ${first ?? ""}`);
        if (rest.length > 0) lines.push(indent(rest.join("\n"), "      "));
    }
    return lines;
}

/**
 * Whole dollars that add up on screen: each part rounded, the largest rounding remainders taking
 * the dollars the total needs (largest-remainder rounding), so the printed parts sum to the printed total.
 */
export function wholeDollarParts(parts: readonly number[], total: number): number[] {
    const target = Math.round(total);
    const floors = parts.map((p) => Math.floor(p));
    let missing = target - floors.reduce((a, b) => a + b, 0);
    const order = parts.map((p, i) => ({ i, r: p - Math.floor(p) })).sort((a, b) => b.r - a.r);
    for (const { i } of order) {
        if (missing <= 0) break;
        floors[i]! += 1;
        missing -= 1;
    }
    return floors;
}

/** The stack's one monthly total and the parts it is made of, in a small table that adds up. */
function totalLines(plan: StackPlan, c: Colors): string[] {
    const total = monthlyTotal(plan);
    if (total === undefined) return [];
    const whole = wholeDollarParts(total.parts.map((p) => p.monthlyUsd), total.monthlyUsd);
    const width = Math.max(...total.parts.map((p) => p.label.length), "total".length);
    const amounts = [...whole, Math.round(total.monthlyUsd)].map((n) => formatUsd(n));
    const amountWidth = Math.max(...amounts.map((a) => a.length));
    const line = (label: string, amount: string, note: string): string => `  ${label.padEnd(width)}  ${amount.padStart(amountWidth)}${note !== "" ? `  ${note}` : ""}`;
    return [
        c.bold(`Monthly total: ${formatUsd(Math.round(total.monthlyUsd))}/month`) + " (what the policy pack projects and holds to the budget)",
        ...total.parts.map((p, i) => line(p.label, amounts[i]!, c.dim(p.source))),
        `  ${"-".repeat(width + 2 + amountWidth)}`,
        line("total", amounts[amounts.length - 1]!, ""),
        "",
    ];
}

/** Self-hosting stacks priced whole: floor, expected and ceiling of resources + overhead (cost/range.ts), as the policies judge it. */
function rangeLines(plan: StackPlan): string[] {
    const e = plan.estimate;
    if (e === undefined || plan.mode === "gateway" || plan.mode === null || !plan.complete || plan.after.monthlyUsd === null) return [];
    const r = rangeOfResources({ resources: plan.after.rows.map((row) => row.state), region: plan.region, floorMonthlyUsd: plan.after.monthlyUsd + e.selfHosted.overheadMonthlyUsd, nodesNeeded: e.capacity.nodesNeeded });
    const ceiling = r.ceilingMonthlyUsd === null ? `unbounded (no maximum: ${r.unbounded.join(", ")})` : `${formatUsd(r.ceilingMonthlyUsd)} (${r.ceilingNodes} GPU nodes)`;
    return [`  Range /month:   floor ${formatUsd(r.floorMonthlyUsd)} (${r.floorNodes} GPU nodes), expected ${formatUsd(r.expectedMonthlyUsd)} (${r.expectedNodes}, the declared peak x${e.scenario.peakToAverage}), ceiling ${ceiling}: resources + overhead`];
}

/** A decision that residency forces says so: it is not the cost comparison the other rows show. */
function decisionCell(e: Estimate | undefined): string {
    if (e === undefined) return "-";
    return `${e.decision} (${ruleLabel(e.decisionRule)})`;
}

function engineLines(plan: StackPlan): string[] {
    const e = plan.estimate;
    if (e === undefined) return [`Cost engine: not run (${plan.estimateProblem ?? "no stack config"})`];
    return [
        "Cost engine (counts GPU instances + overhead, as the seed does)",
        `  API instead:    ${formatUsd(e.api.monthlyUsd)}/month at ${formatUsd(e.api.usdPerMTok)}/M for ${formatTokens(e.scenario.tokensPerMonth)} tokens (${e.api.basis})`,
        `  Self-hosted:    ${formatUsd(e.selfHosted.monthlyUsd)}/month = ${e.selfHosted.nodes} x ${e.selfHosted.offerLabel} ${formatUsd(e.selfHosted.gpuMonthlyUsd)} + overhead ${formatUsd(e.selfHosted.overheadMonthlyUsd)}`,
        `  Break-even:     ${e.breakEven.statement}`,
        ...rangeLines(plan),
        `  Capacity:       ${formatTokens(e.capacity.perNode.tokensPerMonth)} tokens/month per node flat out; ${formatTokens(e.capacity.servableTokensPerMonth)} servable at peak; ${e.capacity.nodesNeeded} node${e.capacity.nodesNeeded === 1 ? "" : "s"} needed`,
        `  Decision:       ${e.decision}, by the rule ${e.decisionRule}: ${e.decisionReason}`,
    ];
}

function unpricedLines(side: Side, c: Colors): string[] {
    const groups = unpricedByType(side);
    if (groups.length === 0) return [];
    const count = groups.reduce((s, g) => s + g.count, 0);
    return [
        c.yellow(`Not priced (${count} resource${count === 1 ? "" : "s"}; the total is a floor, not $0):`),
        ...groups.map((g) => `  ${g.type} x${g.count}: ${g.names.slice(0, 5).join(", ")}${g.names.length > 5 ? ", ..." : ""} (${g.reason})`),
    ];
}

/** One stack, in full. */
export function renderStack(plan: StackPlan, c: Colors): string {
    const source = plan.source === "program" ? "program run under Pulumi mocks" : plan.source === "preview" ? "pulumi preview" : "stack export";
    const count = plan.after.rows.filter((r) => r.state.type !== "pulumi:pulumi:Stack").length;
    const env = plan.config !== undefined ? `${plan.config.mode} (${plan.config.environment})` : "no llm-breakeven config";
    const lines = [c.bold(`${plan.stack}`) + ` - ${env}, ${plan.region}, ${count} resources (${source})`, ""];
    lines.push(plan.before !== undefined ? deltaTable(plan) : componentTable(plan.after));
    if (plan.before !== undefined) lines.push(`After the change: ${money(plan.after.monthlyUsd, plan.after.pricedMonthlyUsd)}/month across ${count} resources${plan.complete ? "" : " (no --export and no --show-sames: unchanged resources are not counted)"}`);
    lines.push(...unpricedLines(plan.after, c), "", ...totalLines(plan, c), ...engineLines(plan), "", ...verdictLines(plan, c));
    return lines.join("\n");
}

const PART_ORDER: readonly TotalPartId[] = ["gpu-instances", "rest-of-stack", "stack-resources", "overhead", "api-bill"];

/** Many stacks, side by side: one column per stack. */
export function renderComparison(plans: readonly StackPlan[], c: Colors): string {
    const t = table(["", ...plans.map((p) => c.bold(p.stack))], ["left", ...plans.map(() => "right" as const)]);
    const row = (label: string, cell: (p: StackPlan) => string): void => {
        t.push([label, ...plans.map(cell)]);
    };
    const e = (p: StackPlan) => p.estimate;
    row("Mode", (p) => p.config === undefined ? "-" : `${p.config.mode} (${p.config.environment})`);
    row("Resources", (p) => String(p.after.rows.filter((r) => r.state.type !== "pulumi:pulumi:Stack").length));
    // One total per stack, then its parts (the same parts in every column, "-" where a stack has none).
    const totals = new Map(plans.map((p) => [p, monthlyTotal(p)]));
    row("Monthly total", (p) => {
        const t = totals.get(p);
        return t === undefined ? money(p.after.monthlyUsd, p.after.pricedMonthlyUsd) : c.bold(formatUsd(Math.round(t.monthlyUsd)));
    });
    const partIds = PART_ORDER.filter((id) => plans.some((p) => totals.get(p)?.parts.some((x) => x.id === id) === true));
    for (const id of partIds) {
        const label = plans.map((p) => totals.get(p)?.parts.find((x) => x.id === id)?.label).find((l) => l !== undefined) ?? id;
        row(`  ${label}`, (p) => {
            const t = totals.get(p);
            if (t === undefined) return "";
            const i = t.parts.findIndex((x) => x.id === id);
            return i < 0 ? "-" : formatUsd(wholeDollarParts(t.parts.map((x) => x.monthlyUsd), t.monthlyUsd)[i]!);
        });
    }
    row("Tokens /month", (p) => {
        const est = e(p);
        if (est === undefined) return "-";
        const priced = formatTokens(est.scenario.tokensPerMonth);
        return p.mode === "hybrid" && p.config !== undefined ? `${priced} of ${formatTokens(p.config.workload.tokensPerMonth)} (self-hosted tiers)` : priced;
    });
    row("API instead /month", (p) => e(p) === undefined ? "-" : `${formatUsd(e(p)!.api.monthlyUsd)} at ${formatUsd(e(p)!.api.usdPerMTok)}/M`);
    row("Self-hosted: GPUs + overhead", (p) => e(p) === undefined ? "-" : `${formatUsd(e(p)!.selfHosted.monthlyUsd)} (${e(p)!.selfHosted.nodes} nodes)`);
    row("Break-even /month", (p) => e(p) === undefined ? "-" : e(p)!.breakEven.tokensPerMonth === null ? "never" : `${formatTokens(e(p)!.breakEven.tokensPerMonth!)} tokens`);
    row("Nodes needed at peak", (p) => e(p) === undefined ? "-" : String(e(p)!.capacity.nodesNeeded));
    row("Decision", (p) => decisionCell(e(p)));
    row("Policy verdict", (p) => {
        const mandatory = p.verdict.violations.filter((v) => isBlocking(v.enforcementLevel)).length;
        const advisory = p.verdict.violations.length - mandatory;
        const text = p.verdict.verdict === "blocked" ? c.red(`blocked (${mandatory})`) : c.green("pass");
        return advisory > 0 ? `${text} +${advisory} advisory` : text;
    });
    const lines = [t.toString()];
    const blocked = plans.filter((p) => p.verdict.verdict === "blocked");
    for (const p of blocked) {
        lines.push("", c.bold(p.stack));
        for (const v of p.verdict.violations.filter((x) => isBlocking(x.enforcementLevel))) {
            lines.push(`  ${c.red("x")} ${c.bold(v.policy)}: ${(v.message.split("\n")[1] ?? v.message.split("\n")[0] ?? "").trim()}`);
        }
    }
    const unpriced = plans.filter((p) => p.after.monthlyUsd === null);
    for (const p of unpriced) lines.push("", ...unpricedLines(p.after, c).map((l, i) => (i === 0 ? `${p.stack}: ${l}` : l)));
    lines.push("", c.dim("Details per stack: llm-breakeven plan --stack <env>; as JSON: --json; a pull-request report: --out DIR."));
    return lines.join("\n");
}

/** --quiet: one line per stack, with its one monthly total. */
export function renderQuiet(plan: StackPlan): string {
    const mandatory = plan.verdict.violations.filter((v) => isBlocking(v.enforcementLevel)).length;
    const total = monthlyTotal(plan);
    const usd = total === undefined ? money(plan.after.monthlyUsd, plan.after.pricedMonthlyUsd) : formatUsd(Math.round(total.monthlyUsd));
    return `${plan.stack}: ${usd}/month, ${plan.verdict.verdict}${mandatory > 0 ? ` (${mandatory} mandatory)` : ""}`;
}
