/**
 * Every file a command writes (`plan --out`, `estimate --chart`, any `--write-*`): checked when the
 * flags are read, before any work, and written atomically when the work is done.
 *
 *   const out = outputDir("--out", options.out);          // at the edge: throws OutputError now
 *   ...the work...
 *   out.write([{ name: "report.md", content: md }]);        // temp file + rename, per file
 *
 *   const chart = outputFile("--chart", options.chart, { extensions: [".svg"] });
 *   chart.write(svg);
 *
 * Rules, each because of a failure seen in the field (issue 15):
 * - Folders are created one level at a time (never `mkdir -p`): Node's recursive mkdir loops
 *   forever below /proc (`/proc/x`, `/proc/1/nonexist/x`), at 100% CPU with nothing printed.
 * - A path on a kernel filesystem (proc, sysfs, cgroup, debugfs, ...) is refused up front: it holds
 *   kernel state, not files.
 * - The check probes the nearest existing folder by creating and removing a temporary entry there,
 *   so permission, read-only and "below a regular file" problems surface before any work.
 * - Each file is written to a temporary name in its own folder and renamed over the target, so a
 *   reader never sees half a file. On failure every temporary file and every folder this write
 *   created is removed: nothing partial is left.
 * - Every failure is an OutputError (a UsageError): one line naming the flag, the path and the
 *   reason; the CLI prints it and exits 2.
 */
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../errors";

/** A path a flag names cannot be written: `--out /proc/x: ...`. */
export class OutputError extends UsageError {
    constructor(readonly flag: string, readonly target: string, reason: string) {
        super(`${flag} ${target}: ${reason}`);
    }
}

export interface OutputContent {
    /** A file name inside the folder (no separators). */
    readonly name: string;
    readonly content: string | Uint8Array;
}

/** A checked output folder. */
export interface OutputDir {
    readonly flag: string;
    readonly path: string;
    /** Writes every file (each atomically), creating the folder if needed; returns the paths written. */
    write(files: readonly OutputContent[]): string[];
}

/** A checked output file. */
export interface OutputFile {
    readonly flag: string;
    readonly path: string;
    /** Writes the file atomically, creating its folder if needed. */
    write(content: string | Uint8Array): void;
}

/**
 * Kernel filesystems (statfs f_type, from linux/magic.h): nothing there is a place for a report.
 * tmpfs and overlay are ordinary places to write and are not listed.
 */
const SPECIAL_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
    [0x9fa0, "proc"],
    [0x62656572, "sysfs"],
    [0x27e0eb, "cgroup"],
    [0x63677270, "cgroup2"],
    [0x64626720, "debugfs"],
    [0x74726163, "tracefs"],
    [0x73636673, "securityfs"],
    [0x6165676c, "pstore"],
    [0xcafe4a11, "bpf"],
    [0x62656570, "configfs"],
    [0x1cd1, "devpts"],
    [0xf97cff8c, "selinuxfs"],
    [0x42494e4d, "binfmt_misc"],
]);

/** A short reason for an errno, for the one-line message. */
function reasonOf(error: unknown): string {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
        case "EACCES":
        case "EPERM":
            return "permission denied";
        case "EROFS":
            return "read-only filesystem";
        case "ENOSPC":
            return "no space left on the device";
        case "EDQUOT":
            return "disk quota exceeded";
        case "ENOTDIR":
            return "a part of the path is a file, not a directory";
        case "ENOENT":
            return "the folder cannot hold new entries (no such file or directory)";
        case "EISDIR":
            return "a file to write is a directory";
        case "ENAMETOOLONG":
            return "the name is too long";
        case "ELOOP":
            return "too many symbolic links";
        default:
            return code !== undefined ? `cannot write (${code})` : `cannot write (${(error as Error).message})`;
    }
}

function statOrUndefined(p: string): fs.Stats | undefined {
    try {
        return fs.statSync(p);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return undefined;
        // ENOTDIR: an ancestor is a regular file; the caller reports it from that ancestor.
        if (code === "ENOTDIR") return undefined;
        throw error;
    }
}

/** The nearest existing ancestor of an absolute path and the folders below it that do not exist yet (outermost first). */
function nearestExisting(absolute: string): { readonly existing: string; readonly stat: fs.Stats; readonly missing: readonly string[] } {
    const missing: string[] = [];
    let current = absolute;
    for (;;) {
        const stat = statOrUndefined(current);
        if (stat !== undefined) return { existing: current, stat, missing };
        missing.unshift(current);
        const parent = path.dirname(current);
        if (parent === current) throw new Error(`no existing ancestor of ${absolute}`);
        current = parent;
    }
}

function specialFilesystem(dir: string): string | undefined {
    try {
        return SPECIAL_FILESYSTEMS.get(fs.statfsSync(dir).type);
    } catch {
        return undefined;
    }
}

/** Creating and removing a temporary folder in `dir` proves that entries can be made there. */
function probeWritable(dir: string): string | undefined {
    try {
        fs.rmdirSync(fs.mkdtempSync(path.join(dir, ".llm-breakeven-probe-")));
        return undefined;
    } catch (error) {
        return reasonOf(error);
    }
}

/**
 * Checks that `dir` is, or can become, a folder this process writes into: its nearest existing
 * ancestor is a folder, on an ordinary filesystem, where an entry can be created. Creates nothing.
 */
function checkFolder(flag: string, target: string, dir: string, dirIsTarget: boolean): readonly string[] {
    const { existing, stat, missing } = nearestExisting(dir);
    if (!stat.isDirectory()) {
        const what = existing === dir && dirIsTarget ? "exists and is not a directory" : `${existing} is a file, not a directory`;
        throw new OutputError(flag, target, what);
    }
    const special = specialFilesystem(existing);
    if (special !== undefined) throw new OutputError(flag, target, `${existing} is on a ${special} filesystem (kernel state, not files); choose a directory on disk`);
    const problem = probeWritable(existing);
    if (problem !== undefined) throw new OutputError(flag, target, `cannot create files in ${existing} (${problem})`);
    return missing;
}

/** A temporary name beside the target: same folder, so the rename is atomic. */
function tempName(file: string): string {
    return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`);
}

function removeQuietly(remove: () => void): void {
    try {
        remove();
    } catch {
        // Cleanup after a failure: the original error is the one to report.
    }
}

/**
 * Creates the missing folders one level at a time, writes every file to a temporary name, then
 * renames each over its target. On any failure, removes what it made and throws OutputError.
 */
function commit(flag: string, target: string, missing: readonly string[], files: ReadonlyArray<readonly [string, string | Uint8Array]>): void {
    const created: string[] = [];
    const temps: string[] = [];
    try {
        for (const dir of missing) {
            fs.mkdirSync(dir);
            created.push(dir);
        }
        const staged = files.map(([file, content]) => {
            const temp = tempName(file);
            temps.push(temp);
            fs.writeFileSync(temp, content, { flag: "wx" });
            return [temp, file] as const;
        });
        // A rename in a directory we just wrote a temporary file into fails only when the target is not
        // a regular file: find that before the first rename, so a set of files is replaced whole or not at all.
        for (const [, file] of staged) {
            const existing = statOrUndefined(file);
            if (existing !== undefined && !existing.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: existing.isDirectory() ? "EISDIR" : "EEXIST", path: file });
        }
        for (const [temp, file] of staged) fs.renameSync(temp, file);
    } catch (error) {
        for (const temp of temps) removeQuietly(() => fs.rmSync(temp, { force: true }));
        for (const dir of created.reverse()) removeQuietly(() => fs.rmdirSync(dir));
        const failed = (error as { path?: unknown }).path;
        throw new OutputError(flag, target, `${reasonOf(error)}${typeof failed === "string" && !failed.includes(".tmp") ? ` (${failed})` : ""}`);
    }
}

/** Checks an output folder now (throws OutputError); the returned handle writes into it later. */
export function outputDir(flag: string, dir: string): OutputDir {
    if (dir.trim() === "") throw new OutputError(flag, JSON.stringify(dir), "is empty; name a directory");
    const absolute = path.resolve(dir);
    const missing = checkFolder(flag, dir, absolute, true);
    return {
        flag,
        path: dir,
        write(files) {
            for (const f of files) {
                if (f.name !== path.basename(f.name) || f.name === "" || f.name === "." || f.name === "..") throw new Error(`outputDir.write: "${f.name}" is not a plain file name`);
            }
            // Between the check and now, a folder may have appeared: create only what is still missing.
            const stillMissing = missing.filter((d) => statOrUndefined(d) === undefined);
            commit(flag, dir, stillMissing, files.map((f) => [path.join(absolute, f.name), f.content] as const));
            return files.map((f) => path.join(dir, f.name));
        },
    };
}

/**
 * Checks an output file now (throws OutputError): not a folder, with one of `extensions` when given,
 * in a folder that is or can become writable. The returned handle writes it later.
 */
export function outputFile(flag: string, file: string, options: { readonly extensions?: readonly string[] } = {}): OutputFile {
    if (file.trim() === "") throw new OutputError(flag, JSON.stringify(file), "is empty; name a file");
    const extensions = options.extensions;
    if (extensions !== undefined && !extensions.includes(path.extname(file).toLowerCase())) {
        throw new OutputError(flag, file, `must name a ${extensions.join(" or ")} file (e.g. break-even${extensions[0] ?? ""})`);
    }
    const absolute = path.resolve(file);
    const stat = statOrUndefined(absolute);
    if (stat?.isDirectory() === true) throw new OutputError(flag, file, "is a directory; name a file inside it");
    if (stat !== undefined && !stat.isFile()) throw new OutputError(flag, file, "exists and is not a regular file");
    const missing = checkFolder(flag, file, path.dirname(absolute), false);
    return {
        flag,
        path: file,
        write(content) {
            const stillMissing = missing.filter((d) => statOrUndefined(d) === undefined);
            commit(flag, file, stillMissing, [[absolute, content]]);
        },
    };
}
