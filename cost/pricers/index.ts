/**
 * The pricer registry: one module per AWS service (AWSGuard's shape: one file per domain, one
 * registry that refuses a type registered twice), each a table of Pulumi type token -> pricer. The
 * policy pack prices a preview's resources with it, `llm-breakeven plan` a mock run's.
 *
 * A type is free only when free.ts lists it (with the reason), when it is a component resource, or
 * a Kubernetes kind with no pricer here; any other type without a pricer is `unpriced`, never $0.
 * To price a new type: its figure in cost/catalogue.ts, its pricer in the service's module here.
 */
import { unsupportedRegionReason } from "../prices/store";
import { referencesOf, ResourceLike } from "../resource";
import { cloudwatchPricers } from "./cloudwatch";
import { ebsPricers } from "./ebs";
import { ec2Pricers } from "./ec2";
import { eksPricers } from "./eks";
import { ecsPricers } from "./ecs";
import { elasticachePricers } from "./elasticache";
import { elbPricers } from "./elb";
import { FREE_PREFIXES, FREE_TYPES } from "./free";
import { KUBERNETES_FREE_REASON, kubernetesPricers } from "./kubernetes";
import { CATALOGUE_REGION, inRegion, MissingPrice } from "./line";
import { rdsPricers } from "./rds";
import { secretsPricers } from "./secrets";
import { Pricer, PricedResource, PricerTable, PricingContext } from "./types";
import { vpcPricers } from "./vpc";
import { wafv2Pricers } from "./wafv2";

export { CATALOGUE_REGION } from "./line";
export { DEFAULT_ALB_LCU_PER_HOUR, unpricedReason } from "./types";
export type { Free, Priced, PricedResource, PricingContext, Unpriced, UnknownPrice, UsageAssumptions } from "./types";

/** Merges service tables into one; a token registered twice (or also listed free) is a bug, thrown at load. */
export function registerPricers(tables: Readonly<Record<string, PricerTable>>): ReadonlyMap<string, Pricer> {
    const registry = new Map<string, Pricer>();
    const owner = new Map<string, string>();
    for (const [service, table] of Object.entries(tables)) {
        for (const [type, pricer] of Object.entries(table)) {
            const first = owner.get(type) ?? (FREE_TYPES[type] !== undefined ? "free" : undefined);
            if (first !== undefined) throw new Error(`pricer for ${type} registered twice: by ${first} and by ${service} (cost/pricers/)`);
            registry.set(type, pricer);
            owner.set(type, service);
        }
    }
    return registry;
}

/** Every pricer, by type token: the one place a service module is wired in. */
export const PRICERS: ReadonlyMap<string, Pricer> = registerPricers({
    ec2: ec2Pricers,
    eks: eksPricers,
    ebs: ebsPricers,
    vpc: vpcPricers,
    elb: elbPricers,
    elasticache: elasticachePricers,
    rds: rdsPricers,
    ecs: ecsPricers,
    secrets: secretsPricers,
    wafv2: wafv2Pricers,
    cloudwatch: cloudwatchPricers,
    kubernetes: kubernetesPricers,
});

/** Prices one resource. Never throws on bad input: a property it cannot read is `unknown`. */
export function priceResource(r: ResourceLike, ctx: PricingContext = {}): PricedResource {
    if (r.custom === false) return { kind: "free", reason: "component resource: its children are priced" };
    const free = FREE_TYPES[r.type] ?? FREE_PREFIXES.find(([prefix]) => r.type.startsWith(prefix))?.[1];
    if (free !== undefined) return { kind: "free", reason: free };
    const pricer = PRICERS.get(r.type);
    if (pricer === undefined && r.type.startsWith("kubernetes:")) return { kind: "free", reason: KUBERNETES_FREE_REASON };
    if (pricer === undefined) return { kind: "unpriced", reason: `the catalogue has no price for ${r.type}: add it to cost/catalogue.ts and a pricer to cost/pricers/, or remove the resource` };
    const region = ctx.region ?? CATALOGUE_REGION;
    const unsupported = unsupportedRegionReason(region);
    if (unsupported !== undefined) return { kind: "unpriced", reason: unsupported };
    // The pricers look their prices up in the resource's region (line.ts svc()).
    return inRegion(region, () => {
        try {
            return pricer(r, { ...ctx, region });
        } catch (error) {
            if (error instanceof MissingPrice) return { kind: "unpriced", reason: error.message };
            throw error;
        }
    });
}

export interface PricedEntry {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly price: PricedResource;
}

export interface StackPricing {
    readonly entries: readonly PricedEntry[];
    /** Sum of every priced resource, plus the worst case of each unknown that has one. */
    readonly monthlyUsd: number;
    /** The three most expensive resources (priced or worst-case), most expensive first. */
    readonly top: readonly { readonly urn: string; readonly name: string; readonly type: string; readonly monthlyUsd: number; readonly worstCase: boolean }[];
    /** Billable resources the catalogue cannot price: any one makes the total a lower bound. */
    readonly unpriced: readonly PricedEntry[];
    /** Unknown price-determining properties; those with a worst case are included in monthlyUsd at it. */
    readonly unknown: readonly PricedEntry[];
    /** Unknowns with no bound: the total cannot be trusted while any remain. */
    readonly unbounded: readonly PricedEntry[];
    /** Usage-based charges not counted (no assumption given). */
    readonly usageNotes: readonly PricedEntry[];
}

/** Prices every resource of a stack, resolving references between them (an ECS service's task definition). */
export function priceResources(resources: readonly ResourceLike[], ctx: Omit<PricingContext, "lookup"> = {}): StackPricing {
    const index = new Map<string, ResourceLike>();
    for (const r of resources) {
        for (const ref of referencesOf(r)) if (!index.has(ref)) index.set(ref, r);
    }
    const context: PricingContext = { ...ctx, lookup: (ref) => index.get(ref) };
    const entries = resources.map((r): PricedEntry => ({ type: r.type, name: r.name, urn: r.urn ?? `${r.type}::${r.name}`, price: priceResource(r, context) }));
    const counted = entries.flatMap((e) => {
        if (e.price.kind === "priced") return [{ e, monthlyUsd: e.price.monthlyUsd, worstCase: false }];
        if (e.price.kind === "unknown" && e.price.worstCase !== undefined) return [{ e, monthlyUsd: e.price.worstCase.monthlyUsd, worstCase: true }];
        return [];
    });
    const top = [...counted].sort((a, b) => b.monthlyUsd - a.monthlyUsd).slice(0, 3)
        .map(({ e, monthlyUsd, worstCase }) => ({ urn: e.urn, name: e.name, type: e.type, monthlyUsd, worstCase }));
    return {
        entries,
        monthlyUsd: counted.reduce((sum, c) => sum + c.monthlyUsd, 0),
        top,
        unpriced: entries.filter((e) => e.price.kind === "unpriced"),
        unknown: entries.filter((e) => e.price.kind === "unknown"),
        unbounded: entries.filter((e) => e.price.kind === "unknown" && e.price.worstCase === undefined),
        usageNotes: entries.filter((e) => e.price.kind === "priced" && e.price.usageNote !== undefined),
    };
}
