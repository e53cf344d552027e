/** Temporary directories for a test file's fixtures, all removed by the file's `afterAll(removeTempDirs)`. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const made: string[] = [];

/** A fresh directory under the OS temp dir, named `llm-breakeven-<prefix>XXXXXX`. */
export function tempDir(prefix: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `llm-breakeven-${prefix}`));
    made.push(dir);
    return dir;
}

/** Deletes every directory tempDir() made in this test file. */
export function removeTempDirs(): void {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
