/**
 * End to end in real namespaces, configured purely by xDS: pods A (client) and B (apps on 8080
 * and 8081) and an "istiod" namespace on one bridge, Istio's capture rules in A and B, `mizzen
 * sidecar` in each as uid 1337 with only PILOT_DISCOVERY_ADDRESS (no registry). The ADS server
 * runs in this test; a relay in the istiod namespace carries the sidecars' TCP connections to
 * it, and those connections (uid 1337) are not captured. A client dials a ClusterIP and reaches
 * the app, which sees 127.0.0.6; a weighted tcp route splits connections between two subsets;
 * switching virtualOutbound to REGISTRY_ONLY blackholes what is outside the mesh.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bridgeTopology, Netns, waitFor } from '../../helpers/netns.ts';
import { applyCapture, curlIn, fixture, shareable, startIn, startSidecarIn, waitReady, type Proc } from '../pods.ts';
import { tempDir } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, EDS, LDS, cla, edsCluster, inboundCluster, outbound, passthroughClusters, tcpListener, virtualInbound, virtualOutbound } from './resources.ts';

const tmp = tempDir('xdse2e');
const peer = new AdsPeer();
const spaces: Netns[] = [];
let a: Netns;
let b: Netns;
let cp: Netns;
let aIp = '';
let bIp = '';
let cpIp = '';
let sidecarA: Proc;
let sidecarB: Proc;
const ECHO = outbound(80, 'echo');
const V1 = outbound(81, 'echo', 'v1');
const V2 = outbound(81, 'echo', 'v2');

const listeners = (policy: 'ALLOW_ANY' | 'REGISTRY_ONLY'): Record<string, unknown>[] => [
  virtualOutbound(policy), virtualInbound([8080, 8081]),
  tcpListener('10.96.0.50', 80, ECHO),
  tcpListener('10.96.0.51', 81, [{ name: V1, weight: 50 }, { name: V2, weight: 50 }]),
];

before(async () => {
  const node = new Netns('xdsn');
  a = new Netns('xdsa');
  b = new Netns('xdsb');
  cp = new Netns('xdsc');
  spaces.push(a, b, cp, node);
  [aIp = '', bIp = '', cpIp = ''] = bridgeTopology(node, [a, b, cp], 64).ips;
  for (const pod of [a, b]) pod.exec(['ip', 'route', 'add', '10.96.0.0/16', 'dev', 'eth0']);
  const workload = 'echo-v1;default;echo;v1;Kubernetes';
  peer.setAll({
    [CDS]: [edsCluster(ECHO), edsCluster(V1), edsCluster(V2), ...passthroughClusters(), inboundCluster(8080), inboundCluster(8081)],
    [EDS]: [cla(ECHO, [{ ip: bIp, port: 8080, workload }]), cla(V1, [{ ip: bIp, port: 8080, workload }]), cla(V2, [{ ip: bIp, port: 8081, workload: 'echo-v2;default;echo;v2;Kubernetes' }])],
    [LDS]: listeners('ALLOW_ANY'),
  });
  const socket = join(shareable(tmp.dir), 'ads.sock');
  await peer.start(`unix:${socket}`);
  const relay = startIn(cp, 0, [process.execPath, fixture('sidecar-xds-relay.ts'), cpIp, '15010', socket]);
  await waitFor(() => relay.out().includes('relaying'), 10_000, 'the relay');
  const external = startIn(cp, 1000, [process.execPath, fixture('sidecar-app.ts'), '9000']);
  await waitFor(() => external.out().includes('listening'), 10_000, 'the server outside the mesh');
  await applyCapture(a);
  await applyCapture(b);
  const common = { PILOT_DISCOVERY_ADDRESS: `${cpIp}:15010`, POD_NAMESPACE: 'default', ISTIO_META_CLUSTER_ID: 'Kubernetes' };
  sidecarA = startSidecarIn(a, { ...common, POD_NAME: 'sleep-7d9f-abcde', INSTANCE_IP: aIp, ISTIO_META_WORKLOAD_NAME: 'sleep', ISTIO_METAJSON_LABELS: '{"app":"sleep"}' });
  sidecarB = startSidecarIn(b, {
    ...common, POD_NAME: 'echo-v1-5d8f6-qwert', INSTANCE_IP: bIp, ISTIO_META_WORKLOAD_NAME: 'echo-v1', ISTIO_METAJSON_LABELS: '{"app":"echo","version":"v1"}',
    ISTIO_META_POD_PORTS: '[{"name":"tcp","containerPort":8080,"protocol":"TCP"},{"name":"tcp2","containerPort":8081,"protocol":"TCP"}]',
  });
  await waitReady(a, sidecarA);
  await waitReady(b, sidecarB);
  for (const port of ['8080', '8081']) {
    const app = startIn(b, 1000, [process.execPath, fixture('sidecar-app.ts'), port]);
    await waitFor(() => app.out().includes('listening'), 10_000, `the app on ${port}`);
  }
});
after(() => {
  for (const s of spaces) s.destroy();
  peer.stop();
  tmp.cleanup();
});

interface Greeting { remoteAddress: string; localAddress: string; localPort: number }
const greetings = (out: string): Greeting[] => out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Greeting);

async function dial(host: string, port: number, count: number): Promise<string> {
  const d = startIn(a, 1000, [process.execPath, fixture('sidecar-dialer.ts'), host, String(port), String(count)]);
  await waitFor(() => d.out().includes('done'), 20_000, `${count} connections to ${host}:${port} (${d.out()})`);
  return d.out();
}

describe('two pods configured by xDS', () => {
  it('both sidecars subscribe to the control plane over TCP that the capture rules let through (uid 1337)', () => {
    const ids = peer.streams.map((s) => s.requests[0]?.node?.id);
    assert.ok(ids.includes(`sidecar~${aIp}~sleep-7d9f-abcde.default~default.svc.cluster.local`), JSON.stringify(ids));
    assert.ok(ids.includes(`sidecar~${bIp}~echo-v1-5d8f6-qwert.default~default.svc.cluster.local`), JSON.stringify(ids));
    const ip = (s: string): string => s.replaceAll('.', '\\.');
    const ct = a.exec(['conntrack', '-L', '-p', 'tcp', '--orig-dst', cpIp, '--orig-port-dst', '15010']);
    assert.match(ct, new RegExp(`src=${ip(aIp)} dst=${ip(cpIp)} sport=\\d+ dport=15010 src=${ip(cpIp)} dst=${ip(aIp)} sport=15010 `), 'not redirected to 15001');
    assert.equal(curlIn(a, 15000, '/stats?filter=control_plane.connected_state').body.trim(), 'control_plane.connected_state: 1');
  });

  it('a client dials a ClusterIP and reaches the app in B, which sees 127.0.0.6', async () => {
    const [g] = greetings(await dial('10.96.0.50', 80, 1));
    assert.deepEqual([g?.remoteAddress, g?.localAddress, g?.localPort], ['127.0.0.6', bIp, 8080]);
    await waitFor(() => sidecarA.out().includes('outbound|80||echo'), 5000, 'the access log line in A');
    assert.match(sidecarA.out(), new RegExp(`"${bIp.replaceAll('.', '\\.')}:8080" outbound\\|80\\|\\|echo\\.default\\.svc\\.cluster\\.local `));
    const prom = curlIn(a, 15090, '/stats/prometheus').body;
    const src = prom.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('reporter="source"'));
    assert.ok(src?.includes('destination_workload="echo-v1"') && src.includes('destination_service="echo.default.svc.cluster.local"'), src);
  });

  it('a weighted tcp route splits connections between the subsets', async () => {
    const ports = greetings(await dial('10.96.0.51', 81, 40)).map((g) => g.localPort);
    assert.equal(ports.length, 40);
    const v1 = ports.filter((p) => p === 8080).length;
    const v2 = ports.filter((p) => p === 8081).length;
    assert.equal(v1 + v2, 40);
    assert.ok(v1 > 0 && v2 > 0, `both subsets get connections (v1 ${v1}, v2 ${v2})`);
  });

  it('REGISTRY_ONLY blackholes destinations outside the mesh; mesh services still work', async () => {
    assert.equal(greetings(await dial(cpIp, 9000, 1))[0]?.remoteAddress, aIp, 'ALLOW_ANY: PassthroughCluster');
    peer.set(LDS, listeners('REGISTRY_ONLY'));
    const version = peer.version(LDS);
    await peer.waitFor((r, s) => r.typeUrl === LDS && r.versionInfo === version && s.requests[0]?.node?.id?.includes(aIp) === true, 'A to ACK REGISTRY_ONLY');
    assert.deepEqual((await dial(cpIp, 9000, 1)).split('\n').filter(Boolean), ['closed', 'done']);
    await waitFor(() => sidecarA.out().includes('BlackHoleCluster'), 5000, 'the blackhole access log line');
    assert.match(sidecarA.out(), new RegExp(` 0 UH - - "-" 0 0 \\d+ - "-" "-" "-" "-" "-" BlackHoleCluster - ${cpIp.replaceAll('.', '\\.')}:9000 `));
    assert.equal(greetings(await dial('10.96.0.50', 80, 1))[0]?.remoteAddress, '127.0.0.6');
  });
});
