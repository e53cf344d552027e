/**
 * Resources as a plan reads them, from any of its three sources: a mock run of the program, a
 * `pulumi preview --json` file, a `pulumi stack export` file. One shape, so pricing, the policy
 * verdict and the reports do not care where a resource came from.
 */
import * as fs from "fs";
import { UsageError } from "../errors";
import { redactSecrets } from "../../mockrun";
import type { StackResource } from "../../cost/resource";

/** A resource as a plan reads it: the shared shape plus its inputs as shown to a reader. */
export interface ResourceState extends StackResource {
    /** The inputs as shown to a reader: every secret is "[secret]". */
    readonly inputs: Readonly<Record<string, unknown>>;
}

/**
 * `urn:pulumi:<stack>::<project>::<type chain>::<name>` -> its parts; undefined when it is not a URN.
 * The type chain is the parents' types, outermost first, then the resource's own (`type`).
 */
export function parseUrn(urn: string): { readonly stack: string; readonly project: string; readonly typeChain: readonly string[]; readonly type: string; readonly name: string } | undefined {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::(.+?)::(.*)$/s.exec(urn);
    if (m === null) return undefined;
    const typeChain = m[3]!.split("$");
    return { stack: m[1]!, project: m[2]!, typeChain, type: typeChain[typeChain.length - 1]!, name: m[4]! };
}

/**
 * Reads a file a flag names, as text. A missing file, a directory or an unreadable file is a
 * UsageError naming the flag and the path.
 */
export function readInputFile(file: string, flag: string): string {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(file);
    } catch {
        throw new UsageError(`${flag} ${file}: no such file`);
    }
    if (stat.isDirectory()) throw new UsageError(`${flag} ${file}: is a directory; pass the JSON file itself`);
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`${flag} ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
}

/** JSON.parse with an error that says where the file stops making sense (a truncated file ends early). */
export function parseJsonFile(text: string, file: string, flag: string, what: string): unknown {
    if (text.trim() === "") throw new UsageError(`${flag} ${file}: is empty; expected the JSON output of ${what}`);
    try {
        return JSON.parse(text) as unknown;
    } catch (error) {
        const message = (error as Error).message;
        const truncated = /end of (JSON )?input|Unterminated|Unexpected end/i.test(message);
        throw new UsageError(`${flag} ${file}: is not valid JSON${truncated ? " (the file ends early: truncated?)" : ""}: ${message}; expected the JSON output of ${what}`);
    }
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * One resource state from a preview step or an export (`apitype.ResourceV3`: urn, custom, type,
 * inputs, outputs, parent, provider, propertyDependencies). `where` names it in errors.
 */
export function stateFromJson(value: unknown, where: string): ResourceState {
    if (!isObject(value)) throw new Error(`${where}: must be an object`);
    const urn = value["urn"];
    if (typeof urn !== "string") throw new Error(`${where}.urn: missing (got ${JSON.stringify(urn)})`);
    const parts = parseUrn(urn);
    if (parts === undefined) throw new Error(`${where}.urn: ${JSON.stringify(urn)} is not a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>)`);
    const type = value["type"] ?? parts.type;
    if (typeof type !== "string" || type === "") throw new Error(`${where}.type: must be a type token such as aws:ec2/vpc:Vpc (got ${JSON.stringify(type)})`);
    const inputs = value["inputs"] ?? {};
    const outputs = value["outputs"] ?? {};
    if (!isObject(inputs)) throw new Error(`${where}.inputs: must be an object (got ${JSON.stringify(inputs)})`);
    if (!isObject(outputs)) throw new Error(`${where}.outputs: must be an object (got ${JSON.stringify(outputs)})`);
    // ResourceV3 always writes `custom`; when a hand-made file leaves it out, a provider reference marks a custom resource.
    const custom = typeof value["custom"] === "boolean" ? value["custom"] : typeof value["provider"] === "string" && value["provider"] !== "";
    const parent = typeof value["parent"] === "string" && value["parent"] !== "" ? value["parent"] : undefined;
    const deps = value["propertyDependencies"];
    const propertyDependencies: Record<string, string[]> = {};
    if (isObject(deps)) {
        for (const [k, v] of Object.entries(deps)) if (Array.isArray(v)) propertyDependencies[k] = v.filter((u): u is string => typeof u === "string");
    }
    const shownInputs = redactSecrets(inputs) as Record<string, unknown>;
    return {
        urn, type, name: parts.name, custom, parent,
        inputs: shownInputs,
        props: { ...shownInputs, ...(redactSecrets(outputs) as Record<string, unknown>) },
        ...(Object.keys(propertyDependencies).length > 0 ? { propertyDependencies } : {}),
    };
}

/** Packages whose resources this tool prices or knows to be free; anything else is another cloud or an unknown provider. */
const KNOWN_PACKAGES = new Set(["aws", "kubernetes", "random", "tls", "pulumi", "llm-breakeven"]);

/**
 * Fails when a file holds resources but none from AWS (a GCP or Azure stack): the catalogue prices
 * AWS in us-east-1 only, and calling such a stack "$0" would be a lie. A mix keeps the others,
 * listed as unpriced.
 */
export function requireAwsResources(states: readonly ResourceState[], file: string, flag: string): void {
    const billable = states.filter((s) => s.custom && !s.type.startsWith("pulumi:"));
    if (billable.length === 0) return;
    if (billable.some((s) => s.type.startsWith("aws:"))) return;
    const counts = new Map<string, number>();
    for (const s of billable) {
        const pkg = s.type.split(":")[0] ?? s.type;
        if (KNOWN_PACKAGES.has(pkg)) continue;
        counts.set(pkg, (counts.get(pkg) ?? 0) + 1);
    }
    if (counts.size === 0) return;
    const found = [...counts].map(([pkg, n]) => `${n} ${pkg}:*`).join(", ");
    throw new UsageError(`${flag} ${file}: has no AWS resources (found ${found}); llm-breakeven prices AWS stacks from its us-east-1 catalogue only`);
}
