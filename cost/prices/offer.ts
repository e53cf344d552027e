/**
 * Streams an AWS Price List offer file (`/offers/v1.0/aws/<Service>/current/<region>/index.json`)
 * without loading it whole: the EC2 file of one region is hundreds of megabytes. The parser
 * (stream-json) emits tokens; each product (`products.<sku>`) and each SKU's terms
 * (`terms.OnDemand.<sku>`, `terms.Reserved.<sku>`) is assembled alone, handed over and dropped,
 * so memory holds one product or term set at a time plus what the caller keeps. stream-json 3 is an
 * ES module: CommonJS `require` loads it from Node 20.19 (package.json engines).
 *
 * Layout (AWS's documented bulk format, as the offer files write it): a header
 * (`offerCode`, `version`, `publicationDate`), then `products`, then `terms`. Products come first,
 * so a term's product is known when the term arrives.
 */
import { Readable } from "stream";
import type { parser as StreamJsonParser } from "stream-json";

/** stream-json, loaded on the first offer read: every other command (plan, estimate) never needs it. */
function streamJson(): { readonly parser: typeof StreamJsonParser } {
    return require("stream-json") as { parser: typeof StreamJsonParser };
}

export interface OfferHeader {
    readonly offerCode: string;
    readonly version: string;
    /** ISO date-time; an excerpt without one falls back to the version's timestamp (YYYYMMDDhhmmss). */
    readonly publicationDate: string;
}

export interface OfferProduct {
    readonly sku: string;
    readonly productFamily: string;
    readonly attributes: Readonly<Record<string, string>>;
}

export interface PriceDimension {
    readonly unit: string;
    readonly usd: number;
    readonly beginRange?: number;
    readonly endRange?: number;
    readonly description: string;
}

export interface OfferTerm {
    readonly kind: "OnDemand" | "Reserved";
    readonly sku: string;
    readonly offerTermCode: string;
    readonly dimensions: readonly PriceDimension[];
    readonly termAttributes: Readonly<Record<string, string>>;
}

export interface OfferVisitor {
    /** Whether a product is wanted: its terms are assembled only when it is. */
    keep(product: OfferProduct): boolean;
    term(product: OfferProduct, term: OfferTerm, header: OfferHeader): void;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Builds one value from packed tokens (keys, strings and numbers arrive whole). */
class ValueBuilder {
    private readonly stack: Array<{ container: Json[] | Record<string, Json>; key: string | null }> = [];
    private key: string | null = null;
    value: Json | undefined;

    /** Feeds a token; true once the value is complete. */
    consume(name: string, value: unknown): boolean {
        switch (name) {
            case "keyValue": this.key = String(value); return false;
            case "startObject": return this.open({});
            case "startArray": return this.open([]);
            case "endObject":
            case "endArray": {
                const done = this.stack.pop();
                if (done === undefined) return true;
                this.key = null;
                return this.stack.length === 0 ? ((this.value = done.container), true) : false;
            }
            case "stringValue": return this.put(String(value));
            case "numberValue": return this.put(Number(value));
            case "nullValue": return this.put(null);
            case "trueValue": return this.put(true);
            case "falseValue": return this.put(false);
            default: return false;
        }
    }

    private open(container: Json[] | Record<string, Json>): boolean {
        if (this.stack.length > 0) this.put(container);
        this.stack.push({ container, key: null });
        this.key = null;
        return false;
    }

    private put(value: Json): boolean {
        const top = this.stack[this.stack.length - 1];
        if (top === undefined) {
            this.value = value;
            return true;
        }
        if (Array.isArray(top.container)) top.container.push(value);
        else top.container[this.key ?? ""] = value;
        return false;
    }
}

const HEADER_KEYS = new Set(["offerCode", "version", "publicationDate"]);

/** Reads one offer file from a stream, calling the visitor for each kept product's terms; resolves to the header. */
export async function readOffer(input: Readable, visitor: OfferVisitor, where: string): Promise<OfferHeader> {
    const header: Record<string, string> = {};
    const kept = new Map<string, OfferProduct>();
    let termsSeen = false;
    const path: Array<string | null> = [];
    let key: string | null = null;
    let capture: { builder: ValueBuilder; path: Array<string | null> } | undefined;

    const tokens = input.pipe(streamJson().parser.asStream({ packValues: true, streamValues: false }));
    for await (const token of tokens as AsyncIterable<{ name: string; value?: unknown }>) {
        if (capture !== undefined) {
            if (capture.builder.consume(token.name, token.value)) {
                handle(capture.path, capture.builder.value);
                capture = undefined;
            }
            continue;
        }
        switch (token.name) {
            case "keyValue":
                key = String(token.value);
                break;
            case "startObject":
            case "startArray": {
                const at = [...path, key];
                if (isCaptured(at)) {
                    capture = { builder: new ValueBuilder(), path: at };
                    capture.builder.consume(token.name, token.value);
                } else {
                    path.push(key);
                }
                key = null;
                break;
            }
            case "endObject":
            case "endArray":
                path.pop();
                key = null;
                break;
            case "stringValue":
                if (path.length === 1 && key !== null && HEADER_KEYS.has(key)) header[key] = String(token.value);
                key = null;
                break;
            default:
                key = null;
        }
    }
    return headerOf();

    function isCaptured(at: ReadonlyArray<string | null>): boolean {
        if (at.length === 3 && at[1] === "products") return true;
        return at.length === 4 && at[1] === "terms" && (at[2] === "OnDemand" || at[2] === "Reserved");
    }

    function handle(at: ReadonlyArray<string | null>, value: Json | undefined): void {
        if (at[1] === "products") {
            if (termsSeen) throw new Error(`${where}: products after terms; the offer file layout is header, products, terms`);
            const product = productOf(value, String(at[2]));
            if (product !== undefined && visitor.keep(product)) kept.set(product.sku, product);
            return;
        }
        termsSeen = true;
        const product = kept.get(String(at[3]));
        if (product === undefined) return;
        const kind = at[2] === "OnDemand" ? "OnDemand" : "Reserved";
        for (const raw of Object.values(asObject(value))) {
            const term = termOf(raw, kind, product.sku);
            if (term !== undefined) visitor.term(product, term, headerOf());
        }
    }

    function headerOf(): OfferHeader {
        const offerCode = header["offerCode"];
        const version = header["version"];
        if (offerCode === undefined || version === undefined) throw new Error(`${where}: not an AWS offer file (no offerCode/version before its products)`);
        return { offerCode, version, publicationDate: header["publicationDate"] ?? versionDate(version, where) };
    }
}

/** An offer version is its publication time, YYYYMMDDhhmmss. */
function versionDate(version: string, where: string): string {
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(version);
    if (m === null) throw new Error(`${where}: no publicationDate and version "${version}" is not a YYYYMMDDhhmmss timestamp`);
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

function asObject(value: Json | undefined): Record<string, Json> {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function strings(value: Json | undefined): Record<string, string> {
    return Object.fromEntries(Object.entries(asObject(value)).filter((e): e is [string, string] => typeof e[1] === "string"));
}

function productOf(value: Json | undefined, sku: string): OfferProduct | undefined {
    const p = asObject(value);
    return { sku: typeof p["sku"] === "string" ? p["sku"] : sku, productFamily: typeof p["productFamily"] === "string" ? p["productFamily"] : "", attributes: strings(p["attributes"]) };
}

function termOf(value: Json, kind: "OnDemand" | "Reserved", sku: string): OfferTerm | undefined {
    const t = asObject(value);
    const dimensions = Object.values(asObject(t["priceDimensions"])).flatMap((d): PriceDimension[] => {
        const dim = asObject(d);
        const usd = Number(asObject(dim["pricePerUnit"])["USD"]);
        if (typeof dim["unit"] !== "string" || !Number.isFinite(usd)) return [];
        const begin = dim["beginRange"] === undefined ? undefined : Number(dim["beginRange"]);
        const end = dim["endRange"] === "Inf" ? Number.POSITIVE_INFINITY : dim["endRange"] === undefined ? undefined : Number(dim["endRange"]);
        return [{ unit: dim["unit"], usd, description: typeof dim["description"] === "string" ? dim["description"] : "", ...(begin !== undefined ? { beginRange: begin } : {}), ...(end !== undefined ? { endRange: end } : {}) }];
    });
    const offerTermCode = typeof t["offerTermCode"] === "string" ? t["offerTermCode"] : "";
    return { kind, sku, offerTermCode, dimensions, termAttributes: strings(t["termAttributes"]) };
}
