/**
 * DestinationRule outlierDetection and tcp.connectTimeout (scenarios/outlier-detection.yaml): a v1
 * replica made to fail (POST /_sick on its loopback) is ejected by consecutive5xxErrors or
 * consecutiveGatewayErrors, maxEjectionPercent caps ejections, minHealthPercent puts the
 * cluster in panic, an ejected host returns after baseEjectionTime (swept each interval);
 * consecutiveLocalOriginFailures ejects an endpoint that refuses connections; a dropped SYN
 * times out after connectTimeout. Ejections are read in /clusters, `proxy-config endpoint` and
 * the outlier stats. Last (it adds a v1 replica): loadBalancer warmup.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Answer, TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, get } from '../requests.ts';

export function outlierSuite(mesh: TrafficMesh): void {
  /** When the warm subset (outlier-detection.yaml) was applied: its first endpoints ramp from then. */
  let warmSince = 0;

  before(async () => {
    await mesh.apply('outlier-detection');
    warmSince = Date.now();
    await mesh.untilConfig(CLIENT, 'cluster', (j) => j.includes('"consecutive5xx":3') && j.includes('"connectTimeout":"1s"') && j.includes('|panic|'), 'outlier detection');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('outbound|8080|v1|server') && j.includes('|capped|') && !j.includes('by-source'), 'the subset routes');
  });
  const v1 = (): [string, string] => {
    const [a, b] = mesh.podsOf('server-v1');
    assert.ok(a && b);
    return [a, b];
  };
  const setSick = (pod: string, on: boolean, status = 500): Promise<string> =>
    mesh.exec(pod, 'app', ['curl', '-sS', '-X', 'POST', `http://127.0.0.1:8080/_sick?on=${on ? 1 : 0}&status=${status}`]);
  const od = async (subset: string, name: string): Promise<number> =>
    mesh.stat(await mesh.stats(CLIENT), `cluster.outbound|8080|${subset}|server.traffic.svc.cluster.local.outlier_detection.${name}`);
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 1500));

  it('consecutive5xxErrors: a replica answering 500 is ejected; shown in proxy-config endpoint, /clusters and the outlier stats', async () => {
    const [sick, healthy] = v1();
    await setSick(sick, true);
    try {
      const first = await mesh.send(Array.from({ length: 10 }, () => get('/outlier')));
      assert.ok(first.some((a) => a.status === 500), 'the sick replica answered some');
      await settle();
      const later = await mesh.send(Array.from({ length: 10 }, () => get('/outlier')));
      assert.deepEqual([...new Set(later.map((a) => a.status))], [200]);
      assert.deepEqual([...new Set(later.map((a) => a.echo?.pod))], [healthy.split('.')[0]]);
      const [sickIp, healthyIp] = [await mesh.podIp(sick), await mesh.podIp(healthy)];
      const clusters = await mesh.exec(CLIENT, 'istio-proxy', ['curl', '-sS', 'http://127.0.0.1:15000/clusters']);
      assert.ok(clusters.includes(`outbound|8080|v1|server.traffic.svc.cluster.local::${sickIp}:8080::health_flags::/failed_outlier_check\n`), clusters);
      assert.ok(clusters.includes(`outbound|8080|v1|server.traffic.svc.cluster.local::${healthyIp}:8080::health_flags::healthy\n`), clusters);
      // istioctl's OUTLIER CHECK column: FAILED for the ejected host.
      const endpoints = await mesh.mustCli(['proxy-config', 'endpoint', CLIENT, '--cluster', 'outbound|8080|v1|server.traffic.svc.cluster.local']);
      assert.match(endpoints, new RegExp(`^${sickIp.replaceAll('.', '\\.')}:8080\\s+HEALTHY\\s+FAILED\\s+outbound\\|8080\\|v1\\|`, 'm'), endpoints);
      assert.match(endpoints, new RegExp(`^${healthyIp.replaceAll('.', '\\.')}:8080\\s+HEALTHY\\s+OK\\s+`, 'm'), endpoints);
      const stats = await mesh.stats(CLIENT);
      assert.equal(mesh.stat(stats, 'cluster.outbound|8080|v1|server.traffic.svc.cluster.local.outlier_detection.ejections_enforced_consecutive_5xx'), 1);
      assert.equal(mesh.stat(stats, 'cluster.outbound|8080|v1|server.traffic.svc.cluster.local.outlier_detection.ejections_active'), 1);
      const prometheus = await mesh.exec(CLIENT, 'istio-proxy', ['curl', '-sS', 'http://127.0.0.1:15090/stats/prometheus']);
      assert.match(prometheus, /^envoy_cluster_outlier_detection_ejections_active\{cluster_name="outbound\|8080\|v1\|server\.traffic\.svc\.cluster\.local"\} 1$/m);
      assert.match(prometheus, /^envoy_cluster_outlier_detection_ejections_enforced_consecutive_5xx\{cluster_name="outbound\|8080\|v1\|server\.traffic\.svc\.cluster\.local"\} 1$/m);
    } finally {
      await setSick(sick, false);
    }
  });

  it('consecutiveGatewayErrors (5xx off): 500s never eject, 503s do', async () => {
    const [sick] = v1();
    await setSick(sick, true, 500);
    try {
      await mesh.send(Array.from({ length: 10 }, () => get('/gateway-errors/500')));
      await settle();
      assert.equal(await od('gateway-errors', 'ejections_active'), 0, '500 is not a gateway error');
      await setSick(sick, true, 503);
      await mesh.send(Array.from({ length: 10 }, () => get('/gateway-errors/503')));
      await settle();
      assert.equal(await od('gateway-errors', 'ejections_enforced_consecutive_gateway_failure'), 1);
      const later = await mesh.send(Array.from({ length: 6 }, () => get('/gateway-errors/after')));
      assert.deepEqual([...new Set(later.map((a) => a.status))], [200]);
    } finally {
      await setSick(sick, false);
    }
  });

  it('maxEjectionPercent 50: with both replicas failing only one is ejected (the other overflows)', async () => {
    const [a, b] = v1();
    await Promise.all([setSick(a, true), setSick(b, true)]);
    try {
      await mesh.send(Array.from({ length: 12 }, () => get('/capped')));
      await settle();
      await mesh.send(Array.from({ length: 6 }, () => get('/capped')));
      assert.equal(await od('capped', 'ejections_active'), 1);
      assert.ok(await od('capped', 'ejections_overflow') >= 1, 'the second detection overflows');
    } finally {
      await Promise.all([setSick(a, false), setSick(b, false)]);
    }
  });

  it('minHealthPercent 60: one of two replicas ejected is below it, so the ejected replica still gets traffic (panic)', async () => {
    const [sick] = v1();
    await setSick(sick, true);
    try {
      await mesh.send(Array.from({ length: 10 }, () => get('/panic')));
      await settle();
      assert.equal(await od('panic', 'ejections_active'), 1);
      const later = await mesh.send(Array.from({ length: 12 }, () => get('/panic/after')));
      assert.ok(later.some((x) => x.status === 500), 'the ejected replica is still used');
    } finally {
      await setSick(sick, false);
    }
  });

  it('interval and baseEjectionTime 3s: an ejected replica is left out, then back in traffic after the ejection time (swept each interval)', async () => {
    const [sick, healthy] = v1();
    await setSick(sick, true);
    let ejectedAt: number;
    try {
      await mesh.send(Array.from({ length: 10 }, () => get('/returns')));
      await settle();
      ejectedAt = Date.now();
      assert.equal(await od('returns', 'ejections_active'), 1);
    } finally {
      await setSick(sick, false);
    }
    // Healed, but still ejected until baseEjectionTime has passed: only the healthy replica answers.
    const during = await mesh.send(Array.from({ length: 6 }, () => get('/returns/during')));
    if (Date.now() - ejectedAt < 2500) assert.deepEqual([...new Set(during.map((a) => a.echo?.pod))], [healthy.split('.')[0]]);
    // 3 s of ejection, un-ejected by the next 1 s sweep: well within 8 s both replicas serve again.
    let back = false;
    for (let i = 0; i < 16 && !back; i++) {
      await new Promise((r) => setTimeout(r, 500));
      back = await od('returns', 'ejections_active') === 0;
    }
    assert.ok(back, 'ejections_active went back to 0');
    const after = await mesh.send(Array.from({ length: 16 }, () => get('/returns/after')));
    assert.deepEqual([...new Set(after.map((a) => a.status))], [200]);
    assert.deepEqual(new Set(after.map((a) => a.echo?.pod)), new Set([sick.split('.')[0], healthy.split('.')[0]]), 'the returned replica gets requests again');
  });

  it('consecutiveLocalOriginFailures 1 (splitExternalLocalOriginErrors): the endpoint refusing connections is ejected after one; retries hide it from the client', async () => {
    const a = await mesh.send(Array.from({ length: 8 }, () => get('/local', {}, 'http://split:8090')));
    assert.deepEqual([...new Set(a.map((x) => `${x.status} ${x.echo?.pod}`))], ['200 bare']);
    const stats = await mesh.stats(CLIENT);
    assert.equal(mesh.stat(stats, 'cluster.outbound|8090||split.traffic.svc.cluster.local.outlier_detection.ejections_enforced_consecutive_local_origin_failure'), 1);
    const deadIp = await mesh.podIp('dead.traffic');
    const clusters = await mesh.exec(CLIENT, 'istio-proxy', ['curl', '-sS', 'http://127.0.0.1:15000/clusters']);
    assert.ok(clusters.includes(`outbound|8090||split.traffic.svc.cluster.local::${deadIp}:9091::health_flags::/failed_outlier_check`), clusters.split('\n').filter((l) => l.includes('split') && l.includes('health_flags')).join('\n'));
  });

  it('tcp.connectTimeout 1s: a connection whose SYN is dropped fails after about a second (the mesh default is 10 s), 503 UF', async () => {
    await mesh.exec('dead.traffic', 'app', ['iptables', '-I', 'INPUT', '-p', 'tcp', '--dport', '9092', '-j', 'DROP']);
    const a = await mesh.one(get('/syn-dropped', {}, 'http://blackhole:8092'));
    assert.equal(a.status, 503);
    const line = await mesh.logLine(CLIENT, /"GET \/syn-dropped HTTP\/1\.1" 503 UF /);
    assert.match(line, /connect_timeout/);
    const took = Number(/"connect timeout" \d+ \d+ (\d+) /.exec(line)?.[1]);
    assert.ok(took >= 900 && took < 5000, `the attempt took ${took} ms`);
  });

  it('a replica added to the mesh gets a small share while warming up (30 s from 10%); without warmup its round-robin third', async () => {
    assert.ok(warmSince > 0, 'the warm subset was applied with outlier-detection.yaml');
    await mesh.untilConfig(CLIENT, 'cluster', (j) => j.includes('outbound|8080|warm|server') && j.includes('slowStartConfig'), 'the warmup subset');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('|cold|server'), 'the warm and cold routes');
    // The first two replicas leave their slow start 30 s after the subset appeared.
    await new Promise((r) => setTimeout(r, Math.max(0, warmSince + 32_000 - Date.now())));
    await mesh.apply('late-pod');
    const endpoints = (json: string, subset: string): number =>
      (JSON.parse(json) as { clusterName: string; endpoints: { lbEndpoints: { healthStatus?: string }[] }[] }[])
        .filter((c) => c.clusterName === `outbound|8080|${subset}|server.traffic.svc.cluster.local`)
        .flatMap((c) => c.endpoints.flatMap((e) => e.lbEndpoints)).filter((e) => e.healthStatus === 'HEALTHY').length;
    await mesh.untilConfig(CLIENT, 'endpoint', (j) => endpoints(j, 'warm') === 3 && endpoints(j, 'cold') === 3, 'the new endpoint, ready');
    const late = (path: string, a: readonly Answer[]): number => {
      assert.deepEqual([...new Set(a.map((x) => x.status))], [200], path);
      return a.filter((x) => x.echo?.pod === 'late').length;
    };
    const warm = late('/warm', await mesh.send(Array.from({ length: 30 }, () => get('/warm'))));
    const cold = late('/cold', await mesh.send(Array.from({ length: 30 }, () => get('/cold'))));
    assert.ok(cold >= 8, `without warmup the new replica takes about a third: ${cold} of 30`);
    assert.ok(warm <= 6, `warming up it takes few: ${warm} of 30`);
  });
}
