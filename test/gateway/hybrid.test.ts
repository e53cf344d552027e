import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { MockRun, readStackFile, runShippedStack, runStack } from "../../mockrun";
import { of } from "./helpers";

describe("hybrid-prod under mocks", () => {
    let run: MockRun;
    beforeAll(async () => {
        run = await runShippedStack("hybrid-prod");
    });

    it("builds the self-hosted stack and the gateway in one VPC, with no network of the gateway's own", () => {
        expect(of(run, "aws:eks/cluster:Cluster")).toHaveLength(1);
        expect(of(run, "aws:ecs/service:Service")).toHaveLength(1);
        expect(of(run, "llm-breakeven:network:Vpc").map((v) => v.name)).toEqual(["llm-net"]);
        expect(of(run, "aws:ec2/vpc:Vpc")).toHaveLength(1);
        const vpcId = of(run, "aws:ec2/vpc:Vpc")[0]!.id;
        const gatewayTg = run.resources.find((r) => r.type === "aws:lb/targetGroup:TargetGroup" && r.name === "gw-tg")!;
        expect(gatewayTg.inputs["vpcId"]).toBe(vpcId);
        const service = of(run, "aws:ecs/service:Service")[0]!;
        const subnets = (service.inputs["networkConfiguration"] as { subnets: string[] }).subnets;
        expect(subnets).toHaveLength(3);
        expect(service.inputs["desiredCount"]).toBe(3);
    });

    // The self-hosted stack's own endpoint (components/selfHosted/endpoint.ts), HTTPS since issue 18: the
    // gateway calls the certificate's host name (the offline plan's marked placeholder here).
    it("reaches vLLM privately: the self-hosted internal HTTPS load balancer on the GPU nodes' NodePort, and the gateway's self-hosted tier points at it", () => {
        const lb = run.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer" && r.name === "llm-vllm-endpoint-alb")!;
        expect(lb.inputs).toMatchObject({ internal: true, loadBalancerType: "application" });
        const nodePort = run.resources.find((r) => r.type === "kubernetes:core/v1:Service" && r.name === "llm-vllm-endpoint-nodeport")!;
        expect(nodePort.inputs).toMatchObject({ spec: { type: "NodePort", ports: [{ port: 8000, nodePort: 30800 }] } });
        expect(of(run, "aws:autoscaling/attachment:Attachment")).toHaveLength(2);
        const task = JSON.parse(of(run, "aws:ecs/taskDefinition:TaskDefinition")[0]!.inputs["containerDefinitions"] as string) as { name: string; environment: { name: string; value: string }[] }[];
        const env = Object.fromEntries(task.find((c) => c.name === "litellm")!.environment.map((e) => [e.name, e.value]));
        expect(env["SELF_HOSTED_API_BASE"]).toBe("https://vllm.offline-plan.invalid/v1");
        const config = parse(Buffer.from(env["LITELLM_CONFIG_YAML_B64"]!, "base64").toString("utf8")) as { model_list: { model_name: string; litellm_params: Record<string, unknown> }[] };
        const router = config.model_list.find((m) => m.model_name === "auto")!;
        expect((router.litellm_params["complexity_router_config"] as { tiers: Record<string, string> }).tiers).toEqual({
            SIMPLE: "self-hosted/llama-3.3-70b-instruct", MEDIUM: "self-hosted/llama-3.3-70b-instruct", COMPLEX: "openai/gpt-4.1", REASONING: "anthropic/claude-sonnet-4",
        });
        expect(config.model_list.find((m) => m.model_name === "self-hosted/llama-3.3-70b-instruct")?.litellm_params).toEqual({ model: "hosted_vllm/llama-3.3-70b-instruct", api_base: "os.environ/SELF_HOSTED_API_BASE" });
    });

    it("reports the engine's split and the gateway's API bill", () => {
        const split = run.outputs["split"] as { selfHostedShare: number; apiMonthlyUsd: number };
        expect(split.selfHostedShare).toBeCloseTo(0.7, 12);
        expect(split.apiMonthlyUsd).toBeCloseTo(8320, 6);
        const gatewaySpend = run.outputs["gatewaySpend"] as { monthlyUsd: number; api: { id: string; monthlyUsd: number }[] };
        expect(gatewaySpend.api.filter((l) => l.id === "api-simple" || l.id === "api-medium").map((l) => l.monthlyUsd)).toEqual([0, 0]);
        // The gateway's tier lines and the engine's split are two views of one bill.
        const apiTiers = gatewaySpend.api.filter((l) => l.id === "api-complex" || l.id === "api-reasoning").reduce((sum, l) => sum + l.monthlyUsd, 0);
        expect(apiTiers).toBeCloseTo(split.apiMonthlyUsd, 6);
        // No total in the outputs: the gateway's infrastructure is the resource pricer's (the pack's, the plan's).
        expect(run.outputs).not.toHaveProperty("projectedMonthlyUsd");
        expect(run.outputs["gatewaySpend"]).toMatchObject({ infrastructure: expect.stringMatching(/policy pack/) });
    });

    it("with a rate given directly (workload.apiUsdPerMTok), the split and the gateway's tier lines still bill one figure", async () => {
        const file = readStackFile("hybrid-prod");
        const workload = { ...(JSON.parse(file.config["llm-breakeven:workload"]!) as object), apiUsdPerMTok: 2.5 };
        const negotiated = await runStack({ ...file, config: { ...file.config, "llm-breakeven:workload": JSON.stringify(workload) } });
        const split = negotiated.outputs["split"] as { apiMonthlyUsd: number };
        expect(split.apiMonthlyUsd).toBeCloseTo(2400 * 2.5 * 0.8, 6);
        const gatewaySpend = negotiated.outputs["gatewaySpend"] as { api: { id: string; monthlyUsd: number }[] };
        const apiTiers = gatewaySpend.api.filter((l) => l.id.startsWith("api-") && l.id !== "api-cache-embeddings").reduce((sum, l) => sum + l.monthlyUsd, 0);
        expect(apiTiers).toBeCloseTo(split.apiMonthlyUsd, 6);
    });
});
