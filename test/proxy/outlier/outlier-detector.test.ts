/**
 * Outlier detection with fake timers (node:test mock.timers): consecutive 5xx and gateway
 * failures (with their enforcing percentages), local-origin failures split or mapped to 503,
 * max_ejection_percent and ejections_overflow, return after base_ejection_time x ejections at
 * the interval sweep, the stats; and through the cluster manager: ejected hosts skipped, the
 * panic threshold, state kept across config updates, /clusters health flags, tcp-style reports.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { clustersHandler } from '../../../src/proxy/admin/clusters.ts';
import type { AdminContext } from '../../../src/proxy/admin/admin-context.ts';
import type { Host } from '../../../src/proxy/cluster/cluster.ts';
import type { EdsClusterSpec } from '../../../src/proxy/cluster/cluster-config.ts';
import { ClusterManager } from '../../../src/proxy/cluster/cluster-manager.ts';
import { ISTIO_DEFAULT_HTTP_OPTIONS } from '../../../src/proxy/cluster/http-options.ts';
import { ENVOY_DEFAULT_OUTLIER_DETECTION, type OutlierDetectionConfig } from '../../../src/proxy/cluster/outlier-config.ts';
import { OutlierDetector } from '../../../src/proxy/cluster/outlier-detector.ts';
import { outcomeForStatus } from '../../../src/proxy/cluster/outlier-outcome.ts';
import type { EndpointAssignment } from '../../../src/proxy/endpoint/endpoint-config.ts';
import { noLocality } from '../../../src/proxy/endpoint/endpoint-config.ts';
import { outlierDetectionStats } from '../../../src/proxy/stats/envoy-stats.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { hosts, seeded } from '../lb/support.ts';

beforeEach(() => mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 }));
afterEach(() => mock.timers.reset());

const cfg = (o: Partial<OutlierDetectionConfig> = {}): OutlierDetectionConfig => ({ ...ENVOY_DEFAULT_OUTLIER_DETECTION, maxEjectionPercent: 100, ...o });

function detector(o: Partial<OutlierDetectionConfig> = {}, n = 4) {
  const store = new MemoryStatsStore();
  const stats = outlierDetectionStats(store, 'c');
  const set = hosts(n);
  const d = new OutlierDetector(cfg(o), stats, { random: seeded(1) });
  d.update(cfg(o), set);
  return { d, stats, set };
}

const times = (n: number, fn: () => void): void => {
  for (let i = 0; i < n; i++) fn();
};

describe('outlier detector', () => {
  it('ejects on the 5th consecutive 5xx; a success in between resets the count', () => {
    const { d, stats, set } = detector();
    const h = set[0] as Host;
    times(4, () => d.reportResult(h, '5xx'));
    d.reportResult(h, 'success');
    times(4, () => d.reportResult(h, '5xx'));
    assert.equal(d.isEjected(h), false);
    d.reportResult(h, '5xx');
    assert.equal(d.isEjected(h), true);
    assert.deepEqual([stats.ejections_active.value, stats.ejections_enforced_total.value, stats.ejections_enforced_consecutive_5xx.value, stats.ejections_detected_consecutive_5xx.value], [1, 1, 1, 1]);
    d.stop();
  });

  it('detects gateway failures but enforces them only as configured (Envoy: 0%, Istio: 100%)', () => {
    const off = detector({ consecutive5xx: 0, consecutiveGatewayFailure: 3 });
    times(3, () => off.d.reportResult(off.set[0] as Host, outcomeForStatus(503)));
    assert.equal(off.d.isEjected(off.set[0] as Host), false);
    assert.equal(off.stats.ejections_detected_consecutive_gateway_failure.value, 1);
    const on = detector({ consecutive5xx: 0, consecutiveGatewayFailure: 3, enforcingConsecutiveGatewayFailure: 100 });
    on.d.reportResult(on.set[0] as Host, 'gateway_error');
    on.d.reportResult(on.set[0] as Host, '5xx');
    times(2, () => on.d.reportResult(on.set[0] as Host, 'gateway_error'));
    assert.equal(on.d.isEjected(on.set[0] as Host), false, 'a 500 breaks the run of gateway errors');
    on.d.reportResult(on.set[0] as Host, 'gateway_error');
    assert.equal(on.d.isEjected(on.set[0] as Host), true);
    assert.equal(on.stats.ejections_enforced_consecutive_gateway_failure.value, 1);
    off.d.stop();
    on.d.stop();
  });

  it('counts local-origin failures as 503s unless split, then on their own', () => {
    const mapped = detector({ consecutive5xx: 2 });
    times(2, () => mapped.d.reportResult(mapped.set[0] as Host, 'local_origin_failure'));
    assert.equal(mapped.d.isEjected(mapped.set[0] as Host), true);
    const split = detector({ consecutive5xx: 2, consecutiveLocalOriginFailure: 3, splitExternalLocalOriginErrors: true });
    times(2, () => split.d.reportResult(split.set[0] as Host, 'local_origin_failure'));
    assert.equal(split.d.isEjected(split.set[0] as Host), false);
    split.d.reportResult(split.set[0] as Host, 'local_origin_failure');
    assert.equal(split.d.isEjected(split.set[0] as Host), true);
    assert.equal(split.stats.ejections_enforced_consecutive_local_origin_failure.value, 1);
    mapped.d.stop();
    split.d.stop();
  });

  it('keeps within max_ejection_percent (ejections_overflow), unless always_eject_one_host', () => {
    const { d, stats, set } = detector({ consecutive5xx: 1, maxEjectionPercent: 25 }, 4);
    d.reportResult(set[0] as Host, '5xx');
    d.reportResult(set[1] as Host, '5xx');
    assert.deepEqual(set.map((h) => d.isEjected(h)), [true, false, false, false]);
    assert.equal(stats.ejections_overflow.value, 1);
    const strict = detector({ consecutive5xx: 1, maxEjectionPercent: 10 }, 4);
    strict.d.reportResult(strict.set[0] as Host, '5xx');
    assert.equal(strict.d.isEjected(strict.set[0] as Host), false, '25% > 10%');
    const one = detector({ consecutive5xx: 1, maxEjectionPercent: 10, alwaysEjectOneHost: true }, 4);
    one.d.reportResult(one.set[0] as Host, '5xx');
    assert.equal(one.d.isEjected(one.set[0] as Host), true);
    for (const x of [d, strict.d, one.d]) x.stop();
  });

  it('returns a host at the sweep after base_ejection_time x ejections; the multiplier decays while healthy', () => {
    const { d, stats, set } = detector({ consecutive5xx: 1, intervalMs: 10_000, baseEjectionTimeMs: 30_000 });
    const h = set[0] as Host;
    d.reportResult(h, '5xx');
    mock.timers.tick(20_000);
    assert.equal(d.isEjected(h), true);
    mock.timers.tick(10_000);
    assert.equal(d.isEjected(h), false, 'back at the 30 s sweep');
    assert.equal(stats.ejections_active.value, 0);
    d.reportResult(h, '5xx');
    mock.timers.tick(30_000);
    assert.equal(d.isEjected(h), true, 'second ejection: 60 s');
    mock.timers.tick(30_000);
    assert.equal(d.isEjected(h), false);
    assert.equal(d.numEjections(h), 2);
    mock.timers.tick(30_000);
    d.reportResult(h, '5xx');
    mock.timers.tick(30_000);
    assert.equal(d.isEjected(h), false, 'healthy intervals brought the multiplier back to 1');
    d.stop();
  });

  it('enforces by percentage with its Random', () => {
    const { d, set } = detector({ consecutive5xx: 1, enforcingConsecutive5xx: 0 });
    d.reportResult(set[0] as Host, '5xx');
    assert.equal(d.isEjected(set[0] as Host), false);
    d.stop();
  });
});

function edsSpec(o: Partial<EdsClusterSpec> = {}): EdsClusterSpec {
  return {
    name: 'outbound|80||web', type: 'EDS', serviceName: 'outbound|80||web', connectTimeoutMs: 1000, lbPolicy: 'ROUND_ROBIN', choiceCount: 2,
    maxConnections: 1024, http: ISTIO_DEFAULT_HTTP_OPTIONS, upstreamBind: undefined, service: undefined, addedViaApi: true, ...o,
  };
}

function assignment(ips: readonly string[]): EndpointAssignment {
  return {
    clusterName: 'outbound|80||web',
    localities: [{ locality: noLocality, priority: 0, weight: 1, endpoints: ips.map((ip) => ({ address: { ip, port: 80 }, health: 'HEALTHY', weight: 1, hostname: '', peer: undefined })) }],
  } as unknown as EndpointAssignment;
}

describe('outlier detection in the cluster', () => {
  const IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
  const od = cfg({ consecutive5xx: 2, maxEjectionPercent: 50 });

  function install(cm: ClusterManager, spec: EdsClusterSpec, ips: readonly string[], v: string) {
    cm.install(cm.build([spec], new Map([[spec.serviceName, assignment(ips)]])), v);
    const c = cm.get(spec.name);
    assert.ok(c);
    return c;
  }

  it('skips ejected hosts, keeps ejections across updates, and shows them in /clusters and /stats', async () => {
    const store = new MemoryStatsStore();
    const cm = new ClusterManager({ store });
    const spec = edsSpec({ outlierDetection: od, healthyPanicThreshold: 0 });
    let c = install(cm, spec, IPS, '1');
    const bad = c.hosts()[1] as Host;
    times(2, () => c.reportOutcome(bad, outcomeForStatus(500)));
    assert.equal(c.isEjected(bad), true);
    const picked = new Set(Array.from({ length: 12 }, () => c.chooseHost({ ip: '10.96.0.1', port: 80 })?.address.ip));
    assert.deepEqual([...picked].sort(), ['10.0.0.1', '10.0.0.3', '10.0.0.4']);
    c = install(cm, spec, [...IPS, '10.0.0.5'], '2');
    assert.equal(c.isEjected(c.hosts()[1] as Host), true, 'still ejected after an EDS update');
    const ctx = { clusters: cm } as unknown as AdminContext;
    const text = clustersHandler(ctx)({}, new URL('http://x/clusters')).body;
    assert.match(String(text), /^outbound\|80\|\|web::10\.0\.0\.2:80::health_flags::\/failed_outlier_check$/m);
    assert.match(String(text), /^outbound\|80\|\|web::10\.0\.0\.1:80::health_flags::healthy$/m);
    const names = store.entries().map((e) => `${e.stat.name}=${e.value}`);
    assert.ok(names.includes('cluster.outbound|80||web.outlier_detection.ejections_active=1'), names.filter((n) => n.includes('outlier')).join(' '));
    assert.ok(names.includes('cluster.outbound|80||web.outlier_detection.ejections_enforced_consecutive_5xx=1'));
    c = install(cm, edsSpec(), IPS, '3');
    assert.equal(c.isEjected(c.hosts()[1] as Host), false, 'outlier detection removed');
  });

  it('ignores ejections in panic (fewer healthy than healthy_panic_threshold %)', () => {
    const cm = new ClusterManager({ store: new MemoryStatsStore() });
    const c = install(cm, edsSpec({ outlierDetection: od, healthyPanicThreshold: 80 }), IPS, '1');
    times(2, () => c.reportOutcome(c.hosts()[0] as Host, '5xx'));
    assert.equal(c.isEjected(c.hosts()[0] as Host), true);
    const picked = new Set(Array.from({ length: 8 }, () => c.chooseHost({ ip: '10.96.0.1', port: 80 })?.address.ip));
    assert.equal(picked.size, 4, '75% healthy < 80%: all hosts');
  });

  it('avoids previous hosts for up to host_selection_retry_max_attempts re-selections', () => {
    const cm = new ClusterManager({ store: new MemoryStatsStore() });
    const c = install(cm, edsSpec({ lbPolicy: 'RING_HASH' }), IPS, '1');
    const first = c.chooseHost({ ip: '10.96.0.1', port: 80 }, undefined, { hashKey: 'user-1' });
    assert.ok(first);
    assert.equal(c.chooseHost({ ip: '10.96.0.1', port: 80 }, undefined, { hashKey: 'user-1' }), first, 'same key, same host');
    const retry = c.chooseHost({ ip: '10.96.0.1', port: 80 }, undefined, { hashKey: 'user-1', excludeHosts: [first], hostSelectionRetryMaxAttempts: 5 });
    assert.notEqual(retry?.address.ip, first.address.ip);
    const l4 = c.chooseHost({ ip: '10.96.0.1', port: 80 }, { ip: '10.1.1.1', port: 5000 });
    assert.equal(c.chooseHost({ ip: '10.96.0.1', port: 80 }, undefined, { hashKey: '10.1.1.1' }), l4, 'L4 hashes the source IP');
  });
});
