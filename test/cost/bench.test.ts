/** bench/estimate.ts (npm run bench:estimate): prints estimates per second; a bad count is exit 2. No time is asserted. */
import { spawnSync } from "child_process";
import * as path from "path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const bench = (args: readonly string[]) => spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "bench", "estimate.ts"), ...args], { cwd: ROOT, encoding: "utf8" });

describe("bench/estimate.ts", () => {
    it("times the estimates it is asked for and prints estimates per second", () => {
        const result = bench(["2000"]);
        expect(result.status).toBe(0);
        expect(result.stdout).toMatch(/^2,000 estimates in \d+\.\d\d s: [1-9][\d,]* estimates\/second \(checksum [1-9]\d*\)\n$/);
    });

    it("refuses a count that is not a whole number above 0", () => {
        const result = bench(["0"]);
        expect(result.status).toBe(2);
        expect(result.stderr).toBe('bench/estimate: count "0" must be a whole number above 0\n');
    });
});
