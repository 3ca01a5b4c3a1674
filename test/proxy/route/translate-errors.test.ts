/**
 * RDS translation refusals, golden: every message names the resource and the field, so the
 * NACK's error_detail says what to fix. Also what is accepted: Istio's inline inbound route
 * configuration from the LDS generator, and defaults (timeout 15 s, redirect 301).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Json } from '../../../src/control/xds/generator.ts';
import { inboundHttpConnectionManager } from '../../../src/control/xds/lds/network-filters.ts';
import { nestedRepetition } from '../../../src/proxy/route/re2.ts';
import { At } from '../../../src/proxy/xds/translate/fields.ts';
import { translateRouteConfiguration } from '../../../src/proxy/xds/translate/route-configuration.ts';
import { config, translate } from './support.ts';

const withRoute = (route: Json, vh: Json = {}, rc: Json = {}): Json => ({ name: '80', virtualHosts: [{ name: 'vh', domains: ['*'], routes: [route], ...vh }], ...rc });
const R = 'RouteConfiguration 80: virtualHosts[0].routes[0]';
const fwd = (action: Json, match: Json = { prefix: '/' }): Json => ({ match, route: { cluster: 'c', ...action } });

const CASES: [string, Json, string][] = [
  ['no path specifier', { match: {}, route: { cluster: 'c' } }, `${R}.match: needs a path specifier (prefix, path, safeRegex or pathSeparatedPrefix)`],
  ['two path specifiers', { match: { prefix: '/', path: '/a' }, route: { cluster: 'c' } }, `${R}.match: sets more than one path specifier (prefix, path)`],
  ['bad path regex', fwd({}, { safeRegex: { regex: '/(a' } }), `${R}.match.safeRegex.regex: invalid RE2 regex "/(a": missing closing ): unterminated group`],
  ['lookahead', fwd({}, { safeRegex: { regex: '/(?=a)' } }), `${R}.match.safeRegex.regex: invalid RE2 regex "/(?=a)": lookahead \`(?=\` is not supported by RE2`],
  ['catastrophic regex', fwd({}, { safeRegex: { regex: '/(a+)+$' } }),
    `${R}.match.safeRegex.regex: regex "/(a+)+$" repeats a group that itself repeats without bound ((a+)+); RE2 runs that in linear time, JavaScript may backtrack exponentially, so Mizzen refuses it`],
  ['bad header regex', fwd({}, { prefix: '/', headers: [{ name: 'x', stringMatch: { safeRegex: { regex: 'a**' } } }] }),
    `${R}.match.headers[0].stringMatch.safeRegex.regex: invalid RE2 regex "a**": invalid nested repetition operator: \`**\``],
  ['bad query regex', fwd({}, { prefix: '/', queryParameters: [{ name: 'q', stringMatch: { safeRegex: { regex: '\\1' } } }] }),
    `${R}.match.queryParameters[0].stringMatch.safeRegex.regex: invalid RE2 regex "\\\\1": backreferences (\`\\1\`) are not supported by RE2`],
  ['path_separated_prefix with a slash', fwd({}, { pathSeparatedPrefix: '/a/' }), `${R}.match.pathSeparatedPrefix: "/a/" must start with "/", must not end with "/" and must not contain "?" or "#"`],
  ['connect matcher', fwd({}, { connectMatcher: {} }), `${R}.match.connectMatcher: is not supported by Mizzen`],
  ['tls context match', fwd({}, { prefix: '/', tlsContext: { presented: true } }), `${R}.match.tlsContext: is not supported by Mizzen (it would change how requests are handled)`],
  ['two header specifiers', fwd({}, { prefix: '/', headers: [{ name: 'x', exactMatch: 'a', prefixMatch: 'b' }] }), `${R}.match.headers[0]: sets more than one header match specifier (exactMatch, prefixMatch)`],
  ['no action', { match: { prefix: '/' } }, `${R}: needs an action (route, redirect or directResponse)`],
  ['non-forwarding action', { match: { prefix: '/' }, nonForwardingAction: {} }, `${R}.nonForwardingAction: is not supported by Mizzen`],
  ['no cluster', { match: { prefix: '/' }, route: {} }, `${R}.route: needs a cluster, weightedClusters or clusterHeader`],
  ['cluster specifier plugin', { match: { prefix: '/' }, route: { clusterSpecifierPlugin: 'p' } }, `${R}.route.clusterSpecifierPlugin: is not supported by Mizzen (it would change how requests are handled)`],
  ['weights add up to 0', { match: { prefix: '/' }, route: { weightedClusters: { clusters: [{ name: 'a', weight: 0 }] } } }, `${R}.route.weightedClusters.clusters: the weights add up to 0`],
  ['total weight mismatch', { match: { prefix: '/' }, route: { weightedClusters: { clusters: [{ name: 'a', weight: 1 }], totalWeight: 100 } } }, `${R}.route.weightedClusters.totalWeight: is 100 but the weights add up to 1`],
  ['prefix and regex rewrite', fwd({ prefixRewrite: '/', regexRewrite: { pattern: { regex: 'a' }, substitution: 'b' } }), `${R}.route: sets both prefixRewrite and regexRewrite`],
  ['substitution names a missing group', fwd({ regexRewrite: { pattern: { regex: '(a)' }, substitution: '\\2' } }), `${R}.route.regexRewrite.substitution: "\\\\2" names group \\2 but the pattern has 1 capture group`],
  ['bad substitution escape', fwd({ regexRewrite: { pattern: { regex: 'a' }, substitution: '\\x' } }), `${R}.route.regexRewrite.substitution: invalid rewrite pattern "\\\\x": a backslash must be followed by a digit or a backslash`],
  ['bad timeout', fwd({ timeout: 'soon' }), `${R}.route.timeout: invalid duration "soon": expected seconds with an "s" suffix, e.g. "1.5s"`],
  ['unknown retry condition', fwd({ retryPolicy: { retryOn: '5xx,sometimes' } }), `${R}.route.retryPolicy.retryOn: unknown retry condition "sometimes" (supported: 5xx, gateway-error, reset, reset-before-request, connect-failure, envoy-ratelimited, retriable-4xx, refused-stream, retriable-status-codes, http3-post-connect-failure, cancelled, deadline-exceeded, internal, resource-exhausted, unavailable)`],
  ['retriable headers', fwd({ retryPolicy: { retryOn: '5xx', retriableHeaders: [{ name: 'x' }] } }), `${R}.route.retryPolicy.retriableHeaders: is not supported by Mizzen (it would change how requests are handled)`],
  ['other host predicate', fwd({ retryPolicy: { retryOn: '5xx', retryHostPredicate: [{ name: 'envoy.retry_host_predicates.omit_canary_hosts' }] } }),
    `${R}.route.retryPolicy.retryHostPredicate[0].name: "envoy.retry_host_predicates.omit_canary_hosts" is not supported (supported: envoy.retry_host_predicates.previous_hosts)`],
  ['zero back-off', fwd({ retryPolicy: { retryOn: '5xx', retryBackOff: { baseInterval: '0s' } } }), `${R}.route.retryPolicy.retryBackOff.baseInterval: must be greater than 0 (at least 1ms)`],
  ['hedge policy', fwd({ hedgePolicy: { hedgeOnPerTryTimeout: true } }), `${R}.route.hedgePolicy: is not supported by Mizzen (it would change how requests are handled)`],
  ['internal redirects', fwd({ internalRedirectAction: 'HANDLE_INTERNAL_REDIRECT' }), `${R}.route.internalRedirectAction: HANDLE_INTERNAL_REDIRECT is not supported (internal redirects are not supported)`],
  ['filter state hash', fwd({ hashPolicy: [{ filterState: { key: 'k' } }] }), `${R}.route.hashPolicy[0].filterState: is not supported by Mizzen (it would change how requests are handled)`],
  ['redirect code', { match: { prefix: '/' }, redirect: { responseCode: 'FOUND', schemeRedirect: 'https', httpsRedirect: true } }, `${R}.redirect: sets both httpsRedirect and schemeRedirect`],
  ['direct response status', { match: { prefix: '/' }, directResponse: { status: 99 } }, `${R}.directResponse.status: 99 is outside [200, 599]`],
  ['fault abort status', { ...fwd({}), typedPerFilterConfig: { 'envoy.filters.http.fault': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault', abort: { httpStatus: 700 } } } },
    `${R}.typedPerFilterConfig.envoy.filters.http.fault.abort.httpStatus: 700 is outside [200, 600)`],
  ['header-controlled fault', { ...fwd({}), typedPerFilterConfig: { 'envoy.filters.http.fault': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault', abort: { headerAbort: {}, percentage: { numerator: 1 } } } } },
    `${R}.typedPerFilterConfig.envoy.filters.http.fault.abort: needs httpStatus or grpcStatus (header-controlled aborts are not supported)`],
  ['unknown per-filter config', { ...fwd({}), typedPerFilterConfig: { 'envoy.filters.http.rbac': { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBACPerRoute' } } },
    `${R}.typedPerFilterConfig.envoy.filters.http.rbac: a envoy.extensions.filters.http.rbac.v3.RBACPerRoute for "envoy.filters.http.rbac" is not supported (supported: envoy.extensions.filters.http.fault.v3.HTTPFault for envoy.filters.http.fault, envoy.extensions.filters.http.cors.v3.CorsPolicy for envoy.filters.http.cors)`],
];

describe('RDS translation refusals', () => {
  for (const [name, route, message] of CASES) {
    it(name, () => assert.throws(() => translate(withRoute(route)), (err: Error) => {
      assert.equal(err.message, message);
      assert.equal((err as { proxyCode?: string }).proxyCode, 'MZ_XDS_INVALID_RESOURCE');
      return true;
    }));
  }

  const refuses = (json: Json, message: string): void => assert.throws(() => translate(json), (err: Error) => err.message === message || assert.fail(err.message));
  it('refuses edits of pseudo headers and host', () => {
    refuses(withRoute({ ...fwd({}), requestHeadersToAdd: [{ header: { key: 'Host', value: 'x' } }] }),
      `${R}.requestHeadersToAdd[0].header.key: "host" cannot be edited (pseudo headers and host are not modifiable)`);
    refuses(withRoute(fwd({}), {}, { responseHeadersToRemove: [':status'] }),
      'RouteConfiguration 80: responseHeadersToRemove[0]: ":status" cannot be edited (pseudo headers and host are not modifiable)');
  });
  it('refuses virtual host and route configuration features Mizzen lacks', () => {
    refuses(withRoute(fwd({}), { requireTls: 'ALL' }), 'RouteConfiguration 80: virtualHosts[0].requireTls: ALL is not supported (Mizzen terminates no TLS on HTTP listeners)');
    refuses(withRoute(fwd({}), { virtualClusters: [{ name: 'v' }] }), 'RouteConfiguration 80: virtualHosts[0].virtualClusters: is not supported by Mizzen (it would change how requests are handled)');
    refuses(withRoute(fwd({}), { domains: ['a*b'] }), 'RouteConfiguration 80: virtualHosts[0].domains[0]: "a*b": a wildcard may only be a prefix or a suffix');
    refuses(withRoute(fwd({}), {}, { vhds: { configSource: { ads: {} } } }), 'RouteConfiguration 80: vhds: is not supported by Mizzen (it would change how requests are handled)');
    refuses(withRoute(fwd({}), {}, { internalOnlyHeaders: ['x-internal'] }), 'RouteConfiguration 80: internalOnlyHeaders: is not supported by Mizzen (it would change how requests are handled)');
    refuses(withRoute({ match: { prefix: '/' }, directResponse: { status: 200, body: { inlineString: 'x'.repeat(5000) } } }),
      `${R}.directResponse.body: is 5000 bytes, more than maxDirectResponseBodySizeBytes (4096)`);
  });
});

describe('RDS translation defaults', () => {
  it('defaults the route timeout to 15 s, redirects to 301, and decodes inline bytes', () => {
    const rc = config([
      { name: 'a', match: { prefix: '/a' }, route: { cluster: 'c' } },
      { name: 'b', match: { prefix: '/b' }, redirect: { hostRedirect: 'h' } },
      { name: 'c', match: { prefix: '/' }, directResponse: { status: 200, body: { inlineBytes: Buffer.from('hi').toString('base64') } } },
    ]);
    const [a, b, c] = rc.virtualHosts[0]?.routes ?? [];
    assert.equal(a?.action.kind === 'route' && a.action.timeoutMs, 15_000);
    assert.deepEqual(b?.target, { kind: 'direct', what: 'redirect', status: 301 });
    assert.deepEqual(c?.action, { kind: 'directResponse', status: 200, body: 'hi' });
  });

  it('accepts Istio\'s inline inbound route configuration, naming fields under the listener', () => {
    const hcm = inboundHttpConnectionManager(8080, 'inbound|8080||', 'web.default.svc.cluster.local:8080/*');
    const rc = translateRouteConfiguration((hcm['typedConfig'] as Json)['routeConfig'], new At('Listener virtualInbound', 'filterChains[0].filters[0].typedConfig.routeConfig'));
    assert.equal(rc.virtualHosts[0]?.routes[0]?.decorator, 'web.default.svc.cluster.local:8080/*');
    assert.deepEqual(rc.virtualHosts[0]?.routes[0]?.target, { kind: 'cluster', cluster: 'inbound|8080||' });
    assert.throws(() => translateRouteConfiguration({ virtualHosts: [{ name: 'x', domains: [] }] }, new At('Listener l', 'routeConfig')),
      { message: 'Listener l: routeConfig.virtualHosts[0].domains: needs at least one domain' });
  });

  it('finds nested unbounded repetition, and leaves ordinary Istio regexes alone', () => {
    for (const ok of ['/static/.*\\.(css|js)', '/v[0-9]+/(users|items)/[^/]+', '(ab)+', '(a|b)*c', '([a-z]{2})+', '[(+]*', '\\(a+\\)+', '(?i)/api/.*']) assert.equal(nestedRepetition(ok), undefined, ok);
    for (const bad of ['(a+)+', '(a*)*', '(x+y)*', '((a)+)+', '(a{1,})+', '(?:a+){2,}']) assert.notEqual(nestedRepetition(bad), undefined, bad);
  });
});
