/**
 * Losing the control plane: the proxy keeps serving the last good config (open connections
 * keep flowing, new ones are routed, readiness stays), control_plane.connected_state drops to
 * 0, and the stream comes back with jittered exponential back-off once the server is up again,
 * re-sending the accepted versions and the EDS/RDS names it had, so the next push applies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { Backoff } from '../../../src/proxy/xds/backoff.ts';
import { closeServer, echoServer, httpGet, listenOn, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer, type PeerStream } from './ads-peer.ts';
import { CDS, EDS, LDS, RDS, cla, edsCluster, httpListener, outbound, passthroughClusters, routeConfig, tcpListener, virtualOutbound } from './resources.ts';
import { greeter, hello, hold, httpNamed, httpVia } from './upstreams.ts';

describe('back-off', () => {
  it('doubles its ceiling per attempt up to the maximum, draws below it, and resets', () => {
    const b = new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0.999 });
    const waits = Array.from({ length: 9 }, () => b.next());
    assert.deepEqual(waits, [499, 999, 1998, 3996, 7992, 15984, 29970, 29970, 29970]);
    b.reset();
    assert.equal(b.next(), 499);
    assert.equal(new Backoff({ baseMs: 500, maxMs: 30_000, random: () => 0 }).next(), 0, 'full jitter reaches down to 0');
  });
});

describe('control plane loss', () => {
  const stops: (() => unknown)[] = [];
  const peer = new AdsPeer();
  const S = outbound(80, 's');
  const H = outbound(8080, 'h');
  let t: TestSidecar;
  let port = 0;

  const stat = async (name: string): Promise<number> =>
    Number(/: (\d+)/.exec((await httpGet(t.sidecar.ports.admin, `/stats?filter=^${name.replaceAll('.', '\\.')}$`)).body)?.[1] ?? NaN);

  before(async () => {
    const echo = echoServer((s) => { s.write('s1'); s.pipe(s); });
    port = await listenOn(echo, '127.0.0.2');
    stops.push(() => closeServer(echo));
    const hPort = await httpNamed('127.0.0.3', 'h1', stops);
    peer.setAll({
      [CDS]: [edsCluster(S), edsCluster(H), ...passthroughClusters()],
      [EDS]: [cla(S, [{ ip: '127.0.0.2', port }]), cla(H, [{ ip: '127.0.0.3', port: hPort }])],
      [LDS]: [virtualOutbound(), tcpListener('10.96.2.1', 80, S), httpListener(8080)],
      [RDS]: [routeConfig('8080', [{ name: 'h', domains: ['10.96.2.2:8080'], cluster: H }])],
    });
    await peer.start();
    stops.push(() => peer.stop());
    t = await startTestSidecar({ 'discovery-address': peer.address }, { xdsBackoff: { baseMs: 20, maxMs: 200 } });
    stops.push(() => t.sidecar.shutdown(0));
    await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
  });
  after(async () => {
    for (const s of stops.reverse()) await s();
  });

  it('keeps serving the last good config while the control plane is gone', async () => {
    const open = await hold(t, 'outbound', '10.96.2.1', 80);
    assert.equal(open.greeting, 's1');
    peer.stop();
    await waitFor(async () => (await stat('control_plane.connected_state')) === 0, 10_000, 'connected_state 0');
    assert.ok((await stat('cluster_manager.cds.update_failure')) >= 1);
    const echoed = new Promise<string>((r) => open.socket.once('data', (d: Buffer) => r(d.toString())));
    open.socket.write('still flowing');
    assert.equal(await echoed, 'still flowing', 'an open connection keeps flowing');
    assert.equal(await hello(t, '10.96.2.1', 80), 's1', 'new connections are routed by the last good config');
    assert.equal(JSON.parse((await httpVia(t, '10.96.2.2', 8080)).body).name, 'h1', 'HTTP requests too');
    assert.equal((await httpGet(t.sidecar.ports.readiness, '/healthz/ready')).status, 200, 'readiness stays');
    await open.close();
    const closed = (): number => t.logs.filter((l) => l.includes('gRPC config stream to') && l.includes('closed')).length;
    await waitFor(() => closed() >= 2, 5000, 'a failed reconnect attempt');
  });

  it('reconnects with back-off once the server is back, re-sending versions and names', async () => {
    const before = peer.streams.length;
    await peer.start(peer.address);
    const first = (s: PeerStream, type: string) => s.requests.find((r) => r.typeUrl === type);
    await peer.waitFor((_r, s) => s.index >= before && first(s, RDS) !== undefined, 'the re-subscription on a new stream');
    const again = peer.streams.find((s) => s.index >= before && first(s, RDS) !== undefined);
    assert.ok(again);
    const [cds, eds, lds, rds] = [CDS, EDS, LDS, RDS].map((type) => first(again, type));
    assert.equal(again.requests[0]?.typeUrl, CDS, 'CDS first');
    assert.ok(again.requests[0]?.node?.id, 'the node on the first request of the new stream');
    assert.deepEqual([cds?.versionInfo, cds?.responseNonce ?? '', cds?.resourceNames ?? []], [peer.version(CDS), '', []]);
    assert.deepEqual([eds?.versionInfo, eds?.resourceNames], [peer.version(EDS), [H, S]]);
    assert.deepEqual([lds?.versionInfo, lds?.resourceNames ?? []], [peer.version(LDS), []]);
    assert.deepEqual([rds?.versionInfo, rds?.resourceNames], [peer.version(RDS), ['8080']]);
    await waitFor(async () => (await stat('control_plane.connected_state')) === 1, 10_000, 'connected_state 1');
  });

  it('applies the next push on the new stream', async () => {
    const next = await greeter('127.0.0.3', 's2', stops);
    peer.set(EDS, [cla(S, [{ ip: '127.0.0.3', port: next }])]);
    const ack = await peer.replyTo(peer.lastNonce(EDS));
    assert.equal(ack.errorDetail, undefined);
    assert.equal(await hello(t, '10.96.2.1', 80), 's2');
  });
});
