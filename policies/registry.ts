/** Every policy of the pack, in the order the CLI lists them. index.ts serves them; tests import them. */
import { Policies } from "@pulumi/policy";
import { capacityCoversWorkload } from "./capacity";
import { breakEvenExemption } from "./exemption";
import { gatewayBudgetCoversProjection } from "./gatewayBudget";
import { gpuRedundancy } from "./gpuRedundancy";
import { monthlyBudget } from "./monthlyBudget";
import { projectedSpendBelowApiBreakEven } from "./projectedSpend";
import { selfHostingWouldBeCheaper } from "./selfHostingCheaper";

export const PACK_NAME = "llm-breakeven-cost";

export const POLICIES: Policies = [
    projectedSpendBelowApiBreakEven,
    breakEvenExemption,
    gpuRedundancy,
    capacityCoversWorkload,
    monthlyBudget,
    gatewayBudgetCoversProjection,
    selfHostingWouldBeCheaper,
];
