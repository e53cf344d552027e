/**
 * The private parts of `@pulumi/policy` that the offline plan reaches, behind one door.
 *
 * The offline plan runs the pack through the same AnalyzeStack handler the Pulumi CLI calls over
 * gRPC, without the gRPC server: `server.js` `makeAnalyzeStackRpcFun` (the handler), `protoutil.js`
 * `normalizeConfig` (how the pack reads `--policy-pack-config`), and the engine's generated
 * protobuf classes (`@pulumi/pulumi/proto/analyzer_pb`: the enforcement-level codes and the
 * response's getters), resolved from the policy SDK's own location so they are the very modules it
 * uses. All three were read in @pulumi/policy's compiled source at the version below (package.json
 * pins it exactly); another version stops the plan at start with the fix.
 */
import * as path from "path";
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { UsageError } from "../errors";

/** The `@pulumi/policy` version these internals were read at. */
export const POLICY_SDK_VERSION = "1.21.0";

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";
export const LEVELS: readonly Level[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface AnalyzeDiagnostic {
    readonly policy: string;
    readonly enforcementLevel: Level;
    readonly message: string;
    /** Empty for a stack policy's violation without a resource. */
    readonly urn: string;
}
export interface AnalyzeResult {
    readonly diagnostics: readonly AnalyzeDiagnostic[];
    readonly notApplicable: readonly { readonly policy: string; readonly reason: string }[];
}
export type NormalizedConfig = Record<string, { enforcementLevel?: string; properties?: Record<string, unknown> }>;

interface Message {
    [method: string]: (...args: never[]) => unknown;
}
interface ServerModule {
    makeAnalyzeStackRpcFun(packName: string, packVersion: string, packLevel: EnforcementLevel, policies: Policies):
        (call: { request: unknown }, callback: (err: unknown, response: unknown) => void) => Promise<void>;
}
interface ProtoutilModule {
    normalizeConfig(config: Record<string, unknown>): NormalizedConfig;
}
interface Sdk {
    readonly server: ServerModule;
    readonly protoutil: ProtoutilModule;
    readonly levelOf: Readonly<Record<number, Level>>;
}

/** Why the installed policy SDK cannot be used, or undefined. */
export function policySdkProblem(installed: string): string | undefined {
    // The package's own package.json spells it "v1.21.0".
    if (installed.replace(/^v/, "") === POLICY_SDK_VERSION) return undefined;
    return `the offline plan runs the pack through @pulumi/policy ${POLICY_SDK_VERSION}'s AnalyzeStack handler (cli/plan/policyInternals.ts), found ${installed}. Fix: pin "@pulumi/policy": "${POLICY_SDK_VERSION}" in package.json and run npm ci, or check cli/plan/policyInternals.ts against ${installed}'s server.js and protoutil.js and update POLICY_SDK_VERSION`;
}

let sdk: Sdk | undefined;

function loadSdk(): Sdk {
    if (sdk !== undefined) return sdk;
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json"));
    const problem = policySdkProblem((require(path.join(policyDir, "package.json")) as { version: string }).version);
    if (problem !== undefined) throw new UsageError(problem);
    const server = require(path.join(policyDir, "server.js")) as Partial<ServerModule>;
    const protoutil = require(path.join(policyDir, "protoutil.js")) as Partial<ProtoutilModule>;
    const pb = require(require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [policyDir] })) as { EnforcementLevel?: Record<string, number> };
    if (typeof server.makeAnalyzeStackRpcFun !== "function" || typeof protoutil.normalizeConfig !== "function" || pb.EnforcementLevel === undefined) {
        throw new Error(`llm-breakeven: @pulumi/policy ${POLICY_SDK_VERSION} lacks server.makeAnalyzeStackRpcFun, protoutil.normalizeConfig or analyzer_pb.EnforcementLevel; the install is damaged: run npm ci`);
    }
    const levelOf: Record<number, Level> = {};
    for (const level of LEVELS) {
        const code = pb.EnforcementLevel[level.toUpperCase()];
        if (code !== undefined) levelOf[code] = level;
    }
    sdk = { server: server as ServerModule, protoutil: protoutil as ProtoutilModule, levelOf };
    return sdk;
}

/** A `--policy-pack-config` object as the pack reads it (levels and properties per policy). */
export function normalizeConfig(config: Record<string, unknown>): NormalizedConfig {
    return loadSdk().protoutil.normalizeConfig(config);
}

/**
 * Runs the pack's AnalyzeStack handler on `request` (an object with the AnalyzeStackRequest's
 * getters) and reads its response.
 */
export async function analyzeStack(packName: string, packVersion: string, policies: Policies, request: unknown, around: <T>(run: () => Promise<T>) => Promise<T> = (run) => run()): Promise<AnalyzeResult> {
    const { server, levelOf } = loadSdk();
    const handler = server.makeAnalyzeStackRpcFun(packName, packVersion, "advisory", policies);
    const response = await around(() => new Promise<Message>((resolve, reject) => {
        void handler({ request }, (err, res) => (err !== undefined && err !== null ? reject(err) : resolve(res as Message)));
    }));
    const diagnostics = (response["getDiagnosticsList"]!() as Message[]).map((d): AnalyzeDiagnostic => ({
        policy: d["getPolicyname"]!() as string,
        enforcementLevel: levelOf[d["getEnforcementlevel"]!() as number] ?? "advisory",
        message: d["getMessage"]!() as string,
        urn: d["getUrn"]!() as string,
    }));
    const notApplicable = (response["getNotApplicableList"]!() as Message[]).map((n) => ({ policy: n["getPolicyName"]!() as string, reason: n["getReason"]!() as string }));
    return { diagnostics, notApplicable };
}
