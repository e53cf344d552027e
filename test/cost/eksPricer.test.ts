/**
 * The EKS release calendar (cost/pricers/eks.ts) and the control-plane price under it: a cluster EKS
 * bills the extended-support surcharge for is never priced at the standard cluster-hour alone.
 */
import { describe, expect, it } from "vitest";
import { EKS_VERSION_CALENDAR, eksSupportOn, extendedHoursInMonth, priceEksCluster, SurchargeLookup } from "../../cost/pricers/eks";
import { AWS_SERVICES } from "../../cost/prices/aws";
import { servicePrice } from "../../cost/prices/lookup";
import { targetOf } from "../../cost/prices/extract";
import { UNKNOWN } from "../../cost/resource";
import { HOURS_PER_MONTH } from "../../cost/units";

const cluster = (version: unknown) => ({ type: "aws:eks/cluster:Cluster", name: "c", props: version === undefined ? {} : { version } });
const day = (iso: string) => new Date(`${iso}T12:00:00Z`);
const noSurcharge: SurchargeLookup = () => undefined;
/** A stand-in surcharge with provenance (a test figure, not a price: the shipped files have none). */
const fixtureSurcharge: SurchargeLookup = (region) => ({ usd: 0.25, unit: "cluster-hour of extended support", provenance: { source: "test fixture", region, date: "2026-11-30" } });
const standardMonthlyUsd = AWS_SERVICES.eksClusterHour.usd * HOURS_PER_MONTH;

describe("EKS release calendar", () => {
    it.each([
        // [version, day, phase], against the calendar's rows (1.33: standard support ends 2026-07-29, extended 2027-07-29).
        ["1.33", "2026-07-28", "standard"],
        ["1.33", "2026-07-29", "extended"],
        ["1.33", "2026-11-30", "extended"],
        ["1.33", "2027-07-29", "ended"],
        ["1.34", "2026-11-30", "standard"],
        ["1.34", "2026-12-02", "extended"],
        ["1.31", "2026-11-30", "ended"],
        ["1.99", "2026-11-30", "unlisted"],
    ] as const)("Kubernetes %s on %s is in phase %s", (version, iso, phase) => {
        expect(eksSupportOn(version, day(iso)).phase).toBe(phase);
    });

    it("every row ends extended support after standard support", () => {
        for (const [v, s] of Object.entries(EKS_VERSION_CALENDAR)) expect(s.endOfExtendedSupport > s.endOfStandardSupport, v).toBe(true);
    });
});

describe("priceEksCluster", () => {
    it("in standard support all month: the standard cluster-hour, as before", () => {
        // 1.34 leaves standard support on 2026-12-02; the month from 2026-10-01 ends before it.
        const p = priceEksCluster(cluster("1.34"), day("2026-10-01"), noSurcharge);
        expect(p.kind === "priced" && p.monthlyUsd).toBeCloseTo(standardMonthlyUsd, 6);
    });

    it("leaving standard support inside the priced month: the surcharge for the hours after the transition, not the standard rate all month", () => {
        // Planned 2026-11-30 12:00 UTC; billing at the extended rate starts 2026-12-02 00:00 UTC, 36 h later.
        expect(extendedHoursInMonth(EKS_VERSION_CALENDAR["1.34"]!, day("2026-11-30"))).toBe(HOURS_PER_MONTH - 36);
        const p = priceEksCluster(cluster("1.34"), day("2026-11-30"), fixtureSurcharge);
        expect(p.kind).toBe("priced");
        if (p.kind !== "priced") return;
        expect(p.monthlyUsd).toBeCloseTo(standardMonthlyUsd + 0.25 * (HOURS_PER_MONTH - 36), 6);
        expect(p.lines[1]!.label).toContain("EKS extended support for Kubernetes 1.34 from 2026-12-02: 694 of this month's 730 h");
        // Without a surcharge price it is unpriced, saying when and why, never the standard rate alone.
        const missing = priceEksCluster(cluster("1.34"), day("2026-11-30"), noSurcharge);
        expect(missing.kind === "unpriced" && missing.reason).toContain("Kubernetes 1.34 leaves EKS standard support on 2026-12-02, inside the month priced from 2026-11-30 (694 of its 730 h");
        // The day before the month reaches it, nothing changes.
        expect(extendedHoursInMonth(EKS_VERSION_CALENDAR["1.34"]!, new Date(Date.parse("2026-12-02T00:00:00Z") - HOURS_PER_MONTH * 3_600_000))).toBe(0);
    });

    it("in extended support with a sourced surcharge: the cluster-hour plus the surcharge, each line with its provenance", () => {
        const p = priceEksCluster(cluster("1.33"), day("2026-11-30"), fixtureSurcharge);
        expect(p.kind).toBe("priced");
        if (p.kind !== "priced") return;
        expect(p.monthlyUsd).toBeCloseTo(standardMonthlyUsd + 0.25 * HOURS_PER_MONTH, 6);
        expect(p.lines[1]!.label).toContain("standard support ended 2026-07-29");
        expect(p.lines[1]!.provenance?.source).toBe("test fixture");
    });

    it("in extended support without a surcharge price: unpriced in one line naming the version, its end of standard support and both fixes, never the standard rate", () => {
        const p = priceEksCluster(cluster("1.33"), day("2026-11-30"), noSurcharge);
        expect(p.kind).toBe("unpriced");
        const reason = p.kind === "unpriced" ? p.reason : "";
        expect(reason).toContain("Kubernetes 1.33 is in EKS extended support (end of standard support 2026-07-29)");
        expect(reason).toContain("kubernetesVersion");
        expect(reason).toContain("llm-breakeven prices update --region us-east-1");
        expect(reason).not.toMatch(/\n/);
    });

    it("us-east-1's price file has the surcharge (AWS's $0.60 total less the $0.10 cluster-hour); a region whose file lacks it leaves 1.33 unpriced", () => {
        const east = priceEksCluster(cluster("1.33"), day("2026-11-30"));
        expect(east.kind === "priced" && east.lines.map((l) => l.unitUsd)).toEqual([0.1, 0.5]);
        expect(servicePrice("eu-west-1", "eksExtendedSupportClusterHour")).toBeUndefined();
    });

    it("past extended support, or a version the calendar does not list: unpriced with the fix", () => {
        const ended = priceEksCluster(cluster("1.31"), day("2026-11-30"), fixtureSurcharge);
        expect(ended).toMatchObject({ kind: "unpriced" });
        expect(ended.kind === "unpriced" && ended.reason).toContain("reached end of EKS extended support on 2026-11-26");
        const unlisted = priceEksCluster(cluster("1.99"), day("2026-11-30"), fixtureSurcharge);
        expect(unlisted.kind === "unpriced" && unlisted.reason).toContain("Kubernetes 1.99 is not in the EKS release calendar");
    });

    it("a version unknown at preview is an unknown price naming `version`, not the standard rate", () => {
        expect(priceEksCluster(cluster(UNKNOWN), day("2026-11-30"), fixtureSurcharge)).toMatchObject({ kind: "unknown", property: "version" });
    });
});

describe("prices update keeps the surcharge SKU", () => {
    it.each(["USE1-AmazonEKS-Hours:extendedSupport", "EUW1-AmazonEKS-Hours:extendedSupport"])("%s lands under eksExtendedSupportClusterHour", (usagetype) => {
        const target = targetOf({ sku: "S", productFamily: "Compute", attributes: { servicecode: "AmazonEKS", usagetype, operation: "ExtendedSupport" } });
        expect(target?.kind === "services" ? target.rules.map((r) => r.key) : []).toEqual(["eksExtendedSupportClusterHour"]);
    });
});
