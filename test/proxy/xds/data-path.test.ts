/**
 * The data path over xDS config, with real sockets: a connection handed over by virtualOutbound
 * finds the `<IP>_<port>` listener (tcp_proxy: a cluster or weighted clusters), else
 * `0.0.0.0_<port>` (HCM: the virtual host whose domains hold `IP:port`, its first route), else
 * PassthroughFilterChain (PassthroughCluster, or BlackHoleCluster under REGISTRY_ONLY); a route
 * to a cluster CDS lacks ends with NC. virtualInbound matches by destination port to
 * `inbound|PORT||` (from 127.0.0.6), else InboundPassthroughCluster. Istio's TCP metrics take
 * the destination from EDS metadata; the inbound source is unknown, as without mTLS.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { closeServer, echoServer, httpGet, listenOn, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, EDS, LDS, RDS, cla, edsCluster, httpListener, inboundCluster, outbound, passthroughClusters, routeConfig, tcpListener, virtualInbound, virtualOutbound } from './resources.ts';
import { greeter, hello, httpNamed, httpVia, scripted } from './upstreams.ts';

const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
const rnd = scripted();
let t: TestSidecar;
let pA = 0;
let pB = 0;
let pV = 0;
let pDirect = 0;
let appPort = 0;
const appPeers: string[] = [];
const A = outbound(80, 'a');
const V1 = outbound(90, 'b', 'v1');
const V2 = outbound(90, 'b', 'v2');
const WEB = outbound(9080, 'web');

function listeners(policy: 'ALLOW_ANY' | 'REGISTRY_ONLY'): Record<string, unknown>[] {
  return [
    virtualOutbound(policy), virtualInbound([appPort]),
    tcpListener('10.96.0.10', 80, A),
    tcpListener('10.96.0.11', 90, [{ name: V1, weight: 50 }, { name: V2, weight: 50 }]),
    tcpListener('10.96.0.12', 84, 'outbound|84||missing.default.svc.cluster.local'),
    httpListener(pB),
  ];
}

before(async () => {
  pA = await greeter('127.0.0.2', 'a1', stops);
  await greeter('127.0.0.3', 'a2', stops, pA);
  pB = await httpNamed('127.0.0.4', 'v1', stops);
  await httpNamed('127.0.0.5', 'v2', stops, pB);
  pV = await greeter('127.0.0.4', 'v1', stops);
  await greeter('127.0.0.5', 'v2', stops, pV);
  pDirect = await greeter('127.0.0.7', 'direct', stops);
  const app = echoServer((s) => { appPeers.push(s.remoteAddress ?? ''); s.write('app'); s.on('end', () => s.end()); s.resume(); });
  appPort = await listenOn(app, '127.0.0.1');
  stops.push(() => closeServer(app));
  peer.setAll({
    [CDS]: [edsCluster(A), edsCluster(V1), edsCluster(V2), edsCluster(WEB), ...passthroughClusters(), inboundCluster(appPort)],
    [EDS]: [
      cla(A, [
        { ip: '127.0.0.2', port: pA, workload: 'a-v1;default;a;v1;Kubernetes' },
        { ip: '127.0.0.9', port: pA, health: 'UNHEALTHY' },
        { ip: '127.0.0.3', port: pA, workload: 'a-v2;default;a;v2;Kubernetes' },
      ]),
      cla(V1, [{ ip: '127.0.0.4', port: pV }]), cla(V2, [{ ip: '127.0.0.5', port: pV }]), cla(WEB, [{ ip: '127.0.0.4', port: pB }]),
    ],
    [LDS]: listeners('ALLOW_ANY'),
    [RDS]: [routeConfig(String(pB), [
      { name: `web.default.svc.cluster.local:${pB}`, domains: ['web.default.svc.cluster.local', `10.96.0.20:${pB}`, '10.96.0.20'], cluster: WEB },
      { name: 'allow_any', domains: ['*'], cluster: 'PassthroughCluster' },
    ])],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({
    'discovery-address': peer.address, 'instance-ip': '127.0.0.1', 'pod-name': 'sleep-7d9f-abcde', 'workload-name': 'sleep',
    labels: '{"app":"sleep"}', 'pod-ports': JSON.stringify([{ containerPort: appPort }]),
  }, { random: rnd.random });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

const lastLog = (): string => t.accessLog.at(-1) ?? '';

describe('outbound over xDS', () => {
  it('hands a connection to the <IP>_<port> listener; round robin over the healthy endpoints only', async () => {
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await hello(t, '10.96.0.10', 80));
    assert.deepEqual(got, ['a1', 'a2', 'a1', 'a2']);
    const clusters = (await httpGet(t.sidecar.ports.admin, '/clusters')).body;
    assert.match(clusters, new RegExp(`^${A.replaceAll('|', '\\|')}::127\\.0\\.0\\.9:${pA}::health_flags::/failed_eds_health$`, 'm'));
    assert.match(clusters, new RegExp(`^${A.replaceAll('|', '\\|')}::127\\.0\\.0\\.2:${pA}::cx_total::2$`, 'm'));
  });

  it('splits a weighted tcp route by weight, per connection', async () => {
    rnd.queue.push(0.1, 0.9, 0.49, 0.5);
    const got = [];
    for (let i = 0; i < 4; i++) got.push(await hello(t, '10.96.0.11', 90));
    assert.deepEqual(got, ['v1', 'v2', 'v1', 'v2']);
  });

  it('an HTTP listener picks the virtual host by authority, then its route; one access-log line per request', async () => {
    const r = await httpVia(t, '10.96.0.20', pB, '/hello');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).name, 'v1');
    assert.match(String(r.headers['x-envoy-upstream-service-time']), /^\d+$/);
    await waitFor(() => lastLog().includes('/hello'), 5000, 'the access log line');
    assert.match(lastLog(), /"GET \/hello HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "-" "[0-9a-f-]{36}" "10\.96\.0\.20:\d+" "127\.0\.0\.4:\d+" outbound\|9080\|\|web\.default\.svc\.cluster\.local /);
    const v2 = await httpVia(t, '127.0.0.5', pB, '/other');
    assert.equal(JSON.parse(v2.body).name, 'v2', 'no domain matches: the "*" host routes to PassthroughCluster');
    await waitFor(() => lastLog().includes('/other'), 5000, 'the access log line');
    assert.match(lastLog(), / PassthroughCluster /);
  });

  it('unknown destinations take PassthroughFilterChain: PassthroughCluster, then BlackHoleCluster under REGISTRY_ONLY', async () => {
    assert.equal(await hello(t, '127.0.0.7', pDirect), 'direct');
    peer.set(LDS, listeners('REGISTRY_ONLY'));
    await peer.replyTo(peer.lastNonce(LDS));
    assert.equal(await hello(t, '127.0.0.7', pDirect), '');
    await waitFor(() => lastLog().includes('BlackHoleCluster'), 5000, 'the access log line');
    assert.match(lastLog(), / 0 UH - - "-" 0 0 \d+ - "-" "-" "-" "-" "-" BlackHoleCluster /);
    assert.equal(await hello(t, '10.96.0.10', 80), 'a1', 'known services still work');
    peer.set(LDS, listeners('ALLOW_ANY'));
    await peer.replyTo(peer.lastNonce(LDS));
  });

  it('a route to a cluster CDS does not have closes the connection with NC', async () => {
    assert.equal(await hello(t, '10.96.0.12', 84), '');
    await waitFor(() => lastLog().includes('missing'), 5000, 'the access log line');
    assert.match(lastLog(), / 0 NC - - "-" 0 0 \d+ - "-" "-" "-" "-" "-" outbound\|84\|\|missing\.default\.svc\.cluster\.local /);
  });

  it('reports Istio TCP metrics with the destination from EDS istio.workload metadata', async () => {
    const prom = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    const line = prom.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('destination_workload="a-v2"'));
    assert.ok(line, prom);
    for (const label of ['reporter="source"', 'source_workload="sleep"', 'destination_workload_namespace="default"', 'destination_canonical_service="a"',
      'destination_canonical_revision="v2"', 'destination_app="a"', 'destination_version="v2"', 'destination_cluster="Kubernetes"',
      'destination_service="a.default.svc.cluster.local"', 'destination_service_name="a"', 'destination_service_namespace="default"']) {
      assert.ok(line.includes(label), `${label} in ${line}`);
    }
  });
});

describe('inbound over xDS', () => {
  it('matches virtualInbound by destination port to inbound|PORT||; the app sees 127.0.0.6', async () => {
    assert.equal(await hello(t, '127.0.0.1', appPort, 'inbound'), 'app');
    assert.equal(appPeers.at(-1), '127.0.0.6');
    assert.match(lastLog(), new RegExp(`"127\\.0\\.0\\.1:${appPort}" inbound\\|${appPort}\\|\\| 127\\.0\\.0\\.6:\\d+ `));
  });

  it('sends any other port to InboundPassthroughCluster, also from 127.0.0.6', async () => {
    const seen: string[] = [];
    const other = echoServer((s) => { seen.push(s.remoteAddress ?? ''); s.end('other'); });
    const port = await listenOn(other, '127.0.0.1');
    stops.push(() => closeServer(other));
    assert.equal(await hello(t, '127.0.0.1', port, 'inbound'), 'other');
    assert.deepEqual(seen, ['127.0.0.6']);
    assert.match(lastLog(), / InboundPassthroughCluster 127\.0\.0\.6:/);
  });

  it('labels the inbound source "unknown" (no mTLS, no peer metadata), the destination service from the cluster', async () => {
    const prom = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    const line = prom.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('reporter="destination"') && l.includes('destination_service="echo'));
    assert.ok(line, prom);
    for (const label of ['source_workload="unknown"', 'source_workload_namespace="unknown"', 'destination_workload="sleep"', 'destination_service_name="echo"', 'connection_security_policy="none"']) {
      assert.ok(line.includes(label), `${label} in ${line}`);
    }
  });
});
