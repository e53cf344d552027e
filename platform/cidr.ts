/** IPv4 CIDR arithmetic the networks share: parsing and checking a block, writing a sub-block. */

function ipToInt(ip: string): number {
    return ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function intToIp(value: number): string {
    return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** Parses "a.b.c.d/n", checking the octets and that the address is the network's first. */
export function parseCidr(cidr: string): { readonly base: number; readonly prefix: number } {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
    if (match === null) throw new Error(`"${cidr}" is not an IPv4 CIDR such as 10.40.0.0/16`);
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR: octets must be 0-255 and the prefix 0-32`);
    const base = ipToInt(octets.join("."));
    const size = 2 ** (32 - prefix);
    if (base % size !== 0) throw new Error(`"${cidr}" is not aligned: the network address of a /${prefix} there is ${intToIp(base - (base % size))}`);
    return { base, prefix };
}

/** The block of length `prefix` that starts at address `base` (a number), as "a.b.c.d/n". */
export function formatCidr(base: number, prefix: number): string {
    return `${intToIp(base)}/${prefix}`;
}
