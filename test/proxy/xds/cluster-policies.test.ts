/**
 * DestinationRule traffic policies from CDS to the data plane: the translator's new cluster
 * fields (ring and Maglev configs, slow start, active request bias, the panic threshold,
 * outlier detection with Envoy's defaults, refusals naming the field), the control plane's
 * warmup and outlier mappings; and one simulation: DestinationRules with consistentHash
 * (httpHeaderName, httpCookie with ttl, useSourceIp) and outlierDetection, through the real
 * CDS and RDS generators, the sidecar translators, hash keys and the run-time cluster.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadBalancerFields } from '../../../src/control/xds/cds/load-balancer.ts';
import { outlierDetectionFields } from '../../../src/control/xds/cds/outlier-detection.ts';
import { generateSidecarClusters } from '../../../src/control/xds/cds/cluster-generator.ts';
import { generateSidecarRoutes } from '../../../src/control/xds/rds/route-generator.ts';
import type { Json } from '../../../src/control/xds/generator.ts';
import type { Host } from '../../../src/proxy/cluster/cluster.ts';
import { ClusterManager } from '../../../src/proxy/cluster/cluster-manager.ts';
import { ENVOY_DEFAULT_OUTLIER_DETECTION } from '../../../src/proxy/cluster/outlier-config.ts';
import type { EndpointAssignment } from '../../../src/proxy/endpoint/endpoint-config.ts';
import { noLocality } from '../../../src/proxy/endpoint/endpoint-config.ts';
import { hashKeyFor } from '../../../src/proxy/filters/http/router/hash-key.ts';
import type { ForwardAction } from '../../../src/proxy/route/route-action-config.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { clusterTranslator, routeTranslator } from '../../../src/proxy/xds/translate/translators.ts';
import { loadBookinfo, proxyOf, type Bookinfo } from '../../control/xds/bookinfo.ts';
import { seeded } from '../lb/support.ts';

const eds = (name: string, extra: Json = {}): Json => ({ name, type: 'EDS', edsClusterConfig: { edsConfig: { ads: {} }, serviceName: name }, ...extra });

function refuses(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: Error & { proxyCode?: string }) => {
    assert.equal(err.proxyCode, 'MZ_XDS_INVALID_RESOURCE');
    assert.match(err.message, re);
    return true;
  });
}

describe('cluster policy translation', () => {
  it('reads ring hash and Maglev configs, with Envoy defaults', () => {
    assert.deepEqual(clusterTranslator.translate(eds('r', { lbPolicy: 'RING_HASH' })).ringHash, { minimumRingSize: 1024, maximumRingSize: 8388608 });
    assert.deepEqual(clusterTranslator.translate(eds('r', { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: '64', maximumRingSize: '128', hashFunction: 'XX_HASH' } })).ringHash,
      { minimumRingSize: 64, maximumRingSize: 128 });
    assert.deepEqual(clusterTranslator.translate(eds('m', { lbPolicy: 'MAGLEV' })).maglev, { tableSize: 65537 });
    assert.deepEqual(clusterTranslator.translate(eds('m', { lbPolicy: 'MAGLEV', maglevLbConfig: { tableSize: '251' } })).maglev, { tableSize: 251 });
    const plain = clusterTranslator.translate(eds('p'));
    assert.deepEqual(['ringHash', 'maglev', 'slowStart', 'outlierDetection', 'healthyPanicThreshold'].filter((k) => k in plain), [], 'nothing added to a plain cluster');
    refuses(() => clusterTranslator.translate(eds('m', { lbPolicy: 'MAGLEV', maglevLbConfig: { tableSize: 1000 } })), /^Cluster m: maglevLbConfig\.tableSize: 1000 is not a prime number$/);
    refuses(() => clusterTranslator.translate(eds('r', { lbPolicy: 'RING_HASH', ringHashLbConfig: { hashFunction: 'MURMUR_HASH_2' } })), /^Cluster r: ringHashLbConfig\.hashFunction: MURMUR_HASH_2 is not supported \(only XX_HASH/);
    refuses(() => clusterTranslator.translate(eds('r', { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize: 10, maximumRingSize: 5 } })), /minimumRingSize: 10 is larger than maximumRingSize 5/);
  });

  it('reads slow start, active request bias and the panic threshold', () => {
    const lr = clusterTranslator.translate(eds('l', {
      lbPolicy: 'LEAST_REQUEST',
      leastRequestLbConfig: { choiceCount: 3, activeRequestBias: { defaultValue: 0.5, runtimeKey: 'k' }, slowStartConfig: { slowStartWindow: '30s', aggression: { defaultValue: 2, runtimeKey: 'k' }, minWeightPercent: { value: 20 } } },
      commonLbConfig: { healthyPanicThreshold: { value: 0 } },
    }));
    assert.deepEqual([lr.choiceCount, lr.activeRequestBias, lr.slowStart, lr.healthyPanicThreshold], [3, 0.5, { windowMs: 30000, aggression: 2, minWeightFraction: 0.2 }, 0]);
    const rr = clusterTranslator.translate(eds('r', { roundRobinLbConfig: { slowStartConfig: { slowStartWindow: '10s' } } }));
    assert.deepEqual(rr.slowStart, { windowMs: 10000, aggression: 1, minWeightFraction: 0.1 });
    refuses(() => clusterTranslator.translate(eds('c', { commonLbConfig: { healthyPanicThreshold: { value: 150 } } })), /commonLbConfig\.healthyPanicThreshold\.value: expected a percentage/);
  });

  it('reads outlier detection with Envoy defaults, refusing success-rate ejection', () => {
    const spec = clusterTranslator.translate(eds('o', { outlierDetection: { consecutive5xx: 3, interval: '1s', baseEjectionTime: '900s', maxEjectionPercent: 50, enforcingSuccessRate: 0 } }));
    assert.deepEqual(spec.outlierDetection, { ...ENVOY_DEFAULT_OUTLIER_DETECTION, consecutive5xx: 3, intervalMs: 1000, baseEjectionTimeMs: 900000, maxEjectionTimeMs: 900000, maxEjectionPercent: 50 });
    assert.ok(Object.isFrozen(spec.outlierDetection));
    refuses(() => clusterTranslator.translate(eds('o', { outlierDetection: { enforcingSuccessRate: 100 } })), /^Cluster o: outlierDetection\.enforcingSuccessRate: success-rate and failure-percentage ejection are not supported/);
    refuses(() => clusterTranslator.translate(eds('o', { outlierDetection: { maxEjectionPercent: 101 } })), /outlierDetection\.maxEjectionPercent: expected a percentage of at most 100/);
  });

  it('control: warmup -> slowStartConfig; outlier detection sets the panic threshold (0 unless minHealthPercent) and splits local origin', () => {
    const lr = loadBalancerFields({ simple: 'LEAST_REQUEST', warmup: { duration: '30s', aggression: 2 } }, 'sidecar');
    assert.deepEqual(lr.leastRequestLbConfig, { slowStartConfig: { slowStartWindow: '30s', aggression: { defaultValue: 2, runtimeKey: 'upstream.lb.slow_start.aggression' }, minWeightPercent: { value: 10 } } });
    assert.deepEqual(loadBalancerFields({ warmupDurationSecs: '15s' }, 'sidecar').roundRobinLbConfig, { slowStartConfig: { slowStartWindow: '15s' } });
    assert.equal(loadBalancerFields({ warmupDurationSecs: '15s' }, 'grpc').roundRobinLbConfig, undefined);
    const spec = clusterTranslator.translate(eds('w', { lbPolicy: lr.lbPolicy, leastRequestLbConfig: lr.leastRequestLbConfig }));
    assert.deepEqual(spec.slowStart, { windowMs: 30000, aggression: 2, minWeightFraction: 0.1 });
    const od = outlierDetectionFields({ consecutive5xxErrors: 2, consecutiveLocalOriginFailures: 3, splitExternalLocalOriginErrors: true });
    assert.deepEqual(od.commonLbConfig, { healthyPanicThreshold: { value: 0 } });
    assert.deepEqual(od.outlierDetection, {
      consecutive5xx: 2, enforcingConsecutive5xx: 100, consecutiveLocalOriginFailure: 3, enforcingConsecutiveLocalOriginFailure: 100,
      splitExternalLocalOriginErrors: true, enforcingLocalOriginSuccessRate: 0, enforcingSuccessRate: 0,
    });
    assert.deepEqual(outlierDetectionFields({ minHealthPercent: 30 }).commonLbConfig, { healthyPanicThreshold: { value: 30 } });
  });
});

describe('DestinationRule policies, control plane to data plane', () => {
  let bi: Bookinfo;
  const doc = (kind: string, name: string, spec: Json): Json => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: 'default' }, spec });

  before(async () => {
    bi = await loadBookinfo();
    for (const d of [
      doc('DestinationRule', 'ratings', { host: 'ratings', trafficPolicy: {
        loadBalancer: { consistentHash: { httpCookie: { name: 'user', path: '/', ttl: '60s' }, maglev: { tableSize: 65537 } } },
        outlierDetection: { consecutive5xxErrors: 2, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      } }),
      doc('DestinationRule', 'details', { host: 'details', trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } } }),
      doc('VirtualService', 'ratings', { hosts: ['ratings'], http: [{ route: [{ destination: { host: 'ratings' } }] }] }),
      // details has no VirtualService: its default route must still carry the DestinationRule's hash policy (regression).
    ]) {
      const r = bi.store.apply(d);
      assert.deepEqual(r.issues.filter((i) => i.severity === 'error'), [], JSON.stringify(d));
    }
  });
  after(() => bi.close());

  function world(service: string) {
    const push = bi.push();
    const proxy = proxyOf('productpage');
    const name = `outbound|9080||${service}.default.svc.cluster.local`;
    const cluster = generateSidecarClusters(proxy, push, [name])[0]?.resource;
    assert.ok(cluster, name);
    const spec = clusterTranslator.translate(cluster);
    const routes = generateSidecarRoutes(proxy, push, ['9080']).map((r) => routeTranslator.translate(r.resource));
    const vhost = routes[0]?.virtualHosts.find((v) => v.domains.includes(`${service}.default.svc.cluster.local`));
    const action = vhost?.routes[0]?.action as ForwardAction | undefined;
    assert.ok(action?.kind === 'route', `a route for ${service}`);
    const ips = ['10.250.1.1', '10.250.1.2', '10.250.1.3', '10.250.1.4'];
    const assignment = { clusterName: name, localities: [{ locality: noLocality, priority: 0, weight: 1,
      endpoints: ips.map((ip) => ({ address: { ip, port: 9080 }, health: 'HEALTHY', weight: 1, hostname: '', peer: undefined })) }] } as unknown as EndpointAssignment;
    const cm = new ClusterManager({ store: new MemoryStatsStore(), random: seeded(1) });
    cm.install(cm.build([spec], new Map([[name, assignment]])), '1');
    const c = cm.get(name);
    assert.ok(c);
    return { spec, policies: action.hashPolicy, c };
  }

  const dst = { ip: '10.96.0.9', port: 9080 };

  it('httpHeaderName: RING_HASH keyed by the header, one user one host', () => {
    const { spec, policies, c } = world('productpage');
    assert.equal(spec.lbPolicy, 'RING_HASH');
    assert.deepEqual(policies, [{ kind: 'header', headerName: 'x-user', terminal: false }]);
    const pick = (user: string) => c.chooseHost(dst, undefined, { hashKey: hashKeyFor(policies, { headers: { 'x-user': user }, path: '/', remoteIp: '10.250.0.2' }, seeded(2)).key })?.address.ip;
    assert.equal(pick('alice'), pick('alice'));
    assert.ok(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map(pick)).size > 1, 'users spread');
  });

  it('httpCookie with ttl: MAGLEV, a generated cookie pins the client; outlier detection ejects a failing host', () => {
    const { spec, policies, c } = world('ratings');
    assert.deepEqual([spec.lbPolicy, spec.maglev, spec.healthyPanicThreshold], ['MAGLEV', { tableSize: 65537 }, 0]);
    assert.equal(spec.outlierDetection?.consecutive5xx, 2);
    assert.deepEqual(policies, [{ kind: 'cookie', name: 'user', path: '/', ttlMs: 60000, terminal: false }]);
    const first = hashKeyFor(policies, { headers: {}, path: '/ratings/1', remoteIp: '10.250.0.2' }, seeded(3));
    assert.match(first.setCookie ?? '', /^user="[0-9a-f]{16}"; Max-Age=60; Path=\/; HttpOnly$/);
    const cookie = (first.setCookie ?? '').split(';')[0] as string;
    const host = c.chooseHost(dst, undefined, { hashKey: first.key });
    const again = hashKeyFor(policies, { headers: { cookie }, path: '/ratings/2', remoteIp: '10.250.0.2' }, seeded(4));
    assert.equal(again.setCookie, undefined);
    assert.equal(c.chooseHost(dst, undefined, { hashKey: again.key }), host, 'the cookie brings the client back');
    c.reportOutcome(host as Host, 'gateway_error');
    c.reportOutcome(host as Host, '5xx');
    assert.equal(c.isEjected(host as Host), true);
    const moved = c.chooseHost(dst, undefined, { hashKey: again.key });
    assert.notEqual(moved?.address.ip, host?.address.ip, 'the ejected host is skipped');
  });

  it('useSourceIp: the downstream address keys the ring', () => {
    const { policies, c } = world('details');
    assert.deepEqual(policies, [{ kind: 'sourceIp', terminal: false }]);
    const pick = (ip: string) => c.chooseHost(dst, undefined, { hashKey: hashKeyFor(policies, { headers: {}, path: '/', remoteIp: ip }, seeded(5)).key })?.address.ip;
    assert.equal(pick('10.250.0.2'), pick('10.250.0.2'));
    assert.equal(pick('10.250.0.2'), c.chooseHost(dst, { ip: '10.250.0.2', port: 40000 })?.address.ip, 'the same host tcp_proxy would pick at L4');
  });
});
