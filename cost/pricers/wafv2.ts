/** WAF web ACLs: the ACL, its rules, and requests when a request volume is stated. */
import { ResourceLike } from "../resource";
import { fixed, monthly, svc, usageLine, usd } from "./line";
import { guarded, requireList } from "./props";
import { PricedResource, PricerTable, PricingContext } from "./types";

function priceWebAcl(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        const rules = requireList(r.props, "rules", "the web ACL's rules");
        const lines = [monthly("WAF web ACL", 1, svc("wafWebAclMonth")), monthly("WAF rules", rules.length, svc("wafRuleMonth"))];
        const perMillion = svc("wafPerMRequests");
        const requests = ctx.usage?.wafRequestsPerMonth;
        if (requests === undefined) return fixed(lines, `requests (${usd(perMillion.usd)} per million) are usage-based and not counted`);
        lines.push(usageLine(`${requests / 1e6}M requests at ${usd(perMillion.usd)}/million (stated assumption)`, requests / 1e6, perMillion));
        return fixed(lines);
    });
}

export const wafv2Pricers: PricerTable = {
    "aws:wafv2/webAcl:WebAcl": priceWebAcl,
};
