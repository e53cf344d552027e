/**
 * `llm-breakeven prices update` on a fixture cut from real AWS offer files (test/prices/fixture/README.md
 * says where each came from). The expected figures are read by hand from the fixture's JSON.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { afterEach, describe, expect, it } from "vitest";
import { updatePrices } from "../../cli/commands/prices";
import { RegionPriceFile } from "../../cost/prices/schema";

const FIXTURE = path.join(__dirname, "fixture");
const dirs: string[] = [];
afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function run(regions: string[]): Promise<{ dir: string; files: Record<string, RegionPriceFile>; text: Record<string, string>; log: string[] }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
    dirs.push(dir);
    const log: string[] = [];
    await updatePrices({ region: regions, service: ["AmazonEC2"], source: FIXTURE, outDir: dir }, (l) => log.push(l));
    const text = Object.fromEntries(regions.map((r) => [r, fs.readFileSync(path.join(dir, `${r}.json`), "utf8")]));
    const files = Object.fromEntries(regions.map((r) => [r, JSON.parse(text[r]!) as RegionPriceFile]));
    return { dir, files, text, log };
}

describe("prices update on a real offer-file excerpt", () => {
    it("keeps Linux on-demand and 1-year standard reserved rates, each with its SKU, offer version and date (us-east-1)", async () => {
        const { files } = await run(["us-east-1", "us-east-2"]);
        const c4 = files["us-east-1"]!.ec2["c4.large"]!;
        expect(c4.onDemand).toEqual({
            usd: 0.1, unit: "Hrs", sku: "4C7N4APU9GEUZ6H6", offerVersion: "20161213014831", publicationDate: "2016-12-13T01:48:31Z",
            source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/20161213014831/us-east-1/index.json",
        });
        expect(c4.reserved1y?.["No Upfront"]).toMatchObject({ usd: 0.063, hourlyUsd: 0.063, upfrontUsd: 0, offerTermCode: "4NA7Y494T4", sku: "4C7N4APU9GEUZ6H6" });
        // $263 upfront over 8,760 hours plus $0.03/h.
        expect(c4.reserved1y?.["Partial Upfront"]).toMatchObject({ hourlyUsd: 0.03, upfrontUsd: 263, offerTermCode: "HU7G6KETJZ" });
        expect(c4.reserved1y?.["Partial Upfront"]?.usd).toBeCloseTo(263 / 8760 + 0.03, 9);
        // The 3-year and convertible terms are not 1-year standard: filtered out.
        expect(Object.keys(c4.reserved1y ?? {}).sort()).toEqual(["No Upfront", "Partial Upfront"]);
    });

    it("drops the Windows SKU and a product with no hourly on-demand rate; keeps gp3 storage (us-east-2)", async () => {
        const { files } = await run(["us-east-1", "us-east-2"]);
        const ohio = files["us-east-2"]!;
        expect(ohio.region).toBe("us-east-2");
        expect(ohio.ec2["p3.8xlarge"]).toBeUndefined(); // Windows BYOL, $12.24/h: not the Linux rate
        expect(ohio.ec2["m5.large"]).toBeUndefined(); // only an upfront fee: never priced as $0
        expect(ohio.ebs.gp3).toMatchObject({ usd: 0.08, unit: "GB-Mo", sku: "M6UGCCQ3CDJQAA37", offerVersion: "20230322145651", publicationDate: "2023-03-22T14:56:51Z" });
        expect(files["us-east-1"]!.ebs).toEqual({});
    });

    it("writes sorted keys, so a second run gives a byte-identical file", async () => {
        const first = await run(["us-east-2", "us-east-1"]);
        const again = await run(["us-east-1", "us-east-2"]);
        expect(again.text).toEqual(first.text);
        const keys = Object.keys(JSON.parse(first.text["us-east-1"]!) as object);
        expect(keys).toEqual([...keys].sort());
        expect(first.log).toContain("us-east-1: AmazonEC2 version 20161213014831 (published 2016-12-13T01:48:31Z)");
        expect(first.log.filter((l) => l.startsWith("wrote "))).toHaveLength(2);
    });

    it("keeps prices of offers it did not read, and replaces those of the offer it did", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
        dirs.push(dir);
        const other = { usd: 0.1, unit: "Hrs", sku: "X", offerVersion: "1", publicationDate: "2026-01-01", source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEKS/1/us-east-1/index.json" };
        const stale = { ...other, usd: 9, source: "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/1/us-east-1/index.json" };
        fs.writeFileSync(path.join(dir, "us-east-1.json"), JSON.stringify({ region: "us-east-1", ec2: { "x9.large": { onDemand: stale } }, ebs: {}, rds: {}, elasticache: {}, services: { eksClusterHour: other } }));
        await updatePrices({ region: ["us-east-1"], service: ["AmazonEC2"], source: FIXTURE, outDir: dir }, () => undefined);
        const file = JSON.parse(fs.readFileSync(path.join(dir, "us-east-1.json"), "utf8")) as RegionPriceFile;
        expect(file.services.eksClusterHour).toEqual(other);
        expect(file.ec2["x9.large"]).toBeUndefined();
        expect(file.ec2["c4.large"]?.onDemand?.usd).toBe(0.1);
    });

    it("fails with one line naming the service or region it cannot find", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prices-"));
        dirs.push(dir);
        await expect(updatePrices({ region: ["us-east-1"], service: ["AmazonNope"], source: FIXTURE, outDir: dir }, () => undefined))
            .rejects.toThrow(/^--service AmazonNope: not in the offer index/);
        await expect(updatePrices({ region: ["mars-1"], source: FIXTURE, outDir: dir }, () => undefined)).rejects.toThrow("--region mars-1: not an AWS region code");
        const log: string[] = [];
        await updatePrices({ region: ["eu-west-1"], service: ["AmazonEC2"], source: FIXTURE, outDir: dir }, (l) => log.push(l));
        expect(log[0]).toMatch(/^eu-west-1: AmazonEC2 is not offered there/);
    });
});

describe("prices update output", () => {
    it("refuses an output folder on a kernel filesystem before reading anything, in one line", async () => {
        await expect(updatePrices({ region: ["us-east-1"], service: ["AmazonEC2"], source: "/nonexistent-source", outDir: "/proc/prices" }, () => undefined))
            .rejects.toThrow(/^--out-dir \/proc\/prices: /);
    });
});
