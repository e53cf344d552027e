/** VPC networking: NAT gateways, public IPv4 addresses, interface endpoints. */
import { ResourceLike } from "../resource";
import { fixed, hourly, svc, usageLine, usd } from "./line";
import { guarded, optionalString, requireList } from "./props";
import { PricedResource, PricerTable, PricingContext } from "./types";

function priceNatGateway(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const connectivity = optionalString(r.props, "connectivityType", "connectivity type") ?? "public";
        const lines = [hourly(`NAT gateway (${connectivity})`, 1, svc("natGatewayHour"))];
        const perGB = svc("natGatewayPerGB");
        const gb = ctx.usage?.natProcessedGBPerMonthPerGateway;
        if (gb !== undefined) {
            lines.push(usageLine(`${gb} GB processed at ${usd(perGB.usd)}/GB (stated assumption)`, gb, perGB));
            return fixed(lines);
        }
        return fixed(lines, `data processing (${usd(perGB.usd)}/GB) is usage-based: not counted here, covered by the storage/network/egress overhead`);
    });
}

function priceVpcEndpoint(r: ResourceLike): PricedResource {
    return guarded(() => {
        // The provider's default endpoint type is Gateway (S3, DynamoDB), which has no charge.
        const type = optionalString(r.props, "vpcEndpointType", "endpoint type") ?? "Gateway";
        if (type === "Gateway") return { kind: "free", reason: "gateway endpoints (S3, DynamoDB) have no charge" };
        if (type !== "Interface") return { kind: "unpriced", reason: `${type} endpoints have no catalogue price` };
        const subnets = requireList(r.props, "subnetIds", "the subnets (one endpoint ENI per AZ)");
        const service = optionalString(r.props, "serviceName", "service name") ?? "interface";
        return fixed([hourly(`interface endpoint ${service.split(".").pop() ?? service}, per AZ`, subnets.length, svc("vpcInterfaceEndpointAzHour"))],
            `data processed (${usd(svc("vpcInterfaceEndpointPerGB").usd)}/GB) is usage-based: covered by the storage/network/egress overhead`);
    });
}

export const vpcPricers: PricerTable = {
    "aws:ec2/natGateway:NatGateway": priceNatGateway,
    "aws:ec2/eip:Eip": () => fixed([hourly("public IPv4 address", 1, svc("publicIpv4Hour"))]),
    "aws:ec2/vpcEndpoint:VpcEndpoint": priceVpcEndpoint,
};
