/**
 * Physical names that two stacks in one account must not share. A name AWS keeps account-wide (IAM)
 * or region-wide (log groups, alarms, secrets, WAF ACLs, clusters, buckets, parameters, task
 * families, snapshots) makes the second stack's `pulumi up` fail, or worse, adopt the first one's.
 * `plan --all` runs every shipped stack under mocks and checks the names they set explicitly;
 * auto-named resources get a random suffix from the engine and cannot collide.
 */
import { readStackFile } from "../../mockrun";
import { UsageError } from "../errors";
import physicalNameScopes from "./physicalNames.json";

/** Where AWS keeps a resource type's name unique, and the inputs that are its physical names (physicalNames.json). */
export const PHYSICAL_NAME_KEYS: Readonly<Record<string, { readonly scope: "account" | "region"; readonly keys: readonly string[] }>> = Object.fromEntries(
    (["account", "region"] as const).flatMap((scope) => Object.entries(physicalNameScopes[scope]).map(([type, keys]) => [type, { scope, keys }])),
);

export interface NamedResource {
    readonly type: string;
    readonly urn: string;
    readonly inputs: Readonly<Record<string, unknown>>;
}

export interface StackResources {
    readonly stack: string;
    /** The AWS account the stack deploys to; undefined when its config does not pin one (then it may share any). */
    readonly account: string | undefined;
    readonly region: string;
    readonly resources: readonly NamedResource[];
}

export interface NameCollision {
    /** "<type> <key> \"<name>\"" */
    readonly what: string;
    readonly where: string;
    readonly stacks: readonly string[];
}

/** Every explicit physical name of a stack: "type|key|name" -> the resource's URN. */
function physicalNames(stack: StackResources): Map<string, string> {
    const names = new Map<string, string>();
    for (const r of stack.resources) {
        const spec = PHYSICAL_NAME_KEYS[r.type];
        if (spec === undefined) continue;
        for (const key of spec.keys) {
            const value = r.inputs[key];
            if (typeof value === "string" && value !== "") names.set(`${r.type}|${key}|${value}|${spec.scope === "account" ? "" : stack.region}`, r.urn);
        }
    }
    return names;
}

/**
 * The physical names two or more stacks would create in one account (and region, where the name is
 * regional). Stacks that pin different accounts cannot collide; one that pins none may share with any.
 */
export function nameCollisions(stacks: readonly StackResources[]): NameCollision[] {
    const owners = new Map<string, { stack: string; account: string | undefined }[]>();
    for (const s of stacks) {
        for (const key of physicalNames(s).keys()) owners.set(key, [...(owners.get(key) ?? []), { stack: s.stack, account: s.account }]);
    }
    const collisions: NameCollision[] = [];
    for (const [key, holders] of owners) {
        const sharing = holders.filter((h, i) => holders.some((o, j) => j !== i && (h.account === undefined || o.account === undefined || h.account === o.account)));
        if (sharing.length < 2) continue;
        const [type, prop, name, region] = key.split("|") as [string, string, string, string];
        collisions.push({ what: `${type} ${prop} "${name}"`, where: region === "" ? "account-wide" : region, stacks: sharing.map((h) => h.stack).sort() });
    }
    return collisions.sort((a, b) => a.what.localeCompare(b.what));
}

/** One line per collision, naming the resource, the name, the stacks and the fix; empty when none. */
export function describeCollisions(collisions: readonly NameCollision[]): string[] {
    return collisions.map((c) => `${c.what} (${c.where}) is created by ${c.stacks.join(" and ")}: the second \`pulumi up\` fails; put the stack (pulumi.getStack()) and the project in the name`);
}

/** The shape `plan --all` holds: each stack's plan, its region and its resource rows. */
export interface PlannedStack {
    readonly stack: string;
    readonly region: string;
    readonly after: { readonly rows: readonly { readonly state: NamedResource }[] };
}

/** The one account a shipped stack pins (`aws:allowedAccountIds` with a single entry), else undefined. */
export function pinnedAccount(stack: string): string | undefined {
    const text = readStackFile(stack).config["aws:allowedAccountIds"];
    if (text === undefined) return undefined;
    const ids = JSON.parse(text) as unknown;
    return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" ? ids[0] : undefined;
}

/** Throws a UsageError (every collision, one per line) when shipped stacks would create the same physical name. */
export function assertUniquePhysicalNames(plans: readonly PlannedStack[], accountOf: (stack: string) => string | undefined = pinnedAccount): void {
    const problems = describeCollisions(nameCollisions(plans.map((p) => ({ stack: p.stack, account: accountOf(p.stack), region: p.region, resources: p.after.rows.map((r) => r.state) }))));
    if (problems.length > 0) throw new UsageError(`physical names collide between shipped stacks:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
