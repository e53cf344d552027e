/**
 * Times 100,000 estimates and prints estimates per second. A figure to watch, not a test: nothing
 * here asserts a time. Each estimate varies the volume and the ratio so no result is reused.
 *
 *   npm run bench:estimate            (or: npx tsx bench/estimate.ts [count])
 */
import { estimate, formatWhole, seedScenario } from "../cost";

const count = Number(process.argv[2] ?? 100_000);
if (!(Number.isInteger(count) && count > 0)) {
    process.stderr.write(`bench/estimate: count "${process.argv[2]}" must be a whole number above 0\n`);
    process.exit(2);
}

const seed = seedScenario();
// Warm up the JIT (and the calibrated efficiency, computed once per process).
for (let i = 0; i < 1_000; i++) estimate({ ...seed, tokensPerMonth: 1e8 + i * 1e7 });

let checksum = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < count; i++) {
    const e = estimate({ ...seed, tokensPerMonth: 1e8 + (i % 10_000) * 5e6, inputOutputRatio: 1 + (i % 20) });
    checksum += e.capacity.nodesNeeded;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${formatWhole(count)} estimates in ${seconds.toFixed(2)} s: ${formatWhole(count / seconds)} estimates/second (checksum ${checksum})\n`);
