/** The gateway's web ACL: AWS's common rules (a prompt body over 8 KB counted, not blocked), known bad inputs, a per-IP rate limit. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { GatewayContext } from "./context";

/** The WAF rules: AWS common rules with SizeRestrictions_BODY counted (prompts exceed 8 KB), known bad inputs, a per-IP rate limit. */
export function wafRuleSet(name: string): aws.types.input.wafv2.WebAclRule[] {
    const visibility = (metric: string): aws.types.input.wafv2.WebAclRuleVisibilityConfig => ({ cloudwatchMetricsEnabled: true, metricName: `${name}-${metric}`, sampledRequestsEnabled: true });
    return [
        {
            name: "aws-common", priority: 1, overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesCommonRuleSet", ruleActionOverrides: [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }] } },
            visibilityConfig: visibility("aws-common"),
        },
        {
            name: "aws-known-bad-inputs", priority: 2, overrideAction: { none: {} },
            statement: { managedRuleGroupStatement: { vendorName: "AWS", name: "AWSManagedRulesKnownBadInputsRuleSet" } },
            visibilityConfig: visibility("aws-known-bad-inputs"),
        },
        {
            name: "per-ip-rate-limit", priority: 3, action: { block: {} },
            // 2,000 requests per 5 minutes from one address: far above one client's completions, well below a flood.
            statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP" } },
            visibilityConfig: visibility("per-ip-rate-limit"),
        },
    ];
}

/** The ACL (named for the stack: WAF names are region-wide) on the load balancer; returns the ACL (its rules are billed by cost/pricers/wafv2.ts). */
export function createWaf(ctx: GatewayContext, loadBalancerArn: pulumi.Input<string>): aws.wafv2.WebAcl {
    const rules = wafRuleSet(ctx.physical);
    const acl = new aws.wafv2.WebAcl(`${ctx.name}-waf`, {
        name: `${ctx.physical}-waf`,
        scope: "REGIONAL",
        defaultAction: { allow: {} },
        rules,
        visibilityConfig: { cloudwatchMetricsEnabled: true, metricName: `${ctx.physical}-waf`, sampledRequestsEnabled: true },
        tags: ctx.tags("waf"),
    }, { parent: ctx.parent });
    new aws.wafv2.WebAclAssociation(`${ctx.name}-waf`, { resourceArn: loadBalancerArn, webAclArn: acl.arn }, { parent: ctx.parent });
    return acl;
}
