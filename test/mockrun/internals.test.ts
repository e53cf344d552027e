/**
 * The SDK internals the mock run patches (mockrun/sdkInternals.ts): each is still called by the SDK
 * during a real mock run, the SDK's own leaked-promise check passes on every shipped stack, and an
 * SDK of another version is refused with the fix.
 */
import { describe, expect, it } from "vitest";
import * as aws from "@pulumi/aws";
import { listStacks, readStackFile, runStack } from "../../mockrun";
import { internalCalls, PULUMI_SDK_VERSION, sdkVersionProblem } from "../../mockrun/sdkInternals";

describe("SDK internals behind one door", () => {
    it("are each called during a real mock run (an SDK that stops calling one fails here)", async () => {
        const before = internalCalls();
        const run = await runStack(readStackFile("gateway-dev"));
        const after = internalCalls();
        expect(run.resources.length).toBeGreaterThan(10);
        // One registration per resource the program created, read off the monitor's request.
        expect(after.registrations - before.registrations).toBe(run.resources.length);
        expect(after.callsites - before.callsites).toBeGreaterThanOrEqual(run.resources.length);
        expect(after.untrackedPromises - before.untrackedPromises).toBeGreaterThan(run.resources.length);
        expect(after.drains - before.drains).toBe(1);
        // And the record the patched monitor fills is complete: every resource but the stack has a parent.
        expect(run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.parent === undefined)).toEqual([]);
    });

    it.each(listStacks())("%s runs clean under the SDK's own leaked-promise check", async (stack) => {
        const before = internalCalls();
        const run = await runStack(readStackFile(stack), { checkPromiseLeaks: true });
        expect(run.resources.length).toBeGreaterThan(10);
        // Nothing was patched: the SDK tracked every promise itself.
        expect(internalCalls().untrackedPromises).toBe(before.untrackedPromises);
        expect(internalCalls().callsites).toBe(before.callsites);
    });

    it("the leak check fails a program that leaves an SDK-tracked promise unsettled", async () => {
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
        const run = runStack(readStackFile("gateway-dev"), {
            checkPromiseLeaks: true,
            program: async () => {
                new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" });
                void debuggable.debuggablePromise(new Promise(() => undefined), "never settles");
            },
        });
        await expect(run).rejects.toThrow(/1 promise was still active/);
        // The record is cleared: the next checked run is judged on its own promises.
        await expect(runStack(readStackFile("gateway-dev"), { checkPromiseLeaks: true })).resolves.toBeDefined();
    });

    it("refuses an SDK of another version, naming both and the fix", () => {
        expect(sdkVersionProblem(PULUMI_SDK_VERSION)).toBeUndefined();
        expect(sdkVersionProblem("3.250.0")).toMatch(/written against @pulumi\/pulumi 3\.248\.0's internals, found 3\.250\.0\. Fix: pin "@pulumi\/pulumi": "3\.248\.0"/);
        // package.json pins the version exactly, so npm ci can never install another.
        const pkg = require("../../package.json") as { dependencies: Record<string, string> };
        expect(pkg.dependencies["@pulumi/pulumi"]).toBe(PULUMI_SDK_VERSION);
    });
});

describe("@pulumi/policy internals behind one door (cli/plan/policyInternals.ts)", () => {
    it("refuses a policy SDK of another version, naming both and the fix; package.json pins it exactly", async () => {
        const { POLICY_SDK_VERSION, policySdkProblem } = await import("../../cli/plan/policyInternals");
        expect(policySdkProblem(POLICY_SDK_VERSION)).toBeUndefined();
        expect(policySdkProblem("1.22.0")).toMatch(/@pulumi\/policy 1\.21\.0's AnalyzeStack handler .* found 1\.22\.0\. Fix: pin "@pulumi\/policy": "1\.21\.0"/);
        const pkg = require("../../package.json") as { dependencies: Record<string, string> };
        expect(pkg.dependencies["@pulumi/policy"]).toBe(POLICY_SDK_VERSION);
        expect(policySdkProblem((require("@pulumi/policy/package.json") as { version: string }).version)).toBeUndefined();
    });
});
