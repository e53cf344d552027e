/**
 * A policy's config type is derived from its JSON schema (policies/lib/configSchema.ts ConfigOf), so the
 * two cannot drift. These are type assertions: `tsc` (the first step of `npm test`) fails when the
 * derivation loses an enum, widens a number to unknown or drops a key; vitest runs the value checks.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import { ConfigOf } from "../../policies/lib/configSchema";
import { EnvironmentsConfig } from "../../policies/lib/environments";
import { SPEND_BASIS_SCHEMA, SpendBasisConfig } from "../../policies/lib/spendRange";
import { WORKLOAD_OVERRIDE_SCHEMA, WorkloadOverrides } from "../../policies/lib/workload";
import { POLICIES } from "../../policies/registry";

describe("ConfigOf: the config type a policy reads is its schema's", () => {
    it("maps each JSON-schema type, enum and array to its TypeScript value, every key optional", () => {
        expectTypeOf<SpendBasisConfig>().toEqualTypeOf<{ readonly judge?: "ceiling" | "expected"; readonly judgeReason?: string }>();
        expectTypeOf<WorkloadOverrides["tokensPerMonth"]>().toEqualTypeOf<number | string | undefined>();
        expectTypeOf<WorkloadOverrides["workloadSource"]>().toEqualTypeOf<"declared" | "measured" | undefined>();
        expectTypeOf<WorkloadOverrides["measuredFile"]>().toEqualTypeOf<string | undefined>();
        expectTypeOf<EnvironmentsConfig["environments"]>().toEqualTypeOf<readonly ("dev" | "staging" | "production")[] | undefined>();
        expectTypeOf<ConfigOf<{ on: { type: "boolean" }; n: { type: "integer" } }>>().toEqualTypeOf<{ readonly on?: boolean; readonly n?: number }>();
        // The runtime side of the same declaration: the keys the type has are the keys the CLI validates.
        expect(Object.keys(SPEND_BASIS_SCHEMA)).toEqual(["judge", "judgeReason"]);
        expect(Object.keys(WORKLOAD_OVERRIDE_SCHEMA)).toEqual(["tokensPerMonth", "apiUsdPerMTok", "inputOutputRatio", "overheadMonthlyUsd", "workloadSource", "measuredFile", "maxMeasuredAgeDays"]);
    });

    it("every policy of the pack declares a config schema with a description on each key", () => {
        for (const policy of POLICIES) {
            const properties = Object.entries(policy.configSchema?.properties ?? {});
            expect(properties.length, policy.name).toBeGreaterThan(0);
            for (const [key, schema] of properties) expect((schema as { description?: string }).description, `${policy.name}.${key}`).toMatch(/\S{3}/);
        }
    });
});
