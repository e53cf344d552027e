/** A measured-workload file (what `llm-breakeven usage --write-workload` writes) for policy tests. */
import * as fs from "fs";
import { MEASURED_WORKLOAD_KIND, MeasuredWorkload } from "../../config/measuredWorkload";

const DAY_MS = 86_400_000;

/** The happy path: the fixture stack declares 10B tokens/month at 3:1; measured 9.5B, ended yesterday. */
export function writeMeasuredFile(file: string, change: (m: MeasuredWorkload) => MeasuredWorkload = (m) => m): string {
    const to = new Date(Date.now() - DAY_MS);
    const base: MeasuredWorkload = {
        kind: MEASURED_WORKLOAD_KIND, version: 1, stack: "self-hosted-prod", prometheus: "http://prometheus:9090", measuredAt: new Date().toISOString(),
        window: { from: new Date(to.getTime() - 30 * DAY_MS).toISOString(), to: to.toISOString(), coveredHours: 720, stepSeconds: 300 },
        source: "vllm", queries: { inputTokens: 'vllm:prompt_tokens_total{namespace="vllm"}', outputTokens: 'vllm:generation_tokens_total{namespace="vllm"}' },
        workload: { tokensPerMonth: 9.5e9, inputOutputRatio: 3.1, peakToAverage: 1.8 },
        findings: [],
    };
    fs.writeFileSync(file, JSON.stringify(change(base)));
    return file;
}
