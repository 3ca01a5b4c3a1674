/**
 * The packet the tracer follows: direction, 5-tuple, socket owner (outbound), interfaces,
 * conntrack state and marks. Built from a spec with defaults filled in and every value checked;
 * a bad value is a MizzenError (InvalidPacket) that names the flag carrying it.
 */
import { isIPv4, isIP } from 'node:net';
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import { isLoopback, parseAddressOrPrefix, canonicalIPv6 } from '../cidr.ts';
import { parsePort, parseU32, resolveGroup, resolveUser } from './values.ts';

export const Directions = ['inbound', 'outbound'] as const;
export type Direction = (typeof Directions)[number];
export const Protocols = ['tcp', 'udp'] as const;
export type Protocol = (typeof Protocols)[number];
export const ConnStates = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID'] as const;
export type ConnState = (typeof ConnStates)[number];

export interface Packet {
  readonly direction: Direction;
  readonly family: 4 | 6;
  readonly protocol: Protocol;
  readonly src: string;
  readonly dst: string;
  readonly sport: number;
  readonly dport: number;
  /** Owner of the local socket; outbound (locally generated) packets only. */
  readonly uid: number | undefined;
  readonly gid: number | undefined;
  /** Inbound only. */
  readonly inInterface: string | undefined;
  /** Outbound only. */
  readonly outInterface: string | undefined;
  readonly state: ConnState;
  readonly mark: number;
  /** The connection's mark before this packet (CONNMARK --restore-mark reads it). */
  readonly connmark: number;
  /** The pod's own addresses: they make a destination local (lo, addrtype LOCAL). */
  readonly localAddresses: readonly string[];
}

/** What a caller gives: strings as on the command line, or numbers. Missing means default. */
export interface PacketSpec {
  readonly direction?: string | undefined;
  readonly protocol?: string | undefined;
  readonly src?: string | undefined;
  readonly dst?: string | undefined;
  readonly sport?: string | number | undefined;
  readonly dport?: string | number | undefined;
  readonly uid?: string | number | undefined;
  readonly gid?: string | number | undefined;
  readonly inInterface?: string | undefined;
  readonly outInterface?: string | undefined;
  readonly state?: string | undefined;
  readonly mark?: string | number | undefined;
  readonly connmark?: string | number | undefined;
  readonly localAddresses?: readonly string[] | undefined;
}

/** The source port used when none is given: an ordinary ephemeral port. */
export const DEFAULT_SPORT = 40000;

function bad(flag: string, value: unknown, reason: string): MizzenError {
  return new MizzenError(ErrorCodes.InvalidPacket, `invalid value for ${flag}: ${JSON.stringify(value)}: ${reason}`);
}

function missing(flag: string, what: string): MizzenError {
  return new MizzenError(ErrorCodes.InvalidPacket, `missing ${flag}: the packet needs ${what}`);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[], fold: (s: string) => string): T {
  const v = fold(value);
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw bad(flag, value, `expected one of ${allowed.join(', ')}`);
  return found;
}

function address(flag: string, value: string | undefined): string {
  if (value === undefined || value === '') throw missing(flag, 'an address');
  if (!isIP(value) || value.includes('%')) throw bad(flag, value, 'expected an IPv4 or IPv6 address');
  return isIPv4(value) ? value : canonicalIPv6(value);
}

function port(flag: string, value: string | number | undefined, fallback?: number): number {
  if (value === undefined || value === '') {
    if (fallback !== undefined) return fallback;
    throw missing(flag, 'a port');
  }
  const n = parsePort(String(value));
  if (n === undefined || n === 0) throw bad(flag, value, 'expected a port number from 1 to 65535');
  return n;
}

function u32(flag: string, value: string | number | undefined): number {
  if (value === undefined || value === '') return 0;
  const n = parseU32(String(value));
  if (n === undefined) throw bad(flag, value, 'expected a 32-bit number (decimal or 0x hex)');
  return n;
}

function ifName(flag: string, value: string): string {
  if (!/^[A-Za-z0-9_.:@-]{1,15}$/.test(value)) throw bad(flag, value, 'expected an interface name (at most 15 characters)');
  return value;
}

/** True when `addr` is loopback or one of the pod's own addresses. */
export function isLocalAddress(addr: string, locals: readonly string[]): boolean {
  const p = parseAddressOrPrefix(addr);
  if (p && isLoopback(p)) return true;
  return locals.includes(addr);
}

export function makePacket(spec: PacketSpec): Packet {
  if (spec.direction === undefined || spec.direction === '') throw missing('--direction', 'a direction (inbound or outbound)');
  const direction = oneOf('--direction', spec.direction, Directions, (s) => s.toLowerCase());
  const protocol = oneOf('--protocol', spec.protocol ?? 'tcp', Protocols, (s) => s.toLowerCase());
  const src = address('--src', spec.src);
  const dst = address('--dst', spec.dst);
  const family = isIPv4(src) ? 4 : 6;
  if ((isIPv4(dst) ? 4 : 6) !== family) throw bad('--dst', dst, `not the same address family as --src ${src}`);
  const sport = port('--sport', spec.sport, DEFAULT_SPORT);
  const dport = port('--dport', spec.dport);
  const localAddresses = (spec.localAddresses ?? []).map((a) => address('--local-address', a));

  const outbound = direction === 'outbound';
  const onlyFor = (flag: string, value: unknown, dir: Direction): void => {
    if (value !== undefined && value !== '' && direction !== dir) {
      throw bad(flag, value, `applies to ${dir} packets only (this one is ${direction})`);
    }
  };
  onlyFor('--uid', spec.uid, 'outbound');
  onlyFor('--gid', spec.gid, 'outbound');
  onlyFor('--out-interface', spec.outInterface, 'outbound');
  onlyFor('--in-interface', spec.inInterface, 'inbound');

  let uid: number | undefined;
  let gid: number | undefined;
  if (outbound) {
    uid = spec.uid === undefined || spec.uid === '' ? 0 : resolveUser(String(spec.uid));
    if (uid === undefined) throw bad('--uid', spec.uid, 'expected a user id (or a name in /etc/passwd)');
    gid = spec.gid === undefined || spec.gid === '' ? 0 : resolveGroup(String(spec.gid));
    if (gid === undefined) throw bad('--gid', spec.gid, 'expected a group id (or a name in /etc/group)');
  }
  const inInterface = outbound ? undefined : ifName('--in-interface', spec.inInterface || 'eth0');
  const outInterface = !outbound
    ? undefined
    : ifName('--out-interface', spec.outInterface || (isLocalAddress(dst, localAddresses) ? 'lo' : 'eth0'));
  const state = oneOf('--state', spec.state ?? 'NEW', ConnStates, (s) => s.toUpperCase());
  return {
    direction, family, protocol, src, dst, sport, dport, uid, gid, inInterface, outInterface, state,
    mark: u32('--mark', spec.mark), connmark: u32('--connmark', spec.connmark), localAddresses,
  };
}

/** `ADDR:PORT`, with brackets around IPv6 addresses. */
export function endpoint(addr: string, p: number): string {
  return addr.includes(':') ? `[${addr}]:${p}` : `${addr}:${p}`;
}

export function describePacket(p: Packet): string {
  const parts = [`${p.direction} ${p.protocol} ${endpoint(p.src, p.sport)} -> ${endpoint(p.dst, p.dport)}`];
  if (p.direction === 'outbound') parts.push(`uid ${p.uid ?? 0} gid ${p.gid ?? 0}`, `out-interface ${p.outInterface ?? ''}`);
  else parts.push(`in-interface ${p.inInterface ?? ''}`);
  parts.push(`state ${p.state}`, `mark 0x${p.mark.toString(16)}`);
  if (p.connmark !== 0) parts.push(`connmark 0x${p.connmark.toString(16)}`);
  if (p.localAddresses.length > 0) parts.push(`local addresses ${p.localAddresses.join(', ')}`);
  return parts.join(', ');
}
