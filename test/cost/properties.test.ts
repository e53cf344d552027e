/** Properties over random scenarios (fast-check): monotone cost and nodes, break-even where the curves cross. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatUsd, formatWhole } from "../../cost/units";
import { CapacityCurve, MAX_FLEET_NODES, apiMonthlyUsd, capacityAwareBreakEven, capacityAwareMonthlyUsd, estimate, fixedNodesBreakEven, nodesNeeded, seedScenario } from "../../cost";

const volume = fc.double({ min: 1e6, max: 1e13, noNaN: true });
const curveArb: fc.Arbitrary<CapacityCurve> = fc.record({
    nodeMonthlyUsd: fc.double({ min: 500, max: 100_000, noNaN: true }),
    overheadMonthlyUsd: fc.double({ min: 0, max: 50_000, noNaN: true }),
    nodeTokensPerMonth: fc.double({ min: 1e8, max: 1e11, noNaN: true }),
    peakToAverage: fc.double({ min: 1, max: 10, noNaN: true }),
    redundancy: fc.boolean(),
});
const rateArb = fc.double({ min: 0.01, max: 50, noNaN: true });
const cacheArb = fc.double({ min: 0, max: 0.9, noNaN: true });

describe("properties", () => {
    it("nodes needed never falls as volume rises", () => {
        fc.assert(fc.property(curveArb, volume, volume, (c, a, b) => {
            const [low, high] = a <= b ? [a, b] : [b, a];
            const n = (tokensPerMonth: number) => nodesNeeded({ tokensPerMonth, peakToAverage: c.peakToAverage, nodeTokensPerMonth: c.nodeTokensPerMonth, redundancy: c.redundancy });
            expect(n(high)).toBeGreaterThanOrEqual(n(low));
            expect(n(low)).toBeGreaterThanOrEqual(c.redundancy ? 2 : 1);
        }), { numRuns: 2000 });
    });

    it("self-hosted (capacity-aware) and API cost never fall as volume rises", () => {
        fc.assert(fc.property(curveArb, rateArb, cacheArb, volume, volume, (c, rate, cache, a, b) => {
            const [low, high] = a <= b ? [a, b] : [b, a];
            expect(capacityAwareMonthlyUsd(c, high)).toBeGreaterThanOrEqual(capacityAwareMonthlyUsd(c, low));
            expect(apiMonthlyUsd({ tokensPerMonth: high, usdPerMTok: rate, cacheHitRate: cache })).toBeGreaterThanOrEqual(apiMonthlyUsd({ tokensPerMonth: low, usdPerMTok: rate, cacheHitRate: cache }));
        }), { numRuns: 2000 });
    });

    it("the whole estimate's capacity cost and API cost never fall as volume rises", () => {
        const seed = seedScenario();
        fc.assert(fc.property(volume, volume, fc.double({ min: 0.5, max: 20, noNaN: true }), (a, b, ratio) => {
            const [low, high] = a <= b ? [a, b] : [b, a];
            const at = (tokensPerMonth: number) => estimate({ ...seed, tokensPerMonth, inputOutputRatio: ratio });
            const [el, eh] = [at(low), at(high)];
            expect(eh.capacity.monthlyUsd).toBeGreaterThanOrEqual(el.capacity.monthlyUsd);
            expect(eh.capacity.nodesNeeded).toBeGreaterThanOrEqual(el.capacity.nodesNeeded);
            expect(eh.api.monthlyUsd).toBeGreaterThanOrEqual(el.api.monthlyUsd);
            // The configured nodes cost the same at any volume (the seed's view).
            expect(eh.selfHosted.monthlyUsd).toBe(el.selfHosted.monthlyUsd);
        }), { numRuns: 300 });
    });

    it("fixed-node break-even is where the flat self-hosted line meets the API line", () => {
        fc.assert(fc.property(fc.double({ min: 100, max: 1e6, noNaN: true }), rateArb, cacheArb, (monthly, rate, cache) => {
            const b = fixedNodesBreakEven({ selfHostedMonthlyUsd: monthly, usdPerMTok: rate, cacheHitRate: cache });
            expect(b.tokensPerMonth).not.toBeNull();
            const api = apiMonthlyUsd({ tokensPerMonth: b.tokensPerMonth!, usdPerMTok: rate, cacheHitRate: cache });
            expect(Math.abs(api - monthly) / monthly).toBeLessThan(1e-9);
            expect(apiMonthlyUsd({ tokensPerMonth: b.tokensPerMonth! * 0.999, usdPerMTok: rate, cacheHitRate: cache })).toBeLessThan(monthly);
            expect(apiMonthlyUsd({ tokensPerMonth: b.tokensPerMonth! * 1.001, usdPerMTok: rate, cacheHitRate: cache })).toBeGreaterThan(monthly);
        }), { numRuns: 2000 });
    });

    it("capacity-aware break-even is the first volume where the step curve meets the API line, or they never meet", () => {
        fc.assert(fc.property(curveArb, rateArb, cacheArb, (c, rate, cache) => {
            const b = capacityAwareBreakEven(c, rate, cache);
            const api = (v: number) => apiMonthlyUsd({ tokensPerMonth: v, usdPerMTok: rate, cacheHitRate: cache });
            const selfHosted = (v: number) => capacityAwareMonthlyUsd(c, v);
            if (b.kind === "breaks-even") {
                const v = b.tokensPerMonth;
                // At the break-even the curves meet (self-hosted at or just below the API bill).
                expect(selfHosted(v)).toBeLessThanOrEqual(api(v) * (1 + 1e-9));
                expect(selfHosted(v)).toBeCloseTo(b.monthlyUsd, 6);
                expect(nodesNeeded({ tokensPerMonth: v, peakToAverage: c.peakToAverage, nodeTokensPerMonth: c.nodeTokensPerMonth, redundancy: c.redundancy })).toBe(b.nodes);
                // Everywhere below it, self-hosting costs more: sample the volumes before it, step edges included.
                const servedPerNode = c.nodeTokensPerMonth / c.peakToAverage;
                const samples = [v * 0.999, v * 0.5, v * 0.1, ...Array.from({ length: b.nodes }, (_, k) => k * servedPerNode).filter((x) => x > 0 && x < v * 0.999)];
                for (const x of samples) expect(selfHosted(x)).toBeGreaterThan(api(x));
            } else {
                // Never: far past any step (up to the largest fleet the engine considers), the API is
                // still cheaper than the nodes needed.
                const fleetVolume = (MAX_FLEET_NODES - (c.redundancy ? 1 : 0)) * (c.nodeTokensPerMonth / c.peakToAverage);
                for (const x of [1e6, 1e9, 1e12, 1e15].filter((v) => v <= fleetVolume)) expect(selfHosted(x)).toBeGreaterThan(api(x));
            }
        }), { numRuns: 3000 });
    });
});

describe("capacity-aware break-even at the edge of never", () => {
    it("answers at once when a node costs a hair less than the API bill of what it serves (no walk to an absurd fleet)", () => {
        // 1e8 tokens/month per node at $10.000000000001/M is worth $1,000.0000000001 against a $1,000 node:
        // the closed form puts the crossing near 5e16 nodes, where nodes + 1 === nodes in floating point.
        const b = capacityAwareBreakEven({ nodeMonthlyUsd: 1000, overheadMonthlyUsd: 50_000, nodeTokensPerMonth: 1e8, peakToAverage: 1, redundancy: true }, 10.000000000001, 0);
        expect(b.kind).toBe("never");
        expect(b.statement).toMatch(/beyond 10k nodes/);
    });

    it("formats figures exactly as Intl.NumberFormat(\"en-US\") does, without starting ICU", () => {
        const whole = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
        const cents = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        const usd = (v: number) => `${v < 0 ? "-" : ""}$${(Math.abs(v) < 10 && v !== Math.round(v) ? cents : whole).format(Math.abs(v))}`;
        const edges = [0, -0, 0.5, 2.5, -2.5, -0.4, 1.005, 9.995, 999.5, 1234567.891, 0.7 + 0.765, 0.024999999999999998, 1e-7, 1e15 - 0.5, 1e15, 1e20, 1e21, Infinity, -Infinity, NaN];
        for (const v of edges) {
            expect(formatWhole(v), String(v)).toBe(whole.format(v));
            expect(formatUsd(v), String(v)).toBe(usd(v));
        }
        // A double a few ulps either side of a half (cent or unit): where a second rounding would show.
        const ulps = (x: number, n: number): number => {
            const bits = new BigInt64Array(new Float64Array([x]).buffer);
            bits[0]! += BigInt(n);
            return new Float64Array(bits.buffer)[0]!;
        };
        const nearHalf = fc.tuple(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom(200, 2), fc.integer({ min: -4, max: 4 })).map(([k, d, n]) => ulps(k / d, n));
        const figure = fc.oneof(fc.double({ noNaN: false }), fc.double({ min: -20, max: 20 }), fc.double({ min: 1e-6, max: 1e15 }), fc.integer().map((i) => i / 1000), nearHalf);
        fc.assert(fc.property(figure, (v) => {
            expect(formatWhole(v)).toBe(whole.format(v));
            expect(formatUsd(v)).toBe(usd(v));
        }), { numRuns: 50_000 });
    });
});
