/**
 * Starts the policy pack the way the Pulumi CLI does and talks to it as the engine does.
 *
 * The CLI (pkg/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer) runs the
 * `pulumi-analyzer-policy` shim with the policy pack directory as working directory and the args
 * `<engine address> .`; the shim resolves `@pulumi/pulumi/cmd/run-policy-pack` from there and runs
 * it with node, which registers ts-node with type checking, requires the pack and so constructs the
 * PolicyPack, whose gRPC Analyzer server prints its port on stdout. The stack's config is passed in
 * PULUMI_CONFIG (with PULUMI_NODEJS_PROJECT / _STACK / _DRY_RUN); the policy config arrives later,
 * through the Configure RPC, which may be called again on the same process (as may AnalyzeStack).
 * Only 127.0.0.1 is used.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");
export const PACK_DIR = path.join(ROOT, "policies");
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [PACK_DIR] }));

// The engine's own generated clients and the exact protobuf runtime they were generated against.
/* eslint-disable @typescript-eslint/no-require-imports */
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] })) as typeof import("@grpc/grpc-js");
const analyzerPb = require(path.join(PULUMI_DIR, "proto", "analyzer_pb.js")) as Record<string, any>;
const analyzerGrpc = require(path.join(PULUMI_DIR, "proto", "analyzer_grpc_pb.js")) as Record<string, any>;
const structPb = require(require.resolve("google-protobuf/google/protobuf/struct_pb.js", { paths: [PULUMI_DIR] })) as Record<string, any>;
const emptyPb = require(require.resolve("google-protobuf/google/protobuf/empty_pb.js", { paths: [PULUMI_DIR] })) as Record<string, any>;

export type Level = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVELS: Record<number, Level> = { 0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate" };
const LEVEL_CODES: Record<Level, number> = { advisory: 0, mandatory: 1, disabled: 2, remediate: 3 };

export interface WireResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly properties: Record<string, unknown>;
    readonly parent?: string;
    readonly custom?: boolean;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Diagnostic {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly enforcementLevel: Level;
    readonly message: string;
    readonly urn: string;
}

export interface AnalyzerInfo {
    readonly name: string;
    readonly supportsConfig: boolean;
    readonly policies: ReadonlyArray<{ readonly name: string; readonly enforcementLevel: Level; readonly configSchemaKeys: readonly string[] }>;
}

/**
 * Every pack process this test process started and that has not exited. A hook that times out
 * while packs are still starting leaves no handle to them in the test: `killAllPacks` (afterAll)
 * and the exit handler end them, so no pack outlives its test run.
 */
const running = new Set<ChildProcess>();

function track(child: ChildProcess): void {
    running.add(child);
    child.on("exit", () => running.delete(child));
}

/** Ends every pack process still running. */
export function killAllPacks(): void {
    for (const child of running) child.kill("SIGKILL");
    running.clear();
}

process.on("exit", killAllPacks);

export class PolicyPackProcess {
    private constructor(private readonly child: ChildProcess, private readonly client: any, readonly stdout: () => string, readonly stderr: () => string) {}

    /**
     * Starts the pack with the stack's flat config (as the CLI builds PULUMI_CONFIG, secrets
     * decrypted and named in PULUMI_CONFIG_SECRET_KEYS) and waits for its port.
     */
    static async start(stack: string, flatConfig: Record<string, string>, timeoutMs = 120_000, secretKeys: readonly string[] = []): Promise<PolicyPackProcess> {
        const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [PACK_DIR] });
        const env: NodeJS.ProcessEnv = {
            PATH: process.env["PATH"],
            HOME: process.env["HOME"],
            PULUMI_CONFIG: JSON.stringify(flatConfig),
            PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(secretKeys),
            PULUMI_NODEJS_PROJECT: "llm-breakeven",
            PULUMI_NODEJS_STACK: stack,
            PULUMI_NODEJS_DRY_RUN: "true",
            PULUMI_PROJECT: "llm-breakeven",
            PULUMI_STACK: stack,
            PULUMI_DRY_RUN: "true",
        };
        // The engine address is the CLI's own gRPC server; the policy runner only strips it.
        const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: PACK_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
        track(child);
        let stdout = "";
        let stderr = "";
        child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
                reject(new Error(`policy pack printed no port within ${timeoutMs} ms; stderr:\n${stderr}`));
            }, timeoutMs);
            child.stdout!.on("data", (d: Buffer) => {
                stdout += d.toString();
                const line = /^(\d+)\s*$/m.exec(stdout);
                if (line !== null) {
                    clearTimeout(timer);
                    resolve(Number(line[1]));
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`policy pack exited with ${code} before printing its port; stdout:\n${stdout}\nstderr:\n${stderr}`));
            });
        });
        const client = new analyzerGrpc["AnalyzerClient"](`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new PolicyPackProcess(child, client, () => stdout, () => stderr);
    }

    kill(): void {
        if (this.child.exitCode === null) this.child.kill("SIGTERM");
        this.client.close?.();
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) => {
            this.client[method](request, (err: Error | null, response: T) => (err !== null && err !== undefined ? reject(err) : resolve(response)));
        });
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const info = await this.call<any>("getAnalyzerInfo", new emptyPb["Empty"]());
        return {
            name: info.getName(),
            supportsConfig: info.getSupportsconfig(),
            policies: info.getPoliciesList().map((p: any) => ({
                name: p.getName(),
                enforcementLevel: LEVELS[p.getEnforcementlevel()] ?? "advisory",
                configSchemaKeys: Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}),
            })),
        };
    }

    /** Sends a policy-pack-config file's content as the CLI does after validating it. */
    async configure(config: Record<string, unknown>): Promise<void> {
        const request = new analyzerPb["ConfigureAnalyzerRequest"]();
        const map = request.getPolicyconfigMap();
        const all = typeof config["all"] === "string" ? (config["all"] as Level) : undefined;
        for (const [name, value] of Object.entries(config)) {
            if (name === "all") continue;
            const { enforcementLevel, ...properties } = (typeof value === "string" ? { enforcementLevel: value } : value) as Record<string, unknown>;
            const policyConfig = new analyzerPb["PolicyConfig"]();
            policyConfig.setEnforcementlevel(LEVEL_CODES[(enforcementLevel as Level | undefined) ?? all ?? "advisory"]);
            policyConfig.setProperties(structPb["Struct"].fromJavaScript(properties));
            map.set(name, policyConfig);
        }
        await this.call("configure", request);
    }

    async analyzeStack(resources: readonly WireResource[]): Promise<Diagnostic[]> {
        const request = new analyzerPb["AnalyzeStackRequest"]();
        request.setResourcesList(resources.map((r) => {
            const wire = new analyzerPb["AnalyzerResource"]();
            wire.setUrn(r.urn);
            wire.setType(r.type);
            wire.setName(r.name);
            wire.setProperties(structPb["Struct"].fromJavaScript(jsonSafe(r.properties)));
            const options = new analyzerPb["AnalyzerResourceOptions"]();
            if (r.parent !== undefined) options.setParent(r.parent);
            wire.setOptions(options);
            if (r.parent !== undefined) wire.setParent(r.parent);
            wire.setDependenciesList([...(r.dependencies ?? [])]);
            const deps = wire.getPropertydependenciesMap();
            for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
                const d = new analyzerPb["AnalyzerPropertyDependencies"]();
                d.setUrnsList([...urns]);
                deps.set(key, d);
            }
            if (r.custom !== false && !r.type.startsWith("pulumi:")) {
                // Custom resources reach the analyzer with their provider, as the engine sends them.
                const provider = new analyzerPb["AnalyzerProviderResource"]();
                const pkg = r.type.split(":")[0] ?? "aws";
                provider.setType(`pulumi:providers:${pkg}`);
                provider.setName("default");
                provider.setUrn(`urn:pulumi:test::llm-breakeven::pulumi:providers:${pkg}::default`);
                provider.setProperties(structPb["Struct"].fromJavaScript({}));
                wire.setProvider(provider);
            }
            return wire;
        }));
        const response = await this.call<any>("analyzeStack", request);
        return response.getDiagnosticsList().map((d: any): Diagnostic => ({
            policyName: d.getPolicyname(),
            policyPackName: d.getPolicypackname(),
            enforcementLevel: LEVELS[d.getEnforcementlevel()] ?? "advisory",
            message: d.getMessage(),
            urn: d.getUrn(),
        }));
    }
}

/** Struct.fromJavaScript takes JSON values only (no undefined). */
function jsonSafe(value: Record<string, unknown>): Record<string, unknown> {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
