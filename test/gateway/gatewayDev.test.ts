import { describe, expect, it } from "vitest";
import { runShippedStack } from "../../mockrun";
import { of, one } from "./helpers";

describe("gateway-dev under mocks", () => {
    it("runs one task with an internal HTTP listener, one NAT, one cache node and no database", async () => {
        const run = await runShippedStack("gateway-dev");
        expect(one(run, "aws:ecs/service:Service").inputs["desiredCount"]).toBe(1);
        expect(one(run, "aws:lb/loadBalancer:LoadBalancer").inputs["internal"]).toBe(true);
        const listener = one(run, "aws:lb/listener:Listener");
        expect(listener.inputs).toMatchObject({ port: 80, protocol: "HTTP", defaultActions: [{ type: "forward" }] });
        expect(of(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
        expect(one(run, "aws:elasticache/replicationGroup:ReplicationGroup").inputs).toMatchObject({ numCacheClusters: 1, automaticFailoverEnabled: false });
        expect(of(run, "aws:rds/instance:Instance")).toHaveLength(0);
        expect(of(run, "aws:wafv2/webAcl:WebAcl")).toHaveLength(0);
        expect(of(run, "aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs["retentionInDays"])).toEqual([7, 7]);
    });
});

