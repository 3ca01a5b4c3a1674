/**
 * Reading a decoded xDS resource (proto3 JSON) with the field path in hand: every refusal is a
 * ProxyError (MZ_XDS_INVALID_RESOURCE, a MizzenError) naming the resource and the field, e.g.
 * `Cluster outbound|80||web.hello.svc.cluster.local: lbPolicy: MAGLEV is not supported ...`.
 * The codec has already checked types; these helpers check presence, ranges and meaning.
 */
import { isIP } from 'node:net';
import { parseDuration } from '../../../core/xds/json.ts';
import { parsePrefix, type Prefix } from '../../../interception/cidr.ts';
import type { Address } from '../../core/address.ts';
import { ProxyError, ProxyErrorCodes } from '../../core/errors.ts';

export type Obj = Readonly<Record<string, unknown>>;

/** Where in which resource a value sits. */
export class At {
  readonly resource: string;
  readonly path: string;

  constructor(resource: string, path = '') {
    this.resource = resource;
    this.path = path;
  }

  field(name: string): At {
    return new At(this.resource, this.path ? `${this.path}.${name}` : name);
  }

  index(i: number): At {
    return new At(this.resource, `${this.path}[${i}]`);
  }

  fail(reason: string): never {
    throw new ProxyError(ProxyErrorCodes.InvalidResource, `${this.resource}: ${this.path || '(resource)'}: ${reason}`);
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A message field; absent is `{}` (proto3 defaults). */
export function obj(v: unknown, at: At): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) at.fail(`expected a message, got ${JSON.stringify(v)}`);
  return v;
}

export function list(v: unknown, at: At): readonly unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) at.fail(`expected a list, got ${JSON.stringify(v)}`);
  return v;
}

export function str(v: unknown, at: At, required = false): string {
  const s = v === undefined || v === null ? '' : v;
  if (typeof s !== 'string') at.fail(`expected a string, got ${JSON.stringify(v)}`);
  if (required && s === '') at.fail('is required');
  return s;
}

export function bool(v: unknown, dflt: boolean): boolean {
  return typeof v === 'boolean' ? v : dflt;
}

/** An unsigned integer (uint32 or a UInt32Value wrapper, already unwrapped by the codec). */
export function uint(v: unknown, at: At, dflt: number, min = 0): number {
  if (v === undefined || v === null) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) at.fail(`expected a whole number of at least ${min}, got ${JSON.stringify(v)}`);
  return n;
}

/** One of the enum names Mizzen supports; absent is `dflt` (the enum's zero value). */
export function oneOf<T extends string>(v: unknown, at: At, supported: readonly T[], dflt: T, hint = ''): T {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'string' && (supported as readonly string[]).includes(v)) return v as T;
  return at.fail(`${typeof v === 'string' ? v : JSON.stringify(v)} is not supported${hint ? ` (${hint})` : ` (supported: ${supported.join(', ')})`}`);
}

export function durationMs(v: unknown, at: At, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  try {
    const d = parseDuration(String(v));
    return Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
  } catch (err) {
    return at.fail((err as Error).message);
  }
}

export function ip(v: unknown, at: At): string {
  const s = str(v, at, true);
  if (isIP(s) === 0) at.fail(`${JSON.stringify(s)} is not an IP address`);
  return s;
}

const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/;

/** envoy.config.core.v3.Address with a socket_address: IP (or, for DNS clusters, a host name) and port. */
export function socketAddress(v: unknown, at: At, allowHostname = false): Address {
  const a = obj(v, at);
  if (a['pipe'] !== undefined || a['envoyInternalAddress'] !== undefined) at.fail('only socketAddress addresses are supported');
  const sa = obj(a['socketAddress'], at.field('socketAddress'));
  if (sa['namedPort'] !== undefined) at.field('socketAddress.namedPort').fail('named ports are not supported');
  const where = at.field('socketAddress.address');
  const host = allowHostname && typeof sa['address'] === 'string' && isIP(sa['address']) === 0
    ? (DNS_NAME.test(sa['address']) ? sa['address'] : where.fail(`${JSON.stringify(sa['address'])} is not an IP address or DNS name`))
    : ip(sa['address'], where);
  return { ip: host, port: uint(sa['portValue'], at.field('socketAddress.portValue'), 0) };
}

/** envoy.config.core.v3.CidrRange. */
export function cidr(v: unknown, at: At): Prefix {
  const c = obj(v, at);
  const text = `${str(c['addressPrefix'], at.field('addressPrefix'), true)}/${uint(c['prefixLen'], at.field('prefixLen'), 0)}`;
  return parsePrefix(text) ?? at.fail(`${JSON.stringify(text)} is not a valid CIDR range`);
}

/** The "@type" of a typed_config, without the URL prefix. */
export function typeName(v: unknown): string {
  const t = isObj(v) ? v['@type'] : undefined;
  return typeof t === 'string' ? t.slice(t.lastIndexOf('/') + 1) : '';
}
