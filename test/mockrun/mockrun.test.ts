import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PLACEHOLDER_SECRET, STACKS_DIR, isSecret, readStackFile, redactSecrets, runStack } from "../../mockrun";

const file = { stack: "unit", config: { "llm-breakeven:hfToken": "hf_plaintext" }, secretKeys: ["llm-breakeven:hfToken"] };

describe("mockrun", () => {
    it("records every resource with its type, name, parent and inputs, keeping secrets wrapped", async () => {
        const run = await runStack(file, {
            program: async () => {
                const token = new pulumi.Config("llm-breakeven").requireSecret("hfToken");
                const zones = await aws.getAvailabilityZones({ state: "available" });
                const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
                new aws.ec2.Subnet("net-a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/20", availabilityZone: zones.names[0] }, { parent: vpc });
                new aws.secretsmanager.SecretVersion("token", { secretId: "s", secretString: token });
                return { vpcId: vpc.id };
            },
        });
        const types = run.resources.map((r) => r.type);
        expect(types).toEqual(expect.arrayContaining(["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:secretsmanager/secretVersion:SecretVersion"]));
        const subnet = run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet");
        expect(subnet?.inputs).toMatchObject({ availabilityZone: "us-east-1a", vpcId: "vpc-net" });
        expect(subnet?.parent).toMatch(/\$aws:ec2\/vpc:Vpc::net$/);
        const version = run.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion");
        expect(isSecret(version?.inputs["secretString"])).toBe(true);
        expect(JSON.stringify(redactSecrets(version?.inputs))).not.toContain("hf_plaintext");
        expect(run.outputs["vpcId"]).toBe("vpc-net");
    });

    it("records each resource's dependencies and the URNs each input was computed from", async () => {
        const run = await runStack(file, {
            program: async () => {
                const vpc = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
                const gateway = new aws.ec2.InternetGateway("net-igw", { vpcId: vpc.id });
                new aws.ec2.Subnet("net-a", { vpcId: vpc.id, cidrBlock: "10.0.0.0/20" }, { dependsOn: [gateway] });
            },
        });
        const urnOf = (type: string) => run.resources.find((r) => r.type === type)!.urn;
        const subnet = run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet")!;
        expect(subnet.propertyDependencies["vpcId"]).toEqual([urnOf("aws:ec2/vpc:Vpc")]);
        expect(subnet.propertyDependencies["cidrBlock"]).toEqual([]);
        expect([...subnet.dependencies].sort()).toEqual([urnOf("aws:ec2/internetGateway:InternetGateway"), urnOf("aws:ec2/vpc:Vpc")].sort());
        expect(run.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!.dependencies).toEqual([]);
    });

    it("fails a run that records nothing instead of passing it", async () => {
        await expect(runStack(file, { program: async () => ({}) })).rejects.toThrow(/registered no resources under mocks/);
    });

    it("fails on an invoke it has no realistic answer for, naming it", async () => {
        await expect(runStack(file, {
            program: async () => {
                await aws.ec2.getVpc({ default: true });
                return {};
            },
        })).rejects.toThrow(/no mock answer for invoke "aws:ec2\/getVpc:getVpc"/);
    });

    it("skips the SDK's call sites and promise tracking only while a run is in progress", async () => {
        type Tracker = (p: Promise<unknown>, ctx: string) => Promise<unknown>;
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: Tracker };
        const resource = pulumi.Resource as unknown as { callsites: () => unknown[] };
        const before = { promise: debuggable.debuggablePromise, callsites: resource.callsites };
        let during: { promise: Tracker; callsites: () => unknown[] } | undefined;
        await runStack(file, {
            program: async () => {
                during = { promise: debuggable.debuggablePromise, callsites: resource.callsites };
                new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
            },
        });
        if (during === undefined) throw new Error("the program did not run");
        // During the run: the very promise back, untracked (the SDK's returns a new one), and no call sites.
        const p = Promise.resolve(42);
        expect(during.promise(p, "ctx")).toBe(p);
        expect(before.promise(p, "ctx")).not.toBe(p);
        expect(during.callsites()).toEqual([]);
        expect({ promise: debuggable.debuggablePromise, callsites: resource.callsites }).toEqual(before);
        // A program's own error keeps its stack trace.
        const failed = runStack(file, { program: async () => { throw new Error("boom"); } });
        await expect(failed).rejects.toThrow("boom");
        await expect(failed.catch((e: Error) => e.stack)).resolves.toMatch(/mockrun\.test\.ts/);
        expect(debuggable.debuggablePromise).toBe(before.promise);
    });

    it("plans with placeholders for exactly the secrets the stack's program asks for", () => {
        const selfHosted = readStackFile("self-hosted-prod");
        // Streams the weights from an S3 mirror: no Hugging Face token, no provider keys.
        expect(Object.keys(selfHosted.config)).not.toContain("llm-breakeven:hfToken");
        expect(Object.keys(selfHosted.config)).not.toContain("llm-breakeven:providerApiKeys");
        // Its endpoint checks vLLM's key (selfHosted.endpoint.auth api-key), and its certificate cannot be
        // known offline: a marked placeholder the program refuses outside a plan (config/endpoint.ts).
        expect(selfHosted.secretKeys).toEqual(["llm-breakeven:vllmApiKey"]);
        expect(selfHosted.offlinePlaceholders).toEqual(["selfHosted.endpoint.certificateArn", "selfHosted.endpoint.hostName"]);
        const gateway = readStackFile("gateway-prod");
        expect(gateway.secretKeys).toEqual(["llm-breakeven:providerApiKeys"]);
        expect(gateway.config["llm-breakeven:providerApiKeys"]).toContain(PLACEHOLDER_SECRET);
        // Hybrid from the S3 mirror: the gateway's provider keys only.
        expect(readStackFile("hybrid-prod").secretKeys).toEqual(["llm-breakeven:providerApiKeys"]);
        // The same self-hosted stack downloading from Hugging Face (also the schema's default source): the token.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mockrun-"));
        try {
            const shipped = fs.readFileSync(path.join(STACKS_DIR, "Pulumi.self-hosted-prod.yaml"), "utf8");
            const fromHub = shipped.replace(/\n    modelSource:\n(      .*\n)+/, "\n    egressAllowedCidrs: [\"18.160.0.0/15\"]\n");
            expect(fromHub).not.toContain("kind: s3");
            fs.writeFileSync(path.join(dir, "Pulumi.hub.yaml"), fromHub);
            const hub = readStackFile("hub", dir);
            expect(hub.secretKeys).toEqual(["llm-breakeven:hfToken", "llm-breakeven:vllmApiKey"]);
            expect(hub.config["llm-breakeven:hfToken"]).toBe(PLACEHOLDER_SECRET);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
