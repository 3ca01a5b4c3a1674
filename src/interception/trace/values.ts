/**
 * Values as they appear in rules, in both the generated and the iptables-save spelling: ports
 * and port ranges, 32-bit marks with masks (decimal or hex), owner ids, names and id ranges.
 * Parsers return undefined for text they do not understand; the caller reports it as unknown.
 */
import { readFileSync } from 'node:fs';

const MAX_U32 = 0xffffffff;

/** A decimal or 0x-hex unsigned 32-bit number. */
export function parseU32(text: string): number | undefined {
  if (!/^(0x[0-9a-fA-F]{1,8}|\d{1,10})$/.test(text)) return undefined;
  const n = Number(text);
  return n <= MAX_U32 ? n : undefined;
}

/** `VALUE[/MASK]`; the mask defaults to all ones. */
export interface MarkSpec {
  readonly value: number;
  readonly mask: number;
}

export function parseMark(text: string): MarkSpec | undefined {
  const [v = '', m, ...rest] = text.split('/');
  if (rest.length > 0) return undefined;
  const value = parseU32(v);
  const mask = m === undefined ? MAX_U32 : parseU32(m);
  return value === undefined || mask === undefined ? undefined : { value, mask };
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

export function markText(m: MarkSpec): string {
  return m.mask === MAX_U32 ? hex(m.value) : `${hex(m.value)}/${hex(m.mask)}`;
}

/** Bitwise helpers that stay in the unsigned 32-bit range. */
export const u32 = {
  and: (a: number, b: number): number => (a & b) >>> 0,
  or: (a: number, b: number): number => (a | b) >>> 0,
  xor: (a: number, b: number): number => (a ^ b) >>> 0,
  not: (a: number): number => ~a >>> 0,
};

/** An inclusive range of numbers (a port range, an id range). */
export interface NumRange {
  readonly lo: number;
  readonly hi: number;
}

export function parsePort(text: string): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** `P` or `A:B` (iptables also takes `:B` and `A:`). */
export function parsePortRange(text: string): NumRange | undefined {
  const parts = text.split(':');
  if (parts.length === 1) {
    const p = parsePort(text);
    return p === undefined ? undefined : { lo: p, hi: p };
  }
  if (parts.length !== 2) return undefined;
  const lo = parts[0] === '' ? 0 : parsePort(parts[0] ?? '');
  const hi = parts[1] === '' ? 65535 : parsePort(parts[1] ?? '');
  return lo === undefined || hi === undefined || lo > hi ? undefined : { lo, hi };
}

/** multiport's list: up to 15 ports or ranges, comma-separated. */
export function parsePortList(text: string): NumRange[] | undefined {
  const out: NumRange[] = [];
  for (const item of text.split(',')) {
    const r = parsePortRange(item);
    if (!r) return undefined;
    out.push(r);
  }
  return out.length > 0 ? out : undefined;
}

export function inRanges(n: number, ranges: readonly NumRange[]): boolean {
  return ranges.some((r) => n >= r.lo && n <= r.hi);
}

/** Looks a user or group name up in a passwd-format file (name:x:id:...). */
function lookupName(file: string, name: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [n, , id] = line.split(':');
    if (n === name && id !== undefined && /^\d+$/.test(id)) return Number(id);
  }
  return undefined;
}

export interface IdFiles {
  readonly passwd: string;
  readonly group: string;
}

export const systemIdFiles: IdFiles = { passwd: '/etc/passwd', group: '/etc/group' };

/** An owner id: a number, an `A-B` range, or a user/group name resolved through the files. */
export function parseOwnerId(text: string, kind: 'user' | 'group', files: IdFiles = systemIdFiles): NumRange | undefined {
  const range = /^(\d+)-(\d+)$/.exec(text);
  if (range) {
    const lo = parseU32(range[1] ?? '');
    const hi = parseU32(range[2] ?? '');
    return lo === undefined || hi === undefined || lo > hi ? undefined : { lo, hi };
  }
  const n = parseU32(text);
  if (n !== undefined) return { lo: n, hi: n };
  const id = lookupName(kind === 'user' ? files.passwd : files.group, text);
  return id === undefined ? undefined : { lo: id, hi: id };
}

/** A user name (or number) for `--uid`, resolved through the passwd file. */
export function resolveUser(text: string, files: IdFiles = systemIdFiles): number | undefined {
  return parseU32(text) ?? lookupName(files.passwd, text);
}

export function resolveGroup(text: string, files: IdFiles = systemIdFiles): number | undefined {
  return parseU32(text) ?? lookupName(files.group, text);
}
