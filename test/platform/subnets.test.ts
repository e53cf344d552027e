import { describe, expect, it } from "vitest";
import { planGatewaySubnets } from "../../platform/subnets";

describe("planGatewaySubnets", () => {
    it("cuts a /16 into /20s: zone i private at block i, public at block 8 + i", () => {
        expect(planGatewaySubnets("10.50.0.0/16", ["a", "b", "c"])).toEqual([
            { zone: "a", privateCidr: "10.50.0.0/20", publicCidr: "10.50.128.0/20" },
            { zone: "b", privateCidr: "10.50.16.0/20", publicCidr: "10.50.144.0/20" },
            { zone: "c", privateCidr: "10.50.32.0/20", publicCidr: "10.50.160.0/20" },
        ]);
        expect(planGatewaySubnets("172.16.16.0/20", ["a", "b"]).map((p) => p.publicCidr)).toEqual(["172.16.24.0/24", "172.16.25.0/24"]);
    });

    it.each([
        ["not a CIDR", "10.50.0.0", ["a", "b"], /^"10\.50\.0\.0" is not an IPv4 CIDR/],
        ["an octet above 255", "10.300.0.0/16", ["a", "b"], /^"10\.300\.0\.0\/16" is not an IPv4 CIDR: octets must be 0-255/],
        ["not aligned", "10.50.1.0/16", ["a", "b"], /^"10\.50\.1\.0\/16" is not aligned: the network address of a \/16 there is 10\.50\.0\.0/],
        ["too small", "10.50.0.0/24", ["a", "b"], /^"10\.50\.0\.0\/24" must be a \/16 to \/20/],
        ["one zone", "10.50.0.0/16", ["a"], /^1 zones; an Application Load Balancer needs subnets in at least 2 zones/],
        ["seven zones", "10.50.0.0/16", ["a", "b", "c", "d", "e", "f", "g"], /at most 6/],
    ])("fails on %s, naming the value (the schema adds the key: test/config)", (_name, cidr, zones, message) => {
        expect(() => planGatewaySubnets(cidr, zones)).toThrow(message);
    });
});
