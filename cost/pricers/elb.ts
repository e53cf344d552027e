/** Elastic Load Balancing: application load balancers, their LCUs and public IPv4 addresses. */
import { LCU_PER_HOUR_TAG } from "../loadBalancer";
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { fixed, hourly, svc, usageLine, usd } from "./line";
import { guarded, optionalNumber, optionalString, read, Unreadable } from "./props";
import { DEFAULT_ALB_LCU_PER_HOUR, PricedResource, PricerTable, PricingContext } from "./types";

function priceLoadBalancer(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const type = optionalString(r.props, "loadBalancerType", "load balancer type") ?? "application";
        if (type !== "application") return { kind: "unpriced", reason: `${type} load balancers have no catalogue price (application only)` };
        // The workload's LCUs when the stack derived them (cost/loadBalancer.ts, written as a tag), else the stated assumption.
        const fromWorkload = optionalNumber(r.props, `tags.${LCU_PER_HOUR_TAG}`, "LCUs per hour the stack derived from its workload");
        const lcu = ctx.usage?.albLcuPerHour ?? fromWorkload ?? DEFAULT_ALB_LCU_PER_HOUR;
        const basis = ctx.usage?.albLcuPerHour === undefined && fromWorkload !== undefined ? `from the workload's request rate, tag ${LCU_PER_HOUR_TAG}` : `stated assumption: ${lcu} LCU`;
        const albHour = hourly("Application Load Balancer", 1, svc("albHour"));
        const lcuHour = svc("albLcuHour");
        const lines = [
            albHour,
            usageLine(`${lcu} LCU x ${HOURS_PER_MONTH} h at ${usd(lcuHour.usd)}/LCU-hour (${basis})`, lcu * HOURS_PER_MONTH, lcuHour),
        ];
        // An internet-facing ALB holds a public IPv4 address in each of its subnets.
        const internal = read(r.props, "internal");
        if (internal.state === "unknown") throw new Unreadable("internal", "unknown", "whether the load balancer is internal");
        if (internal.state !== "known" || internal.value !== true) {
            const subnets = read(r.props, "subnets");
            const mappings = read(r.props, "subnetMappings");
            const count = subnets.state === "known" && Array.isArray(subnets.value) ? subnets.value.length
                : mappings.state === "known" && Array.isArray(mappings.value) ? mappings.value.length : undefined;
            if (count === undefined) throw new Unreadable("subnets", subnets.state === "unknown" ? "unknown" : "absent", "the subnets of an internet-facing load balancer (one public IPv4 each)");
            lines.push(hourly("public IPv4 address of the internet-facing load balancer", count, svc("publicIpv4Hour")));
        }
        return fixed(lines);
    });
}

export const elbPricers: PricerTable = {
    "aws:lb/loadBalancer:LoadBalancer": priceLoadBalancer,
    "aws:alb/loadBalancer:LoadBalancer": priceLoadBalancer,
};
