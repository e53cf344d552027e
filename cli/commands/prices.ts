/**
 * `llm-breakeven prices update`: refreshes the per-region AWS price files
 * (cost/prices/data/aws/<region>.json) from AWS's public Price List bulk offer files: the offer
 * index, each service's region index, then the region's offer file, streamed (the EC2 file is
 * hundreds of megabytes). No credentials: the files are public. `--source DIR` reads a copy laid out
 * like the site (`DIR/offers/v1.0/aws/index.json`...), which is how the tests run it offline. The
 * output folder is checked before anything is read, and each region file is written whole or not at
 * all (cli/output/write.ts).
 */
import * as fs from "fs";
import * as https from "https";
import * as path from "path";
import { Readable } from "stream";
import { Command } from "commander";
import { readOffer } from "../../cost/prices/offer";
import { DEFAULT_OFFERS, RegionCollector } from "../../cost/prices/extract";
import { checkRegionFile, emptyRegionFile, RegionPriceFile, stableJson } from "../../cost/prices/schema";
import { PRICE_DATA_DIR, reloadPrices, supportedRegions } from "../../cost/prices/store";
import { EXIT, UsageError } from "../errors";
import { outputDir } from "../output/write";

/** AWS's public Price List host (docs/sources.md §14). */
export const AWS_PRICE_LIST = "https://pricing.us-east-1.amazonaws.com";
const OFFER_INDEX = "/offers/v1.0/aws/index.json";

export interface PricesUpdateOptions {
    readonly region?: readonly string[];
    readonly service?: readonly string[];
    readonly source?: string;
    readonly outDir?: string;
}

export function registerPrices(program: Command, setExitCode: (code: number) => void): void {
    const prices = program.command("prices").description("AWS prices the catalogue uses: refresh them from AWS's public Price List");
    prices.command("update")
        .description("read AWS's Price List bulk offer files and rewrite cost/prices/data/aws/<region>.json (one file per region, sorted keys)")
        .option("--region <regions...>", "regions to refresh (default: every region with a price file)")
        .option("--service <offers...>", `offer codes to read (default: ${DEFAULT_OFFERS.join(" ")})`)
        .option("--source <dir|url>", `where the offer files are: a URL (default ${AWS_PRICE_LIST}) or a directory laid out like it`)
        .option("--out-dir <dir>", "where the region files are written (default cost/prices/data/aws)")
        .action(async (options: PricesUpdateOptions) => {
            const written = await updatePrices(options, (line) => process.stdout.write(`${line}\n`));
            setExitCode(written.length > 0 ? EXIT.ok : EXIT.usage);
        });
}

/** Runs the update; returns the files written. Throws UsageError with one line for anything the user can fix. */
export async function updatePrices(options: PricesUpdateOptions, log: (line: string) => void): Promise<string[]> {
    const source = options.source ?? AWS_PRICE_LIST;
    const outDir = options.outDir ?? PRICE_DATA_DIR;
    const regions = options.region ?? supportedRegions();
    const offers = options.service ?? [...DEFAULT_OFFERS];
    if (regions.length === 0) throw new UsageError("prices update: no regions: pass --region <region>");
    for (const r of regions) if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) throw new UsageError(`--region ${r}: not an AWS region code (like eu-west-1)`);
    const out = outputDir("--out-dir", outDir);
    const index = await readJson(source, OFFER_INDEX);
    const collectors = new Map(regions.map((r) => [r, new RegionCollector(r, existing(outDir, r))]));
    for (const offer of offers) {
        const regionIndexUrl = field(index, ["offers", offer, "currentRegionIndexUrl"]);
        if (regionIndexUrl === undefined) throw new UsageError(`--service ${offer}: not in the offer index ${urlOf(source, OFFER_INDEX)}`);
        const regionIndex = await readJson(source, regionIndexUrl);
        for (const [region, collector] of collectors) {
            const offerUrl = field(regionIndex, ["regions", region, "currentVersionUrl"]);
            if (offerUrl === undefined) {
                log(`${region}: ${offer} is not offered there (not in ${regionIndexUrl})`);
                continue;
            }
            collector.clearOffer(offer);
            const url = urlOf(source, offerUrl);
            const header = await readOffer(await open(source, offerUrl), collector.visitor(url.startsWith("http") ? url : `${AWS_PRICE_LIST}${offerUrl}`), url);
            log(`${region}: ${offer} version ${header.version} (published ${header.publicationDate})`);
        }
    }
    const written = out.write([...collectors].map(([region, collector]) => ({
        name: `${region}.json`,
        content: stableJson(checkRegionFile(collector.file, path.join(outDir, `${region}.json`))),
    })));
    for (const file of written) log(`wrote ${path.relative(process.cwd(), file)}`);
    reloadPrices();
    return written;
}

function existing(outDir: string, region: string): RegionPriceFile {
    const file = path.join(outDir, `${region}.json`);
    if (!fs.existsSync(file)) return emptyRegionFile(region);
    return checkRegionFile(JSON.parse(fs.readFileSync(file, "utf8")), file);
}

function field(json: unknown, keys: readonly string[]): string | undefined {
    let node = json;
    for (const k of keys) node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[k] : undefined;
    return typeof node === "string" ? node : undefined;
}

function isUrl(source: string): boolean {
    return /^https?:\/\//.test(source);
}

function urlOf(source: string, rel: string): string {
    return isUrl(source) ? `${source.replace(/\/$/, "")}${rel}` : path.join(source, rel);
}

/** A stream of one file of the price list, from the site or a local copy of it. */
async function open(source: string, rel: string): Promise<Readable> {
    const where = urlOf(source, rel);
    if (!isUrl(source)) {
        if (!fs.existsSync(where)) throw new UsageError(`prices update: ${where} does not exist (--source ${source} must be laid out like ${AWS_PRICE_LIST})`);
        return fs.createReadStream(where);
    }
    return new Promise((resolve, reject) => {
        https.get(where, (res) => {
            if (res.statusCode !== 200) {
                res.resume();
                reject(new UsageError(`prices update: ${where} answered HTTP ${res.statusCode ?? "?"}`));
                return;
            }
            resolve(res);
        }).on("error", (error) => reject(new UsageError(`prices update: cannot read ${where}: ${error.message}`)));
    });
}

async function readJson(source: string, rel: string): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const chunk of await open(source, rel)) chunks.push(Buffer.from(chunk as Buffer));
    try {
        return JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch (error) {
        throw new UsageError(`prices update: ${urlOf(source, rel)} is not JSON (${(error as Error).message})`);
    }
}
