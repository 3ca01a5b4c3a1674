/**
 * Hash keys from requests (Envoy's hash_policy): header (one value, several values sorted and
 * chained), cookie (present; absent with a ttl: generated, Set-Cookie returned; absent without
 * ttl: nothing), source IP, query parameter, terminal, and the rotate-xor combination.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { xxHash64 } from '../../../src/proxy/cluster/xxhash64.ts';
import { cookieValue, hashKeyFor, queryParameter } from '../../../src/proxy/filters/http/router/hash-key.ts';
import type { HashPolicy } from '../../../src/proxy/route/route-action-config.ts';
import { seeded } from './support.ts';

const req = (o: { headers?: Record<string, string | string[]>; path?: string; remoteIp?: string; connection?: string } = {}) =>
  ({ headers: o.headers ?? {}, path: o.path ?? '/', remoteIp: o.remoteIp, connection: o.connection });
const header = (headerName: string, terminal = false): HashPolicy => ({ kind: 'header', headerName, terminal });
const rotl1 = (h: bigint): bigint => ((h << 1n) | (h >> 63n)) & 0xffffffffffffffffn;

describe('hashKeyFor', () => {
  it('hashes a header value; several values sorted and chained; nothing without the header or policies', () => {
    const r = seeded(1);
    assert.equal(hashKeyFor([header('x-user')], req({ headers: { 'x-user': 'alice' } }), r).key, xxHash64('alice'));
    assert.equal(hashKeyFor([header('x-user')], req({ headers: { 'x-user': ['b', 'a'] } }), r).key, xxHash64('b', xxHash64('a')));
    assert.equal(hashKeyFor([header('x-user')], req(), r).key, undefined);
    assert.deepEqual(hashKeyFor([], req({ headers: { 'x-user': 'a' } }), r), { key: undefined });
  });

  it('hashes a cookie, generating one with a Set-Cookie when absent and a ttl is set', () => {
    const cookie = (ttlMs: number | undefined): HashPolicy => ({ kind: 'cookie', name: 'user', path: '/app', ttlMs, terminal: false });
    const r = seeded(2);
    assert.deepEqual(hashKeyFor([cookie(60_000)], req({ headers: { cookie: 'a=1; user="bob"; c=3' } }), r), { key: xxHash64('bob') });
    assert.deepEqual(hashKeyFor([cookie(undefined)], req(), r), { key: undefined });
    const made = hashKeyFor([cookie(60_000)], req({ connection: '10.0.0.1:5555|10.0.0.2:80' }), r);
    const value = xxHash64('10.0.0.1:5555|10.0.0.2:80').toString(16).padStart(16, '0');
    assert.equal(made.setCookie, `user="${value}"; Max-Age=60; Path=/app; HttpOnly`);
    assert.equal(made.key, xxHash64(value), 'the request hashes the value it will carry from now on');
    const random = hashKeyFor([{ kind: 'cookie', name: 's', path: '', ttlMs: 0, terminal: false }], req(), seeded(3));
    assert.match(random.setCookie ?? '', /^s="[0-9a-f]{16}"; HttpOnly$/, 'ttl 0: a session cookie');
  });

  it('hashes the source IP and a query parameter (first value, as written)', () => {
    const r = seeded(4);
    assert.equal(hashKeyFor([{ kind: 'sourceIp', terminal: false }], req({ remoteIp: '10.0.0.7' }), r).key, xxHash64('10.0.0.7'));
    assert.equal(hashKeyFor([{ kind: 'sourceIp', terminal: false }], req(), r).key, undefined);
    const q: HashPolicy = { kind: 'queryParameter', name: 'u', terminal: false };
    assert.equal(hashKeyFor([q], req({ path: '/p?x=1&u=a%20b&u=c' }), r).key, xxHash64('a%20b'));
    assert.equal(hashKeyFor([q], req({ path: '/p?x=1' }), r).key, undefined);
    assert.equal(queryParameter('/p?u', 'u'), '');
    assert.equal(cookieValue({ cookie: ['x=1', 'y=2'] }, 'y'), '2');
  });

  it('combines policies by rotating and xoring; a terminal policy with a hash ends the walk', () => {
    const r = seeded(5);
    const h = { 'x-a': 'a', 'x-b': 'b' };
    assert.equal(hashKeyFor([header('x-a'), header('x-b')], req({ headers: h }), r).key, rotl1(xxHash64('a')) ^ xxHash64('b'));
    assert.equal(hashKeyFor([header('x-a'), header('x-a')], req({ headers: h }), r).key, rotl1(xxHash64('a')) ^ xxHash64('a'), 'duplicates do not cancel');
    assert.equal(hashKeyFor([header('x-a', true), header('x-b')], req({ headers: h }), r).key, xxHash64('a'));
    assert.equal(hashKeyFor([header('x-missing', true), header('x-b')], req({ headers: h }), r).key, xxHash64('b'), 'terminal without a hash goes on');
  });
});
