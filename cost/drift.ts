/**
 * Declared vs measured workload: each figure side by side with how far the declaration is off, and
 * the verdict on the volume (the figure every cost and break-even rests on) against a tolerance.
 */
export interface DeclaredWorkloadFigures {
    readonly tokensPerMonth: number;
    readonly inputOutputRatio: number;
    readonly peakToAverage: number;
    readonly cacheHitRate: number;
}

export interface MeasuredWorkloadFigures {
    readonly tokensPerMonth: number;
    readonly inputOutputRatio: number;
    readonly peakToAverage?: number | undefined;
    readonly cacheHitRate?: number | undefined;
}

export interface DriftRow {
    readonly field: keyof DeclaredWorkloadFigures;
    readonly declared: number;
    /** undefined: not measured (said, never compared with 0). */
    readonly measured: number | undefined;
    /** (declared - measured) / measured; undefined when not measured or measured 0. */
    readonly drift: number | undefined;
}

export interface DriftVerdict {
    readonly rows: readonly DriftRow[];
    /** The volume's drift as a fraction of the measured volume. */
    readonly volumeDrift: number;
    readonly tolerance: number;
    readonly withinTolerance: boolean;
    readonly summary: string;
}

/** Default tolerance: a declared volume within 25% of the measured one matches. */
export const DEFAULT_DRIFT_TOLERANCE = 0.25;

export function compareWorkload(declared: DeclaredWorkloadFigures, measured: MeasuredWorkloadFigures, tolerance: number = DEFAULT_DRIFT_TOLERANCE): DriftVerdict {
    if (!(tolerance >= 0)) throw new Error(`compareWorkload: tolerance ${tolerance} must be 0 or more (a fraction: 0.25 is 25%)`);
    if (!(measured.tokensPerMonth > 0)) throw new Error(`compareWorkload: measured tokensPerMonth ${measured.tokensPerMonth} must be above 0`);
    const row = (field: keyof DeclaredWorkloadFigures, value: number | undefined): DriftRow => ({
        field, declared: declared[field], measured: value,
        drift: value !== undefined && value !== 0 ? (declared[field] - value) / value : undefined,
    });
    const rows = [
        row("tokensPerMonth", measured.tokensPerMonth),
        row("inputOutputRatio", measured.inputOutputRatio),
        row("peakToAverage", measured.peakToAverage),
        row("cacheHitRate", measured.cacheHitRate),
    ];
    const volumeDrift = (declared.tokensPerMonth - measured.tokensPerMonth) / measured.tokensPerMonth;
    const withinTolerance = Math.abs(volumeDrift) <= tolerance;
    const pct = (x: number): string => `${Math.round(Math.abs(x) * 100)}%`;
    const summary = withinTolerance
        ? `the declared volume is within ${pct(tolerance)} of the measured one (${volumeDrift >= 0 ? "+" : "-"}${pct(volumeDrift)})`
        : `the declared volume is ${pct(volumeDrift)} ${volumeDrift > 0 ? "above" : "below"} the measured one (tolerance ${pct(tolerance)})`;
    return { rows, volumeDrift, tolerance, withinTolerance, summary };
}
