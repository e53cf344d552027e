/**
 * Every private part of `@pulumi/pulumi` that the mock run reaches, behind one door.
 *
 * The SDK's mock runtime (`pulumi.runtime.setMocks`) is public; these are not, and each was read
 * in the SDK's compiled source at the version below:
 *
 * - `Resource.callsites` (resource.js): a stack trace per resource, for source positions the mock
 *   monitor drops. Replaced by an empty list while a run is in progress (speed).
 * - `runtime/debuggable.debuggablePromise` and `leakedPromises` (runtime/debuggable.js): the
 *   SDK's per-promise leak bookkeeping, read only at process exit. Passed through while a run is
 *   in progress (speed), unless the leak check is asked for; then the SDK's own check runs after
 *   the program (`checkPromiseLeaks`).
 * - `runtime.getMonitor()` and the register request's protobuf getters (runtime/settings.js,
 *   proto/resource_pb.js): the mock monitor hands the mocks no URN, parent or dependencies, so
 *   they are read off the request.
 * - `runtime.awaitStackRegistrations()` and `runtime.waitForRPCs()` (runtime/settings.js,
 *   `@internal`): drain the stack's last registrations before the run's record is read.
 *
 * Outside the version it was written for, the mock run refuses to start and says how to fix it,
 * instead of silently losing speed or URNs. `internalCalls()` counts the calls into each patched
 * function, so a test fails when an SDK stops calling one (test/mockrun/internals.test.ts).
 */
import * as pulumi from "@pulumi/pulumi";

/** The `@pulumi/pulumi` version these internals were read at (package.json pins it exactly). */
export const PULUMI_SDK_VERSION = "3.248.0";

export interface InternalCalls {
    /** Resource.callsites answered with no frames. */
    readonly callsites: number;
    /** debuggablePromise calls passed through untracked. */
    readonly untrackedPromises: number;
    /** Registrations whose URN, parent and dependencies were read off the request. */
    readonly registrations: number;
    /** Runs drained through awaitStackRegistrations and waitForRPCs. */
    readonly drains: number;
}

const calls = { callsites: 0, untrackedPromises: 0, registrations: 0, drains: 0 };

/** How often each patched internal has been called in this process. */
export function internalCalls(): InternalCalls {
    return { ...calls };
}

interface Debuggable {
    debuggablePromise: (p: unknown, ctx: unknown) => unknown;
    leakedPromises: () => [ReadonlySet<unknown>, string];
}
interface ResourceStatics {
    callsites: () => unknown[];
}
interface RuntimeInternals {
    getMonitor(): MonitorLike | undefined;
    awaitStackRegistrations(): Promise<void>;
    waitForRPCs(): Promise<void>;
}

/** The register request as resource_pb.js builds it. */
export interface RegisterRequestLike {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface MonitorLike {
    registerResource(req: RegisterRequestLike, callback: (err: unknown, response: { getUrn(): string } | undefined) => void): Promise<void>;
}

/** What a registration tells the record: the URN the monitor gave and what the request named. */
export interface Registration {
    readonly urn: string;
    readonly parent: string | undefined;
    readonly dependencies: string[];
    readonly propertyDependencies: Record<string, string[]>;
}

let checked: Debuggable | undefined;

function sdkFix(installed: string): string {
    return `pin "@pulumi/pulumi": "${PULUMI_SDK_VERSION}" in package.json and run npm ci, or check mockrun/sdkInternals.ts's list against the SDK's source at ${installed} and update PULUMI_SDK_VERSION`;
}

/** Why the installed SDK cannot be used, or undefined when it is the version the internals were read at. */
export function sdkVersionProblem(installed: string): string | undefined {
    if (installed === PULUMI_SDK_VERSION) return undefined;
    return `mockrun: written against @pulumi/pulumi ${PULUMI_SDK_VERSION}'s internals, found ${installed}. Fix: ${sdkFix(installed)}`;
}

/**
 * The SDK's private modules, after checking the installed version and that each internal is there.
 * Throws once, at the first mock run, with the fix.
 */
function internals(): { debuggable: Debuggable; resource: ResourceStatics; runtime: RuntimeInternals } {
    const runtime = pulumi.runtime as unknown as RuntimeInternals;
    const resource = pulumi.Resource as unknown as ResourceStatics;
    if (checked === undefined) {
        const installed = (require("@pulumi/pulumi/package.json") as { version: string }).version;
        const problem = sdkVersionProblem(installed);
        if (problem !== undefined) throw new Error(problem);
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as Partial<Debuggable>;
        const missing = [
            typeof resource.callsites !== "function" && "Resource.callsites",
            typeof debuggable.debuggablePromise !== "function" && "runtime/debuggable.debuggablePromise",
            typeof debuggable.leakedPromises !== "function" && "runtime/debuggable.leakedPromises",
            typeof runtime.getMonitor !== "function" && "runtime.getMonitor",
            typeof runtime.awaitStackRegistrations !== "function" && "runtime.awaitStackRegistrations",
            typeof runtime.waitForRPCs !== "function" && "runtime.waitForRPCs",
        ].filter((m): m is string => m !== false);
        if (missing.length > 0) throw new Error(`mockrun: @pulumi/pulumi ${installed} lacks ${missing.join(", ")}. Fix: ${sdkFix(installed)}`);
        checked = debuggable as Debuggable;
    }
    return { debuggable: checked, resource, runtime };
}

/** Fails now, with the fix, if the installed SDK is not the one these internals were read at. */
export function assertSdkInternals(): void {
    internals();
}

/**
 * While a mock run is in progress, resources report no call sites and promises are passed through
 * untracked: the bookkeeping was over a third of a mock run's time. Returns the restore function.
 * With `trackPromises` (the leak check, or PULUMI_DEBUG_PROMISE_LEAKS=1) nothing is patched.
 */
export function skipSdkBookkeeping(trackPromises: boolean): () => void {
    if (trackPromises) return () => undefined;
    const { debuggable, resource } = internals();
    const { callsites } = resource;
    const { debuggablePromise } = debuggable;
    const noCallsites = (): unknown[] => {
        calls.callsites++;
        return [];
    };
    const untracked = (p: unknown): unknown => {
        calls.untrackedPromises++;
        return p;
    };
    resource.callsites = noCallsites;
    debuggable.debuggablePromise = untracked;
    return () => {
        if (resource.callsites === noCallsites) resource.callsites = callsites;
        if (debuggable.debuggablePromise === untracked) debuggable.debuggablePromise = debuggablePromise;
    };
}

/**
 * The SDK's own leaked-promise check, as the language host runs it at exit: a promise the SDK
 * tracked that never settled. Throws with the SDK's message when there is one. The record is
 * cleared either way, so each run is judged on its own promises.
 */
export function checkPromiseLeaks(stack: string): void {
    const [leaks, message] = internals().debuggable.leakedPromises();
    if (leaks.size > 0) throw new Error(`mockrun: stack "${stack}": ${message}`);
}

/**
 * Calls `record(type, name, registration)` for every resource registration the mock monitor
 * answers, with the URN it gave and the parent and dependencies the request named.
 */
export function onRegistration(record: (type: string, name: string, registration: Registration) => void): void {
    const monitor = internals().runtime.getMonitor();
    if (monitor === undefined) throw new Error("mockrun: setMocks installed no monitor; the SDK's mock runtime changed (see mockrun/sdkInternals.ts)");
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => original(req, (err, response) => {
        if (response !== undefined) {
            calls.registrations++;
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps, key) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            record(req.getType(), req.getName(), {
                urn: response.getUrn(),
                parent: req.getParent() || undefined,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
            });
        }
        callback(err, response);
    });
}

/**
 * Waits for the stack's last registrations (its outputs, resources created in an apply): returned
 * early, they would miss their URN and parent and reach the next run's mocks as unknown resources.
 */
export async function drainRegistrations(): Promise<void> {
    const { runtime } = internals();
    await runtime.awaitStackRegistrations();
    await runtime.waitForRPCs();
    calls.drains++;
}
