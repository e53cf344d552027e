/** EC2 capacity: EKS node groups (and their launch templates' volumes), instances, the EKS control plane. */
import { EC2_INSTANCE_TYPES, Provenance } from "../catalogue";
import { ec2NodeHourly } from "../prices/lookup";
import { missingPriceFix } from "../prices/store";
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { ebsGBMonthPrice } from "./ebs";
import { fixed, line, pricingRegion, svc, usd } from "./line";
import { guarded, optionalNumber, optionalString, read, requireNumber, requireString, requireValue, Unreadable } from "./props";
import { SourcedCostLine } from "../costLine";
import { PricedResource, PricerTable, PricingContext } from "./types";

type Ec2Price = { readonly hourlyUsd: number; readonly label: string; readonly provenance: Provenance } | { readonly unpriced: string };

function ec2Price(instanceType: string, ctx: PricingContext): Ec2Price {
    const region = pricingRegion();
    if (EC2_INSTANCE_TYPES[instanceType] === undefined) return { unpriced: `instance type ${instanceType} is not in the catalogue (cost/catalogue.ts EC2_SPECS)` };
    const node = ec2NodeHourly(region, instanceType, ctx.ec2Pricing ?? "on-demand");
    if (node === undefined) return { unpriced: `instance type ${instanceType} has no on-demand price in ${region} (cost/prices/data/aws/${region}.json): ${missingPriceFix(region)}` };
    return { hourlyUsd: node.hourlyUsd, label: node.label, provenance: node.provenance };
}

/**
 * A node group's launch template: by its ID or name, or, at a first preview where those are still
 * unknown, through the URN the engine lists in the `launchTemplate` property dependency. The policy
 * pack finds a GPU node group's instance type the same way (policies/lib/view.ts).
 */
export function launchTemplateOf<T extends ResourceLike>(r: ResourceLike, lookup: ((ref: string) => T | undefined) | undefined): T | undefined {
    const ref = read(r.props, "launchTemplate.id");
    const byName = read(r.props, "launchTemplate.name");
    const candidates = [ref, byName].filter((x): x is { state: "known"; value: unknown } => x.state === "known").map((x) => String(x.value));
    for (const c of candidates) {
        const found = lookup?.(c);
        if (found !== undefined) return found;
    }
    for (const urn of r.propertyDependencies?.["launchTemplate"] ?? []) {
        const found = lookup?.(urn);
        if (found?.type === "aws:ec2/launchTemplate:LaunchTemplate") return found;
    }
    return undefined;
}

/** Root/data volumes a launch template gives each instance, priced per instance. */
function launchTemplateVolumeLines(template: ResourceLike, instances: number): SourcedCostLine[] {
    const mappings = requireValue(template.props, "blockDeviceMappings", "launch template block devices");
    if (!Array.isArray(mappings)) return [];
    return mappings.flatMap((m, i): SourcedCostLine[] => {
        const props = { m } as Record<string, unknown>;
        if (read(props, "m.ebs").state === "absent") return [];
        const sizeGiB = requireNumber(props, "m.ebs.volumeSize", `launchTemplate.blockDeviceMappings[${i}].ebs.volumeSize`);
        const type = optionalString(props, "m.ebs.volumeType", "volume type");
        const price = ebsGBMonthPrice(type, `launchTemplate.blockDeviceMappings[${i}].ebs.volumeType`);
        return [line(`${instances} x ${sizeGiB} GiB ${type ?? "gp3"} volume at ${usd(price.usd)}/${price.unit}`, instances * sizeGiB, price.unit, price.usd, price.provenance)];
    });
}

function priceNodeGroup(r: ResourceLike, ctx: PricingContext): PricedResource {
    const body = (sizeOverride?: number): PricedResource => {
        const template = launchTemplateOf(r, ctx.lookup);
        const listed = read(r.props, "instanceTypes");
        let instanceType: string;
        if (listed.state === "known" && Array.isArray(listed.value) && listed.value.length > 0) {
            instanceType = requireString(r.props, "instanceTypes.0", "the node group's instance type");
        } else if (listed.state === "unknown") {
            throw new Unreadable("instanceTypes", "unknown", "the node group's instance types");
        } else if (template !== undefined) {
            instanceType = requireString(template.props, "instanceType", "the launch template's instance type");
        } else {
            throw new Unreadable("instanceTypes", "absent", "the node group's instance type (EKS would pick t3.medium)");
        }
        const size = sizeOverride ?? requireNumber(r.props, "scalingConfig.desiredSize", "the node group's desired size");
        const capacityType = optionalString(r.props, "capacityType", "capacity type") ?? "ON_DEMAND";
        const price = ec2Price(instanceType, ctx);
        if ("unpriced" in price) return { kind: "unpriced", reason: price.unpriced };
        const note = capacityType === "SPOT"
            ? " (SPOT: priced at the on-demand ceiling; spot never bills above it)"
            : capacityType === "CAPACITY_BLOCK" ? " (CAPACITY_BLOCK: reservation rates are set at purchase; priced at the on-demand list price)" : "";
        const lines = [line(`${size} x ${price.label}${note}, ${HOURS_PER_MONTH} h at ${usd(price.hourlyUsd)}/h`, size * HOURS_PER_MONTH, "instance-hour", price.hourlyUsd, price.provenance)];
        const diskSizeGiB = optionalNumber(r.props, "diskSize", "the node group's disk size");
        if (diskSizeGiB !== undefined) {
            const gp = svc("ebsGp3GBMonth");
            lines.push(line(`${size} x ${diskSizeGiB} GiB root volume at ${usd(gp.usd)}/${gp.unit}`, size * diskSizeGiB, gp.unit, gp.usd, gp.provenance));
        } else if (template !== undefined) {
            lines.push(...launchTemplateVolumeLines(template, size));
        }
        return fixed(lines);
    };
    return guarded(() => body(), (property) => {
        // An unknown desired size is bounded by the group's maximum; nothing else has a bound.
        if (property !== "scalingConfig.desiredSize") return undefined;
        const max = requireNumber(r.props, "scalingConfig.maxSize", "the node group's maximum size");
        const worst = body(max);
        return worst.kind === "priced" ? worst : undefined;
    });
}

function priceEc2Instance(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const instanceType = requireString(r.props, "instanceType", "the instance type");
        const price = ec2Price(instanceType, ctx);
        if ("unpriced" in price) return { kind: "unpriced", reason: price.unpriced };
        const lines = [line(`1 x ${price.label}, ${HOURS_PER_MONTH} h at ${usd(price.hourlyUsd)}/h`, HOURS_PER_MONTH, "instance-hour", price.hourlyUsd, price.provenance)];
        const rootGiB = optionalNumber(r.props, "rootBlockDevice.volumeSize", "the root volume size");
        if (rootGiB !== undefined) {
            const type = optionalString(r.props, "rootBlockDevice.volumeType", "the root volume type");
            const p = ebsGBMonthPrice(type, "rootBlockDevice.volumeType");
            lines.push(line(`${rootGiB} GiB ${type ?? "gp3"} root volume at ${usd(p.usd)}/${p.unit}`, rootGiB, p.unit, p.usd, p.provenance));
        }
        return fixed(lines);
    });
}

export const ec2Pricers: PricerTable = {
    "aws:eks/nodeGroup:NodeGroup": priceNodeGroup,
    "aws:ec2/instance:Instance": priceEc2Instance,
};
