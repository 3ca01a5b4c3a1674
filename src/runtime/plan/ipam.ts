/**
 * IPv4 address management for the pod and service CIDRs: parse a CIDR, give out the next free
 * address. The pod CIDR's first address is the bridge's; the service CIDR's first (.1) is
 * reserved, as the API server keeps it for the `kubernetes` service.
 */
import { isIPv4 } from 'node:net';
import { invalidFlag } from '../../core/errors.ts';

export interface Cidr {
  readonly text: string;
  readonly base: number;
  readonly bits: number;
  readonly size: number;
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseCidr(flag: string, text: string): Cidr {
  const [addr = '', bitsText = ''] = text.split('/');
  const bits = Number(bitsText);
  if (!isIPv4(addr) || !/^\d+$/.test(bitsText) || bits < 8 || bits > 28) {
    throw invalidFlag(flag, text, 'must be an IPv4 CIDR between /8 and /28, like 10.250.0.0/16');
  }
  const size = 2 ** (32 - bits);
  const base = ipToInt(addr) - (ipToInt(addr) % size);
  if (base !== ipToInt(addr)) throw invalidFlag(flag, text, `host bits are set (did you mean ${intToIp(base)}/${bits}?)`);
  return { text, base, bits, size };
}

export function cidrContains(c: Cidr, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const n = ipToInt(ip);
  return n >= c.base && n < c.base + c.size;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

/** The n-th address of the CIDR (1 = the first usable). */
export function nthAddress(c: Cidr, n: number): string {
  return intToIp(c.base + n);
}

/** The lowest free address from `first` on, skipping `used`; undefined when the CIDR is full. */
export function allocate(c: Cidr, used: ReadonlySet<string>, first = 2): string | undefined {
  for (let n = first; n < c.size - 1; n++) {
    const ip = intToIp(c.base + n);
    if (!used.has(ip)) return ip;
  }
  return undefined;
}
