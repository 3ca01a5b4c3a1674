/**
 * IP prefixes, parsed the way Go's netip.ParsePrefix does (no masking: "10.0.0.1/8" stays as
 * written), printed canonically, and tested for membership. Shared by the rule builder and the
 * packet tracer.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Prefix {
  readonly family: 4 | 6;
  /** Canonical address text, as Go prints it (IPv6 lower-case and compressed). */
  readonly addr: string;
  readonly bits: number;
  /** The address as a big integer, for membership tests. */
  readonly value: bigint;
}

export function canonicalIPv6(addr: string): string {
  // WHATWG URL parsing serialises IPv6 hosts canonically (RFC 5952).
  return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
}

export function addressValue(addr: string): bigint | undefined {
  if (isIPv4(addr)) {
    return addr.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n);
  }
  if (isIPv6(addr)) {
    let a = addr;
    // Embedded IPv4 tail (::ffff:1.2.3.4): turn it into two hex groups.
    const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(a);
    if (m && m[1] !== undefined && m[2] !== undefined) {
      const v = addressValue(m[2]) ?? 0n;
      a = `${m[1]}${(v >> 16n).toString(16)}:${(v & 0xffffn).toString(16)}`;
    }
    const [head = '', tail] = a.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === undefined || tail === '' ? [] : tail.split(':');
    const fill = tail === undefined ? 0 : 8 - h.length - t.length;
    const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
    if (groups.length !== 8) return undefined;
    return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  }
  return undefined;
}

/** Parses "ADDR/BITS"; returns undefined when it is not a valid prefix. */
export function parsePrefix(text: string): Prefix | undefined {
  const slash = text.lastIndexOf('/');
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const bitsText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (isIPv4(addr)) {
    if (bits > 32) return undefined;
    return { family: 4, addr, bits, value: addressValue(addr) ?? 0n };
  }
  if (isIPv6(addr) && !addr.includes('%')) {
    if (bits > 128) return undefined;
    return { family: 6, addr: canonicalIPv6(addr), bits, value: addressValue(addr) ?? 0n };
  }
  return undefined;
}

/** Parses an address, or a prefix; a bare address is a /32 or /128. */
export function parseAddressOrPrefix(text: string): Prefix | undefined {
  if (text.includes('/')) return parsePrefix(text);
  if (isIPv4(text)) return parsePrefix(`${text}/32`);
  if (isIPv6(text)) return parsePrefix(`${text}/128`);
  return undefined;
}

export function prefixString(p: Prefix): string {
  return `${p.addr}/${p.bits}`;
}

export function isLoopback(p: Prefix): boolean {
  if (p.family === 4) return p.value >> 24n === 127n;
  // ::1, or an IPv4-mapped loopback.
  return p.value === 1n || (p.value >> 32n === 0xffffn && (p.value & 0xffffffffn) >> 24n === 127n);
}

/** True when `addr` (an address string) lies inside `p`. */
export function prefixContains(p: Prefix, addr: string): boolean {
  const v = addressValue(addr);
  if (v === undefined) return false;
  const width = p.family === 4 ? 32 : 128;
  if ((isIPv4(addr) ? 4 : 6) !== p.family) return false;
  const shift = BigInt(width - p.bits);
  return v >> shift === p.value >> shift;
}
