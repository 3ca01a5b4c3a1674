/**
 * Requests simulated through generated configuration, end to end on the sidecar's side: the
 * bookinfo push context plus VirtualServices for ratings and details, the real RDS generator,
 * each RouteConfiguration encoded into an Any and decoded as the sidecar receives it, the RDS
 * translator, then selectRoute and the router's helpers. Covers the VirtualService HTTP fields
 * the control plane supports: uri exact/prefix/regex, ignoreUriCase, headers, withoutHeaders,
 * queryParams, method, authority, scheme, weights, redirect, rewrite, timeout, retries, fault,
 * mirror, corsPolicy and header set/add/remove.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeAny, encodeAny } from '../../../src/core/xds/protos.ts';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import { generateSidecarRoutes } from '../../../src/control/xds/rds/route-generator.ts';
import type { HeaderMap } from '../../../src/proxy/core/http-stream-info.ts';
import { chooseCluster } from '../../../src/proxy/route/cluster-target.ts';
import { applyHeaderMutations, mutationLevels } from '../../../src/proxy/route/header-mutations.ts';
import { redirectLocation } from '../../../src/proxy/route/redirect.ts';
import { shouldRetry } from '../../../src/proxy/route/retry.ts';
import type { RouteConfig } from '../../../src/proxy/route/route-config.ts';
import { rewritePath } from '../../../src/proxy/route/route-rewrite.ts';
import { corsFor, faultFor, retryPolicyFor, selectRoute, type RouteSelection } from '../../../src/proxy/route/select-route.ts';
import { routeTranslator } from '../../../src/proxy/xds/translate/translators.ts';
import { loadBookinfo, proxyOf, type Bookinfo } from '../../control/xds/bookinfo.ts';
import { request, scripted } from './support.ts';

const RATINGS = 'ratings.default.svc.cluster.local';
const REVIEWS = 'reviews.default.svc.cluster.local';
const PP = 'productpage.default.svc.cluster.local';
const out = (host: string, subset = ''): string => `outbound|9080|${subset}|${host}`;

const RATINGS_VS = {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'ratings', namespace: 'default' },
  spec: {
    hosts: ['ratings'],
    http: [
      { name: 'exact-get', match: [{ uri: { exact: '/ratings/exact' }, method: { exact: 'GET' } }], route: [{ destination: { host: 'ratings', subset: 'v1' } }],
        headers: { request: { set: { 'x-set': 'one' }, add: { 'x-add': 'two' }, remove: ['x-remove'] }, response: { set: { 'x-resp': 'r' }, remove: ['server'] } } },
      { name: 'regex-rewrite', match: [{ uri: { regex: '/v1/ratings/[0-9]+' } }],
        rewrite: { uriRegexRewrite: { match: '^/v1/ratings/([0-9]+)$', rewrite: '/ratings/\\1' }, authority: 'ratings.internal' },
        route: [{ destination: { host: 'ratings', subset: 'v1' } }] },
      { name: 'https-authority', match: [{ scheme: { exact: 'https' }, authority: { prefix: 'ratings' } }], route: [{ destination: { host: 'ratings', subset: 'v3' } }] },
      { name: 'query', match: [{ queryParams: { mode: { regex: 'fast|slow' } } }], route: [{ destination: { host: 'ratings', subset: 'v2' } }] },
      { name: 'case', match: [{ uri: { prefix: '/CaseLess' }, ignoreUriCase: true }], rewrite: { uri: '/lower' }, route: [{ destination: { host: 'ratings' } }] },
      { name: 'canary', match: [{ uri: { prefix: '/canary' }, withoutHeaders: { 'x-canary': { exact: 'yes' } } }], route: [{ destination: { host: 'ratings', subset: 'v1' } }] },
      { name: 'secure', match: [{ uri: { prefix: '/secure' } }], redirect: { scheme: 'https', port: 8443, redirectCode: 308 } },
      { name: 'slow', match: [{ uri: { prefix: '/slow' } }], route: [{ destination: { host: 'ratings', subset: 'v1' } }], timeout: '3s',
        retries: { attempts: 4, perTryTimeout: '1s', retryOn: '5xx,retriable-4xx,unavailable' },
        fault: { delay: { fixedDelay: '200ms', percentage: { value: 100 } }, abort: { grpcStatus: 'UNAVAILABLE', percentage: { value: 50 } } } },
      { name: 'split', match: [{ uri: { prefix: '/split' } }],
        route: [{ destination: { host: 'ratings', subset: 'v1' }, weight: 75, headers: { request: { set: { 'x-subset': 'v1' } } } },
          { destination: { host: 'ratings', subset: 'v2' }, weight: 25, headers: { request: { set: { 'x-subset': 'v2' } } } }],
        mirrors: [{ destination: { host: 'ratings', subset: 'v3' }, percentage: { value: 10 } }],
        corsPolicy: { allowOrigins: [{ regex: 'https://.*\\.example\\.com' }], allowMethods: ['GET'], allowCredentials: true, maxAge: '1h' } },
      { name: 'no-retries', match: [{ uri: { prefix: '/once' } }], retries: { attempts: 0 }, route: [{ destination: { host: 'ratings' } }] },
      { name: 'catch-all', route: [{ destination: { host: 'ratings' } }] },
    ],
  },
};

let bi: Bookinfo;
let rc: RouteConfig;

/** The sidecar's view of RDS "9080" for productpage: generated, encoded, decoded, translated. */
function sidecarRoutes(): RouteConfig {
  const [res] = generateSidecarRoutes(proxyOf('productpage'), bi.push(), ['9080']);
  assert.ok(res);
  const any = encodeAny(TypeUrls.routeConfiguration, res.resource);
  return routeTranslator.translate(decodeAny(any).object);
}

before(async () => {
  bi = await loadBookinfo();
  const r = bi.store.apply(RATINGS_VS, { strict: true });
  assert.notEqual(r.status, 'rejected', JSON.stringify(r.issues));
  rc = sidecarRoutes();
});
after(() => bi.close());

function send(o: Parameters<typeof request>[0], random = scripted(0)): RouteSelection {
  const sel = selectRoute(rc, request({ authority: 'ratings:9080', ...o }), random);
  assert.ok(sel, `no route for ${JSON.stringify(o)}`);
  return sel;
}

const cluster = (sel: RouteSelection, headers: HeaderMap = {}, random = scripted(0)): string | undefined =>
  sel.route.action.kind === 'route' ? chooseCluster(sel.route.action.target, headers, random)?.name : undefined;

describe('bookinfo through the sidecar translator', () => {
  it('sends jason to reviews v2 and splits everyone else 50/50 between v1 and v3', () => {
    const jason = selectRoute(rc, request({ authority: 'reviews:9080', path: '/reviews/0', headers: { 'end-user': 'jason' } }), scripted(0));
    assert.equal(jason?.route.name, 'jason');
    assert.equal(jason && cluster(jason), out(REVIEWS, 'v2'));
    const other = selectRoute(rc, request({ authority: 'reviews', path: '/reviews/0', headers: { 'end-user': 'jasonx' } }), scripted(0));
    assert.equal(other?.virtualHost.name, `${REVIEWS}:9080`);
    const picks = Array.from({ length: 100 }, (_, i) => other && cluster(other, {}, () => i / 100));
    assert.equal(picks.filter((c) => c === out(REVIEWS, 'v1')).length, 50);
    assert.equal(picks.filter((c) => c === out(REVIEWS, 'v3')).length, 50);
  });

  it('answers every Istio domain, and sends unknown hosts through the allow_any virtual host', () => {
    for (const authority of ['reviews', 'reviews:9080', 'reviews.default.svc', `${REVIEWS}:9080`, '10.96.0.12', '10.96.0.12:9080', 'REVIEWS:9080']) {
      assert.equal(selectRoute(rc, request({ authority, headers: { 'end-user': 'jason' } }), scripted(0))?.route.name, 'jason', authority);
    }
    const unknown = selectRoute(rc, request({ authority: 'example.com' }), scripted(0));
    assert.equal(unknown?.virtualHost.name, 'allow_any');
    assert.equal(unknown && cluster(unknown), 'PassthroughCluster');
    assert.equal(unknown?.route.action.kind === 'route' && unknown.route.action.timeoutMs, 0);
  });

  it('applies productpage\'s case-insensitive prefix, rewrite, timeout, retries, hash policy and header edits', () => {
    const sel = selectRoute(rc, request({ authority: 'productpage:9080', path: '/API/V1/Products/3?x=1', headers: { 'x-debug': '1' } }), scripted(0));
    assert.ok(sel && sel.route.action.kind === 'route');
    assert.equal(cluster(sel), out(PP, 'v1'));
    assert.equal(rewritePath(sel.route, '/API/V1/Products/3?x=1'), '/v1/products/3?x=1');
    assert.equal(sel.route.action.timeoutMs, 5000);
    assert.deepEqual(sel.route.action.hashPolicy, [{ kind: 'header', headerName: 'x-user', terminal: false }]);
    const retry = retryPolicyFor(sel);
    assert.deepEqual([...(retry?.retryOn ?? [])], ['gateway-error', 'connect-failure', 'retriable-status-codes']);
    assert.deepEqual([retry?.numRetries, retry?.perTryTimeoutMs, retry?.retriableStatusCodes], [3, 2000, [503]]);
    const headers = applyHeaderMutations({ 'x-debug': '1', 'x-mesh': 'other' }, mutationLevels(sel), 'request');
    assert.deepEqual(headers, { 'x-mesh': 'mizzen' });
  });

  it('injects productpage\'s static fault, redirects /old, and answers ?debug=1 directly unless x-internal: true', () => {
    const statics = selectRoute(rc, request({ authority: 'productpage', path: '/static/app.css' }), scripted(0));
    assert.ok(statics);
    assert.deepEqual(faultFor(statics), {
      delay: { fixedDelayMs: 1000, percentage: { numerator: 100000, denominator: 1000000 } },
      abort: { kind: 'http', httpStatus: 503, percentage: { numerator: 5000, denominator: 1000000 } }, maxActiveFaults: undefined,
    });
    const old = selectRoute(rc, request({ authority: 'productpage', path: '/old/page?q=1' }), scripted(0));
    assert.deepEqual(old && redirectLocation(old.route, request({ authority: 'productpage', path: '/old/page?q=1' })), { status: 302, location: 'http://productpage/new?q=1' });
    const deny = selectRoute(rc, request({ authority: 'productpage', path: '/x?debug=1' }), scripted(0));
    assert.deepEqual(deny?.route.action, { kind: 'directResponse', status: 403, body: 'no debugging from outside' });
    assert.equal(selectRoute(rc, request({ authority: 'productpage', path: '/x?debug=1', headers: { 'x-internal': 'false' } }), scripted(0))?.route.action.kind, 'directResponse');
    assert.equal(selectRoute(rc, request({ authority: 'productpage', path: '/x?debug=1', headers: { 'x-internal': 'true' } }), scripted(0))?.route.action.kind, 'route');
  });

  it('routes a service without a VirtualService to its cluster with Istio\'s default retry policy and decorator', () => {
    const sel = selectRoute(rc, request({ authority: 'details:9080', path: '/details/1' }), scripted(0));
    assert.ok(sel);
    assert.equal(cluster(sel), out('details.default.svc.cluster.local'));
    assert.equal(sel.route.decorator, 'details.default.svc.cluster.local:9080/*');
    const retry = retryPolicyFor(sel);
    assert.ok(retry);
    assert.equal(shouldRetry(retry, { status: 503 }), true);
    assert.equal(shouldRetry(retry, { status: 502 }), false);
    assert.equal(shouldRetry(retry, { connectFailure: true }), true);
    assert.equal(shouldRetry(retry, { grpcStatus: 14 }), true);
    assert.equal(sel.virtualHost.includeRequestAttemptCount, true);
  });
});

describe('a VirtualService using every supported HTTP field', () => {
  it('matches an exact path with a method, and edits request and response headers', () => {
    const sel = send({ path: '/ratings/exact', headers: { 'x-remove': 'gone', 'x-add': 'one' } });
    assert.equal(sel.route.name, 'exact-get');
    assert.equal(cluster(sel), out(RATINGS, 'v1'));
    const req = applyHeaderMutations({ 'x-remove': 'gone', 'x-add': 'one' }, mutationLevels(sel), 'request');
    assert.deepEqual(req, { 'x-add': ['one', 'two'], 'x-set': 'one' });
    const res = applyHeaderMutations({ server: 'nginx', 'x-resp': 'old' }, mutationLevels(sel), 'response');
    assert.deepEqual(res, { 'x-resp': 'r' });
    assert.notEqual(send({ path: '/ratings/exact', method: 'POST' }).route.name, 'exact-get');
    assert.notEqual(send({ path: '/ratings/exact/more' }).route.name, 'exact-get');
  });

  it('matches a whole-path regex and rewrites by regex, keeping the query, with the authority rewritten', () => {
    const sel = send({ path: '/v1/ratings/42?verbose' });
    assert.equal(sel.route.name, 'regex-rewrite');
    assert.equal(rewritePath(sel.route, '/v1/ratings/42?verbose'), '/ratings/42?verbose');
    assert.equal(sel.route.action.kind === 'route' && sel.route.action.hostRewriteLiteral, 'ratings.internal');
    assert.notEqual(send({ path: '/v1/ratings/42x' }).route.name, 'regex-rewrite');
  });

  it('matches :scheme and :authority pseudo headers', () => {
    assert.equal(send({ scheme: 'https', path: '/x' }).route.name, 'https-authority');
    assert.equal(cluster(send({ scheme: 'https', path: '/x' })), out(RATINGS, 'v3'));
    assert.equal(send({ scheme: 'http', path: '/x' }).route.name, 'catch-all');
    assert.equal(send({ scheme: 'https', authority: '10.96.0.13', path: '/x' }).route.name, 'catch-all', 'the authority must start with "ratings"');
  });

  it('matches a query parameter by regex (first value, whole value)', () => {
    assert.equal(send({ path: '/any?mode=fast' }).route.name, 'query');
    assert.equal(send({ path: '/any?a=1&mode=slow&mode=x' }).route.name, 'query');
    assert.equal(send({ path: '/any?mode=faster' }).route.name, 'catch-all');
    assert.equal(send({ path: '/any?mode=x&mode=fast' }).route.name, 'catch-all');
  });

  it('ignores URI case for prefixes, and the prefix rewrite replaces as many characters as the prefix has', () => {
    const sel = send({ path: '/caseless/Deep' });
    assert.equal(sel.route.name, 'case');
    assert.equal(rewritePath(sel.route, '/caseless/Deep'), '/lower/Deep');
  });

  it('matches withoutHeaders when the header is absent or has another value (treatMissingHeaderAsEmpty)', () => {
    assert.equal(send({ path: '/canary' }).route.name, 'canary');
    assert.equal(send({ path: '/canary', headers: { 'x-canary': 'no' } }).route.name, 'canary');
    assert.equal(send({ path: '/canary', headers: { 'x-canary': 'yes' } }).route.name, 'catch-all');
  });

  it('redirects to https on another port with 308, keeping path and query', () => {
    const sel = send({ path: '/secure/a?b=c' });
    assert.deepEqual(redirectLocation(sel.route, request({ authority: 'ratings:9080', path: '/secure/a?b=c' })), { status: 308, location: 'https://ratings:8443/secure/a?b=c' });
  });

  it('carries the timeout, retries and the gRPC abort + delay fault', () => {
    const sel = send({ path: '/slow' });
    assert.ok(sel.route.action.kind === 'route');
    assert.equal(sel.route.action.timeoutMs, 3000);
    assert.deepEqual(sel.route.action.maxStreamDuration, { maxStreamDurationMs: 3000, grpcTimeoutHeaderMaxMs: 3000, grpcTimeoutHeaderOffsetMs: undefined });
    const retry = retryPolicyFor(sel);
    assert.ok(retry);
    assert.equal(retry.numRetries, 4);
    assert.equal(retry.perTryTimeoutMs, 1000);
    assert.deepEqual([shouldRetry(retry, { status: 500 }), shouldRetry(retry, { status: 409 }), shouldRetry(retry, { status: 404 }), shouldRetry(retry, { grpcStatus: 14 }), shouldRetry(retry, { reset: true })],
      [true, true, false, true, true]);
    assert.deepEqual(faultFor(sel), {
      delay: { fixedDelayMs: 200, percentage: { numerator: 1000000, denominator: 1000000 } },
      abort: { kind: 'grpc', grpcStatus: 14, percentage: { numerator: 500000, denominator: 1000000 } }, maxActiveFaults: undefined,
    });
  });

  it('splits by weight with each destination\'s headers, mirrors 10% to v3 and carries the CORS policy', () => {
    const sel = send({ path: '/split' });
    assert.ok(sel.route.action.kind === 'route');
    const picks = Array.from({ length: 100 }, (_, i) => (sel.route.action.kind === 'route' ? chooseCluster(sel.route.action.target, {}, () => i / 100) : undefined));
    assert.equal(picks.filter((p) => p?.name === out(RATINGS, 'v1')).length, 75);
    const v2 = picks.find((p) => p?.name === out(RATINGS, 'v2'));
    assert.deepEqual(applyHeaderMutations({}, mutationLevels(sel, v2?.weighted), 'request'), { 'x-subset': 'v2' });
    assert.deepEqual(sel.route.action.requestMirrorPolicies, [{ cluster: out(RATINGS, 'v3'), percent: { numerator: 100000, denominator: 1000000 }, traceSampled: false }]);
    const cors = corsFor(sel);
    assert.equal(cors?.allowMethods, 'GET');
    assert.equal(cors?.maxAge, '3600');
    assert.equal(cors?.allowCredentials, true);
    assert.equal(cors?.allowOriginStringMatch[0]?.kind, 'regex');
  });

  it('keeps attempts: 0 as no retry policy, and gives the catch-all Istio\'s default retries and no timeout', () => {
    const once = send({ path: '/once' });
    assert.equal(retryPolicyFor(once), undefined);
    const all = send({ path: '/whatever' });
    assert.equal(all.route.name, 'catch-all');
    assert.equal(all.route.action.kind === 'route' && all.route.action.timeoutMs, 0);
    assert.equal(retryPolicyFor(all)?.numRetries, 2);
  });

  it('holds deeply frozen configuration', () => {
    const sel = send({ path: '/split' });
    assert.ok(Object.isFrozen(rc) && Object.isFrozen(sel.route) && Object.isFrozen(sel.route.match) && Object.isFrozen(sel.route.action));
  });
});
