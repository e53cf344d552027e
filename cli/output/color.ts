/**
 * Colour and tables for every command: colour only when the stream is a terminal, never with
 * NO_COLOR set to a non-empty value (https://no-color.org) or with TERM=dumb. Commands take
 * a `Colors` from `colorsFor(stream)` and draw tables with `plainTable`, whose borders and headers
 * carry no colour of their own (cli-table3 would otherwise colour headers through @colors/colors,
 * which has its own idea of when a terminal is one).
 */
import Table from "cli-table3";
import pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

export function colorEnabled(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
    const noColor = env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "";
    return stream.isTTY === true && !noColor && env["TERM"] !== "dumb";
}

export function colorsFor(stream: { readonly isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
    return pc.createColors(colorEnabled(stream, env));
}

export type Align = "left" | "right" | "center";

/** A cli-table3 table without colour of its own: colour, if any, is added by the caller's Colors. */
export function plainTable(head: readonly string[], options: { readonly colAligns?: readonly Align[]; readonly colWidths?: readonly number[]; readonly wordWrap?: boolean } = {}): Table.Table {
    return new Table({
        head: [...head],
        style: { head: [], border: [], compact: false },
        ...(options.colAligns !== undefined ? { colAligns: [...options.colAligns] } : {}),
        ...(options.colWidths !== undefined ? { colWidths: [...options.colWidths] } : {}),
        ...(options.wordWrap !== undefined ? { wordWrap: options.wordWrap } : {}),
    });
}
