/**
 * Clusters from CDS/EDS over real connections: lb_policy LEAST_REQUEST (the host with fewer
 * active connections), RANDOM, and RING_HASH (sticky per source IP); EDS health (only
 * HEALTHY/UNKNOWN hosts picked; DEGRADED only when nothing is healthy) and priorities (the
 * lowest with a healthy host); a STATIC cluster's inline endpoints; a STRICT_DNS cluster's host
 * names resolved when connecting; the circuit breaker's max_connections (overflow closes with
 * UO); and /clusters listing every endpoint with its health flags.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { httpGet, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, EDS, LDS, cla, edsCluster, outbound, passthroughClusters, tcpListener, virtualOutbound } from './resources.ts';
import { greeter, hello, hold, scripted } from './upstreams.ts';

const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
const rnd = scripted();
let t: TestSidecar;
let port = 0;
const LR = outbound(81, 'lr');
const RAND = outbound(82, 'rand');
const CB = outbound(83, 'cb');
const HEALTH = outbound(84, 'health');
const PRIO = outbound(85, 'prio');
const HASH = outbound(87, 'hash');
const DNS = 'outbound|88||localhost';
let dnsPort = 0;

before(async () => {
  port = await greeter('127.0.0.2', 'h2', stops);
  for (const [ip, name] of [['127.0.0.3', 'h3'], ['127.0.0.4', 'h4'], ['127.0.0.5', 'h5']] as const) await greeter(ip, name, stops, port);
  dnsPort = await greeter('::', 'dns', stops);
  const two = [{ ip: '127.0.0.2', port }, { ip: '127.0.0.3', port }];
  const prio = cla(PRIO, [{ ip: '127.0.0.2', port, health: 'UNHEALTHY' }]);
  (prio['endpoints'] as Record<string, unknown>[]).push({ locality: { zone: 'z2' }, priority: 1, loadBalancingWeight: 1, lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.0.0.5', portValue: port } } }, healthStatus: 'HEALTHY' }] });
  peer.setAll({
    [CDS]: [
      edsCluster(LR, { lbPolicy: 'LEAST_REQUEST' }), edsCluster(RAND, { lbPolicy: 'RANDOM' }), edsCluster(CB, { maxConnections: 1 }), edsCluster(HEALTH), edsCluster(PRIO),
      { name: 'static-one', type: 'STATIC', connectTimeout: '1s', loadAssignment: cla('static-one', [{ ip: '127.0.0.4', port }]) },
      { name: DNS, type: 'STRICT_DNS', connectTimeout: '1s', dnsLookupFamily: 'V4_ONLY', loadAssignment: cla(DNS, [{ ip: 'localhost', port: dnsPort }]) },
      edsCluster(HASH, { lbPolicy: 'RING_HASH' }),
      ...passthroughClusters(),
    ],
    [EDS]: [
      cla(LR, two), cla(RAND, two), cla(CB, two.slice(0, 1)), prio, cla(HASH, [...two, { ip: '127.0.0.4', port }]),
      cla(HEALTH, [{ ip: '127.0.0.2', port, health: 'DRAINING' }, { ip: '127.0.0.3', port, health: 'DEGRADED' }, { ip: '127.0.0.4', port, health: 'UNKNOWN' }, { ip: '127.0.0.5', port, health: 'UNHEALTHY' }]),
    ],
    [LDS]: [virtualOutbound(), tcpListener('10.96.1.1', 81, LR), tcpListener('10.96.1.1', 82, RAND), tcpListener('10.96.1.1', 83, CB), tcpListener('10.96.1.1', 84, HEALTH), tcpListener('10.96.1.1', 85, PRIO), tcpListener('10.96.1.1', 86, 'static-one'),
      tcpListener('10.96.1.1', 87, HASH), tcpListener('10.96.1.1', 88, DNS)],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({ 'discovery-address': peer.address }, { random: rnd.random });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

const activeAt = async (cluster: string, ip: string): Promise<number> => {
  const body = (await httpGet(t.sidecar.ports.admin, '/clusters')).body;
  return Number(new RegExp(`^${cluster.replaceAll('|', '\\|')}::${ip.replaceAll('.', '\\.')}:${port}::cx_active::(\\d+)$`, 'm').exec(body)?.[1] ?? NaN);
};

describe('load balancing', () => {
  it('LEAST_REQUEST picks the host with the fewest active connections', async () => {
    const first = await hold(t, 'outbound', '10.96.1.1', 81);
    assert.equal(first.greeting, 'h2', 'a tie goes to the first host');
    const second = await hold(t, 'outbound', '10.96.1.1', 81);
    assert.equal(second.greeting, 'h3', 'h2 has one open connection');
    await first.close();
    await waitFor(async () => (await activeAt(LR, '127.0.0.2')) === 0, 5000, 'h2 to have no connection');
    assert.equal(await hello(t, '10.96.1.1', 81), 'h2', 'h3 still has one');
    await second.close();
  });

  it('RANDOM draws a host', async () => {
    rnd.queue.push(0.9, 0.1, 0.7);
    const got = [await hello(t, '10.96.1.1', 82), await hello(t, '10.96.1.1', 82), await hello(t, '10.96.1.1', 82)];
    assert.deepEqual(got, ['h3', 'h2', 'h3']);
  });

  it('picks HEALTHY and UNKNOWN hosts only, and DEGRADED ones only when none is healthy', async () => {
    const got = new Set<string>();
    for (let i = 0; i < 4; i++) got.add(await hello(t, '10.96.1.1', 84));
    assert.deepEqual([...got], ['h4'], 'only the UNKNOWN host (DRAINING, DEGRADED, UNHEALTHY are not picked)');
    const lines = (await httpGet(t.sidecar.ports.admin, '/clusters')).body.split('\n').filter((l) => l.startsWith(`${HEALTH}::127.`) && l.includes('health_flags'));
    assert.deepEqual(lines.map((l) => l.slice(HEALTH.length + 2)), [
      `127.0.0.2:${port}::health_flags::/eds_status_draining`,
      `127.0.0.3:${port}::health_flags::/degraded_eds_health`,
      `127.0.0.4:${port}::health_flags::healthy`,
      `127.0.0.5:${port}::health_flags::/failed_eds_health`,
    ]);
    peer.set(EDS, peer.get(EDS).map((c) => (c['clusterName'] === HEALTH ? cla(HEALTH, [{ ip: '127.0.0.3', port, health: 'DEGRADED' }, { ip: '127.0.0.5', port, health: 'UNHEALTHY' }]) : c)));
    await peer.replyTo(peer.lastNonce(EDS));
    assert.equal(await hello(t, '10.96.1.1', 84), 'h3', 'with no healthy host, the degraded one');
  });

  it('uses the lowest priority that has a healthy host', async () => {
    assert.equal(await hello(t, '10.96.1.1', 85), 'h5');
    const json = JSON.parse((await httpGet(t.sidecar.ports.admin, '/clusters?format=json')).body) as { clusterStatuses: { name: string; hostStatuses: { priority?: number; locality?: { zone: string }; healthStatus: { edsHealthStatus: string } }[] }[] };
    const hosts = json.clusterStatuses.find((c) => c.name === PRIO)?.hostStatuses ?? [];
    assert.deepEqual(hosts.map((h) => [h.priority ?? 0, h.locality?.zone ?? '', h.healthStatus.edsHealthStatus]), [[0, '', 'UNHEALTHY'], [1, 'z2', 'HEALTHY']]);
  });

  it('serves a STATIC cluster from its inline load assignment', async () => {
    assert.equal(await hello(t, '10.96.1.1', 86), 'h4');
  });

  it('RING_HASH keeps a source IP on one host and spreads different ones', async () => {
    const same = [];
    for (let i = 0; i < 3; i++) same.push(await hello(t, '10.96.1.1', 87, 'outbound', '127.0.0.21'));
    assert.equal(new Set(same).size, 1, `one client, one host: ${same.join(',')}`);
    const spread = new Set<string>();
    for (let i = 21; i < 33; i++) spread.add(await hello(t, '10.96.1.1', 87, 'outbound', `127.0.0.${i}`));
    assert.ok(spread.size > 1, `twelve clients reach more than one host: ${[...spread].join(',')}`);
  });

  it('resolves a STRICT_DNS cluster\'s host names when connecting', async () => {
    assert.equal(await hello(t, '10.96.1.1', 88), 'dns');
    assert.match((await httpGet(t.sidecar.ports.admin, '/clusters')).body, new RegExp(`^outbound\\|88\\|\\|localhost::localhost:${dnsPort}::cx_total::1$`, 'm'));
  });
});

describe('circuit breaker', () => {
  it('closes a connection beyond max_connections with UO and counts upstream_cx_overflow', async () => {
    const open = await hold(t, 'outbound', '10.96.1.1', 83);
    assert.equal(open.greeting, 'h2');
    assert.equal(await hello(t, '10.96.1.1', 83), '', 'the second concurrent connection is refused');
    await waitFor(() => (t.accessLog.at(-1) ?? '').includes(CB), 5000, 'the access log line');
    assert.match(t.accessLog.at(-1) ?? '', / 0 UO - /);
    assert.match((await httpGet(t.sidecar.ports.admin, '/stats')).body, new RegExp(`^cluster\\.${CB.replaceAll('|', '\\|').replaceAll('.', '\\.')}\\.upstream_cx_overflow: 1$`, 'm'));
    assert.match((await httpGet(t.sidecar.ports.admin, '/clusters')).body, new RegExp(`^${CB.replaceAll('|', '\\|')}::default_priority::max_connections::1$`, 'm'));
    await open.close();
    await waitFor(async () => (await activeAt(CB, '127.0.0.2')) === 0, 5000, 'the held connection to close');
    assert.equal(await hello(t, '10.96.1.1', 83), 'h2', 'below the limit again');
  });
});
