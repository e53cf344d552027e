/**
 * Nelder-Mead simplex minimisation (Nelder & Mead 1965; the standard reflection 1, expansion 2,
 * contraction 0.5, shrink 0.5). Small and dependency-free: the capacity fit has six parameters.
 */
export interface NelderMeadOptions {
    /** Initial step along each axis; default 0.5. */
    readonly step?: number;
    readonly maxIterations?: number;
    /** Stop when the simplex's values differ by less than this. */
    readonly tolerance?: number;
}

export function nelderMead(f: (x: readonly number[]) => number, start: readonly number[], options: NelderMeadOptions = {}): { readonly x: number[]; readonly value: number } {
    const n = start.length;
    const step = options.step ?? 0.5;
    const maxIterations = options.maxIterations ?? 4000;
    const tolerance = options.tolerance ?? 1e-12;
    let simplex = [start.slice(), ...start.map((_, i) => start.map((v, j) => (i === j ? v + step : v)))].map((x) => ({ x, value: f(x) }));
    const along = (from: readonly number[], to: readonly number[], t: number): number[] => from.map((v, i) => v + t * ((to[i] ?? 0) - v));
    for (let iteration = 0; iteration < maxIterations; iteration++) {
        simplex.sort((a, b) => a.value - b.value);
        const best = simplex[0]!;
        const worst = simplex[n]!;
        if (Math.abs(worst.value - best.value) < tolerance) break;
        const centroid = start.map((_, i) => simplex.slice(0, n).reduce((s, p) => s + (p.x[i] ?? 0), 0) / n);
        const reflected = along(centroid, worst.x, -1);
        const fr = f(reflected);
        if (fr < best.value) {
            const expanded = along(centroid, worst.x, -2);
            const fe = f(expanded);
            simplex[n] = fe < fr ? { x: expanded, value: fe } : { x: reflected, value: fr };
        } else if (fr < simplex[n - 1]!.value) {
            simplex[n] = { x: reflected, value: fr };
        } else {
            const contracted = along(centroid, worst.x, fr < worst.value ? -0.5 : 0.5);
            const fc = f(contracted);
            if (fc < Math.min(fr, worst.value)) {
                simplex[n] = { x: contracted, value: fc };
            } else {
                simplex = simplex.map((p, i) => (i === 0 ? p : { x: along(best.x, p.x, 0.5), value: f(along(best.x, p.x, 0.5)) }));
            }
        }
    }
    simplex.sort((a, b) => a.value - b.value);
    return { x: simplex[0]!.x, value: simplex[0]!.value };
}
