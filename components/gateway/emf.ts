/**
 * Which CloudWatch dimension sets the collector's awsemf exporter publishes a metric with, derived
 * from the rendered collector config by the exporter's own rules. Pure, so a test can hold the
 * alarm's dimensions to what is published: CloudWatch treats each dimension set as a different
 * metric, and an alarm naming another set reads no data, ever.
 *
 * The rules (docs/sources.md §13), as opentelemetry-collector-contrib exporter/awsemfexporter implements them (read at the
 * v0.11x line the pinned aws-otel-collector v0.43.x bundles; the logic below is unchanged across it):
 *  - datapoint.go createLabels: a datapoint's labels are its attributes plus `OTelLib`, the
 *    instrumentation scope's name (the prometheus receiver always names its scope; an unnamed scope
 *    becomes "Undefined", metric_translator.go), so OTelLib is always a label;
 *  - metric_translator.go groupedMetricToCWMeasurement, without metric_declarations: one dimension
 *    set of every label, plus the rollup sets of `dimension_rollup_option`;
 *  - groupedMetricToCWMeasurementsWithFilters, with metric_declarations: a metric matching no
 *    declaration's metric_name_selectors is dropped; otherwise the sets of every matching declaration
 *    whose labels are all present (metric_declaration.go ExtractDimensions skips an empty set), plus
 *    the rollup sets, de-duplicated; no set left means no metric;
 *  - dimensionRollup: NoDimensionRollup adds none; ZeroAndSingleDimensionRollup adds [OTelLib] and
 *    [OTelLib, label] per label; SingleDimensionRollupOnly only the latter.
 */
import { parse } from "yaml";

/** The label awsemf adds to every datapoint: the instrumentation scope's name. */
export const OTEL_LIB_DIMENSION = "OTelLib";

export interface MetricDeclaration {
    readonly dimensions?: readonly (readonly string[])[];
    readonly metric_name_selectors?: readonly string[];
    readonly label_matchers?: readonly unknown[];
}

export interface AwsEmfExporterConfig {
    readonly namespace?: string;
    readonly dimension_rollup_option?: "NoDimensionRollup" | "ZeroAndSingleDimensionRollup" | "SingleDimensionRollupOnly";
    readonly metric_declarations?: readonly MetricDeclaration[];
}

const canonical = (set: readonly string[]): string[] => [...new Set(set)].sort();
const keyOf = (set: readonly string[]): string => canonical(set).join("\u0000");

function rollup(option: AwsEmfExporterConfig["dimension_rollup_option"], labels: readonly string[]): string[][] {
    // The contrib default (config.go) is ZeroAndSingleDimensionRollup.
    const chosen = option ?? "ZeroAndSingleDimensionRollup";
    if (chosen === "NoDimensionRollup") return [];
    const base = labels.includes(OTEL_LIB_DIMENSION) ? [OTEL_LIB_DIMENSION] : [];
    const others = labels.filter((l) => l !== OTEL_LIB_DIMENSION);
    const sets: string[][] = chosen === "ZeroAndSingleDimensionRollup" && others.length > 0 ? [base] : [];
    for (const label of others) sets.push([...base, label]);
    return sets;
}

/**
 * The dimension sets awsemf publishes `metricName` with, given the datapoint's labels (before the
 * exporter adds OTelLib). Sorted sets, sorted by content; [] when the metric is not published.
 */
export function emfDimensionSets(exporter: AwsEmfExporterConfig, metricName: string, attributeNames: readonly string[]): string[][] {
    const labels = canonical([...attributeNames, OTEL_LIB_DIMENSION]);
    const declarations = exporter.metric_declarations ?? [];
    let sets: (readonly string[])[];
    if (declarations.length === 0) {
        sets = [labels, ...rollup(exporter.dimension_rollup_option, labels)];
    } else {
        const matching = declarations.filter((d) => {
            if ((d.label_matchers ?? []).length > 0) throw new Error("emfDimensionSets: label_matchers are not modelled; declare dimensions by metric name only");
            return (d.metric_name_selectors ?? []).some((s) => new RegExp(s).test(metricName));
        });
        if (matching.length === 0) return [];
        const declared = matching.flatMap((d) => (d.dimensions ?? []).filter((set) => set.length > 0 && set.every((dim) => labels.includes(dim))));
        sets = [...declared, ...rollup(exporter.dimension_rollup_option, labels)];
    }
    const unique = new Map(sets.map((s) => [keyOf(s), canonical(s)]));
    return [...unique.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
}

interface Operation { readonly action: string; readonly label_set?: readonly string[]; readonly new_label?: string }
interface Transform { readonly include: string; readonly match_type?: string; readonly new_name?: string; readonly operations?: readonly Operation[] }

/**
 * The labels a metric reaches the exporter with, from the pipeline's metricstransform processors:
 * it must aggregate its labels away (label sets of a scraped metric are not known from config), then
 * may add fixed ones. Throws when the pipeline does not make the label set knowable.
 */
function labelsAfterTransforms(processors: Readonly<Record<string, { transforms?: readonly Transform[] }>>, pipeline: readonly string[], metricName: string): string[] {
    for (const id of pipeline) {
        if (!id.startsWith("metricstransform")) continue;
        for (const t of processors[id]?.transforms ?? []) {
            if (t.new_name !== metricName) continue;
            let labels: string[] | undefined;
            for (const op of t.operations ?? []) {
                if (op.action === "aggregate_labels") labels = [...(op.label_set ?? [])];
                else if (op.action === "add_label" && labels !== undefined && op.new_label !== undefined) labels.push(op.new_label);
                else throw new Error(`emfDimensionSets: operation ${op.action} on ${metricName} is not modelled`);
            }
            if (labels !== undefined) return labels;
        }
    }
    throw new Error(`collector config: no metricstransform in the metrics pipeline renames a metric to ${metricName} and aggregates its labels, so the labels it is published with are unknown`);
}

/** The dimension sets the rendered collector config (YAML) publishes `metricName` with. */
export function publishedDimensionSets(collectorConfigYaml: string, metricName: string): string[][] {
    const config = parse(collectorConfigYaml) as {
        processors?: Record<string, { transforms?: readonly Transform[] }>;
        exporters?: Record<string, AwsEmfExporterConfig>;
        service?: { pipelines?: { metrics?: { processors?: string[]; exporters?: string[] } } };
    };
    const pipeline = config.service?.pipelines?.metrics;
    const exporterId = pipeline?.exporters?.find((e) => e === "awsemf" || e.startsWith("awsemf/"));
    if (exporterId === undefined) throw new Error("collector config: the metrics pipeline has no awsemf exporter");
    const labels = labelsAfterTransforms(config.processors ?? {}, pipeline?.processors ?? [], metricName);
    return emfDimensionSets(config.exporters?.[exporterId] ?? {}, metricName, labels);
}
