/**
 * Updates are applied atomically: a response is applied whole or not at all (a valid change
 * beside an invalid resource changes nothing), each connection resolves listener -> route ->
 * cluster -> endpoint from one immutable config view, so connections during a burst of
 * updates land on the old or the new config and never fail on a half-applied one, and
 * connections opened before an update keep flowing after it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { closeServer, echoServer, httpGet, listenOn, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, EDS, LDS, cla, edsCluster, passthroughClusters, tcpListener, virtualOutbound } from './resources.ts';
import { greeter, hello, hold } from './upstreams.ts';

const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
let t: TestSidecar;
let port = 0;

const staticCluster = (name: string, ip: string, lbPolicy = 'ROUND_ROBIN'): Record<string, unknown> =>
  ({ name, type: 'STATIC', connectTimeout: '1s', lbPolicy, loadAssignment: cla(name, [{ ip, port }]) });

before(async () => {
  port = await greeter('127.0.0.2', 'old', stops);
  await greeter('127.0.0.3', 'new', stops, port);
  const echo = echoServer((s) => { s.write('echo'); s.pipe(s); });
  await listenOn(echo, '127.0.0.4', port);
  stops.push(() => closeServer(echo));
  peer.setAll({
    [CDS]: [staticCluster('x', '127.0.0.2'), staticCluster('y', '127.0.0.2'), staticCluster('z', '127.0.0.3'), staticCluster('e', '127.0.0.4'), ...passthroughClusters()],
    [LDS]: [virtualOutbound(), tcpListener('10.96.3.1', 80, 'x'), tcpListener('10.96.3.2', 80, 'y'), tcpListener('10.96.3.4', 80, 'e')],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({ 'discovery-address': peer.address });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

describe('atomic updates', () => {
  it('a response with a valid change and an invalid resource changes nothing', async () => {
    const version = peer.version(CDS);
    peer.set(CDS, [staticCluster('x', '127.0.0.3'), staticCluster('y', '127.0.0.3', 'CLUSTER_PROVIDED'), staticCluster('z', '127.0.0.3'), staticCluster('e', '127.0.0.4'), ...passthroughClusters()]);
    const nack = await peer.replyTo(peer.lastNonce(CDS));
    assert.match(nack.errorDetail?.message ?? '', /^Cluster y: lbPolicy: CLUSTER_PROVIDED is only valid for type ORIGINAL_DST, not STATIC$/);
    assert.equal(await hello(t, '10.96.3.1', 80), 'old', 'x was valid, but the response was refused whole');
    assert.equal(await hello(t, '10.96.3.2', 80), 'old');
    const dump = JSON.parse((await httpGet(t.sidecar.ports.admin, '/config_dump?resource=dynamic_active_clusters&name_regex=x')).body) as { configs: { versionInfo: string; cluster: { loadAssignment: unknown } }[] };
    assert.equal(dump.configs.length, 1);
    assert.equal(dump.configs[0]?.versionInfo, version);
    assert.match(JSON.stringify(dump.configs[0]?.cluster.loadAssignment), /127\.0\.0\.2/);
  });

  it('connections during a burst of updates land on the old or the new config, none fails', async () => {
    const seen: string[] = [];
    const dialling = (async () => {
      for (let i = 0; i < 60; i++) seen.push(await hello(t, '10.96.3.1', 80));
    })();
    for (let v = 0; v < 20; v++) {
      // Each response moves the listener between x (old) and z (new); both clusters stay.
      peer.set(LDS, [virtualOutbound(), tcpListener('10.96.3.1', 80, v % 2 === 0 ? 'z' : 'x'), tcpListener('10.96.3.2', 80, 'y'), tcpListener('10.96.3.4', 80, 'e')]);
      await new Promise((r) => setImmediate(r));
    }
    await dialling;
    assert.equal(seen.length, 60);
    assert.deepEqual([...new Set(seen)].filter((g) => g !== 'old' && g !== 'new'), [], `every connection got old or new: ${seen.join(',')}`);
    await peer.replyTo(peer.lastNonce(LDS));
    assert.equal(await hello(t, '10.96.3.1', 80), 'old', 'the last push (x) is in force');
  });

  it('a connection keeps the config it was opened with; the old view stays as it was', async () => {
    const held = await hold(t, 'outbound', '10.96.3.4', 80);
    assert.equal(held.greeting, 'echo');
    const old = t.sidecar.source.current();
    assert.ok(old);
    peer.setAll({
      [CDS]: [staticCluster('x', '127.0.0.2'), staticCluster('y', '127.0.0.2'), staticCluster('z', '127.0.0.3'), ...passthroughClusters()],
      [LDS]: [virtualOutbound('REGISTRY_ONLY'), tcpListener('10.96.3.1', 80, 'x'), tcpListener('10.96.3.2', 80, 'y')],
    });
    await peer.replyTo(peer.lastNonce(LDS));
    const now = t.sidecar.source.current();
    assert.notEqual(now, old, 'a new view was swapped in');
    assert.equal(now?.clusters.has('e'), false);
    assert.equal(old.clusters.has('e'), true, 'the old view was not changed in place');
    assert.equal(old.listenersByAddress.get('10.96.3.4:80')?.filterChains[0]?.route.kind, 'tcp_proxy');
    assert.ok(Object.isFrozen(old) && Object.isFrozen(old.listeners.get('10.96.3.1_80')?.filterChains[0]?.route));
    const echoed = new Promise<string>((r) => held.socket.once('data', (d: Buffer) => r(d.toString())));
    held.socket.write('after the update');
    assert.equal(await echoed, 'after the update', 'the open connection to a removed cluster keeps flowing');
    await held.close();
    assert.equal(await hello(t, '10.96.3.4', 80), '', 'new connections follow the new config (no listener: blackholed)');
  });
});

describe('EDS updates', () => {
  it('swap a cluster\'s endpoints whole', async () => {
    peer.setAll({ [CDS]: [edsCluster('w'), ...passthroughClusters()], [LDS]: [virtualOutbound('REGISTRY_ONLY'), tcpListener('10.96.3.5', 80, 'w')] });
    await peer.waitFor((r) => r.typeUrl === EDS && (r.resourceNames ?? []).includes('w'), 'the EDS request for w');
    peer.set(EDS, [cla('w', [{ ip: '127.0.0.2', port }])]);
    await peer.replyTo(peer.lastNonce(EDS));
    assert.equal(await hello(t, '10.96.3.5', 80), 'old');
    peer.set(EDS, [cla('w', [{ ip: '127.0.0.3', port }, { ip: '127.0.0.2', port, health: 'UNHEALTHY' }])]);
    await peer.replyTo(peer.lastNonce(EDS));
    assert.deepEqual([await hello(t, '10.96.3.5', 80), await hello(t, '10.96.3.5', 80)], ['new', 'new']);
  });
});
