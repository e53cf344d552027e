/** Every policy of the pack, in the order the CLI lists them. index.ts serves them; tests import them. */
import { Policies } from "@pulumi/policy";
import { capacityCoversWorkload } from "./capacity";
import { declaredWorkloadMatchesMeasured } from "./declaredWorkload";
import { breakEvenExemption } from "./exemption";
import { gatewayBudgetCoversProjection } from "./gatewayBudget";
import { gatewayImagePinnedByDigest } from "./gatewayImage";
import { gpuRedundancy } from "./gpuRedundancy";
import { monthlyBudget } from "./monthlyBudget";
import { projectedSpendBelowApiBreakEven } from "./projectedSpend";
import { pricesAreCurrent } from "./pricesCurrent";
import { selfHostingWouldBeCheaper } from "./selfHostingCheaper";

export const PACK_NAME = "llm-breakeven-cost";

export const POLICIES: Policies = [
    projectedSpendBelowApiBreakEven,
    breakEvenExemption,
    gpuRedundancy,
    capacityCoversWorkload,
    monthlyBudget,
    gatewayBudgetCoversProjection,
    gatewayImagePinnedByDigest,
    selfHostingWouldBeCheaper,
    declaredWorkloadMatchesMeasured,
    pricesAreCurrent,
];

/**
 * [decides, reports]: the second policy reports the first one's analysis, so the config keys they
 * share must be set alike (checked by the offline plan; the Pulumi CLI hands each policy only its own).
 */
export const AGREEING_POLICIES: ReadonlyArray<readonly [string, string]> = [[projectedSpendBelowApiBreakEven.name, breakEvenExemption.name]];
