/**
 * `recommend --write-stack <env>`: the top deployable configuration as stacks/Pulumi.<env>.yaml and
 * policies/config/<env>.json, planned before it is reported written.
 *
 * The GPU ceiling (selfHosted.autoscaling.gpuCeilingMonthlyUsd) is set from the stack's own plan:
 * a first plan with no burst room prices everything the stack creates (the floor), then the burst
 * nodes the budget still pays for (each priced by the same pricer, on demand, with its volume) are
 * added, and the stack is planned again. The budget is the managed-API bill unless --max-monthly-usd
 * says otherwise; the burst room never takes the ceiling above the API bill, which the break-even
 * policy judges.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { GPU_OFFERS, OPEN_MODELS } from "../../cost/catalogue";
import { rangeOfResources, scalableGroups } from "../../cost/range";
import { Configuration, Recommendation, RECOMMEND_ZONES } from "../../cost/recommend";
import { formatUsd, offerMonthlyUsd } from "../../cost/units";
import { NAMESPACE } from "../../config/stack";
import { planStack, prepareStack, StackPlan } from "../plan/plan";
import { UsageError } from "../errors";

export interface WriteStackOptions {
    readonly env: string;
    readonly stacksDir: string;
    readonly policyConfigDir: string;
    /** The S3 mirror the stack streams the weights from (the stack reads it, never creates it). */
    readonly modelBucket: string;
}

export interface WrittenStack {
    readonly configuration: Configuration;
    readonly stackFile: string;
    readonly policyConfigFile: string;
    readonly gpuCeilingMonthlyUsd: number;
    readonly plan: StackPlan;
}

const REGION = "us-east-1";

function stackDocument(r: Recommendation, c: Configuration, env: string, bucket: string, gpuCeilingMonthlyUsd: number): string {
    const model = OPEN_MODELS.get(r.workload.model);
    if (model === undefined || c.instanceType === undefined) throw new Error(`writeStack: ${c.offerId} names no model or instance type`);
    const header = [
        `# ${env}: written by \`llm-breakeven recommend --write-stack ${env}\` from rank ${c.rank}: ${c.offerLabel}, ${c.precision},`,
        `# TP${c.layout.tensorParallelSize} x ${c.layout.replicasPerNode} per node, ${c.nodes.floor} nodes (N+1 at peak: ${c.nodes.needed}, one group per zone), up to ${c.nodes.ceiling}.`,
        `# API bill at ${formatUsd(r.api.usdPerMTok)}/M: ${formatUsd(r.api.monthlyUsd)}/month (${r.api.basis}).`,
        `# The stack reads s3://${bucket}/${model.huggingFaceId}, never creates it: fill it once (safetensors, config, tokenizer)`,
        `#   huggingface-cli download ${model.huggingFaceId} --local-dir ./weights --exclude 'original/*'`,
        `#   aws s3 sync ./weights s3://${bucket}/${model.huggingFaceId}`,
    ];
    const config = {
        "aws:region": REGION,
        [`${NAMESPACE}:mode`]: "self-hosted",
        [`${NAMESPACE}:environment`]: "production",
        [`${NAMESPACE}:region`]: REGION,
        [`${NAMESPACE}:workload`]: {
            tokensPerMonth: r.workload.tokensPerMonth, inputOutputRatio: r.workload.inputOutputRatio, peakToAverage: r.workload.peakToAverage,
            apiUsdPerMTok: r.api.usdPerMTok, cacheHitRate: r.workload.cacheHitRate, residencyRequired: r.workload.residencyRequired,
        },
        [`${NAMESPACE}:selfHosted`]: {
            model: r.workload.model, precision: c.precision, instanceType: c.instanceType, pricing: c.pricing,
            gpuZones: RECOMMEND_ZONES, nodesPerZone: c.nodes.floor / RECOMMEND_ZONES, redundancy: true, tensorParallelSize: c.layout.tensorParallelSize,
            modelSource: { kind: "s3", bucket, prefix: model.huggingFaceId },
            autoscaling: { gpuCeilingMonthlyUsd: Math.ceil(gpuCeilingMonthlyUsd * 100) / 100 },
        },
    };
    return `${header.join("\n")}\n${stringify({ config })}`;
}

function policyDocument(budgetMonthlyUsd: number): string {
    return `${JSON.stringify({
        "projected-spend-below-api-break-even": { enforcementLevel: "mandatory", allowExemptions: true },
        "break-even-exemption": { enforcementLevel: "advisory", allowExemptions: true },
        "gpu-redundancy": { enforcementLevel: "mandatory", minGpuNodes: 2, minZones: 2, environments: ["production"] },
        "capacity-covers-workload": { enforcementLevel: "mandatory" },
        "monthly-budget": { enforcementLevel: "mandatory", maxMonthlyUsd: Math.ceil(budgetMonthlyUsd) },
        "gateway-budget-covers-projection": { enforcementLevel: "advisory" },
        "self-hosting-would-be-cheaper": { enforcementLevel: "advisory" },
    }, null, 2)}\n`;
}

async function writeAndPlan(r: Recommendation, c: Configuration, o: WriteStackOptions, gpuCeilingMonthlyUsd: number, files: { stack: string; policy: string }): Promise<StackPlan> {
    fs.writeFileSync(files.stack, stackDocument(r, c, o.env, o.modelBucket, gpuCeilingMonthlyUsd));
    fs.writeFileSync(files.policy, policyDocument(r.budgetMonthlyUsd));
    return planStack(prepareStack(o.env, {}, files.policy, o.stacksDir));
}

export async function writeStack(r: Recommendation, o: WriteStackOptions): Promise<WrittenStack> {
    const c = r.configurations.find((x) => x.deployable);
    if (c === undefined || c.instanceType === undefined) throw new UsageError(`--write-stack ${o.env}: no ranked configuration is an AWS instance type the stacks deploy (on-demand or reserved-1y)`);
    if (c.savingMonthlyUsd < 0) {
        throw new UsageError(`--write-stack ${o.env}: the cheapest deployable configuration (rank ${c.rank}, ${c.offerLabel}) costs $${Math.round(c.monthlyUsd.expected)}/month, above the $${Math.round(r.api.monthlyUsd)}/month API bill: self-hosting loses and projected-spend-below-api-break-even would block it; stay on the API, or check --api-usd-per-mtok`);
    }
    for (const dir of [o.stacksDir, o.policyConfigDir]) fs.mkdirSync(dir, { recursive: true });
    const files = { stack: path.join(o.stacksDir, `Pulumi.${o.env}.yaml`), policy: path.join(o.policyConfigDir, `${o.env}.json`) };
    const floorOffer = GPU_OFFERS.get(c.offerId);
    const burstOffer = GPU_OFFERS.get(`aws-${c.instanceType}-on-demand`);
    if (floorOffer === undefined || burstOffer === undefined) throw new Error(`writeStack: no catalogue offer ${c.offerId} or its on-demand twin`);
    const floorGpuUsd = c.nodes.floor * offerMonthlyUsd(floorOffer);
    // Pass 1: no burst room; the plan prices the whole floor.
    const first = await writeAndPlan(r, c, o, floorGpuUsd, files);
    if (first.after.monthlyUsd === null || first.estimate === undefined) throw new UsageError(`--write-stack ${o.env}: the written stack cannot be priced whole (${first.estimateProblem ?? "unpriced resources"}); see llm-breakeven plan --stack ${o.env}`);
    const resources = first.after.rows.map((row) => row.state);
    const floor = rangeOfResources({ resources, region: first.region, floorMonthlyUsd: first.after.monthlyUsd + first.estimate.selfHosted.overheadMonthlyUsd });
    const gpuBurst = scalableGroups(resources, { region: first.region }).find((g) => g.gpu)?.burstNodeMonthlyUsd;
    const room = Math.min(r.budgetMonthlyUsd, r.api.monthlyUsd) - (floor.ceilingMonthlyUsd ?? Infinity);
    const bursts = gpuBurst !== undefined && room > 0 ? Math.floor(room / gpuBurst) : 0;
    const gpuCeilingMonthlyUsd = floorGpuUsd + bursts * offerMonthlyUsd(burstOffer);
    // Pass 2: the stack as written, with its burst room.
    const plan = await writeAndPlan(r, c, o, gpuCeilingMonthlyUsd, files);
    return { configuration: c, stackFile: files.stack, policyConfigFile: files.policy, gpuCeilingMonthlyUsd, plan };
}
