/**
 * CDS and EDS for the bookinfo fixture: cluster names and kinds as Istio names them, the
 * DestinationRule policies mapped as Istio maps them (load balancer per subset, connection pool,
 * outlier detection, TLS), ServiceEntry resolutions, the special clusters, and endpoints by
 * locality with readiness and workload metadata. Every resource must also encode as Envoy v3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeAny } from '../../../src/core/xds/protos.ts';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import type { PushContext } from '../../../src/control/model/push-context.ts';
import { generateGrpcClusters, generateSidecarClusters } from '../../../src/control/xds/cds/cluster-generator.ts';
import { generateEndpoints } from '../../../src/control/xds/eds/endpoint-generator.ts';
import type { Json } from '../../../src/control/xds/generator.ts';
import { loadBookinfo, proxyOf, type Bookinfo } from './bookinfo.ts';

const REVIEWS = 'reviews.default.svc.cluster.local';
let bi: Bookinfo;
let push: PushContext;

before(async () => {
  bi = await loadBookinfo();
  push = bi.push();
});
after(() => bi.close());

function clusters(): Map<string, Json> {
  return new Map(generateSidecarClusters(proxyOf('productpage'), push).map((r) => [r.name, r.resource]));
}

describe('CDS (sidecar)', () => {
  it('has an outbound cluster per service port and DestinationRule subset, inbound clusters, and the special clusters', () => {
    const names = [...clusters().keys()];
    for (const n of [`outbound|9080||${REVIEWS}`, `outbound|9080|v1|${REVIEWS}`, `outbound|9080|v2|${REVIEWS}`, `outbound|9080|v3|${REVIEWS}`,
      'outbound|27017|v2|mongodb.default.svc.cluster.local', 'outbound|80||httpbin.org', 'outbound|5432||db.legacy.internal',
      'outbound|80||sleep.restricted.svc.cluster.local', 'inbound|9080||', 'PassthroughCluster', 'BlackHoleCluster', 'InboundPassthroughCluster']) {
      assert.ok(names.includes(n), `missing ${n} in ${names.join(', ')}`);
    }
    for (const [name, c] of clusters()) assert.doesNotThrow(() => encodeAny(TypeUrls.cluster, c), name);
  });

  it('makes EDS clusters over ADS named after themselves, with the connect timeout', () => {
    const c = clusters().get(`outbound|9080||${REVIEWS}`) ?? {};
    assert.equal(c['type'], 'EDS');
    assert.deepEqual(c['edsClusterConfig'], { edsConfig: { ads: {}, resourceApiVersion: 'V3' }, serviceName: `outbound|9080||${REVIEWS}` });
    assert.equal(c['connectTimeout'], '0.25s', 'tcp.connectTimeout 250ms');
    assert.equal(clusters().get('outbound|9080||details.default.svc.cluster.local')?.['connectTimeout'], '10s');
    assert.equal(clusters().get('outbound|9080||details.default.svc.cluster.local')?.['lbPolicy'], 'ROUND_ROBIN');
  });

  it('maps the DestinationRule: RANDOM for the service, the subset override, circuit breakers, HTTP options, outlier detection', () => {
    const all = clusters();
    assert.equal(all.get(`outbound|9080||${REVIEWS}`)?.['lbPolicy'], 'RANDOM');
    assert.equal(all.get(`outbound|9080|v1|${REVIEWS}`)?.['lbPolicy'], 'RANDOM', 'v1 inherits the service policy');
    assert.equal(all.get(`outbound|9080|v2|${REVIEWS}`)?.['lbPolicy'], 'ROUND_ROBIN', 'v2 overrides it');
    const c = all.get(`outbound|9080|v3|${REVIEWS}`) ?? {};
    assert.deepEqual(c['circuitBreakers'], { thresholds: [{ maxConnections: 100, maxPendingRequests: 10, maxRequests: 1000, maxRetries: 4294967295, trackRemaining: true }] });
    const opts = (c['typedExtensionProtocolOptions'] as Json)['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] as Json;
    assert.deepEqual(opts['commonHttpProtocolOptions'], { idleTimeout: '30s', maxRequestsPerConnection: 5 });
    assert.deepEqual(c['outlierDetection'], {
      consecutive5xx: 7, enforcingConsecutive5xx: 100, interval: '300s', baseEjectionTime: '900s', maxEjectionPercent: 50, enforcingSuccessRate: 0,
    });
    assert.deepEqual((c['metadata'] as Json)['filterMetadata'], { istio: {
      config: '/apis/networking.istio.io/v1/namespaces/default/destination-rule/reviews', default_original_port: 9080,
      services: [{ host: REVIEWS, name: 'reviews', namespace: 'default' }], subset: 'v3',
    } });
  });

  it('maps consistentHash to RING_HASH, and TLS SIMPLE to an UpstreamTlsContext with the SNI', () => {
    const all = clusters();
    const pp = all.get('outbound|9080|v1|productpage.default.svc.cluster.local') ?? {};
    assert.equal(pp['lbPolicy'], 'RING_HASH');
    assert.deepEqual(pp['ringHashLbConfig'], { minimumRingSize: 1024 });
    const tls = all.get('outbound|443||httpbin.org')?.['transportSocket'] as Json;
    assert.equal(tls['name'], 'envoy.transport_sockets.tls');
    assert.equal((tls['typedConfig'] as Json)['sni'], 'httpbin.org');
  });

  it('resolves ServiceEntries: DNS -> STRICT_DNS with the host as endpoint, STATIC -> EDS', () => {
    const all = clusters();
    const dns = all.get('outbound|80||httpbin.org') ?? {};
    assert.equal(dns['type'], 'STRICT_DNS');
    assert.equal(dns['dnsLookupFamily'], 'V4_ONLY');
    const lb = (((dns['loadAssignment'] as Json)['endpoints'] as Json[])[0]?.['lbEndpoints'] as Json[])[0] as Json;
    assert.deepEqual((lb['endpoint'] as Json)['address'], { socketAddress: { address: 'httpbin.org', portValue: 80 } });
    assert.equal(all.get('outbound|5432||db.legacy.internal')?.['type'], 'EDS');
  });

  it('builds inbound and special clusters as Istio does', () => {
    const all = clusters();
    assert.deepEqual({ ...all.get('inbound|9080||'), metadata: undefined }, {
      name: 'inbound|9080||', type: 'ORIGINAL_DST', connectTimeout: '10s', lbPolicy: 'CLUSTER_PROVIDED',
      upstreamBindConfig: { sourceAddress: { address: '127.0.0.6', portValue: 0 } }, metadata: undefined,
    });
    assert.deepEqual(all.get('PassthroughCluster'), { name: 'PassthroughCluster', type: 'ORIGINAL_DST', connectTimeout: '10s', lbPolicy: 'CLUSTER_PROVIDED' });
    assert.deepEqual(all.get('BlackHoleCluster'), { name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s' });
    assert.equal(all.get('InboundPassthroughCluster')?.['type'], 'ORIGINAL_DST');
  });

  it('answers a named request with only those clusters', () => {
    const got = generateSidecarClusters(proxyOf('productpage'), push, [`outbound|9080|v2|${REVIEWS}`, 'PassthroughCluster', 'nope']);
    assert.deepEqual(got.map((r) => r.name).sort(), ['PassthroughCluster', `outbound|9080|v2|${REVIEWS}`]);
  });
});

describe('CDS (proxyless gRPC)', () => {
  it('keeps only EDS clusters, with the load balancers gRPC knows and no sidecar-only fields', () => {
    const got = new Map(generateGrpcClusters(proxyOf('productpage', { GENERATOR: 'grpc' }), push).map((r) => [r.name, r.resource]));
    assert.ok(!got.has('outbound|80||httpbin.org'), 'DNS clusters are not for gRPC');
    assert.ok(!got.has('PassthroughCluster'));
    assert.equal(got.get(`outbound|9080||${REVIEWS}`)?.['lbPolicy'], 'ROUND_ROBIN', 'RANDOM is not a gRPC policy');
    assert.deepEqual(got.get('outbound|9080||productpage.default.svc.cluster.local')?.['ringHashLbConfig'], { minimumRingSize: 1024, hashFunction: 'XX_HASH' });
    assert.equal(got.get(`outbound|9080||${REVIEWS}`)?.['typedExtensionProtocolOptions'], undefined);
  });
});

describe('EDS', () => {
  const eds = (names: string[]): Map<string, Json> => new Map(generateEndpoints(proxyOf('productpage'), push, names).map((r) => [r.name, r.resource]));

  it('sends a subset\'s endpoints only, not-ready ones UNHEALTHY, with locality weight and workload metadata', () => {
    const cla = eds([`outbound|9080|v3|${REVIEWS}`]).get(`outbound|9080|v3|${REVIEWS}`) ?? {};
    assert.doesNotThrow(() => encodeAny(TypeUrls.clusterLoadAssignment, cla));
    const [loc] = cla['endpoints'] as Json[];
    assert.deepEqual(loc?.['locality'], {});
    assert.equal(loc?.['loadBalancingWeight'], 2);
    const eps = loc?.['lbEndpoints'] as Json[];
    assert.deepEqual(eps.map((e) => [((e['endpoint'] as Json)['address'] as Json)['socketAddress'], e['healthStatus']]), [
      [{ address: '10.250.0.10', portValue: 9080 }, 'UNHEALTHY'],
      [{ address: '10.250.0.6', portValue: 9080 }, 'HEALTHY'],
    ]);
    assert.deepEqual(eps[1]?.['metadata'], { filterMetadata: { istio: { workload: 'reviews-v3;default;reviews;v3;Kubernetes' } } });
    assert.equal(eps[1]?.['loadBalancingWeight'], 1);
  });

  it('groups ServiceEntry endpoints by locality, weighted by the sum of their weights', () => {
    const cla = eds(['outbound|5432||db.legacy.internal']).get('outbound|5432||db.legacy.internal') ?? {};
    const locs = (cla['endpoints'] as Json[]).map((l) => [l['locality'], l['loadBalancingWeight']]);
    assert.deepEqual(locs, [[{ region: 'eu-west', zone: 'zone-a' }, 1], [{ region: 'eu-west', zone: 'zone-b' }, 3]]);
  });

  it('leaves out what the proxy cannot see: unknown hosts, unknown subsets, non-EDS clusters, other scopes', () => {
    assert.deepEqual([...eds(['outbound|9080||nope.default.svc.cluster.local', `outbound|9080|v9|${REVIEWS}`, 'outbound|80||httpbin.org', 'PassthroughCluster']).keys()], []);
    const sleep = generateEndpoints(proxyOf('sleep'), push, [`outbound|9080||${REVIEWS}`, 'outbound|80||sleep.restricted.svc.cluster.local']);
    assert.deepEqual(sleep.map((r) => r.name), ['outbound|80||sleep.restricted.svc.cluster.local'], 'the Sidecar hides reviews from the restricted namespace');
  });
});
