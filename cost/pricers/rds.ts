/** RDS instances (PostgreSQL): instance hours and storage, twice for Multi-AZ. */
import { knownRdsPostgresClasses, rdsPostgresHourly } from "../prices/lookup";
import { missingPriceFix } from "../prices/store";
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { fixed, line, pricingRegion, svc, usageLine, usd } from "./line";
import { guarded, optionalString, read, requireNumber, requireString, Unreadable } from "./props";
import { PricedResource, PricerTable } from "./types";

function priceRdsInstance(r: ResourceLike): PricedResource {
    return guarded(() => {
        const region = pricingRegion();
        const instanceClass = requireString(r.props, "instanceClass", "the DB instance class");
        const engine = requireString(r.props, "engine", "the DB engine");
        if (engine !== "postgres") return { kind: "unpriced", reason: `RDS engine ${engine} has no catalogue price (postgres only)` };
        const multiAz = read(r.props, "multiAz");
        if (multiAz.state === "unknown") throw new Unreadable("multiAz", "unknown", "whether the instance is Multi-AZ");
        const isMultiAz = multiAz.state === "known" && multiAz.value === true;
        const klass = rdsPostgresHourly(region, instanceClass, isMultiAz);
        if (klass === undefined) {
            return { kind: "unpriced", reason: `RDS instance class ${instanceClass} (PostgreSQL ${isMultiAz ? "Multi-AZ" : "single-AZ"}) has no price in ${region} (priced there: ${knownRdsPostgresClasses(region).join(", ") || "none"}): ${missingPriceFix(region)}` };
        }
        const hourlyUsd = klass.hourlyUsd;
        const storage = svc("rdsGp3GBMonth");
        const storageGiB = requireNumber(r.props, "allocatedStorage", "allocated storage in GiB");
        const storageType = optionalString(r.props, "storageType", "storage type");
        if (storageType !== undefined && storageType !== "gp2" && storageType !== "gp3") {
            return { kind: "unpriced", reason: `RDS storage type ${storageType} has no catalogue price (gp2, gp3)` };
        }
        const copies = isMultiAz ? 2 : 1; // Multi-AZ keeps a synchronous standby: storage is billed twice.
        return fixed([
            line(`${instanceClass} PostgreSQL ${isMultiAz ? "Multi-AZ" : "single-AZ"}, ${HOURS_PER_MONTH} h at ${usd(hourlyUsd)}/h`, HOURS_PER_MONTH, "instance-hour", hourlyUsd, klass.provenance),
            usageLine(`${storageGiB} GiB ${storageType ?? "gp2"} storage x ${copies} at ${usd(storage.usd)}/GB-month`, storageGiB * copies, storage),
        ]);
    });
}

export const rdsPricers: PricerTable = {
    "aws:rds/instance:Instance": priceRdsInstance,
};
