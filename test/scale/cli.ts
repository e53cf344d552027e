/** Runs the CLI in-process and captures what it prints (as test/plan/cli.test.ts does). */
import { vi } from "vitest";
import { main } from "../../cli/main";

export interface Run {
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export async function cli(...args: string[]): Promise<Run> {
    let stdout = "";
    let stderr = "";
    const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
        stdout += String(chunk);
        return true;
    });
    const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
        stderr += String(chunk);
        return true;
    });
    try {
        const code = await main(args);
        return { code, stdout, stderr };
    } finally {
        out.mockRestore();
        err.mockRestore();
    }
}
