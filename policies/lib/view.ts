/**
 * What every policy of the pack reads: the stack's resources with their raw properties (unknowns
 * kept as sentinels, not thrown), the stack's llm-breakeven config, and the priced resources.
 *
 * The policy SDK hands a stack policy each resource's properties behind a proxy that throws
 * `UnknownValueError` on reading a value unknown at preview, and turns that error into an ADVISORY
 * "can't run policy during preview": a deploy would go through unchecked. The pack reads the raw
 * object behind the proxy instead and lets the pricer decide: an unknown price-determining value
 * is priced at its worst case or blocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { EC2_INSTANCE_TYPES, Ec2InstanceType } from "../../cost/catalogue";
import { isUnknownValue, StackResource } from "../../cost/resource";
import { priceResources, PricingContext, StackPricing } from "../../cost/pricers";
import { launchTemplateOf } from "../../cost/pricers/ec2";
import { NAMESPACE, readFlatConfig, StackConfigState } from "../../config/stack";

/**
 * The key under which the SDK's proxy returns the object it wraps (`getSpecialProxyTarget` in
 * @pulumi/policy's proxy.ts; internal, so a unit test pins this behaviour to the installed SDK).
 */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** The object behind the SDK's unknown-checking proxy (or the value itself when it is not proxied). */
export function rawValue<T>(value: T): T {
    if (value === null || typeof value !== "object") return value;
    const target = (value as Record<string, unknown>)[PROXY_TARGET];
    return target !== undefined && target !== null && typeof target === "object" ? (target as T) : value;
}

/** A GPU node group or instance, as the stack will create it. */
export interface GpuCapacity {
    readonly resource: StackResource;
    /** undefined when the instance type is unknown at preview or missing. */
    readonly instanceType: string | undefined;
    /** The instance type's GPUs from the catalogue; undefined when the type is unknown or not catalogued. */
    readonly gpu: Ec2InstanceType["gpu"];
    /** Nodes it runs (desired size); undefined when unknown. */
    readonly nodes: number | undefined;
    /** Subnet references, to find its zones. */
    readonly subnetRefs: readonly string[];
}

export interface StackView {
    readonly resources: readonly StackResource[];
    readonly stackConfig: StackConfigState;
    readonly region: string;
    readonly pricing: StackPricing;
    /** Node groups and instances whose type has GPUs, or is unknown or outside the catalogue (it may have). */
    readonly gpuCapacity: readonly GpuCapacity[];
    /** Finds a resource by URN, ID, ARN or name. */
    lookup(ref: string): StackResource | undefined;
}

function toStackResource(r: PolicyResource): StackResource {
    const propertyDependencies: Record<string, string[]> = {};
    for (const [key, deps] of Object.entries(r.propertyDependencies ?? {})) {
        propertyDependencies[key] = deps.map((d) => d.urn);
    }
    // Component resources register outputs but own nothing billable. The SDK does not say which
    // resources are components; a type token with no provider package (`pkg:module:Type` whose
    // package is not a provider) is one, as are the stack and this project's own components.
    const custom = !(r.type === "pulumi:pulumi:Stack" || r.type.startsWith(`${NAMESPACE}:`) || isComponentType(r));
    return { type: r.type, name: r.name, urn: r.urn, custom, props: rawValue(r.props), propertyDependencies };
}

/** A resource with no provider reference is a component (every custom resource has a provider). */
function isComponentType(r: PolicyResource): boolean {
    if (r.type.startsWith("pulumi:")) return false;
    return r.provider === undefined && !r.type.startsWith("aws:") && !r.type.startsWith("kubernetes:") && !r.type.startsWith("random:");
}

export function buildView(resources: readonly StackResource[], stackConfig: StackConfigState, flatConfig: Record<string, string>): StackView {
    const config = stackConfig.kind === "parsed" ? stackConfig.config : undefined;
    const region = flatConfig["aws:region"] ?? config?.region ?? "us-east-1";
    const ctx: Omit<PricingContext, "lookup"> = {
        region,
        ec2Pricing: config?.selfHosted?.pricing ?? "on-demand",
        usage: config?.gateway !== undefined ? { wafRequestsPerMonth: config.gateway.requestsPerMonth } : {},
    };
    const index = new Map<string, StackResource>();
    for (const r of resources) {
        for (const ref of [r.urn, r.props["id"], r.props["arn"], r.props["name"]]) {
            if (typeof ref === "string" && ref !== "" && !isUnknownValue(ref) && !index.has(ref)) index.set(ref, r);
        }
    }
    return {
        resources,
        stackConfig,
        region,
        pricing: priceResources(resources, ctx),
        gpuCapacity: resources.flatMap((r) => gpuCapacityOf(r, (ref) => index.get(ref))),
        lookup: (ref) => index.get(ref),
    };
}

/**
 * The view of a stack policy's arguments, with the stack config from the CLI's PULUMI_CONFIG. The CLI
 * hands a policy pack the stack's config decrypted, secrets included (pulumi/pulumi pkg/engine/update.go
 * newUpdateSource: "Decrypt the configuration", `target.Config.Decrypt(target.Decrypter)` passed as
 * PolicyAnalyzerOptions.Config), so the schema's secret-presence rules hold here as in the program.
 */
export function stackView(args: StackValidationArgs): StackView {
    if (shared?.view !== undefined) return shared.view;
    const flat = pulumi.runtime.allConfig();
    const view = buildView(args.resources.map(toStackResource), readFlatConfig(flat), flat);
    if (shared !== undefined) shared.view = view;
    return view;
}

let shared: { view?: StackView } | undefined;

/**
 * Runs one AnalyzeStack request with one view for all of its policies. The SDK hands each policy
 * its own copy of the same resources, so under the Pulumi CLI every policy builds (and prices) the
 * view again; an in-process caller that knows where a request begins and ends (the offline plan)
 * builds it once. Requests must not overlap: the view belongs to the one in progress.
 */
export async function withSharedView<T>(analyze: () => Promise<T>): Promise<T> {
    if (shared !== undefined) throw new Error("withSharedView: a request is already in progress; analyze one stack at a time");
    shared = {};
    try {
        return await analyze();
    } finally {
        shared = undefined;
    }
}

/** The catalogue's entry for an instance type; undefined when the type is unknown at preview or not catalogued (it may have GPUs). */
function cataloguedType(instanceType: string | undefined): Ec2InstanceType | undefined {
    return instanceType === undefined ? undefined : EC2_INSTANCE_TYPES[instanceType];
}

function gpuCapacityOf(r: StackResource, lookup: (ref: string) => StackResource | undefined): GpuCapacity[] {
    if (r.type === "aws:eks/nodeGroup:NodeGroup") {
        const listed = r.props["instanceTypes"];
        let instanceType: string | undefined;
        if (Array.isArray(listed) && typeof listed[0] === "string" && !isUnknownValue(listed[0])) {
            instanceType = listed[0];
        } else {
            const fromTemplate = launchTemplateOf(r, lookup)?.props["instanceType"];
            instanceType = typeof fromTemplate === "string" && !isUnknownValue(fromTemplate) ? fromTemplate : undefined;
        }
        const type = cataloguedType(instanceType);
        if (type !== undefined && type.gpu === undefined) return [];
        const desired = (r.props["scalingConfig"] as Record<string, unknown> | undefined)?.["desiredSize"];
        const subnets = r.props["subnetIds"];
        const subnetRefs = [
            ...(Array.isArray(subnets) ? subnets.filter((s): s is string => typeof s === "string" && !isUnknownValue(s)) : []),
            ...(r.propertyDependencies?.["subnetIds"] ?? []),
        ];
        return [{ resource: r, instanceType, gpu: type?.gpu, nodes: typeof desired === "number" ? desired : undefined, subnetRefs }];
    }
    if (r.type === "aws:ec2/instance:Instance") {
        const listed = r.props["instanceType"];
        const instanceType = typeof listed === "string" && !isUnknownValue(listed) ? listed : undefined;
        const type = cataloguedType(instanceType);
        if (type !== undefined && type.gpu === undefined) return [];
        const subnet = r.props["subnetId"];
        const subnetRefs = [...(typeof subnet === "string" && !isUnknownValue(subnet) ? [subnet] : []), ...(r.propertyDependencies?.["subnetId"] ?? [])];
        return [{ resource: r, instanceType, gpu: type?.gpu, nodes: 1, subnetRefs }];
    }
    return [];
}

/** The availability zones a GPU capacity's subnets are in; undefined when any cannot be resolved. */
export function zonesOf(c: GpuCapacity, view: StackView): string[] | undefined {
    if (c.subnetRefs.length === 0) return undefined;
    const zones = new Set<string>();
    for (const ref of c.subnetRefs) {
        const subnet = view.lookup(ref);
        if (subnet === undefined) continue;
        const zone = subnet.props["availabilityZone"];
        if (typeof zone !== "string" || isUnknownValue(zone)) return undefined;
        zones.add(zone);
    }
    return zones.size === 0 ? undefined : [...zones].sort();
}
