/**
 * Reads `pulumi preview --json` and `pulumi stack export` (docs/sources.md §11).
 *
 * Preview: `{ config, steps[], diagnostics?, duration, changeSummary }`; each step
 * `{ op, urn, provider?, oldState?, newState?, diffReasons?, detailedDiff }`. `create` has only a
 * newState, `delete` only an oldState; unchanged resources appear (as `same`) only with
 * `--show-sames`. Unknown values are the engine's sentinel string; secrets are "[secret]".
 *
 * Export: `{ version: 3, deployment: { manifest, secrets_providers, resources[] } }`.
 */
import { UsageError } from "../errors";
import { isObject, parseJsonFile, parseUrn, readInputFile, requireAwsResources, ResourceState, stateFromJson } from "./state";

/** Every step op the engine writes (pkg/resource/deploy: StepOp), and what it does to the stack's resources. */
export const STEP_OPS = {
    same: "keep",
    create: "put",
    update: "put",
    delete: "remove",
    replace: "put",
    "create-replacement": "put",
    "delete-replaced": "none",
    read: "put",
    "read-replacement": "put",
    refresh: "put",
    "read-discard": "remove",
    "discard-replaced": "none",
    "remove-pending-replace": "none",
    import: "put",
    "import-replacement": "put",
} as const;

export type StepOp = keyof typeof STEP_OPS;

export interface PreviewStep {
    readonly op: StepOp;
    readonly urn: string;
    readonly oldState?: ResourceState;
    readonly newState?: ResourceState;
}

export interface Preview {
    readonly file: string;
    /** The stack named by the steps' URNs (the preview file does not say it otherwise). */
    readonly stack: string | undefined;
    /** The project named by the steps' URNs. */
    readonly project: string | undefined;
    /** The stack config the preview ran with, flat (`llm-breakeven:workload` -> JSON text); secrets "[secret]". */
    readonly config: Readonly<Record<string, string>>;
    readonly steps: readonly PreviewStep[];
    /** Whether unchanged resources are listed (`--show-sames`): only then is the after side the whole stack. */
    readonly showsSames: boolean;
}

export interface StackExport {
    readonly file: string;
    readonly stack: string | undefined;
    readonly project: string | undefined;
    readonly resources: readonly ResourceState[];
}

const PREVIEW = "`pulumi preview --json`";
const EXPORT = "`pulumi stack export`";

/** The stack and project the first URN names (every URN of one deployment names the same pair). */
function ownerOf(urns: readonly string[]): { readonly stack: string | undefined; readonly project: string | undefined } {
    for (const urn of urns) {
        const parts = parseUrn(urn);
        if (parts !== undefined) return { stack: parts.stack, project: parts.project };
    }
    return { stack: undefined, project: undefined };
}

/** Parses preview JSON text. Every problem is a UsageError naming the file, the step and the field. */
export function parsePreview(text: string, file: string): Preview {
    const flag = "--preview";
    const doc = parseJsonFile(text, file, flag, PREVIEW);
    if (!isObject(doc)) throw new UsageError(`${flag} ${file}: must be a JSON object with steps[] (the output of ${PREVIEW})`);
    if (!("steps" in doc)) {
        const hint = "deployment" in doc ? "; this looks like a stack export: pass it with --export" : "";
        throw new UsageError(`${flag} ${file}: has no "steps" array, so it is not the output of ${PREVIEW}${hint}`);
    }
    const rawSteps = doc["steps"];
    if (!Array.isArray(rawSteps)) throw new UsageError(`${flag} ${file}: "steps" must be an array (got ${typeof rawSteps})`);
    const steps: PreviewStep[] = [];
    rawSteps.forEach((raw, i) => {
        const where = `steps[${i}]`;
        try {
            if (!isObject(raw)) throw new Error(`${where}: must be an object`);
            const op = raw["op"];
            if (typeof op !== "string" || !(op in STEP_OPS)) {
                throw new Error(`${where}.op: ${JSON.stringify(op)} is not a step op; allowed: ${Object.keys(STEP_OPS).join(", ")}`);
            }
            const urn = raw["urn"];
            if (typeof urn !== "string" || parseUrn(urn) === undefined) throw new Error(`${where}.urn: ${JSON.stringify(urn)} is not a Pulumi URN`);
            const oldState = raw["oldState"] === undefined || raw["oldState"] === null ? undefined : stateFromJson(raw["oldState"], `${where}.oldState`);
            const newState = raw["newState"] === undefined || raw["newState"] === null ? undefined : stateFromJson(raw["newState"], `${where}.newState`);
            const effect = STEP_OPS[op as StepOp];
            if (effect === "put" && newState === undefined) throw new Error(`${where}: a "${op}" step must carry newState`);
            if ((op === "delete" || op === "update" || op === "replace") && oldState === undefined) throw new Error(`${where}: a "${op}" step must carry oldState`);
            if (op === "same" && oldState === undefined && newState === undefined) throw new Error(`${where}: a "same" step must carry its state (oldState or newState)`);
            steps.push({ op: op as StepOp, urn, ...(oldState !== undefined ? { oldState } : {}), ...(newState !== undefined ? { newState } : {}) });
        } catch (error) {
            if (error instanceof UsageError) throw error;
            throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
        }
    });
    const config: Record<string, string> = {};
    const rawConfig = doc["config"];
    if (rawConfig !== undefined && rawConfig !== null) {
        if (!isObject(rawConfig)) throw new UsageError(`${flag} ${file}: "config" must be an object of key -> value`);
        for (const [key, value] of Object.entries(rawConfig)) config[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    requireAwsResources(steps.flatMap((s) => [s.oldState, s.newState]).filter((s): s is ResourceState => s !== undefined), file, flag);
    return { file, ...ownerOf(steps.map((s) => s.urn)), config, steps, showsSames: steps.some((s) => s.op === "same") };
}

export function readPreview(file: string): Preview {
    return parsePreview(readInputFile(file, "--preview"), file);
}

/** Parses `pulumi stack export` text (version 3). */
export function parseExport(text: string, file: string): StackExport {
    const flag = "--export";
    const doc = parseJsonFile(text, file, flag, EXPORT);
    if (!isObject(doc)) throw new UsageError(`${flag} ${file}: must be a JSON object { version, deployment } (the output of ${EXPORT})`);
    if ("steps" in doc && !("deployment" in doc)) throw new UsageError(`${flag} ${file}: has "steps", so it is a preview, not a stack export: pass it with --preview`);
    if (doc["version"] !== 3) throw new UsageError(`${flag} ${file}: version ${JSON.stringify(doc["version"])} is not supported; llm-breakeven reads version 3 (the output of ${EXPORT})`);
    const deployment = doc["deployment"];
    if (!isObject(deployment)) throw new UsageError(`${flag} ${file}: "deployment" must be an object with resources[]`);
    const raw = deployment["resources"] ?? [];
    if (!Array.isArray(raw)) throw new UsageError(`${flag} ${file}: "deployment.resources" must be an array`);
    const resources = raw.map((r, i) => {
        try {
            return stateFromJson(r, `deployment.resources[${i}]`);
        } catch (error) {
            throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
        }
    });
    requireAwsResources(resources, file, flag);
    return { file, ...ownerOf(resources.map((r) => r.urn)), resources };
}

export function readExport(file: string): StackExport {
    return parseExport(readInputFile(file, "--export"), file);
}

export interface BeforeAfter {
    /** The stack's resources before the change: the export, else what the preview's steps say existed. */
    readonly before: readonly ResourceState[];
    /** After: the before side with every step applied. */
    readonly after: readonly ResourceState[];
    /** The op per URN (resources no step names are unchanged). */
    readonly ops: ReadonlyMap<string, StepOp>;
    /** Whether before and after are the whole stack (an export was given, or the preview shows sames). */
    readonly complete: boolean;
}

/**
 * Applies a preview to a before state. Replacements come as create-replacement, replace and
 * delete-replaced for the same URN: the new copy stays, so delete-replaced removes nothing.
 */
export function applyPreview(preview: Preview | undefined, base: StackExport | undefined): BeforeAfter {
    const before = new Map<string, ResourceState>();
    if (base !== undefined) {
        for (const r of base.resources) before.set(r.urn, r);
    } else if (preview !== undefined) {
        for (const step of preview.steps) {
            const existed = step.oldState ?? (step.op === "same" ? step.newState : undefined);
            if (existed !== undefined && !before.has(step.urn)) before.set(step.urn, existed);
        }
    }
    const after = new Map(before);
    const ops = new Map<string, StepOp>();
    for (const step of preview?.steps ?? []) {
        const effect = STEP_OPS[step.op];
        // The op a reader cares about per resource: a replace outranks its create-replacement/delete-replaced halves.
        const previous = ops.get(step.urn);
        if (previous === undefined || step.op === "replace" || (previous === "same" && effect !== "keep")) ops.set(step.urn, step.op);
        if (effect === "put" && step.newState !== undefined) after.set(step.urn, step.newState);
        else if (effect === "remove") after.delete(step.urn);
        else if (effect === "keep" && !after.has(step.urn)) {
            const state = step.newState ?? step.oldState;
            if (state !== undefined) after.set(step.urn, state);
        }
    }
    return { before: [...before.values()], after: [...after.values()], ops, complete: base !== undefined || (preview?.showsSames ?? false) };
}
