import { prepareStack, planStack } from "../../cli/plan/plan";
async function main() {
    const [stack, region] = process.argv.slice(2) as [string, string];
    const prepared = prepareStack(stack, {});
    const config = { ...prepared.file.config, "aws:region": region, "llm-breakeven:region": region };
    const { readFlatConfig } = await import("../../config/stack");
    const state = readFlatConfig(config);
    if (state.kind === "invalid") { console.log("INVALID", state.problems); return; }
    const plan = await planStack({ ...prepared, file: { ...prepared.file, config }, configState: state });
    console.log(plan.verdict.verdict, plan.after.monthlyUsd, plan.verdict.violations.map((v: any) => (v.message ?? "").slice(0, 200)));
    console.log(plan.after.pricing.unpriced.map((e) => e.name + ": " + (e.price as any).reason).join("\n"));
}
main().catch((e) => { console.log("THROWN", e.message.slice(0, 500)); });
