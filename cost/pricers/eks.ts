/**
 * The EKS Kubernetes release calendar: when each version leaves standard support (from then on EKS
 * bills the extended-support surcharge per cluster-hour on top of the standard cluster-hour) and when
 * extended support ends (EKS then refuses new clusters on it). Read from awsdocs/amazon-eks-user-guide
 * latest/ug/versioning/kubernetes-versions.adoc at 013856044148d6eeed4723027a45aa2180536bcb (release
 * calendar table, UTC dates; 1.27 and 1.28 from the same file at 8596db85c9ea47d3c692d8c7c0498f616187d44d),
 * read 2026-11-30 (docs/sources.md §24). "Billing for extended support starts at the beginning of the
 * day that the version reaches end of standard support". A version not listed here is not priced.
 *
 * priceEksCluster is the control plane's price under that calendar for the month from the plan date:
 * the cluster-hour in standard support; the cluster-hour plus the AmazonEKS-Hours:extendedSupport
 * surcharge in extended support (for the hours after the transition when it falls inside the month),
 * when the region's price file has it; otherwise unpriced with the fix, never the standard rate alone
 * for a cluster EKS bills more for (issue 16). It is the registered pricer of aws:eks/cluster:Cluster
 * (eksPricers below). us-east-1's file has the surcharge (AWS's stated $0.60 total less the $0.10
 * cluster-hour); the other regions' files do not, so a cluster there in extended support is unpriced.
 */
import { ServicePrice, servicePrice } from "../prices/lookup";
import { missingPriceFix } from "../prices/store";
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { fixed, hourly, line, pricingRegion, svc, usd } from "./line";
import { guarded, requireString } from "./props";
import { PricedResource, PricerTable } from "./types";

export interface EksVersionSupport {
    /** First day (UTC) billed at the extended-support rate. */
    readonly endOfStandardSupport: string;
    /** First day (UTC) the version is no longer offered. */
    readonly endOfExtendedSupport: string;
}

export const EKS_CALENDAR_SOURCE = "awsdocs/amazon-eks-user-guide latest/ug/versioning/kubernetes-versions.adoc @ 013856044148";

export const EKS_VERSION_CALENDAR: Readonly<Record<string, EksVersionSupport>> = {
    "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    "1.30": { endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    "1.28": { endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
    "1.27": { endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
};

export type EksSupportPhase =
    | { readonly phase: "standard" | "extended" | "ended"; readonly support: EksVersionSupport }
    | { readonly phase: "unlisted" };

/** The support phase of `version` on `date` (compared as UTC days). */
export function eksSupportOn(version: string, date: Date): EksSupportPhase {
    const support = EKS_VERSION_CALENDAR[version];
    if (support === undefined) return { phase: "unlisted" };
    const day = date.toISOString().slice(0, 10);
    if (day < support.endOfStandardSupport) return { phase: "standard", support };
    return { phase: day < support.endOfExtendedSupport ? "extended" : "ended", support };
}

const VERSION_FIX = "move llm-breakeven:selfHosted.kubernetesVersion to a version in standard support (README \"Pinned versions\")";

/** The region's extended-support surcharge, from its price file (a parameter so tests can give one). */
export type SurchargeLookup = (region: string) => ServicePrice | undefined;
const fromPriceFile: SurchargeLookup = (region) => servicePrice(region, "eksExtendedSupportClusterHour");

/**
 * Hours of the priced month (HOURS_PER_MONTH hours from `planDate`, the month every monthly figure
 * stands for) that fall on or after `endOfStandardSupport` (00:00 UTC: billing starts at the beginning
 * of that day): 0 when the version stays in standard support all month.
 */
export function extendedHoursInMonth(support: EksVersionSupport, planDate: Date): number {
    const transition = Date.parse(`${support.endOfStandardSupport}T00:00:00Z`);
    const monthEnd = planDate.getTime() + HOURS_PER_MONTH * 3_600_000;
    return Math.max(0, monthEnd - Math.max(transition, planDate.getTime())) / 3_600_000;
}

/**
 * Prices the cluster for the month from `planDate` (default: now, the day `plan` runs). A version
 * that leaves standard support inside that month pays the surcharge for the hours after it.
 */
export function priceEksCluster(r: ResourceLike, planDate: Date = new Date(), surchargeOf: SurchargeLookup = fromPriceFile): PricedResource {
    return guarded(() => {
        const version = requireString(r.props, "version", "the cluster's Kubernetes version");
        const day = planDate.toISOString().slice(0, 10);
        const support = eksSupportOn(version, planDate);
        const standard = hourly("EKS control plane", 1, svc("eksClusterHour"));
        if (support.phase === "unlisted") return { kind: "unpriced", reason: `Kubernetes ${version} is not in the EKS release calendar (cost/pricers/eks.ts), so its support phase and cluster-hour rate on ${day} are unknown: ${VERSION_FIX}` };
        const { endOfStandardSupport: end, endOfExtendedSupport } = support.support;
        if (support.phase === "ended") return { kind: "unpriced", reason: `Kubernetes ${version} reached end of EKS extended support on ${endOfExtendedSupport}: EKS no longer creates clusters on it; ${VERSION_FIX}` };
        // In extended support all month (730 h), or from a transition inside it, or not at all (0 h).
        const hours = extendedHoursInMonth(support.support, planDate);
        if (hours === 0) return fixed([standard]);
        const shown = Number(hours.toFixed(1));
        const region = pricingRegion();
        const surcharge = surchargeOf(region);
        if (surcharge === undefined) {
            const when = support.phase === "extended" ? `is in EKS extended support (end of standard support ${end})` : `leaves EKS standard support on ${end}, inside the month priced from ${day} (${shown} of its ${HOURS_PER_MONTH} h)`;
            return { kind: "unpriced", reason: `Kubernetes ${version} ${when}, billed above the standard cluster-hour, and cost/prices/data/aws/${region}.json has no AmazonEKS-Hours:extendedSupport price: ${VERSION_FIX}, or ${missingPriceFix(region)}` };
        }
        const extended = hours === HOURS_PER_MONTH
            ? hourly(`EKS extended support for Kubernetes ${version} (standard support ended ${end})`, 1, surcharge)
            : line(`EKS extended support for Kubernetes ${version} from ${end}: ${shown} of this month's ${HOURS_PER_MONTH} h at ${usd(surcharge.usd)}/${surcharge.unit}`, hours, surcharge.unit, surcharge.usd, surcharge.provenance);
        return fixed([standard, extended]);
    });
}

/** The EKS control plane (node groups are EC2 capacity: ./ec2.ts). */
export const eksPricers: PricerTable = {
    "aws:eks/cluster:Cluster": (r) => priceEksCluster(r),
};
