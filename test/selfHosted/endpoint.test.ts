/**
 * The self-hosted endpoint (issue 18): an internal HTTPS load balancer with one target per GPU zone,
 * vLLM's key only as a secret reference, the certificate refused when missing in production, the
 * ingress policy, the LCU price; and the hybrid ServiceMonitor that selects exactly one Service.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { MockRun, RecordedResource, StackFile, isSecret, readStackFile, redactSecrets, runShippedStack, runStack, unwrapSecrets } from "../../mockrun";
import { deployProblems, offlinePlanEndpoint } from "../../config/endpoint";
import { ConfigError, parseFlatConfig } from "../../config/stack";
import { ALB_LCU_CAPACITY, albLcuPerHour } from "../../cost/loadBalancer";
import { priceResource } from "../../cost/pricers";
import { preflightSelfHosted } from "../../program/selfHosted";
import { by, k8sObject, one, selfHostedProgram } from "./helpers";

const KEY = "vllm-key-must-never-appear-in-plain-text-0123456789";
const shipped = readStackFile("self-hosted-prod");
const shippedSelfHosted = JSON.parse(shipped.config["llm-breakeven:selfHosted"]!) as Record<string, unknown> & { endpoint: Record<string, unknown> };

/** The shipped stack with a known key and (optionally) a changed endpoint section or environment. */
function stack(change: { key?: string; endpoint?: Record<string, unknown>; environment?: string } = {}): StackFile {
    const selfHosted = { ...shippedSelfHosted, endpoint: { ...shippedSelfHosted.endpoint, ...change.endpoint } };
    return {
        ...shipped,
        config: {
            ...shipped.config, "llm-breakeven:vllmApiKey": change.key ?? KEY, "llm-breakeven:selfHosted": JSON.stringify(selfHosted),
            ...(change.environment !== undefined ? { "llm-breakeven:environment": change.environment } : {}),
        },
    };
}

const inputs = (r: RecordedResource): Record<string, any> => unwrapSecrets(r.inputs) as Record<string, any>;
let run: MockRun;
/** The program's outputs as it returned them (the mock run's `outputs` are resolved, secrets unwrapped). */
let programOutputs: Record<string, unknown>;

beforeAll(async () => {
    run = await runStack(stack({ endpoint: { allowedCidrs: ["10.60.0.0/16"], allowedSecurityGroupIds: ["sg-0123456789abcdef0"], privateHostedZoneId: "Z0123456789ABCDEFGHIJ" } }), {
        program: async () => (programOutputs = await selfHostedProgram()),
    });
});

describe("the self-hosted endpoint", () => {
    it("is an internal ALB in the private subnets with an HTTPS listener on the stack's certificate, forwarding only /v1/* to vLLM's /health-checked NodePort", () => {
        const lb = inputs(one(run.resources, "aws:lb/loadBalancer:LoadBalancer", "llm-vllm-endpoint-alb"));
        expect(lb).toMatchObject({ internal: true, loadBalancerType: "application", subnets: ["subnet-llm-net-private-us-east-1a", "subnet-llm-net-private-us-east-1b", "subnet-llm-net-private-us-east-1c"] });
        const listeners = by(run.resources, "aws:lb/listener:Listener").map(inputs);
        expect(listeners).toHaveLength(1);
        expect(listeners[0]).toMatchObject({
            port: 443, protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06", certificateArn: offlinePlanEndpoint("us-east-1").certificateArn,
            defaultActions: [{ type: "fixed-response", fixedResponse: { statusCode: "404" } }],
        });
        const rule = inputs(one(run.resources, "aws:lb/listenerRule:ListenerRule", "llm-vllm-endpoint-v1"));
        expect(rule).toMatchObject({ conditions: [{ pathPattern: { values: ["/v1/*"] } }], actions: [{ type: "forward" }] });
        const tg = inputs(one(run.resources, "aws:lb/targetGroup:TargetGroup", "llm-vllm-endpoint-tg"));
        expect(tg).toMatchObject({ port: 30800, protocol: "HTTP", targetType: "instance", healthCheck: { path: "/health", matcher: "200", port: "traffic-port" } });
        expect(rule["actions"][0]["targetGroupArn"]).toBe(one(run.resources, "aws:lb/targetGroup:TargetGroup", "llm-vllm-endpoint-tg").outputs["arn"]);
        const dns = inputs(one(run.resources, "aws:route53/record:Record", "llm-vllm-endpoint-dns"));
        expect(dns).toMatchObject({ zoneId: "Z0123456789ABCDEFGHIJ", name: "vllm.offline-plan.invalid", type: "A", aliases: [{ evaluateTargetHealth: true }] });
    });

    it("has one target per GPU zone: each zone's node group attached to the target group, behind a NodePort that answers only where a replica runs", () => {
        const attachments = by(run.resources, "aws:autoscaling/attachment:Attachment");
        expect(attachments.map((a) => a.name).sort()).toEqual(["llm-vllm-endpoint-us-east-1a", "llm-vllm-endpoint-us-east-1b"]);
        expect(run.outputs["gpuNodeGroups"]).toHaveLength(attachments.length);
        const nodePort = k8sObject(one(run.resources, "kubernetes:core/v1:Service", "llm-vllm-endpoint-nodeport")) as Record<string, any>;
        expect(nodePort["spec"]).toMatchObject({ type: "NodePort", externalTrafficPolicy: "Local", selector: { "app.kubernetes.io/name": "vllm" }, ports: [{ name: "lb", port: 8000, nodePort: 30800 }] });
    });

    it("admits only the CIDRs and security groups named in stack config, on the listener's port", () => {
        const sg = inputs(one(run.resources, "aws:ec2/securityGroup:SecurityGroup", "llm-vllm-endpoint-alb"));
        expect(sg["ingress"]).toEqual([
            expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.60.0.0/16"] }),
            expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: ["sg-0123456789abcdef0"] }),
        ]);
        expect(sg["egress"]).toEqual([expect.objectContaining({ fromPort: 30800, toPort: 30800, cidrBlocks: ["10.40.0.0/16"] })]);
    });

    it("exports the URL and how to call it, the key only as a secret output", async () => {
        expect(run.outputs["endpoint"]).toBe("https://vllm.offline-plan.invalid/v1");
        expect(run.outputs["call"]).toMatchObject({ url: "https://vllm.offline-plan.invalid/v1", protocol: "HTTPS", auth: "api-key", model: "llama-3.3-70b-instruct", smoke: "npx llm-breakeven smoke --stack self-hosted-prod" });
        expect(String((run.outputs["call"] as Record<string, unknown>)["curl"])).toContain("pulumi stack output apiKey --show-secrets -s self-hosted-prod");
        const apiKey = programOutputs["apiKey"];
        if (!pulumi.Output.isInstance(apiKey)) throw new Error("apiKey is not an Output");
        expect(await pulumi.isSecret(apiKey)).toBe(true);
    });
});

describe("vLLM's key", () => {
    it("never appears in plain text: not in args, env values, annotations, outputs or any rendered object but its own Secret, whose data is a Pulumi secret", () => {
        const secret = one(run.resources, "kubernetes:core/v1:Secret", "llm-vllm-api-key");
        expect(isSecret(secret.inputs["stringData"])).toBe(true);
        for (const r of run.resources) {
            expect(JSON.stringify(redactSecrets(r.inputs)), `${r.type} ${r.name}`).not.toContain(KEY);
            if (r !== secret && r.type.startsWith("kubernetes:")) expect(JSON.stringify(k8sObject(r)), `${r.type} ${r.name}`).not.toContain(KEY);
        }
        // Every output but apiKey (a secret Output, above) is free of the key.
        const { apiKey: _secret, ...others } = run.outputs;
        expect(JSON.stringify(others)).not.toContain(KEY);
        for (const d of by(run.resources, "kubernetes:apps/v1:Deployment")) {
            const container = inputs(d)["spec"]["template"]["spec"]["containers"][0];
            expect(container["args"]).not.toContain("--api-key");
            expect(container["env"]).toContainEqual({ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name: "llm-vllm-api-key", key: "VLLM_API_KEY" } } });
        }
    });

    it("rotates by a config change: each zone's pod template changes, and the second zone rolls after the first", async () => {
        const rotated = await runStack(stack({ key: `${KEY}-rotated` }), { program: selfHostedProgram });
        const checksum = (r: MockRun, zone: string): string => inputs(one(r.resources, "kubernetes:apps/v1:Deployment", `llm-vllm-${zone}`))["spec"]["template"]["metadata"]["annotations"]["llm-breakeven/api-key-sha256"];
        for (const zone of ["us-east-1a", "us-east-1b"]) {
            expect(checksum(run, zone)).toMatch(/^[0-9a-f]{16}$/);
            expect(checksum(rotated, zone)).not.toBe(checksum(run, zone));
        }
        const first = one(run.resources, "kubernetes:apps/v1:Deployment", "llm-vllm-us-east-1a");
        expect(one(run.resources, "kubernetes:apps/v1:Deployment", "llm-vllm-us-east-1b").dependencies).toContain(first.urn);
        expect(inputs(first)["spec"]["strategy"]).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    });
});

describe("the serving namespace's ingress", () => {
    it("admits vLLM's port from the load balancer's (private) subnets and from Prometheus, and nothing else", () => {
        const policy = k8sObject(one(run.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "llm-vllm-ingress")) as Record<string, any>;
        expect(policy["spec"]).toEqual({
            podSelector: {}, policyTypes: ["Ingress"],
            ingress: [
                { from: ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"].map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: "TCP", port: 8000 }] },
                { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8000 }] },
            ],
        });
    });
});

describe("config that cannot deploy is refused in one line", () => {
    /** The shipped file as `pulumi up` reads it: no offline placeholder, and the key the file says to set. */
    const fileConfig = (): Record<string, string> => {
        const doc = parseYaml(fs.readFileSync(path.join(__dirname, "../../stacks/Pulumi.self-hosted-prod.yaml"), "utf8")) as { config: Record<string, unknown> };
        return { ...Object.fromEntries(Object.entries(doc.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])), "llm-breakeven:vllmApiKey": KEY };
    };

    it("a production stack without a certificate (the shipped file as pulumi up reads it), before any resource exists", () => {
        // The schema reads it (the cost engine, `estimate` and the policies need no certificate) ...
        const config = parseFlatConfig(fileConfig());
        // ... and the program's preflight refuses it, with the key and the command.
        let error: unknown;
        try {
            preflightSelfHosted(config, { hfToken: undefined, providerApiKeys: undefined, vllmApiKey: pulumi.output(KEY) });
        } catch (caught) {
            error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        const problems = (error as ConfigError).problems;
        expect(problems).toHaveLength(1);
        expect(problems[0]).not.toContain("\n");
        expect(problems[0]).toMatch(/^llm-breakeven:selfHosted\.endpoint\.certificateArn: is required when environment is "production": the endpoint refuses plain HTTP; .*pulumi config set --path 'llm-breakeven:selfHosted\.endpoint\.certificateArn' arn:aws:acm:/);
    });

    it("the offline plan's placeholder outside an offline plan (a Pulumi engine attached)", () => {
        const endpoint = parseFlatConfig(stack().config).selfHosted!.endpoint!;
        // Inside the offline plan (no engine: program/runContext.ts) the placeholder stands in ...
        expect(deployProblems(endpoint, "production", true)).toEqual([]);
        // ... under the Pulumi CLI it is refused, naming the key and the fix.
        const problems = deployProblems(endpoint, "production", false);
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(/llm-breakeven:selfHosted\.endpoint\.certificateArn: "arn:aws:acm:us-east-1:000000000000:certificate\/offline-plan-placeholder" is the offline plan's placeholder, not a certificate/);
    });

    it("api-key auth without the key, and a certificate without the name it covers: the schema's rules", () => {
        const real = { certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/0b7e6b5e-1111-4222-8333-444455556666", hostName: "llm.internal.example.com" };
        const { "llm-breakeven:vllmApiKey": _key, ...withoutKey } = stack({ endpoint: real }).config;
        expect(() => parseFlatConfig(withoutKey)).toThrow(/llm-breakeven:vllmApiKey: is required when selfHosted\.endpoint\.auth is "api-key"/);
        const noHost = { ...stack().config, "llm-breakeven:selfHosted": JSON.stringify({ ...shippedSelfHosted, endpoint: { allowedCidrs: ["10.40.0.0/16"], certificateArn: real.certificateArn } }) };
        expect(() => parseFlatConfig(noHost)).toThrow(/llm-breakeven:selfHosted\.endpoint\.hostName: is required with certificateArn/);
    });

    it("without selfHosted.endpoint a self-hosted stack stays in-cluster (no load balancer, no key); the schema refuses a hybrid production stack", async () => {
        const { endpoint: _none, ...inCluster } = shippedSelfHosted;
        const config = parseFlatConfig({ ...shipped.config, "llm-breakeven:selfHosted": JSON.stringify(inCluster) });
        expect(preflightSelfHosted(config, { hfToken: undefined, providerApiKeys: undefined, vllmApiKey: undefined })).toMatchObject({ endpoint: undefined, auth: undefined, vllmApiKey: undefined });
        const hybridFile = readStackFile("hybrid-prod");
        const hybridSelfHosted = JSON.parse(hybridFile.config["llm-breakeven:selfHosted"]!) as Record<string, unknown>;
        const { endpoint: _dropped, ...withoutEndpoint } = hybridSelfHosted;
        expect(() => parseFlatConfig({ ...hybridFile.config, "llm-breakeven:selfHosted": JSON.stringify(withoutEndpoint) }))
            .toThrow(/llm-breakeven:selfHosted\.endpoint: is required when mode is "hybrid" and environment is "production": the gateway reaches vLLM through it, and production refuses plain HTTP/);
    });

    it("a dev stack may run without a certificate: HTTP on vLLM's port inside the VPC", async () => {
        const devSelfHosted = { ...shippedSelfHosted, endpoint: { allowedCidrs: ["10.40.0.0/16"] } };
        const dev = await runStack({ ...shipped, config: { ...shipped.config, "llm-breakeven:environment": "dev", "llm-breakeven:vllmApiKey": KEY, "llm-breakeven:selfHosted": JSON.stringify(devSelfHosted) } }, { program: selfHostedProgram });
        expect(by(dev.resources, "aws:lb/listener:Listener").map(inputs)).toEqual([expect.objectContaining({ port: 8000, protocol: "HTTP" })]);
        expect(dev.outputs["endpoint"]).toBe("http://llm-vllm-endpoint-alb-1234567890.us-east-1.elb.amazonaws.com:8000/v1");
    });
});

describe("the load balancer's price", () => {
    it.each([
        // [requests/month, tokens/month, peak] -> the dimension that wins
        [3e6, 6e9, 1.5, "newConnections"],
        [1e5, 6e9, 1.5, "processedBytes"],
        [3e8, 1e9, 2, "newConnections"],
        [0, 0, 1, "processedBytes"],
    ] as const)("%d requests, %d tokens, peak %d: LCUs are the larger of new connections and processed bytes", (requestsPerMonth, tokensPerMonth, peakToAverage, wins) => {
        const lcu = albLcuPerHour({ requestsPerMonth, tokensPerMonth, peakToAverage });
        const newConnections = (requestsPerMonth * peakToAverage) / 730 / 3600 / ALB_LCU_CAPACITY.newConnectionsPerSecond;
        const processedBytes = (tokensPerMonth * 4 * peakToAverage) / 730 / 1e9;
        expect(lcu.byDimension.newConnections).toBeCloseTo(newConnections, 12);
        expect(lcu.byDimension.processedBytes).toBeCloseTo(processedBytes, 12);
        expect(lcu.lcuPerHour).toBe(lcu.byDimension[wins]);
    });

    it("prices the endpoint's ALB at the LCUs its workload drives (the tag the program writes), not the flat 1-LCU assumption", () => {
        const lb = one(run.resources, "aws:lb/loadBalancer:LoadBalancer", "llm-vllm-endpoint-alb");
        const expected = albLcuPerHour({ requestsPerMonth: 3e6, tokensPerMonth: 6e9, peakToAverage: 1.5 }).lcuPerHour;
        const price = priceResource({ type: lb.type, name: lb.name, props: inputs(lb) });
        if (price.kind !== "priced") throw new Error(`not priced: ${JSON.stringify(price)}`);
        const lcuLine = price.lines.find((l) => l.unit === "LCU-hour")!;
        expect(lcuLine.quantity).toBeCloseTo(expected * 730, 1);
        expect(lcuLine.label).toContain("from the workload's request rate");
        const untagged = priceResource({ type: lb.type, name: lb.name, props: { ...inputs(lb), tags: {} } });
        expect(untagged.kind === "priced" && untagged.lines.find((l) => l.unit === "LCU-hour")!.quantity).toBe(730);
        // The certificate is referenced by ARN, not created: nothing to price (imported certificates are free).
        expect(run.resources.filter((r) => r.type.startsWith("aws:acm"))).toEqual([]);
    });
});

describe("hybrid-prod's ServiceMonitor", () => {
    it("selects exactly one Service per vLLM pod set (the in-cluster API), so every pod is scraped once", async () => {
        const hybrid = await runShippedStack("hybrid-prod");
        const monitor = k8sObject(one(hybrid.resources, "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "llm-mon-vllm")) as Record<string, any>;
        const selector: Record<string, string> = monitor["spec"]["selector"]["matchLabels"];
        const ports: string[] = monitor["spec"]["endpoints"].map((e: { port: string }) => e.port);
        const namespaces: string[] = monitor["spec"]["namespaceSelector"]?.["matchNames"] ?? [monitor["metadata"]["namespace"]];
        const services = by(hybrid.resources, "kubernetes:core/v1:Service").map((s) => k8sObject(s) as Record<string, any>);
        expect(services.length).toBeGreaterThan(1);
        const scraped = services.filter((s) => namespaces.includes(s["metadata"]["namespace"])
            && Object.entries(selector).every(([k, v]) => s["metadata"]["labels"]?.[k] === v)
            && (s["spec"]["ports"] as { name: string }[]).some((p) => ports.includes(p.name)));
        expect(scraped.map((s) => s["metadata"]["name"])).toEqual(["llm-vllm"]);
    });
});
