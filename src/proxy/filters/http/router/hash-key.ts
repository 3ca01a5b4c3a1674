/**
 * A request's hash key from its route's hash_policy, as Envoy's HashPolicyImpl::generateHash
 * computes it for RING_HASH and MAGLEV clusters. Each policy yields an xxHash64 or nothing:
 * `header` (one value: its hash; several entries: the values sorted, hashed in a chain, each
 * hash seeding the next), `cookie` (the named cookie's value; when absent and a ttl is set, a
 * value is generated and returned as a Set-Cookie for the response, `name="value"; Max-Age=..;
 * Path=..; HttpOnly`, and hashed), `sourceIp` (the downstream IP), `queryParameter` (the first
 * value, not decoded). Hashes combine as Envoy does: the running hash rotated left by one, xor
 * the new one; a terminal policy that produced a hash ends the walk. Pure: the generated cookie
 * value is the xxHash64 of `connection` (Envoy hashes the connection's remote and local
 * addresses, so racing streams agree) or, without it, 64 random bits.
 */
import { uint64Hex, xxHash64 } from '../../../cluster/xxhash64.ts';
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import type { Random } from '../../../core/random.ts';
import { randomHash } from '../../../cluster/random.ts';
import type { HashPolicy } from '../../../route/route-action-config.ts';

export interface HashKeyRequest {
  /** Lower-case names. */
  readonly headers: HeaderMap;
  /** :path, with its query. */
  readonly path: string;
  readonly remoteIp: string | undefined;
  /** Identifies the downstream connection (e.g. remote + local address), for generated cookies. */
  readonly connection?: string | undefined;
}

export interface HashKeyResult {
  readonly key: bigint | undefined;
  /** A Set-Cookie value to add to the response (cookie policy with a ttl, cookie absent). */
  readonly setCookie?: string;
}

const M64 = 0xffffffffffffffffn;
const NONE: HashKeyResult = Object.freeze({ key: undefined });

function headerValues(headers: HeaderMap, name: string): string[] {
  const v = headers[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function headerHash(headers: HeaderMap, name: string): bigint | undefined {
  const values = headerValues(headers, name);
  if (values.length === 0) return undefined;
  if (values.length === 1) return xxHash64(values[0] as string);
  let seed = 0n;
  for (const v of [...values].sort()) seed = xxHash64(v, seed);
  return seed;
}

/** The value of cookie `name` in the Cookie header(s), surrounding quotes removed. */
export function cookieValue(headers: HeaderMap, name: string): string | undefined {
  for (const header of headerValues(headers, 'cookie')) {
    for (const part of header.split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
      const v = part.slice(eq + 1).trim();
      return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
    }
  }
  return undefined;
}

/** Envoy's makeSetCookieValue with HttpOnly. */
export function setCookieValue(name: string, value: string, path: string, ttlMs: number): string {
  const maxAge = Math.floor(ttlMs / 1000);
  return `${name}="${value}"${maxAge > 0 ? `; Max-Age=${maxAge}` : ''}${path ? `; Path=${path}` : ''}; HttpOnly`;
}

/** The first value of query parameter `name` in `path`, as written (not decoded). */
export function queryParameter(path: string, name: string): string | undefined {
  const q = path.indexOf('?');
  if (q < 0) return undefined;
  const end = path.indexOf('#', q);
  for (const pair of path.slice(q + 1, end < 0 ? undefined : end).split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) === name) return eq < 0 ? '' : pair.slice(eq + 1);
  }
  return undefined;
}

export function hashKeyFor(policies: readonly HashPolicy[], request: HashKeyRequest, random: Random): HashKeyResult {
  if (policies.length === 0) return NONE;
  let hash: bigint | undefined;
  let setCookie: string | undefined;
  for (const p of policies) {
    let h: bigint | undefined;
    switch (p.kind) {
      case 'header':
        h = headerHash(request.headers, p.headerName);
        break;
      case 'cookie': {
        const v = cookieValue(request.headers, p.name);
        if (v !== undefined) h = xxHash64(v);
        else if (p.ttlMs !== undefined) {
          const value = uint64Hex(request.connection !== undefined ? xxHash64(request.connection) : randomHash(random));
          setCookie = setCookieValue(p.name, value, p.path, p.ttlMs);
          h = xxHash64(value);
        }
        break;
      }
      case 'sourceIp':
        if (request.remoteIp) h = xxHash64(request.remoteIp);
        break;
      case 'queryParameter': {
        const v = queryParameter(request.path, p.name);
        if (v !== undefined) h = xxHash64(v);
        break;
      }
    }
    if (h !== undefined) hash = hash === undefined ? h : (((hash << 1n) | (hash >> 63n)) & M64) ^ h;
    if (p.terminal && hash !== undefined) break;
  }
  return setCookie === undefined ? { key: hash } : { key: hash, setCookie };
}
