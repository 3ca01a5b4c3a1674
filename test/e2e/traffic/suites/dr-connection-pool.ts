/**
 * DestinationRule connectionPool on bare (scenarios/connection-pool.yaml; no sidecar, so its app
 * sees the client sidecar's own connections and protocol): maxRequestsPerConnection, http
 * idleTimeout, tcp maxConnectionDuration, h2UpgradePolicy, http2MaxRequests, http1MaxPendingRequests with tcp
 * maxConnections (overflow 503 UO), and maxRetries.
 */
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import type { Answer, TrafficMesh } from '../mesh-driver.ts';
import { CLIENT, count, get } from '../requests.ts';

export function connectionPoolSuite(mesh: TrafficMesh): void {
  before(async () => {
    await mesh.apply('connection-pool');
    await mesh.untilConfig(CLIENT, 'cluster', (j) => j.includes('outbound|8080|upgrade|bare') && j.includes('outbound|8080|budget|bare') && j.includes('outbound|8080|aged|bare') && j.includes('"maxRequestsPerConnection":1'), 'the pools');
    await mesh.untilConfig(CLIENT, 'route', (j) => j.includes('|narrow|bare'), 'the subset routes');
  });
  const conns = (a: readonly Answer[]): number[] => a.map((x) => x.echo?.conn ?? -x.status);

  it('maxRequestsPerConnection 1: every request on its own connection; without it they share one', async () => {
    const one = conns(await mesh.send(Array.from({ length: 4 }, () => get('/one-per-connection', {}, 'http://bare:8080'))));
    assert.equal(new Set(one).size, 4, one.join(' '));
    const plain = conns(await mesh.send(Array.from({ length: 4 }, () => get('/plain', {}, 'http://bare:8080'))));
    assert.equal(new Set(plain).size, 1, plain.join(' '));
  });

  it('http idleTimeout 2s: after 4 s idle the next request opens a new connection', async () => {
    const idle = conns(await mesh.send([get('/idle', {}, 'http://bare:8080'), get('/idle', {}, 'http://bare:8080'), { ...get('/idle', {}, 'http://bare:8080'), after: 4 }]));
    assert.equal(idle[0], idle[1], idle.join(' '));
    assert.notEqual(idle[1], idle[2], idle.join(' '));
  });

  it('tcp maxConnectionDuration 2s: requests share a connection until it is 2 s old; after 3 s the next one gets a new connection', async () => {
    const aged = conns(await mesh.send([get('/aged', {}, 'http://bare:8080'), get('/aged', {}, 'http://bare:8080'), { ...get('/aged', {}, 'http://bare:8080'), after: 3 }]));
    assert.equal(aged[0], aged[1], aged.join(' '));
    assert.notEqual(aged[1], aged[2], aged.join(' '));
  });

  it('h2UpgradePolicy UPGRADE: the app sees HTTP/2 from an HTTP/1.1 client; http2MaxRequests 1 overflows concurrent streams with 503 UO', async () => {
    const a = await mesh.one(get('/upgrade', {}, 'http://bare:8080'));
    assert.equal(a.echo?.protocol, '2.0');
    assert.equal((await mesh.one(get('/plain', {}, 'http://bare:8080'))).echo?.protocol, '1.1');
    const burst = await mesh.send(Array.from({ length: 6 }, () => get('/upgrade/burst', { 'x-delay': '1000' }, 'http://bare:8080')), { parallel: true });
    const codes = count(burst.map((b) => b.status));
    assert.ok((codes.get(503) ?? 0) > 0 && (codes.get(200) ?? 0) > 0, JSON.stringify([...codes]));
    await mesh.logLine(CLIENT, /"GET \/upgrade\/burst HTTP\/1\.1" 503 UO /);
  });

  it('http1MaxPendingRequests 1 with tcp maxConnections 1: two of six concurrent requests are served, the overflow answered 503 UO', async () => {
    const burst = await mesh.send(Array.from({ length: 6 }, () => get('/narrow', { 'x-delay': '1500' }, 'http://bare:8080')), { parallel: true });
    const codes = count(burst.map((b) => b.status));
    assert.deepEqual([codes.get(200), codes.get(503)], [2, 4], JSON.stringify([...codes]));
    await mesh.logLine(CLIENT, /"GET \/narrow HTTP\/1\.1" 503 UO upstream_reset_before_response_started\{overflow\} /);
    const stats = await mesh.stats(CLIENT);
    assert.ok(mesh.stat(stats, 'cluster.outbound|8080|narrow|bare.traffic.svc.cluster.local.upstream_rq_pending_overflow') >= 4, 'pending overflow counted');
  });

  it('maxRetries 1: of six requests whose first try fails at once, one is retried (its retry takes two seconds); the others overflow', async () => {
    const burst = await mesh.send(Array.from({ length: 6 }, (_, i) => get('/budget', { 'x-fail': `budget-${Date.now()}-${i}:1:503`, 'x-delay': '2000' }, 'http://bare:8080')), { parallel: true });
    const codes = count(burst.map((b) => b.status));
    assert.deepEqual([codes.get(200), codes.get(503)], [1, 5], JSON.stringify([...codes]));
    const stats = await mesh.stats(CLIENT);
    assert.equal(mesh.stat(stats, 'cluster.outbound|8080|budget|bare.traffic.svc.cluster.local.upstream_rq_retry_overflow'), 5);
  });

  it('tcp maxConnections 1: the served requests share one connection to the app (the pending one waits for it)', async () => {
    const burst = await mesh.send(Array.from({ length: 4 }, () => get('/narrow', { 'x-delay': '500' }, 'http://bare:8080')), { parallel: true });
    const used = new Set(burst.filter((b) => b.status === 200).map((b) => b.echo?.conn));
    assert.equal(used.size, 1, `one connection: ${[...used].join(' ')}`);
  });
}
