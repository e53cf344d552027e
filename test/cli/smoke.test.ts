/**
 * `llm-breakeven smoke` against a local OpenAI-compatible server on loopback, started here: it checks
 * the bearer key as vLLM's AuthenticationMiddleware does (401 on /v1 without the right key), serves
 * /v1/models and /v1/chat/completions. No network beyond 127.0.0.1.
 */
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main";

const KEY = "smoke-test-key-0123456789abcdef0123456789abcdef";
const MODEL = "llama-3.3-70b-instruct";
let server: http.Server;
let base: string;
const seen: { method: string; url: string; authorization: string | undefined; body: string }[] = [];

beforeAll(async () => {
    server = http.createServer((req, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString("utf8")));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization, body });
            const send = (status: number, payload: unknown): void => {
                res.writeHead(status, { "Content-Type": "application/json" });
                res.end(JSON.stringify(payload));
            };
            if (req.headers.authorization !== `Bearer ${KEY}`) return send(401, { error: "Unauthorized" });
            if (req.method === "GET" && req.url === "/v1/models") return send(200, { object: "list", data: [{ id: MODEL, object: "model", owned_by: "vllm" }] });
            if (req.method === "POST" && req.url === "/v1/chat/completions") {
                const request = JSON.parse(body) as { model: string };
                return send(200, { id: "chatcmpl-1", object: "chat.completion", model: request.model, choices: [{ index: 0, message: { role: "assistant", content: "pong" }, finish_reason: "stop" }], usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } });
            }
            return send(404, { error: "not found" });
        });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
});

function outputsFile(outputs: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-"));
    const file = path.join(dir, "outputs.json");
    fs.writeFileSync(file, JSON.stringify(outputs));
    return file;
}

async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
    try {
        return { code: await main(args), stdout, stderr };
    } finally {
        out.mockRestore();
        err.mockRestore();
    }
}

/** The outputs a self-hosted stack exports (program/selfHosted.ts), pointed at the local server. */
const stackOutputs = (apiKey: string): Record<string, unknown> => ({
    endpoint: base, apiKey, servedModelName: MODEL, call: { url: base, auth: "api-key", model: MODEL },
});

describe("llm-breakeven smoke", () => {
    it("calls /v1/models and a chat completion with the key, and prints latency and the served model", async () => {
        seen.length = 0;
        const { code, stdout, stderr } = await cli(["smoke", "--stack", "self-hosted-prod", "--outputs", outputsFile(stackOutputs(KEY))]);
        expect(stderr).toBe("");
        expect(code).toBe(0);
        expect(stdout).toMatch(new RegExp(`GET  /v1/models +200 +\\d+ ms  serves ${MODEL}`));
        expect(stdout).toMatch(new RegExp(`POST /v1/chat/completions +200 +\\d+ ms  model ${MODEL}, 2 tokens: "pong"`));
        expect(seen.map((r) => `${r.method} ${r.url}`)).toEqual(["GET /v1/models", "POST /v1/chat/completions"]);
        expect(seen.every((r) => r.authorization === `Bearer ${KEY}`)).toBe(true);
        expect(JSON.parse(seen[1]!.body)).toMatchObject({ model: MODEL, messages: [{ role: "user" }] });
        expect(stdout).not.toContain(KEY);
    });

    it("fails with one line and exit 2 on a wrong key, never printing the key", async () => {
        const wrong = "wrong-key-0123456789abcdef0123456789abcdef";
        const { code, stdout, stderr } = await cli(["smoke", "--stack", "self-hosted-prod", "--outputs", outputsFile(stackOutputs(wrong))]);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr).toBe(`llm-breakeven: smoke: GET ${base}/models answered 401: the key was refused: use the stack's current apiKey output (a rotated key takes effect as each zone's replicas roll)\n`);
        expect(stderr).not.toContain(wrong);
    });

    it("fails with one line when the endpoint serves another model", async () => {
        const { code, stderr } = await cli(["smoke", "--stack", "self-hosted-prod", "--outputs", outputsFile({ ...stackOutputs(KEY), servedModelName: "qwen-2.5-72b" })]);
        expect(code).toBe(2);
        expect(stderr).toBe(`llm-breakeven: smoke: GET ${base}/models lists ${MODEL}, not the stack's servedModelName qwen-2.5-72b\n`);
    });

    it("names what the outputs lack (a secret read without --show-secrets), in one line", async () => {
        const { code, stderr } = await cli(["smoke", "--stack", "self-hosted-prod", "--outputs", outputsFile({ ...stackOutputs(KEY), apiKey: "[secret]" })]);
        expect(code).toBe(2);
        expect(stderr).toBe("llm-breakeven: stack self-hosted-prod: the outputs have no apiKey (apiKey is a secret: read the outputs with --show-secrets); is it a self-hosted stack after `pulumi up`?\n");
    });

    it("refuses a hybrid stack, whose vLLM is behind the gateway's virtual keys", async () => {
        const { code, stderr } = await cli(["smoke", "--stack", "hybrid-prod", "--outputs", outputsFile({ ...stackOutputs(KEY), call: { auth: "gateway" } })]);
        expect(code).toBe(2);
        expect(stderr.split("\n")).toHaveLength(2);
        expect(stderr).toContain("through the gateway");
    });

    it("names an endpoint that does not answer, with where to run from", async () => {
        const closed = http.createServer();
        await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        const url = `http://127.0.0.1:${port}/v1`;
        const { code, stderr } = await cli(["smoke", "--stack", "self-hosted-prod", "--outputs", outputsFile({ ...stackOutputs(KEY), endpoint: url })]);
        expect(code).toBe(2);
        expect(stderr).toBe(`llm-breakeven: smoke: GET ${url}/models failed: ECONNREFUSED (the endpoint is internal: run from inside the VPC or a network it admits)\n`);
    });
});
