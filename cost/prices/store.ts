/**
 * Reads the per-region AWS price files shipped in cost/prices/data/aws/ (one `<region>.json` each).
 * The catalogue and the resource pricer look every AWS price up here, by region; a region without a
 * file is unsupported, and a (region, price) the file lacks fails closed at the resource that needs it.
 */
import * as fs from "fs";
import * as path from "path";
import { checkRegionFile, PricePoint, RegionPriceFile } from "./schema";

export const PRICE_DATA_DIR = path.join(__dirname, "data", "aws");

/** A price older than this (from its publication date) gives an advisory: AWS moves prices (P4/P5 fell in June 2025). */
export const PRICE_MAX_AGE_DAYS = 180;

let cache: ReadonlyMap<string, RegionPriceFile> | undefined;

function load(): ReadonlyMap<string, RegionPriceFile> {
    if (cache !== undefined) return cache;
    const files = fs.existsSync(PRICE_DATA_DIR) ? fs.readdirSync(PRICE_DATA_DIR).filter((f) => f.endsWith(".json")).sort() : [];
    cache = new Map(files.map((f) => {
        const where = `cost/prices/data/aws/${f}`;
        const data = checkRegionFile(JSON.parse(fs.readFileSync(path.join(PRICE_DATA_DIR, f), "utf8")), where);
        if (`${data.region}.json` !== f) throw new Error(`${where}: names region "${data.region}"; the file must be ${data.region}.json`);
        return [data.region, data] as const;
    }));
    return cache;
}

/** The regions with a price file, sorted. */
export function supportedRegions(): readonly string[] {
    return [...load().keys()];
}

/** Why a region cannot be priced, in one line; undefined when it can. */
export function unsupportedRegionReason(region: string): string | undefined {
    if (load().has(region)) return undefined;
    return `region ${region} has no AWS price data (supported: ${supportedRegions().join(", ")}); run \`llm-breakeven prices update --region ${region}\` to add it`;
}

/** The region's price file; throws the one-line reason when there is none. */
export function regionPrices(region: string): RegionPriceFile {
    const file = load().get(region);
    if (file === undefined) throw new Error(unsupportedRegionReason(region));
    return file;
}

/** The fix for a price a region's file lacks, in the words every such error uses. */
export function missingPriceFix(region: string): string {
    return `run \`llm-breakeven prices update --region ${region}\`, or pick a region that has it`;
}

/** Whole days between a price's publication date and `now`. */
export function priceAgeDays(point: Pick<PricePoint, "publicationDate">, now: Date = new Date()): number {
    const published = Date.parse(point.publicationDate.length === 7 ? `${point.publicationDate}-01` : point.publicationDate);
    return Math.floor((now.getTime() - published) / 86_400_000);
}

/** Drops the cached files (tests that write price files, `prices update` after it writes). */
export function reloadPrices(): void {
    cache = undefined;
}
