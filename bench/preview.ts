/**
 * Pricing and policy evaluation of a generated `pulumi preview --json` file of 1k, 10k and 100k
 * resources: parse, price every resource (both sides), run the whole policy pack through the
 * analyzer path `plan` uses. Prints the time of each stage and per 1,000 resources, so linear
 * scaling is visible. Target (issue 6): the 10k file in under 1 second.
 *
 *   npm run bench:preview            (or: npx tsx bench/preview.ts 1000 10000)
 */
import { performance } from "perf_hooks";
import { planFiles, prepareFiles } from "../cli/plan/plan";
import { parsePreview } from "../cli/plan/preview";
import { UNKNOWN } from "../cost/resource";

const STACK = "bench-prod";
const PROJECT = "llm-breakeven";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const PROVIDER = `urn:pulumi:${STACK}::${PROJECT}::pulumi:providers:aws::default::provider-id`;

function urn(type: string, name: string, component?: string): string {
    return `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack${component !== undefined ? `$${component}` : ""}$${type}::${name}`;
}

/** A resource mix like the shipped stacks': mostly free networking and Kubernetes objects, some priced. */
const KINDS: ReadonlyArray<(i: number) => { type: string; inputs: Record<string, unknown> }> = [
    (i) => ({ type: "aws:ec2/subnet:Subnet", inputs: { vpcId: UNKNOWN, cidrBlock: `10.${i % 250}.0.0/24`, availabilityZone: `us-east-1${"abc"[i % 3]}` } }),
    (i) => ({ type: "aws:ec2/routeTable:RouteTable", inputs: { vpcId: UNKNOWN, tags: { Name: `rt-${i}` } } }),
    () => ({ type: "aws:ec2/natGateway:NatGateway", inputs: { connectivityType: "public", subnetId: UNKNOWN, allocationId: UNKNOWN } }),
    () => ({ type: "aws:ec2/eip:Eip", inputs: { domain: "vpc" } }),
    (i) => ({ type: "aws:eks/nodeGroup:NodeGroup", inputs: { clusterName: "llm", instanceTypes: [i % 7 === 0 ? "p4de.24xlarge" : "m6i.large"], scalingConfig: { desiredSize: i % 11 === 0 ? UNKNOWN : 1, minSize: 0, maxSize: 2 }, subnetIds: [UNKNOWN] } }),
    () => ({ type: "aws:ec2/vpcEndpoint:VpcEndpoint", inputs: { vpcEndpointType: "Interface", serviceName: "com.amazonaws.us-east-1.ecr.api", subnetIds: [UNKNOWN, UNKNOWN] } }),
    () => ({ type: "aws:cloudwatch/logGroup:LogGroup", inputs: { retentionInDays: 30 } }),
    () => ({ type: "aws:secretsmanager/secret:Secret", inputs: { description: "[secret]" } }),
    (i) => ({ type: "kubernetes:core/v1:ConfigMap", inputs: { metadata: { name: `cm-${i}` }, data: { key: "value" } } }),
    (i) => ({ type: "kubernetes:apps/v1:Deployment", inputs: { metadata: { name: `d-${i}` }, spec: { replicas: 1 } } }),
    () => ({ type: "aws:iam/role:Role", inputs: { assumeRolePolicy: "{}" } }),
    () => ({ type: "aws:kms/key:Key", inputs: { description: "key" } }),
];

const OPS = ["create", "update", "same", "replace", "delete"] as const;

/** A preview document of `count` resources (plus the stack and one component per 100). */
export function generatePreview(count: number): string {
    const steps: unknown[] = [{ op: "same", urn: STACK_URN, oldState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", inputs: {} }, newState: { urn: STACK_URN, custom: false, type: "pulumi:pulumi:Stack", inputs: {} } }];
    const componentType = "llm-breakeven:network:Vpc";
    for (let i = 0; i < count; i++) {
        if (i % 100 === 0) {
            const c = urn(componentType, `net-${i / 100}`);
            const state = { urn: c, custom: false, type: componentType, parent: STACK_URN };
            steps.push({ op: "same", urn: c, oldState: state, newState: state });
        }
        const kind = KINDS[i % KINDS.length]!(i);
        const name = `r-${i}`;
        const u = urn(kind.type, name, componentType);
        const state = { urn: u, custom: true, type: kind.type, inputs: kind.inputs, parent: urn(componentType, `net-${Math.floor(i / 100)}`), provider: PROVIDER };
        const op = OPS[i % OPS.length]!;
        if (op === "create") steps.push({ op, urn: u, provider: PROVIDER, newState: state });
        else if (op === "delete") steps.push({ op, urn: u, provider: PROVIDER, oldState: state });
        else steps.push({ op, urn: u, provider: PROVIDER, oldState: state, newState: state });
    }
    return JSON.stringify({
        config: {
            "aws:region": "us-east-1",
            "llm-breakeven:mode": "self-hosted",
            "llm-breakeven:environment": "production",
            "llm-breakeven:workload": JSON.stringify({ tokensPerMonth: "6B", inputOutputRatio: 3, peakToAverage: 1.5, apiUsdPerMTok: 6 }),
            "llm-breakeven:selfHosted": JSON.stringify({ instanceType: "p4de.24xlarge", pricing: "reserved-1y" }),
        },
        steps,
        duration: 1,
        changeSummary: {},
    });
}

async function measure(count: number): Promise<void> {
    const text = generatePreview(count);
    const t0 = performance.now();
    const preview = parsePreview(text, `generated-${count}.json`);
    const t1 = performance.now();
    const prepared = prepareFiles({ preview, whatIf: {} });
    const plan = await planFiles(prepared);
    const t2 = performance.now();
    const ms = (a: number, b: number) => `${(b - a).toFixed(0).padStart(6)} ms`;
    const per1k = ((t2 - t0) / count) * 1000;
    console.log(`${String(count).padStart(7)} resources (${(text.length / 1e6).toFixed(1)} MB): parse ${ms(t0, t1)}, price + policies ${ms(t1, t2)}, total ${ms(t0, t2)} (${per1k.toFixed(1)} ms per 1k); after ${plan.after.pricedMonthlyUsd.toFixed(0)} USD/month, ${plan.verdict.violations.length} violations`);
}

async function benchmark(): Promise<void> {
    const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
    // Warm-up: module loading and JIT are not what the target is about.
    await measure(200);
    console.log("pricing and policy evaluation of generated `pulumi preview --json` files (target: 10,000 in under 1 s)");
    for (const size of sizes.length > 0 ? sizes : [1_000, 10_000, 100_000]) await measure(size);
}

if (require.main === module) {
    benchmark().catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    });
}
