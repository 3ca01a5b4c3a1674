/**
 * The route matching conformance table, through the RDS translator: path specifiers (prefix,
 * exact path, path_separated_prefix, regex; with and without case sensitivity; query strings
 * and fragments ignored), header matchers (every specifier, pseudo headers, repeated headers,
 * invert_match, treat_missing_header_as_empty, presence), query parameters, gRPC, runtime
 * fractions, and virtual host selection by authority.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from '../../../src/control/xds/generator.ts';
import type { RouteRequest } from '../../../src/proxy/route/select-route.ts';
import { selectRoute, stripPort } from '../../../src/proxy/route/select-route.ts';
import { config, request, scripted, translate } from './support.ts';

const route = (match: Json): Json => ({ name: 'hit', match, route: { cluster: 'c' } });
const hits = (match: Json, req: Partial<RouteRequest>, random = scripted(0)): boolean =>
  selectRoute(config([route(match)]), request(req), random)?.route.name === 'hit';

type Case = [string, Json, Partial<RouteRequest>, boolean];

const PATHS: Case[] = [
  ['prefix', { prefix: '/api' }, { path: '/api/v1' }, true],
  ['prefix is not a segment match', { prefix: '/api' }, { path: '/apis' }, true],
  ['prefix is case sensitive', { prefix: '/api' }, { path: '/API' }, false],
  ['prefix ignoring case', { prefix: '/Api', caseSensitive: false }, { path: '/aPI/x' }, true],
  ['prefix ignores the query string', { prefix: '/a?b' }, { path: '/a?b' }, false],
  ['empty prefix matches all', { prefix: '' }, { path: '/anything' }, true],
  ['path exact', { path: '/exact' }, { path: '/exact' }, true],
  ['path exact without query', { path: '/exact' }, { path: '/exact?x=1' }, true],
  ['path exact without fragment', { path: '/exact' }, { path: '/exact#frag' }, true],
  ['path exact is not a prefix', { path: '/exact' }, { path: '/exact/' }, false],
  ['path ignoring case', { path: '/Exact', caseSensitive: false }, { path: '/EXACT' }, true],
  ['path_separated_prefix equal', { pathSeparatedPrefix: '/api' }, { path: '/api' }, true],
  ['path_separated_prefix segment', { pathSeparatedPrefix: '/api' }, { path: '/api/x?y' }, true],
  ['path_separated_prefix partial segment', { pathSeparatedPrefix: '/api' }, { path: '/apis' }, false],
  ['regex matches the whole path', { safeRegex: { regex: '/v[0-9]+/.*' } }, { path: '/v2/x?q' }, true],
  ['regex is anchored', { safeRegex: { regex: '/v[0-9]+' } }, { path: '/v2/x' }, false],
  ['regex ignores case_sensitive false', { safeRegex: { regex: '/abc' }, caseSensitive: false }, { path: '/ABC' }, false],
  ['regex with (?i)', { safeRegex: { regex: '(?i)/abc' } }, { path: '/ABC' }, true],
];

const h = (name: string, m: Json): Json => ({ prefix: '/', headers: [{ name, ...m }] });
const HEADERS: Case[] = [
  ['exact string', h('x-a', { stringMatch: { exact: 'v' } }), { headers: { 'x-a': 'v' } }, true],
  ['exact string mismatch', h('x-a', { stringMatch: { exact: 'v' } }), { headers: { 'x-a': 'V' } }, false],
  ['exact ignoring case', h('x-a', { stringMatch: { exact: 'V', ignoreCase: true } }), { headers: { 'x-a': 'v' } }, true],
  ['prefix', h('x-a', { stringMatch: { prefix: 'ab' } }), { headers: { 'x-a': 'abc' } }, true],
  ['suffix', h('x-a', { stringMatch: { suffix: 'bc' } }), { headers: { 'x-a': 'abc' } }, true],
  ['contains', h('x-a', { stringMatch: { contains: 'b' } }), { headers: { 'x-a': 'abc' } }, true],
  ['regex is anchored', h('x-a', { stringMatch: { safeRegex: { regex: 'b' } } }), { headers: { 'x-a': 'abc' } }, false],
  ['regex', h('x-a', { stringMatch: { safeRegex: { regex: 'a.c' } } }), { headers: { 'x-a': 'abc' } }, true],
  ['legacy exact_match', h('x-a', { exactMatch: 'v' }), { headers: { 'x-a': 'v' } }, true],
  ['legacy empty exact_match accepts any value', h('x-a', { exactMatch: '' }), { headers: { 'x-a': 'v' } }, true],
  ['legacy prefix_match', h('x-a', { prefixMatch: 'a' }), { headers: { 'x-a': 'abc' } }, true],
  ['legacy safe_regex_match', h('x-a', { safeRegexMatch: { regex: '\\d+' } }), { headers: { 'x-a': '123' } }, true],
  ['range in', h('x-a', { rangeMatch: { start: '-10', end: '0' } }), { headers: { 'x-a': '-1' } }, true],
  ['range end is exclusive', h('x-a', { rangeMatch: { start: '-10', end: '0' } }), { headers: { 'x-a': '0' } }, false],
  ['range needs a number', h('x-a', { rangeMatch: { start: '0', end: '10' } }), { headers: { 'x-a': '1.5' } }, false],
  ['name is matched lower-cased', h('X-A', { stringMatch: { exact: 'v' } }), { headers: { 'x-a': 'v' } }, true],
  ['repeated header joined by commas', h('x-a', { stringMatch: { exact: 'a,b' } }), { headers: { 'x-a': ['a', 'b'] } }, true],
  ['no specifier means present', h('x-a', {}), { headers: { 'x-a': '' } }, true],
  ['no specifier, absent', h('x-a', {}), {}, false],
  ['present_match true', h('x-a', { presentMatch: true }), { headers: { 'x-a': 'v' } }, true],
  ['present_match false, absent', h('x-a', { presentMatch: false }), {}, true],
  ['present_match false, present', h('x-a', { presentMatch: false }), { headers: { 'x-a': 'v' } }, false],
  ['present inverted, absent', h('x-a', { presentMatch: true, invertMatch: true }), {}, true],
  ['present inverted, present', h('x-a', { presentMatch: true, invertMatch: true }), { headers: { 'x-a': 'v' } }, false],
  ['inverted value, other value', h('x-a', { stringMatch: { exact: 'v' }, invertMatch: true }), { headers: { 'x-a': 'w' } }, true],
  ['inverted value, same value', h('x-a', { stringMatch: { exact: 'v' }, invertMatch: true }), { headers: { 'x-a': 'v' } }, false],
  ['inverted value, missing header never matches', h('x-a', { stringMatch: { exact: 'v' }, invertMatch: true }), {}, false],
  ['inverted value, missing treated as empty', h('x-a', { stringMatch: { exact: 'v' }, invertMatch: true, treatMissingHeaderAsEmpty: true }), {}, true],
  ['missing treated as empty matches an empty exact', h('x-a', { stringMatch: { exact: '' }, treatMissingHeaderAsEmpty: true }), {}, true],
  [':method', h(':method', { stringMatch: { exact: 'POST' } }), { method: 'POST' }, true],
  [':method mismatch', h(':method', { stringMatch: { exact: 'POST' } }), { method: 'GET' }, false],
  [':authority', h(':authority', { stringMatch: { prefix: 'web' } }), { authority: 'web:80' }, true],
  [':scheme', h(':scheme', { stringMatch: { exact: 'https' } }), { scheme: 'https' }, true],
  [':path includes the query string', h(':path', { stringMatch: { suffix: '?x=1' } }), { path: '/a?x=1' }, true],
  ['unknown pseudo header is absent', h(':protocol', { presentMatch: true }), {}, false],
];

const q = (...params: Json[]): Json => ({ prefix: '/', queryParameters: params });
const QUERY: Case[] = [
  ['exact', q({ name: 'a', stringMatch: { exact: '1' } }), { path: '/?a=1' }, true],
  ['first value only', q({ name: 'a', stringMatch: { exact: '2' } }), { path: '/?a=1&a=2' }, false],
  ['not percent-decoded', q({ name: 'a', stringMatch: { exact: 'x y' } }), { path: '/?a=x%20y' }, false],
  ['present', q({ name: 'a', presentMatch: true }), { path: '/?b&a' }, true],
  ['present, absent', q({ name: 'a', presentMatch: true }), { path: '/?b=a' }, false],
  ['present_match false', q({ name: 'a', presentMatch: false }), { path: '/?b=1' }, true],
  ['no specifier means present', q({ name: 'a' }), { path: '/?a=' }, true],
  ['empty value against prefix', q({ name: 'a', stringMatch: { prefix: 'x' } }), { path: '/?a' }, false],
  ['fragment is not part of the query', q({ name: 'a', stringMatch: { exact: '1' } }), { path: '/?a=1#b' }, true],
  ['all must hold', q({ name: 'a', presentMatch: true }, { name: 'b', presentMatch: true }), { path: '/?a=1' }, false],
];

const OTHER: Case[] = [
  ['grpc', { prefix: '/', grpc: {} }, { headers: { 'content-type': 'application/grpc' } }, true],
  ['grpc+proto', { prefix: '/', grpc: {} }, { headers: { 'content-type': 'application/grpc+proto' } }, true],
  ['grpc-web is not grpc', { prefix: '/', grpc: {} }, { headers: { 'content-type': 'application/grpc-web' } }, false],
  ['grpc without content-type', { prefix: '/', grpc: {} }, {}, false],
];

describe('route match conformance', () => {
  for (const [group, cases] of [['path', PATHS], ['headers', HEADERS], ['query parameters', QUERY], ['gRPC', OTHER]] as const) {
    describe(group, () => {
      for (const [name, match, req, want] of cases) it(name, () => assert.equal(hits(match, req), want));
    });
  }

  it('draws the runtime fraction once per request', () => {
    const routes = [
      { name: 'quarter', match: { prefix: '/', runtimeFraction: { defaultValue: { numerator: 25 }, runtimeKey: 'k' } }, route: { cluster: 'a' } },
      { name: 'half', match: { prefix: '/', runtimeFraction: { defaultValue: { numerator: 5000, denominator: 'TEN_THOUSAND' } } }, route: { cluster: 'b' } },
      { name: 'rest', match: { prefix: '/' }, route: { cluster: 'c' } },
    ];
    const rc = config(routes);
    const pick = (u: number): string | undefined => selectRoute(rc, request(), scripted(u, 0))?.route.name;
    assert.deepEqual([0, 0.2499, 0.25, 0.4999, 0.5, 0.99].map(pick), ['quarter', 'quarter', 'half', 'half', 'rest', 'rest']);
  });

  it('takes the first matching route, in order', () => {
    const rc = config([
      { name: 'a', match: { prefix: '/a' }, route: { cluster: 'a' } },
      { name: 'ab', match: { prefix: '/ab' }, route: { cluster: 'ab' } },
    ]);
    assert.equal(selectRoute(rc, request({ path: '/abc' }), scripted(0))?.route.name, 'a');
    assert.equal(selectRoute(rc, request({ path: '/b' }), scripted(0)), undefined);
  });
});

describe('virtual host selection', () => {
  const vh = (name: string, domains: string[]): Json => ({ name, domains, routes: [{ match: { prefix: '/' }, route: { cluster: name } }] });
  const rc = translate({
    name: 'vh', virtualHosts: [
      vh('exact', ['web.shop.svc.cluster.local', 'web.shop.svc.cluster.local:80']), vh('suffix', ['*.shop.svc.cluster.local']),
      vh('longer-suffix', ['*.api.shop.svc.cluster.local']), vh('prefix', ['web.*']), vh('any', ['*']),
    ],
  });
  const pick = (authority: string): string | undefined => selectRoute(rc, request({ authority }), scripted(0))?.virtualHost.name;
  const cases: [string, string][] = [
    ['web.shop.svc.cluster.local', 'exact'], ['WEB.Shop.svc.cluster.local:80', 'exact'], ['web.shop.svc.cluster.local:8080', 'prefix'],
    ['x.api.shop.svc.cluster.local', 'longer-suffix'], ['api.shop.svc.cluster.local', 'suffix'], ['.shop.svc.cluster.local', 'any'],
    ['web.other', 'prefix'], ['web.', 'any'], ['example.com', 'any'],
  ];
  for (const [authority, want] of cases) it(`${authority} -> ${want}`, () => assert.equal(pick(authority), want));

  it('matches the port only when listed, unless ignorePortInHostMatching', () => {
    const strict = translate({ name: 'p', virtualHosts: [vh('bare', ['web'])] });
    assert.equal(selectRoute(strict, request({ authority: 'web:80' }), scripted(0)), undefined);
    const loose = translate({ name: 'p', virtualHosts: [vh('bare', ['web']), vh('v6', ['[::1]'])], ignorePortInHostMatching: true });
    assert.equal(selectRoute(loose, request({ authority: 'web:80' }), scripted(0))?.virtualHost.name, 'bare');
    assert.equal(selectRoute(loose, request({ authority: '[::1]:80' }), scripted(0))?.virtualHost.name, 'v6');
  });

  it('strips ports from host names and bracketed IPv6 literals only', () => {
    assert.deepEqual(['web:80', 'web', '[::1]:8080', '[::1]', '::1'].map(stripPort), ['web', 'web', '[::1]', '[::1]', '::1']);
  });
});
