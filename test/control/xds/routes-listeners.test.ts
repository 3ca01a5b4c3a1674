/**
 * LDS and RDS checked by simulating traffic through the generated config (as Istio's pilot
 * simulation tests do): which listener virtualOutbound hands a connection to, which virtual host
 * and route a request picks, and where it goes. Bookinfo: jason -> reviews v2, everyone else a
 * 50/50 split of v1 and v3; TCP weighted to mongodb; outbound traffic policy; Sidecar scoping;
 * ServiceEntries; and the proxyless gRPC flavour.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeAny } from '../../../src/core/xds/protos.ts';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import { simulateOutbound } from '../../../src/control/xds/debug/listener-simulator.ts';
import { pickWeighted, simulateRoute, type SimRequest } from '../../../src/control/xds/debug/route-simulator.ts';
import type { Json } from '../../../src/control/xds/generator.ts';
import { generateGrpcListeners } from '../../../src/control/xds/grpc/grpc-listener-generator.ts';
import { generateGrpcRoutes } from '../../../src/control/xds/grpc/grpc-route-generator.ts';
import { generateSidecarListeners } from '../../../src/control/xds/lds/listener-generator.ts';
import { generateSidecarRoutes } from '../../../src/control/xds/rds/route-generator.ts';
import type { PushContext } from '../../../src/control/model/push-context.ts';
import { loadBookinfo, proxyOf, type Bookinfo } from './bookinfo.ts';

const REVIEWS = 'reviews.default.svc.cluster.local';
const PP = 'productpage.default.svc.cluster.local';
let bi: Bookinfo;
let push: PushContext;

before(async () => {
  bi = await loadBookinfo();
  push = bi.push();
});
after(() => bi.close());

function rds(app: 'productpage' | 'sleep', port: string, p: PushContext = push): Json {
  const [rc] = generateSidecarRoutes(proxyOf(app), p, [port]);
  assert.ok(rc, `route config ${port}`);
  assert.doesNotThrow(() => encodeAny(TypeUrls.routeConfiguration, rc.resource));
  return rc.resource;
}

const send = (req: SimRequest, app: 'productpage' | 'sleep' = 'productpage', port = '9080') => simulateRoute(rds(app, port), req);

describe('RDS: bookinfo reviews', () => {
  it('sends the user jason to reviews v2', () => {
    const r = send({ host: 'reviews:9080', path: '/reviews/0', headers: { 'end-user': 'jason' } });
    assert.equal(r.outcome, 'route');
    assert.equal(r.virtualHost, `${REVIEWS}:9080`);
    assert.equal(r.routeName, 'jason');
    assert.equal(r.cluster, `outbound|9080|v2|${REVIEWS}`);
  });

  it('splits everyone else 50/50 between v1 and v3', () => {
    const others: Record<string, string>[] = [{}, { 'end-user': 'jasonx' }, { 'x-end-user': 'jason' }];
    for (const headers of others) {
      const r = send({ host: 'reviews.default.svc.cluster.local', path: '/reviews/0', headers });
      assert.deepEqual(r.weightedClusters, [{ name: `outbound|9080|v1|${REVIEWS}`, weight: 50 }, { name: `outbound|9080|v3|${REVIEWS}`, weight: 50 }]);
      const picks = Array.from({ length: 100 }, (_, i) => pickWeighted(r.weightedClusters ?? [], i / 100));
      assert.equal(picks.filter((c) => c?.includes('|v1|')).length, 50);
      assert.equal(picks.filter((c) => c?.includes('|v2|')).length, 0);
    }
  });

  it('answers every Istio domain of the service, and only the FQDN forms from another namespace', () => {
    for (const host of ['reviews', 'reviews:9080', 'reviews.default', 'reviews.default:9080', 'reviews.default.svc', 'reviews.default.svc:9080',
      REVIEWS, `${REVIEWS}:9080`, '10.96.0.12', '10.96.0.12:9080']) {
      assert.equal(send({ host, headers: { 'end-user': 'jason' } }).cluster, `outbound|9080|v2|${REVIEWS}`, host);
    }
    const vh = (rds('sleep', '9080')['virtualHosts'] as Json[]).map((v) => v['name']);
    assert.ok(!vh.includes(`${REVIEWS}:9080`), 'the restricted Sidecar hides reviews');
  });

  it('routes a service without a VirtualService to its default cluster with Istio\'s default retries', () => {
    const r = send({ host: 'details:9080', path: '/details/1' });
    assert.equal(r.cluster, 'outbound|9080||details.default.svc.cluster.local');
    assert.equal(r.routeName, 'default');
    assert.deepEqual((r.route?.['route'] as Json)['retryPolicy'], {
      retryOn: 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes', numRetries: 2, retriableStatusCodes: [503],
    });
  });
});

describe('RDS: productpage matches and policies', () => {
  it('matches a prefix ignoring case, and exact path + method; applies rewrite, timeout, retries, headers, hash policy', () => {
    for (const req of [{ path: '/API/V1/products/3' }, { path: '/productpage', method: 'GET' }]) {
      const r = send({ host: 'productpage:9080', ...req });
      assert.equal(r.cluster, `outbound|9080|v1|${PP}`, JSON.stringify(req));
      const action = r.route?.['route'] as Json;
      assert.equal(action['prefixRewrite'], '/v1/products');
      assert.equal(action['timeout'], '5s');
      assert.deepEqual(action['maxStreamDuration'], { maxStreamDuration: '5s', grpcTimeoutHeaderMax: '5s' });
      assert.deepEqual(action['retryPolicy'], { retryOn: 'gateway-error,connect-failure,retriable-status-codes', numRetries: 3, perTryTimeout: '2s', retriableStatusCodes: [503] });
      assert.deepEqual(action['hashPolicy'], [{ header: { headerName: 'x-user' } }]);
      assert.deepEqual(r.route?.['requestHeadersToAdd'], [{ header: { key: 'x-mesh', value: 'mizzen' }, appendAction: 'OVERWRITE_IF_EXISTS_OR_ADD' }]);
      assert.deepEqual(r.route?.['requestHeadersToRemove'], ['x-debug']);
    }
    assert.equal((send({ host: 'productpage:9080', path: '/productpage', method: 'POST' }).route?.['route'] as Json | undefined)?.['prefixRewrite'], undefined,
      'POST /productpage falls through to the last rule');
  });

  it('matches an RE2 regex on the whole path and injects the fault (delay 10%, abort 0.5%)', () => {
    const r = send({ host: 'productpage:9080', path: '/static/app.css' });
    assert.equal(r.cluster, `outbound|9080|v1|${PP}`);
    assert.deepEqual((r.route?.['typedPerFilterConfig'] as Json)['envoy.filters.http.fault'], {
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      delay: { fixedDelay: '1s', percentage: { numerator: 100000, denominator: 'MILLION' } },
      abort: { httpStatus: 503, percentage: { numerator: 5000, denominator: 'MILLION' } },
    });
    assert.equal(send({ host: 'productpage:9080', path: '/x/static/app.css' }).route?.['typedPerFilterConfig'], undefined, 'regex is anchored');
  });

  it('redirects, and answers directly on a query parameter without an internal header', () => {
    const red = send({ host: 'productpage:9080', path: '/old/page' });
    assert.equal(red.outcome, 'redirect');
    assert.deepEqual(red.route?.['redirect'], { pathRedirect: '/new', responseCode: 'FOUND' });
    const deny = send({ host: 'productpage:9080', path: '/anything?debug=1' });
    assert.equal(deny.outcome, 'direct-response');
    assert.equal(deny.status, 403);
    assert.equal(send({ host: 'productpage:9080', path: '/anything?debug=1', headers: { 'x-internal': 'true' } }).outcome, 'route');
  });

  it('mirrors 25% to v2 and carries the CORS policy on the catch-all rule', () => {
    const action = send({ host: 'productpage:9080', path: '/' }).route?.['route'] as Json;
    assert.deepEqual(action['requestMirrorPolicies'], [{
      cluster: `outbound|9080|v2|${PP}`, runtimeFraction: { defaultValue: { numerator: 250000, denominator: 'MILLION' } }, traceSampled: false,
    }]);
    assert.deepEqual(action['cors'], {
      allowOriginStringMatch: [{ exact: 'https://bookinfo.example.com' }], allowMethods: 'GET,POST', maxAge: '86400',
      filterEnabled: { defaultValue: { numerator: 100, denominator: 'HUNDRED' } },
    });
  });
});

describe('RDS: outbound traffic policy and external services', () => {
  it('passes unknown hosts through under ALLOW_ANY, and answers 502 under REGISTRY_ONLY', () => {
    const allow = send({ host: 'example.com' });
    assert.equal(allow.virtualHost, 'allow_any');
    assert.equal(allow.cluster, 'PassthroughCluster');
    const block = simulateRoute(rds('productpage', '9080', bi.push({ outboundTrafficPolicy: 'REGISTRY_ONLY' })), { host: 'example.com' });
    assert.equal(block.virtualHost, 'block_all');
    assert.equal(block.status, 502);
  });

  it('routes a DNS ServiceEntry host on its HTTP port, and a Sidecar\'s REGISTRY_ONLY blocks the rest', () => {
    assert.equal(send({ host: 'httpbin.org' }, 'productpage', '80').cluster, 'outbound|80||httpbin.org');
    assert.equal(send({ host: 'httpbin.org' }, 'sleep', '80').cluster, 'outbound|80||httpbin.org');
    assert.equal(send({ host: 'sleep' }, 'sleep', '80').cluster, 'outbound|80||sleep.restricted.svc.cluster.local');
    assert.equal(send({ host: 'example.com' }, 'sleep', '80').virtualHost, 'block_all');
  });
});

describe('LDS (sidecar)', () => {
  const listeners = (app: 'productpage' | 'sleep' | 'mongodb'): Json[] => generateSidecarListeners(proxyOf(app), push).map((r) => r.resource);

  it('has virtualOutbound, virtualInbound and one outbound listener per port or VIP:port, all bindToPort false', () => {
    const ls = listeners('productpage');
    assert.deepEqual(ls.map((l) => l['name']), ['virtualOutbound', 'virtualInbound', '0.0.0.0_443', '0.0.0.0_80', '0.0.0.0_9080', '10.96.0.14_27017', '192.168.50.10_5432']);
    for (const l of ls) assert.doesNotThrow(() => encodeAny(TypeUrls.listener, l), String(l['name']));
    for (const l of ls.slice(2)) {
      assert.equal(l['bindToPort'], false);
      assert.equal(l['trafficDirection'], 'OUTBOUND');
    }
    const vo = ls[0] ?? {};
    assert.equal(vo['useOriginalDst'], true);
    assert.deepEqual((vo['address'] as Json)['socketAddress'], { address: '0.0.0.0', portValue: 15001 });
  });

  it('hands HTTP ports to an HCM with RDS named after the port, router last', () => {
    const v = simulateOutbound(listeners('productpage'), { address: '10.96.0.12', port: 9080 });
    assert.deepEqual(v, { listener: '0.0.0.0_9080', kind: 'http', routeConfigName: '9080' });
    const hcm = ((((listeners('productpage').find((l) => l['name'] === '0.0.0.0_9080')?.['filterChains'] as Json[])[0]?.['filters']) as Json[])[0]?.['typedConfig']) as Json;
    assert.equal(hcm['statPrefix'], 'outbound_0.0.0.0_9080');
    assert.deepEqual(hcm['rds'], { configSource: { ads: {}, resourceApiVersion: 'V3' }, routeConfigName: '9080' });
    assert.deepEqual((hcm['httpFilters'] as Json[]).map((f) => f['name']), ['envoy.filters.http.fault', 'envoy.filters.http.cors', 'envoy.filters.http.router']);
  });

  it('splits TCP to mongodb 80/20 by the VirtualService tcp route, with the DestinationRule idle timeout', () => {
    const v = simulateOutbound(listeners('productpage'), { address: '10.96.0.14', port: 27017 });
    assert.deepEqual(v?.weightedClusters, [
      { name: 'outbound|27017|v1|mongodb.default.svc.cluster.local', weight: 80 }, { name: 'outbound|27017|v2|mongodb.default.svc.cluster.local', weight: 20 },
    ]);
    const tcp = (((listeners('productpage').find((l) => l['name'] === '10.96.0.14_27017')?.['filterChains'] as Json[])[0]?.['filters']) as Json[])[0]?.['typedConfig'] as Json;
    assert.equal(tcp['idleTimeout'], '3600s');
    assert.equal(tcp['statPrefix'], 'outbound|27017||mongodb.default.svc.cluster.local');
  });

  it('sends a STATIC ServiceEntry VIP to its cluster, and unknown destinations through (or into the black hole under REGISTRY_ONLY)', () => {
    assert.deepEqual(simulateOutbound(listeners('productpage'), { address: '192.168.50.10', port: 5432 }), { listener: '192.168.50.10_5432', kind: 'tcp', cluster: 'outbound|5432||db.legacy.internal' });
    assert.deepEqual(simulateOutbound(listeners('productpage'), { address: '1.2.3.4', port: 22 }), { listener: 'virtualOutbound', kind: 'tcp', cluster: 'PassthroughCluster' });
    assert.deepEqual(simulateOutbound(listeners('sleep'), { address: '1.2.3.4', port: 22 }), { listener: 'virtualOutbound', kind: 'tcp', cluster: 'BlackHoleCluster' });
  });

  it('scopes the restricted namespace to its own services and httpbin.org', () => {
    assert.deepEqual(listeners('sleep').map((l) => l['name']), ['virtualOutbound', 'virtualInbound', '0.0.0.0_443', '0.0.0.0_80']);
  });

  it('gives virtualInbound one chain per served port (HTTP or TCP) plus the passthrough chain', () => {
    const vi = listeners('mongodb')[1] ?? {};
    assert.equal(vi['name'], 'virtualInbound');
    assert.deepEqual(vi['listenerFilters'], [
      { name: 'envoy.filters.listener.original_dst', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst' } },
      // http_inspector sniffs undeclared ports only: the declared mongo port is never held up.
      { name: 'envoy.filters.listener.http_inspector', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector' }, filterDisabled: { destinationPortRange: { start: 27017, end: 27018 } } },
    ]);
    const chains = vi['filterChains'] as Json[];
    assert.deepEqual(chains.map((c) => [c['name'], c['filterChainMatch'], ((c['filters'] as Json[])[0] ?? {})['name']]), [
      ['inbound|27017||', { destinationPort: 27017 }, 'envoy.filters.network.tcp_proxy'],
      ['virtualInbound-catchall-http', { applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] }, 'envoy.filters.network.http_connection_manager'],
      ['InboundPassthroughFilterChain', undefined, 'envoy.filters.network.tcp_proxy'],
    ]);
    const pp = ((listeners('productpage')[1]?.['filterChains'] as Json[])[0]?.['filters'] as Json[])[0] ?? {};
    assert.equal(pp['name'], 'envoy.filters.network.http_connection_manager');
  });
});

describe('proxyless gRPC (LDS/RDS by name)', () => {
  const grpc = proxyOf('productpage', { GENERATOR: 'grpc' });

  it('answers `<host>:<port>` (short or FQDN) with an api_listener whose router filter is last', () => {
    const ls = generateGrpcListeners(grpc, push, ['reviews:9080', `${REVIEWS}:9080`, 'nope:1', `${REVIEWS}:1234`]);
    assert.deepEqual(ls.map((l) => l.name), ['reviews:9080', `${REVIEWS}:9080`]);
    const hcm = ((ls[0]?.resource['apiListener'] as Json)['apiListener']) as Json;
    assert.deepEqual(hcm['rds'], { configSource: { ads: {}, resourceApiVersion: 'V3' }, routeConfigName: `${REVIEWS}:9080` });
    assert.equal((hcm['httpFilters'] as Json[]).at(-1)?.['name'], 'envoy.filters.http.router');
    for (const l of ls) assert.doesNotThrow(() => encodeAny(TypeUrls.listener, l.resource));
  });

  it('routes by header and weights as the VirtualService says, and leaves out what gRPC cannot follow', () => {
    const [rc] = generateGrpcRoutes(grpc, push, [`${REVIEWS}:9080`]);
    assert.ok(rc);
    assert.deepEqual((rc.resource['virtualHosts'] as Json[])[0]?.['domains'], [`${REVIEWS}:9080`, REVIEWS]);
    assert.equal(simulateRoute(rc.resource, { host: `${REVIEWS}:9080`, path: '/svc/M', headers: { 'end-user': 'jason' } }).cluster, `outbound|9080|v2|${REVIEWS}`);
    assert.equal(simulateRoute(rc.resource, { host: REVIEWS, path: '/svc/M' }).weightedClusters?.length, 2);
    const [pp] = generateGrpcRoutes(grpc, push, [`${PP}:9080`]);
    const routes = ((pp?.resource['virtualHosts'] as Json[])[0]?.['routes']) as Json[];
    assert.ok(routes.every((r) => r['route'] && !r['redirect'] && !r['directResponse']), 'no redirect or direct response for gRPC');
    assert.ok(routes.every((r) => !(r['route'] as Json)['cors'] && !(r['route'] as Json)['requestMirrorPolicies']));
  });
});
