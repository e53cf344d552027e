/**
 * KEDA has no kubernetes-models package: a ScaledObject is checked against the CRD's own OpenAPI
 * schema, read from the chart the stack pins (fixtures/keda-2.20.2-scaledobject.schema.json: its
 * `source` names the commit and file). The API server prunes fields a structural schema does not
 * name; here an unnamed field is an error instead, so a misspelt key fails the test rather than
 * vanishing at deploy time.
 */
import Ajv from "ajv";
import * as fs from "fs";
import * as path from "path";
import { KEDA_CHART } from "../../components/selfHosted/autoscaling";

export const SCALED_OBJECT_SCHEMA_FILE = path.join(__dirname, "fixtures", `keda-${KEDA_CHART.version}-scaledobject.schema.json`);

interface SchemaFile { readonly source: string; readonly group: string; readonly version: string; readonly kind: string; readonly openAPIV3Schema: Record<string, unknown> }

/** Every object schema that names its properties and keeps no unknown fields gets additionalProperties: false. */
function closed(schema: unknown): unknown {
    if (Array.isArray(schema)) return schema.map(closed);
    if (schema === null || typeof schema !== "object") return schema;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(schema)) out[key] = key === "properties" ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, closed(v)])) : closed(value);
    if (out["properties"] !== undefined && out["additionalProperties"] === undefined && out["x-kubernetes-preserve-unknown-fields"] !== true) out["additionalProperties"] = false;
    return out;
}

const file = JSON.parse(fs.readFileSync(SCALED_OBJECT_SCHEMA_FILE, "utf8")) as SchemaFile;
// strict: false: the schema carries Kubernetes' x-kubernetes-* keywords, which ajv does not know.
const ajv = new Ajv({ strict: false, allErrors: true });
// Kubernetes' OpenAPI integer formats, as the API server checks them.
ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
// Only in status, which the stack never writes: RFC 3339, as Kubernetes serialises times.
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
const validateFn = ajv.compile(closed(file.openAPIV3Schema) as object);

export const SCALED_OBJECT_SCHEMA_SOURCE = file.source;

/** The same shape as a kubernetes-models class: construct, then validate() throws on a bad object. */
export class ScaledObjectModel {
    constructor(private readonly object: unknown) {}

    validate(): void {
        const o = this.object as Record<string, unknown>;
        if (o["apiVersion"] !== `${file.group}/${file.version}` || o["kind"] !== file.kind) throw new Error(`not a ${file.group}/${file.version} ${file.kind}: ${String(o["apiVersion"])}/${String(o["kind"])}`);
        if (!validateFn(this.object)) throw new Error((validateFn.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""}${e.params !== undefined ? ` ${JSON.stringify(e.params)}` : ""}`).join("; "));
    }
}
