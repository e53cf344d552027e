/**
 * `llm-breakeven smoke --stack <env>`: after `pulumi up`, one `/v1/models` and one chat completion
 * against the self-hosted endpoint, with vLLM's key, and the latency and served model of each.
 *
 *   llm-breakeven smoke --stack self-hosted-prod                   reads `pulumi stack output --json --show-secrets`
 *   llm-breakeven smoke --stack self-hosted-prod --outputs out.json   the same outputs from a file
 *
 * Run it from inside the VPC (or a peered network the endpoint admits): the load balancer is internal.
 * Exit codes: 0 both requests answered as expected; 2 anything else (bad flags or outputs, a refused
 * key, an error answer, no answer), with one line on stderr that never contains the key.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import type { Command } from "commander";
import { EXIT, UsageError } from "../errors";
import { numberFlag } from "../flags";

export interface SmokeOptions {
    readonly stack?: string;
    readonly outputs?: string;
    readonly ca?: string;
    readonly timeoutSeconds?: string;
}

/** What smoke needs from the stack outputs (program/selfHosted.ts buildSelfHosted). */
export interface SmokeTarget {
    /** OpenAI-compatible base URL, ending in /v1. */
    readonly url: string;
    readonly apiKey: string;
    readonly model: string;
}

export interface SmokeResult {
    readonly models: { readonly status: number; readonly ms: number; readonly served: readonly string[] };
    readonly chat: { readonly status: number; readonly ms: number; readonly model: string; readonly completionTokens: number | undefined; readonly text: string };
}

const DEFAULT_TIMEOUT_SECONDS = 120;

export function registerSmoke(program: Command, setExitCode: (code: number) => void): void {
    program
        .command("smoke")
        .description("After `pulumi up`: call the self-hosted endpoint once (/v1/models and a chat completion) with vLLM's key; print latency and the served model. Exit 2 on any failure.")
        .requiredOption("--stack <env>", "the deployed stack whose outputs name the endpoint and hold the key")
        .option("--outputs <file>", "the stack outputs as JSON (`pulumi stack output --json --show-secrets -s <env>`), instead of running pulumi")
        .option("--ca <file>", "PEM bundle to trust for the endpoint's certificate (a private CA); default: Node's trust store and NODE_EXTRA_CA_CERTS")
        .option("--timeout-seconds <s>", `per-request timeout (default ${DEFAULT_TIMEOUT_SECONDS}: a first completion can be slow)`)
        .action(async (options: SmokeOptions) => {
            const target = smokeTarget(options.stack ?? "", readOutputs(options));
            const timeoutMs = options.timeoutSeconds !== undefined ? timeoutFlag(options.timeoutSeconds) : DEFAULT_TIMEOUT_SECONDS * 1000;
            const ca = options.ca !== undefined ? readCa(options.ca) : undefined;
            const result = await smoke(target, { timeoutMs, ...(ca !== undefined ? { ca } : {}) });
            process.stdout.write(renderSmoke(options.stack ?? "", target, result));
            setExitCode(EXIT.ok);
        });
}

function timeoutFlag(text: string): number {
    const accepted = "seconds above 0, e.g. 30";
    const seconds = numberFlag("--timeout-seconds", text, accepted);
    if (!(seconds > 0)) throw new UsageError(`--timeout-seconds ${text} must be above 0; accepted: ${accepted}`);
    return seconds * 1000;
}

function readCa(file: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new UsageError(`--ca ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
}

function readOutputs(options: SmokeOptions): unknown {
    if (options.outputs !== undefined) {
        let text: string;
        try {
            text = fs.readFileSync(options.outputs, "utf8");
        } catch (error) {
            throw new UsageError(`--outputs ${options.outputs}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
        try {
            return JSON.parse(text) as unknown;
        } catch {
            throw new UsageError(`--outputs ${options.outputs}: not JSON; write it with \`pulumi stack output --json --show-secrets -s ${options.stack ?? "<env>"} > ${options.outputs}\``);
        }
    }
    const args = ["stack", "output", "--json", "--show-secrets", "-s", options.stack ?? ""];
    const run = spawnSync("pulumi", args, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    if (run.error !== undefined) throw new UsageError(`cannot run \`pulumi ${args.join(" ")}\` (${(run.error as NodeJS.ErrnoException).code ?? run.error.message}): install the Pulumi CLI, or pass --outputs FILE`);
    if (run.status !== 0) throw new UsageError(`\`pulumi ${args.join(" ")}\` failed (exit ${run.status ?? "signal"}): ${(run.stderr.trim().split("\n")[0] ?? "").slice(0, 200)}`);
    try {
        return JSON.parse(run.stdout) as unknown;
    } catch {
        throw new UsageError(`\`pulumi ${args.join(" ")}\` did not print JSON`);
    }
}

/** The endpoint, key and model from a stack's outputs; one UsageError naming what is missing. */
export function smokeTarget(stack: string, outputs: unknown): SmokeTarget {
    const o = outputs !== null && typeof outputs === "object" && !Array.isArray(outputs) ? (outputs as Record<string, unknown>) : {};
    const call = o["call"] !== null && typeof o["call"] === "object" ? (o["call"] as Record<string, unknown>) : {};
    if (call["auth"] === "gateway") {
        throw new UsageError(`stack ${stack}: its vLLM is called through the gateway (selfHosted.endpoint.auth gateway), which has no vLLM key to smoke-test with; call the gateway with a virtual key instead`);
    }
    const missing: string[] = [];
    const text = (key: string, value: unknown): string => {
        if (typeof value === "string" && value !== "") return value;
        missing.push(key);
        return "";
    };
    const url = text("endpoint", o["endpoint"]);
    // `pulumi stack output --json` without --show-secrets prints a secret as "[secret]".
    const apiKey = text("apiKey", o["apiKey"] === "[secret]" ? undefined : o["apiKey"]);
    const model = text("servedModelName", o["servedModelName"]);
    if (missing.length > 0) {
        const secretHint = missing.includes("apiKey") && o["apiKey"] !== undefined ? " (apiKey is a secret: read the outputs with --show-secrets)" : "";
        throw new UsageError(`stack ${stack}: the outputs have no ${missing.join(", ")}${secretHint}; is it a self-hosted stack after \`pulumi up\`?`);
    }
    if (!/^https?:\/\/[^/]+\/v1$/.test(url)) throw new UsageError(`stack ${stack}: endpoint "${url}" is not an http(s) URL ending in /v1`);
    return { url, apiKey, model };
}

interface Answer {
    readonly status: number;
    readonly ms: number;
    readonly body: unknown;
}

/** One request with the key; the answer's status, time and JSON body. Network failures are a UsageError naming the URL. */
function call(target: SmokeTarget, method: "GET" | "POST", path: string, body: unknown, options: { readonly timeoutMs: number; readonly ca?: string }): Promise<Answer> {
    const url = new URL(`${target.url}${path}`);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { Authorization: `Bearer ${target.apiKey}`, Accept: "application/json", ...(payload !== undefined ? { "Content-Type": "application/json", "Content-Length": String(Buffer.byteLength(payload)) } : {}) };
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
        const onResponse = (res: http.IncomingMessage): void => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => {
                const ms = Number(process.hrtime.bigint() - started) / 1e6;
                const text = Buffer.concat(chunks).toString("utf8");
                let parsed: unknown = text;
                try {
                    parsed = JSON.parse(text);
                } catch {
                    // Not JSON: kept as text for the failure line.
                }
                resolve({ status: res.statusCode ?? 0, ms, body: parsed });
            });
            res.on("error", reject);
        };
        const request = url.protocol === "https:"
            ? https.request(url, { method, headers, ...(options.ca !== undefined ? { ca: options.ca } : {}) }, onResponse)
            : http.request(url, { method, headers }, onResponse);
        request.setTimeout(options.timeoutMs, () => request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
        request.on("error", (error: NodeJS.ErrnoException) => reject(new UsageError(`smoke: ${method} ${url.href} failed: ${error.code ?? error.message}${error.code === "ENOTFOUND" || error.code === "ETIMEDOUT" || error.code === "ECONNREFUSED" ? " (the endpoint is internal: run from inside the VPC or a network it admits)" : ""}`)));
        if (payload !== undefined) request.write(payload);
        request.end();
    });
}

function refuse(method: string, url: string, answer: Answer): never {
    const detail = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
    const why = answer.status === 401 || answer.status === 403
        ? "the key was refused: use the stack's current apiKey output (a rotated key takes effect as each zone's replicas roll)"
        : `${detail.replace(/\s+/g, " ").slice(0, 160)}`;
    throw new UsageError(`smoke: ${method} ${url} answered ${answer.status}: ${why}`);
}

/** The two requests. Throws a UsageError (one line, never the key) on the first that fails. */
export async function smoke(target: SmokeTarget, options: { readonly timeoutMs: number; readonly ca?: string }): Promise<SmokeResult> {
    const modelsUrl = `${target.url}/models`;
    const models = await call(target, "GET", "/models", undefined, options);
    if (models.status !== 200) refuse("GET", modelsUrl, models);
    const data = (models.body as { data?: unknown } | null)?.data;
    const served = Array.isArray(data) ? data.map((m) => (m as { id?: unknown }).id).filter((id): id is string => typeof id === "string") : [];
    if (!served.includes(target.model)) {
        throw new UsageError(`smoke: GET ${modelsUrl} lists ${served.length > 0 ? served.join(", ") : "no model"}, not the stack's servedModelName ${target.model}`);
    }
    const chatUrl = `${target.url}/chat/completions`;
    const chat = await call(target, "POST", "/chat/completions", { model: target.model, messages: [{ role: "user", content: "Reply with one word: pong" }], max_tokens: 8, temperature: 0 }, options);
    if (chat.status !== 200) refuse("POST", chatUrl, chat);
    const answer = chat.body as { model?: unknown; choices?: { message?: { content?: unknown } }[]; usage?: { completion_tokens?: unknown } } | null;
    const text = answer?.choices?.[0]?.message?.content;
    if (typeof text !== "string") throw new UsageError(`smoke: POST ${chatUrl} answered 200 without choices[0].message.content`);
    const tokens = answer?.usage?.completion_tokens;
    return {
        models: { status: models.status, ms: models.ms, served },
        chat: { status: chat.status, ms: chat.ms, model: typeof answer?.model === "string" ? answer.model : target.model, completionTokens: typeof tokens === "number" ? tokens : undefined, text },
    };
}

export function renderSmoke(stack: string, target: SmokeTarget, r: SmokeResult): string {
    const ms = (value: number): string => `${Math.round(value)} ms`.padStart(8);
    const said = r.chat.text.replace(/\s+/g, " ").trim().slice(0, 60);
    return [
        `smoke ${stack}: ${target.url}`,
        `  GET  /v1/models            ${r.models.status} ${ms(r.models.ms)}  serves ${r.models.served.join(", ")}`,
        `  POST /v1/chat/completions  ${r.chat.status} ${ms(r.chat.ms)}  model ${r.chat.model}${r.chat.completionTokens !== undefined ? `, ${r.chat.completionTokens} tokens` : ""}: "${said}"`,
        "",
    ].join("\n");
}
