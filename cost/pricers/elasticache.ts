/** ElastiCache replication groups (Redis OSS, Valkey). */
import { VALKEY_PRICE_FACTOR } from "../catalogue";
import { elasticacheHourly, knownElasticacheNodes } from "../prices/lookup";
import { missingPriceFix } from "../prices/store";
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { fixed, line, pricingRegion, usd } from "./line";
import { guarded, optionalNumber, optionalString, requireString } from "./props";
import { PricedResource, PricerTable } from "./types";

function priceReplicationGroup(r: ResourceLike): PricedResource {
    return guarded(() => {
        const region = pricingRegion();
        const nodeType = requireString(r.props, "nodeType", "the cache node type");
        const engine = optionalString(r.props, "engine", "engine") ?? "redis";
        const groups = optionalNumber(r.props, "numNodeGroups", "node groups (shards)");
        const nodes = groups !== undefined && groups > 1
            ? groups * ((optionalNumber(r.props, "replicasPerNodeGroup", "replicas per shard") ?? 0) + 1)
            : optionalNumber(r.props, "numCacheClusters", "cache nodes") ?? 1;
        if (engine !== "redis" && engine !== "valkey") return { kind: "unpriced", reason: `ElastiCache engine ${engine} has no catalogue price (redis, valkey)` };
        const own = elasticacheHourly(region, engine, nodeType);
        if (own !== undefined) return fixed([line(`${nodes} x ${nodeType} ${engine === "redis" ? "Redis OSS" : "Valkey"}, ${HOURS_PER_MONTH} h at ${usd(own.hourlyUsd)}/h`, nodes * HOURS_PER_MONTH, "node-hour", own.hourlyUsd, own.provenance)]);
        const redis = engine === "valkey" ? elasticacheHourly(region, "redis", nodeType) : undefined;
        if (redis === undefined) {
            return { kind: "unpriced", reason: `cache node type ${nodeType} (${engine}) has no price in ${region} (priced there: ${knownElasticacheNodes(region, "redis").join(", ") || "none"}): ${missingPriceFix(region)}` };
        }
        const hourlyUsd = redis.hourlyUsd * VALKEY_PRICE_FACTOR.factor;
        return fixed([line(`${nodes} x ${nodeType} Valkey (${VALKEY_PRICE_FACTOR.factor} x Redis OSS), ${HOURS_PER_MONTH} h at ${usd(hourlyUsd)}/h`, nodes * HOURS_PER_MONTH, "node-hour", hourlyUsd, VALKEY_PRICE_FACTOR.provenance)]);
    });
}

export const elasticachePricers: PricerTable = {
    "aws:elasticache/replicationGroup:ReplicationGroup": priceReplicationGroup,
};
