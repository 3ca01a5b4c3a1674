/**
 * The ADS protocol against a real gRPC peer: CDS and LDS wildcard first (the node on the first
 * request only), then EDS for the EDS clusters CDS returned and RDS for the route configs LDS's
 * HCMs name; every response ACKed with its version and nonce; a cluster or listener that cannot
 * be applied NACKed with an error_detail naming resource and field while the last good config
 * keeps serving real connections; readiness only after the first complete set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { encodeAny } from '../../../src/core/xds/protos.ts';
import { closeServer, collect, connectTo, echoServer, httpGet, listenOn, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { httpNamed, httpVia } from './upstreams.ts';
import { CDS, EDS, LDS, RDS, cla, edsCluster, httpListener, inboundCluster, outbound, passthroughClusters, routeConfig, tcpListener, virtualInbound, virtualOutbound } from './resources.ts';

const stops: (() => unknown)[] = [];
after(async () => {
  for (const s of stops.reverse()) await s();
});

/** An upstream on 127.0.0.x that answers every connection with its name. */
async function upstream(ip: string, name: string): Promise<number> {
  const server = echoServer((s) => s.end(name));
  const port = await listenOn(server, ip);
  stops.push(() => closeServer(server));
  return port;
}

async function stat(t: TestSidecar, name: string): Promise<number> {
  const body = (await httpGet(t.sidecar.ports.admin, `/stats?filter=${encodeURIComponent(`^${name.replace(/[|.]/g, '\\$&')}$`)}`)).body;
  return Number(/: (\d+)/.exec(body)?.[1] ?? NaN);
}

async function dial(t: TestSidecar, ip: string, port: number): Promise<string> {
  t.route('outbound', { ip, port });
  return (await collect(await connectTo(t.sidecar.ports.outbound))).data;
}

const ECHO = outbound(80, 'echo');

describe('ADS protocol', () => {
  const peer = new AdsPeer();
  let t: TestSidecar;
  let port = 0;
  let webPort = 0;
  const goodClusters = (): Record<string, unknown>[] => [edsCluster(ECHO), edsCluster(outbound(9080, 'web')), ...passthroughClusters(), inboundCluster(8080)];
  const goodListeners = (): Record<string, unknown>[] => [virtualOutbound(), virtualInbound([8080]), tcpListener('10.96.0.50', 80, ECHO), httpListener(9080)];

  before(async () => {
    port = await upstream('127.0.0.2', 'echo-a');
    webPort = await httpNamed('127.0.0.3', 'web-a', stops);
    peer.setAll({
      [CDS]: goodClusters(),
      [EDS]: [cla(ECHO, [{ ip: '127.0.0.2', port }]), cla(outbound(9080, 'web'), [{ ip: '127.0.0.3', port: webPort }])],
      [LDS]: goodListeners(),
      [RDS]: [routeConfig('9080', [{ name: 'web.default.svc.cluster.local:9080', domains: ['web', 'web:9080', '10.96.0.60', '10.96.0.60:9080'], cluster: outbound(9080, 'web') }])],
    });
    await peer.start();
    stops.push(() => peer.stop());
    t = await startTestSidecar({ 'discovery-address': peer.address, 'pod-name': 'sleep-7d9f-abcde', 'instance-ip': '127.0.0.1' });
    stops.push(() => t.sidecar.shutdown(0));
    await waitFor(() => t.sidecar.status.live, 10_000, 'the sidecar to be ready');
  });

  it('subscribes CDS and LDS wildcard first, the node on the first request only', () => {
    const [first, second] = peer.streams[0]?.requests ?? [];
    assert.equal(first?.typeUrl, CDS);
    assert.deepEqual(first?.resourceNames ?? [], []);
    assert.equal(first?.node?.id, 'sidecar~127.0.0.1~sleep-7d9f-abcde.default~default.svc.cluster.local');
    assert.equal(second?.typeUrl, LDS);
    assert.deepEqual(second?.resourceNames ?? [], []);
    assert.equal(second?.node, undefined);
    assert.ok(peer.requests.slice(1).every((r) => r.node === undefined), 'no request after the first carries the node');
  });

  it('then asks EDS for the EDS clusters CDS returned and RDS for the route configs LDS names', async () => {
    const eds = await peer.waitFor((r) => r.typeUrl === EDS, 'an EDS request');
    assert.deepEqual(eds.resourceNames, [ECHO, outbound(9080, 'web')].sort());
    const rds = await peer.waitFor((r) => r.typeUrl === RDS, 'an RDS request');
    assert.deepEqual(rds.resourceNames, ['9080']);
  });

  it('ACKs every response with its version and nonce', async () => {
    for (const type of [CDS, EDS, LDS, RDS]) {
      const ack = await peer.replyTo(peer.lastNonce(type));
      assert.equal(ack.typeUrl, type);
      assert.equal(ack.versionInfo, peer.version(type));
      assert.equal(ack.errorDetail, undefined);
    }
    assert.equal(await stat(t, 'control_plane.connected_state'), 1);
    assert.equal(await stat(t, 'cluster_manager.cds.update_success'), 1);
    assert.equal(await stat(t, 'listener_manager.lds.update_success'), 1);
    assert.equal(await stat(t, `cluster.${ECHO}.update_success`), 1);
    assert.equal(await stat(t, 'http.outbound_0.0.0.0_9080.rds.9080.update_success'), 1);
  });

  it('serves the config: a tcp listener and an HTTP listener by its route config', async () => {
    assert.equal(await dial(t, '10.96.0.50', 80), 'echo-a');
    assert.equal(JSON.parse((await httpVia(t, '10.96.0.60', 9080)).body).name, 'web-a');
  });

  it('NACKs a cluster with an unknown lbPolicy, naming it, and keeps serving the last good config', async () => {
    const good = peer.version(CDS);
    const [first, ...rest] = goodClusters().map((c) => encodeAny(CDS, c));
    // lb_policy (field 6) = 42, a value no Envoy API defines, appended to the encoded cluster.
    const unknown = { typeUrl: CDS, value: Buffer.concat([first?.value ?? new Uint8Array(), Buffer.from([0x30, 42])]) };
    const nonce = peer.raw(CDS, 'v-unknown-lb', [unknown, ...rest]);
    const nack = await peer.replyTo(nonce);
    assert.equal(nack.versionInfo, good, 'a NACK carries the last accepted version');
    assert.match(nack.errorDetail?.message ?? '', /^Cluster outbound\|80\|\|echo\.default\.svc\.cluster\.local: lbPolicy: 42 is not supported/);
    assert.equal(await stat(t, 'cluster_manager.cds.update_rejected'), 1);
    assert.equal(await dial(t, '10.96.0.50', 80), 'echo-a', 'the last good config still serves real connections');
  });

  it('NACKs a listener that cannot be applied, and keeps serving', async () => {
    const bad = tcpListener('10.96.0.50', 80, ECHO);
    const chains = bad['filterChains'] as { filters: { typedConfig: Record<string, unknown> }[] }[];
    delete chains[0]?.filters[0]?.typedConfig['cluster'];
    peer.set(LDS, [...goodListeners().filter((l) => l['name'] !== '10.96.0.50_80'), bad]);
    const nack = await peer.replyTo(peer.lastNonce(LDS));
    assert.match(nack.errorDetail?.message ?? '', /^Listener 10\.96\.0\.50_80: filterChains\[0\]\.filters\[0\]\.typedConfig: needs a cluster or weightedClusters$/);
    assert.equal(await stat(t, 'listener_manager.lds.update_rejected'), 1);
    assert.equal(await dial(t, '10.96.0.50', 80), 'echo-a');
  });

  it('NACKs two listeners on one address, and a response that is not a Listener', async () => {
    peer.set(LDS, [...goodListeners(), { ...tcpListener('10.96.0.50', 80, ECHO), name: 'again' }]);
    const dup = await peer.replyTo(peer.lastNonce(LDS));
    assert.match(dup.errorDetail?.message ?? '', /Listener again: address: 10\.96\.0\.50:80 is also the address of listener 10\.96\.0\.50_80/);
    const nonce = peer.raw(LDS, '99', [encodeAny(CDS, edsCluster('stray'))]);
    const wrong = await peer.replyTo(nonce);
    assert.match(wrong.errorDetail?.message ?? '', /resources\[0\]: a type\.googleapis\.com\/envoy\.config\.cluster\.v3\.Cluster in a Listener response/);
    assert.equal(await dial(t, '10.96.0.50', 80), 'echo-a');
  });

  it('accepts the next good version after a NACK', async () => {
    peer.set(CDS, goodClusters());
    const cds = await peer.replyTo(peer.lastNonce(CDS));
    assert.deepEqual([cds.errorDetail, cds.versionInfo], [undefined, peer.version(CDS)]);
    const other = await upstream('127.0.0.4', 'echo-b');
    peer.set(EDS, [cla(ECHO, [{ ip: '127.0.0.4', port: other }]), cla(outbound(9080, 'web'), [{ ip: '127.0.0.3', port: webPort }])]);
    const ack = await peer.replyTo(peer.lastNonce(EDS));
    assert.equal(ack.errorDetail, undefined);
    assert.equal(ack.versionInfo, peer.version(EDS));
    assert.equal(await dial(t, '10.96.0.50', 80), 'echo-b');
  });
});

describe('readiness', () => {
  it('turns ready only once EDS completes the set CDS and LDS started', async () => {
    const peer = new AdsPeer();
    const port = await upstream('127.0.0.2', 'late');
    peer.setAll({ [CDS]: [edsCluster(ECHO), ...passthroughClusters()], [LDS]: [virtualOutbound(), tcpListener('10.96.0.50', 80, ECHO)] });
    await peer.start();
    stops.push(() => peer.stop());
    const t = await startTestSidecar({ 'discovery-address': peer.address });
    stops.push(() => t.sidecar.shutdown(0));
    await peer.waitFor((r) => r.typeUrl === EDS, 'the EDS request');
    await peer.replyTo(peer.lastNonce(LDS));
    const notYet = await httpGet(t.sidecar.ports.readiness, '/healthz/ready');
    assert.equal(notYet.status, 503, 'CDS and LDS are in, EDS is not');
    assert.equal((await httpGet(t.sidecar.ports.admin, '/ready')).body, 'INITIALIZING\n');
    peer.set(EDS, [cla(ECHO, [{ ip: '127.0.0.2', port }])]);
    await waitFor(async () => (await httpGet(t.sidecar.ports.readiness, '/healthz/ready')).status === 200, 10_000, 'readiness 200');
    assert.equal(await dial(t, '10.96.0.50', 80), 'late');
  });
});
