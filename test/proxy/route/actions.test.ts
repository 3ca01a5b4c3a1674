/**
 * The router's helpers on translated routes: path rewrites (prefix over prefix, exact path,
 * case-insensitive prefix and regex routes; RE2 regex substitution), redirect Locations
 * (scheme, host, port, path, query handling, rewrites, default ports), direct-response
 * Locations, header edits (append actions, order across levels, most specific wins, command
 * operators), and cluster choice (weighted, cluster_header).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from '../../../src/control/xds/generator.ts';
import { chooseCluster } from '../../../src/proxy/route/cluster-target.ts';
import { applyHeaderMutations, mutationLevels, substitute } from '../../../src/proxy/route/header-mutations.ts';
import { redirectLocation } from '../../../src/proxy/route/redirect.ts';
import type { RouteEntry } from '../../../src/proxy/route/route-config.ts';
import { rewritePath } from '../../../src/proxy/route/route-rewrite.ts';
import { selectRoute } from '../../../src/proxy/route/select-route.ts';
import { config, request, scripted, translate } from './support.ts';

const one = (r: Json): RouteEntry => {
  const e = config([{ name: 'r', ...r }]).virtualHosts[0]?.routes[0];
  assert.ok(e);
  return e;
};
const rx = (pattern: string, substitution: string): Json => ({ pattern: { regex: pattern }, substitution });

describe('rewritePath', () => {
  const cases: [string, Json, Json, string, string | undefined][] = [
    ['prefix over prefix keeps the rest and query', { prefix: '/api/' }, { prefixRewrite: '/' }, '/api/v1?x=1', '/v1?x=1'],
    ['prefix rewrite to empty', { prefix: '/api' }, { prefixRewrite: '' }, '/api/v1', '/v1'],
    ['exact path replaced, query kept', { path: '/old' }, { prefixRewrite: '/new' }, '/old?q', '/new?q'],
    ['case-insensitive prefix replaces its length', { prefix: '/API', caseSensitive: false }, { prefixRewrite: '/x' }, '/Api/y', '/x/y'],
    ['regex route with prefix rewrite replaces the whole path', { safeRegex: { regex: '/a/.*' } }, { prefixRewrite: '/b' }, '/a/c?d', '/b?d'],
    ['regex rewrite with groups', { prefix: '/' }, { regexRewrite: rx('^/service/([^/]+)(/.*)$', '\\2/instance/\\1') }, '/service/foo/v1/api?x', '/v1/api/instance/foo?x'],
    ['regex rewrite replaces every match', { prefix: '/' }, { regexRewrite: rx('one', 'two') }, '/xxx/one/yyy/one/zzz', '/xxx/two/yyy/two/zzz'],
    ['regex rewrite \\0 and \\\\', { prefix: '/' }, { regexRewrite: rx('[0-9]+', '<\\0\\\\>') }, '/a/12', '/a/<12\\>'],
    ['regex rewrite leaves the query alone', { prefix: '/' }, { regexRewrite: rx('a', 'b') }, '/a?a=a', '/b?a=a'],
    ['no rewrite', { prefix: '/' }, {}, '/a', undefined],
  ];
  for (const [name, match, action, path, want] of cases) {
    it(name, () => assert.equal(rewritePath(one({ match, route: { cluster: 'c', ...action } }), path), want));
  }
  it('reuses the compiled regex across requests (frozen, not global)', () => {
    const r = one({ match: { prefix: '/' }, route: { cluster: 'c', regexRewrite: rx('x', 'y') } });
    assert.equal(rewritePath(r, '/x/x'), '/y/y');
    assert.equal(rewritePath(r, '/x/x'), '/y/y');
  });
});

describe('redirectLocation', () => {
  const cases: [string, Json, Json, Parameters<typeof request>[0], { status: number; location: string | undefined }][] = [
    ['path redirect keeps the request query', { prefix: '/' }, { pathRedirect: '/new' }, { authority: 'web', path: '/old?a=1' }, { status: 301, location: 'http://web/new?a=1' }],
    ['a path redirect with its own query wins', { prefix: '/' }, { pathRedirect: '/new?b=2', stripQuery: true }, { path: '/old?a=1' }, { status: 301, location: 'http://web/new?b=2' }],
    ['strip query', { prefix: '/' }, { stripQuery: true, responseCode: 'FOUND' }, { path: '/p?a=1' }, { status: 302, location: 'http://web/p' }],
    ['https redirect drops :80', { prefix: '/' }, { httpsRedirect: true }, { authority: 'web:80', path: '/p' }, { status: 301, location: 'https://web/p' }],
    ['https redirect keeps another port', { prefix: '/' }, { httpsRedirect: true }, { authority: 'web:8080', path: '/p' }, { status: 301, location: 'https://web:8080/p' }],
    ['scheme redirect to http drops :443 of https', { prefix: '/' }, { schemeRedirect: 'http' }, { authority: 'web:443', scheme: 'https' }, { status: 301, location: 'http://web/' }],
    ['port redirect replaces the port', { prefix: '/' }, { portRedirect: 8443 }, { authority: 'web:80', path: '/p' }, { status: 301, location: 'http://web:8443/p' }],
    ['host redirect', { prefix: '/' }, { hostRedirect: 'other.example', responseCode: 'TEMPORARY_REDIRECT' }, { authority: 'web:80', path: '/p' }, { status: 307, location: 'http://other.example/p' }],
    ['host and port', { prefix: '/' }, { hostRedirect: 'b', portRedirect: 81, responseCode: 'PERMANENT_REDIRECT' }, { path: '/' }, { status: 308, location: 'http://b:81/' }],
    ['IPv6 authority', { prefix: '/' }, { portRedirect: 81 }, { authority: '[::1]:80' }, { status: 301, location: 'http://[::1]:81/' }],
    ['prefix rewrite', { prefix: '/old/' }, { prefixRewrite: '/new/', responseCode: 'SEE_OTHER' }, { path: '/old/x?q' }, { status: 303, location: 'http://web/new/x?q' }],
    ['regex rewrite', { prefix: '/' }, { regexRewrite: rx('^/(\\w+)/(\\w+)$', '/\\2/\\1') }, { path: '/a/b?q' }, { status: 301, location: 'http://web/b/a?q' }],
    ['a path without leading slash gains one', { prefix: '/' }, { pathRedirect: 'rel' }, { path: '/x' }, { status: 301, location: 'http://web/rel' }],
  ];
  for (const [name, match, redirect, req, want] of cases) {
    it(name, () => assert.deepEqual(redirectLocation(one({ match, redirect }), request(req)), want));
  }
  it('gives direct responses a Location only for 201 and 3xx', () => {
    assert.deepEqual(redirectLocation(one({ match: { prefix: '/' }, directResponse: { status: 301 } }), request({ path: '/a?b' })), { status: 301, location: 'http://web/a?b' });
    assert.deepEqual(redirectLocation(one({ match: { prefix: '/' }, directResponse: { status: 403 } }), request()), { status: 403, location: undefined });
    assert.equal(redirectLocation(one({ match: { prefix: '/' }, route: { cluster: 'c' } }), request()), undefined);
  });
});

describe('applyHeaderMutations', () => {
  const add = (key: string, value: string, appendAction?: string, extra: Json = {}): Json => ({ header: { key, value }, ...(appendAction ? { appendAction } : {}), ...extra });

  it('applies each append action, removing first', () => {
    const r = one({
      match: { prefix: '/' }, route: { cluster: 'c' },
      requestHeadersToRemove: ['x-gone', 'x-append'],
      requestHeadersToAdd: [
        add('x-append', 'a'), add('x-append', 'b', 'APPEND_IF_EXISTS_OR_ADD'), add('x-absent', 'new', 'ADD_IF_ABSENT'), add('x-kept', 'no', 'ADD_IF_ABSENT'),
        add('x-over', 'o', 'OVERWRITE_IF_EXISTS_OR_ADD'), add('x-only', 'o', 'OVERWRITE_IF_EXISTS'), add('x-missing', 'o', 'OVERWRITE_IF_EXISTS'),
        add('x-legacy', '1', undefined, { append: false }), add('x-empty', ''), add('x-keep-empty', '', undefined, { keepEmptyValue: true }), add('X-Upper', 'u'),
      ],
    });
    const headers = applyHeaderMutations({ 'x-gone': '1', 'x-append': 'old', 'x-kept': 'yes', 'x-over': ['1', '2'], 'x-only': 'old', 'x-legacy': ['a', 'b'] },
      [r.headers], 'request');
    assert.deepEqual(headers, {
      'x-append': ['a', 'b'], 'x-absent': 'new', 'x-kept': 'yes', 'x-over': 'o', 'x-only': 'o', 'x-legacy': '1', 'x-keep-empty': '', 'x-upper': 'u',
    });
  });

  const levels = (mostSpecific: boolean): ReturnType<typeof translate> => translate({
    name: 'l', mostSpecificHeaderMutationsWins: mostSpecific,
    responseHeadersToAdd: [add('x-level', 'config', 'OVERWRITE_IF_EXISTS_OR_ADD'), add('x-trail', 'config')],
    virtualHosts: [{
      name: 'vh', domains: ['*'], responseHeadersToAdd: [add('x-level', 'vhost', 'OVERWRITE_IF_EXISTS_OR_ADD'), add('x-trail', 'vhost')],
      routes: [{
        match: { prefix: '/' }, responseHeadersToAdd: [add('x-level', 'route', 'OVERWRITE_IF_EXISTS_OR_ADD'), add('x-trail', 'route')],
        route: { weightedClusters: { clusters: [{ name: 'a', weight: 1, responseHeadersToAdd: [add('x-level', 'cluster', 'OVERWRITE_IF_EXISTS_OR_ADD'), add('x-trail', 'cluster')] }] } },
      }],
    }],
  });

  for (const [mostSpecific, level, trail] of [[false, 'config', ['cluster', 'route', 'vhost', 'config']], [true, 'cluster', ['config', 'vhost', 'route', 'cluster']]] as const) {
    it(`orders levels ${mostSpecific ? 'most specific last' : 'configuration last'} (mostSpecificHeaderMutationsWins: ${mostSpecific})`, () => {
      const sel = selectRoute(levels(mostSpecific), request(), scripted(0));
      assert.ok(sel && sel.route.action.kind === 'route');
      const chosen = chooseCluster(sel.route.action.target, {}, scripted(0));
      const headers = applyHeaderMutations({}, mutationLevels(sel, chosen?.weighted), 'response');
      assert.deepEqual(headers, { 'x-level': level, 'x-trail': [...trail] });
    });
  }

  it('substitutes known command operators and %% only', () => {
    const vars = { DOWNSTREAM_REMOTE_ADDRESS: '10.0.0.1:5000', 'REQ(x-id)': 'abc' };
    assert.equal(substitute('%DOWNSTREAM_REMOTE_ADDRESS%', vars), '10.0.0.1:5000');
    assert.equal(substitute('id=%REQ(x-id)% 100%%', vars), 'id=abc 100%');
    assert.equal(substitute('%UPSTREAM_HOST% stays', vars), '%UPSTREAM_HOST% stays');
    assert.equal(substitute('%DOWNSTREAM_REMOTE_ADDRESS%', undefined), '%DOWNSTREAM_REMOTE_ADDRESS%');
  });
});

describe('chooseCluster', () => {
  it('reads cluster_header (first value), and yields nothing when it is absent', () => {
    const r = one({ match: { prefix: '/' }, route: { clusterHeader: 'X-Cluster', clusterNotFoundResponseCode: 'NOT_FOUND' } });
    assert.ok(r.action.kind === 'route');
    assert.equal(chooseCluster(r.action.target, { 'x-cluster': ['a', 'b'] }, scripted(0))?.name, 'a');
    assert.equal(chooseCluster(r.action.target, {}, scripted(0)), undefined);
    assert.equal(r.action.clusterNotFoundStatus, 404);
  });

  it('draws weighted clusters in proportion, skipping weight 0', () => {
    const r = one({ match: { prefix: '/' }, route: { weightedClusters: { clusters: [{ name: 'a', weight: 1 }, { name: 'z', weight: 0 }, { name: 'b', weight: 3 }] } } });
    assert.ok(r.action.kind === 'route');
    const target = r.action.target;
    assert.deepEqual([0, 0.24, 0.25, 0.99].map((u) => chooseCluster(target, {}, () => u)?.name), ['a', 'a', 'b', 'b']);
  });
});
