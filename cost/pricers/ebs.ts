/** EBS volumes: standalone, and the gp2/gp3 GB-month price node groups, instances and PVCs share. */
import { ServicePrice } from "../catalogue";
import { ResourceLike } from "../resource";
import { fixed, line, svc, usd } from "./line";
import { guarded, optionalNumber, optionalString, requireNumber, Unreadable } from "./props";
import { PricedResource, PricerTable } from "./types";

/** The GB-month price of an EBS volume type; any type but gp2 and gp3 is invalid at `what`. */
export function ebsGBMonthPrice(volumeType: string | undefined, what: string): ServicePrice {
    // EKS node groups, launch templates and PVCs on EKS default to gp2 or gp3; both are in the catalogue.
    if (volumeType === undefined || volumeType === "gp3") return svc("ebsGp3GBMonth");
    if (volumeType === "gp2") return svc("ebsGp2GBMonth");
    throw new Unreadable(what, "invalid", `EBS volume type ${volumeType} has no catalogue price (gp2, gp3 only)`);
}

function priceEbsVolume(r: ResourceLike): PricedResource {
    return guarded(() => {
        const sizeGiB = requireNumber(r.props, "size", "the volume size in GiB");
        const type = optionalString(r.props, "type", "the volume type");
        const p = ebsGBMonthPrice(type, "type");
        const iops = optionalNumber(r.props, "iops", "provisioned IOPS");
        const throughput = optionalNumber(r.props, "throughput", "provisioned throughput");
        // gp3 includes 3,000 IOPS and 125 MB/s; more is billed separately and not in the catalogue.
        if ((iops !== undefined && iops > 3000) || (throughput !== undefined && throughput > 125)) {
            return { kind: "unpriced", reason: `gp3 performance above the included 3,000 IOPS / 125 MB/s (iops ${iops ?? "-"}, throughput ${throughput ?? "-"}) has no catalogue price` };
        }
        return fixed([line(`${sizeGiB} GiB ${type ?? "gp3"} volume at ${usd(p.usd)}/${p.unit}`, sizeGiB, p.unit, p.usd, p.provenance)]);
    });
}

export const ebsPricers: PricerTable = {
    "aws:ebs/volume:Volume": priceEbsVolume,
};
