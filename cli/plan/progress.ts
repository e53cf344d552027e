/**
 * The progress line while several stacks are planned, on stderr so stdout stays the result (and
 * `--json` stays parseable). On a terminal it rewrites one line; elsewhere (CI logs) it writes one
 * line per stack. Silent for a single stack and with --quiet.
 */
import { Colors, colorsFor } from "../output/color";

export interface Progress {
    start(index: number, stack: string): void;
    done(): void;
}

export const SILENT: Progress = { start: () => undefined, done: () => undefined };

export function progressLine(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
    if (total < 2) return SILENT;
    const tty = stream.isTTY === true;
    const c: Colors = colorsFor(stream);
    const started = Date.now();
    let wrote = false;
    return {
        start(index, stack) {
            const text = `${c.dim(`[${index + 1}/${total}]`)} planning ${stack} ${c.dim(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)}`;
            if (tty) {
                stream.write(`\r\x1b[2K${text}`);
                wrote = true;
            } else {
                stream.write(`${text}\n`);
            }
        },
        done() {
            if (tty && wrote) stream.write("\r\x1b[2K");
        },
    };
}
