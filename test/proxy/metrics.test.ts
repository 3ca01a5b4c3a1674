/**
 * Istio's TCP metrics and the access log, end to end in one process: an outbound connection to
 * a ClusterIP (reporter="source") and an inbound one to a declared port (reporter="destination",
 * upstream from 127.0.0.6), each with Istio's full standard label set, on 15090.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { closeServer, collect, connectTo, echoServer, httpGet, listenOn, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from './support.ts';

const tmp = tempDir('metrics');
let t: TestSidecar;
let appPort = 0;
const peers: string[] = [];
const stops: (() => unknown)[] = [];

before(async () => {
  // The upstream "reviews-v1" pod is 127.0.0.2; this pod (productpage-v1) is 127.0.0.1.
  const app = echoServer((s) => { peers.push(s.remoteAddress ?? ''); s.resume(); s.end('ok'); });
  appPort = await listenOn(app, '0.0.0.0');
  stops.push(() => closeServer(app));
  const registry = join(tmp.dir, 'registry.json');
  const workloads = [
    { pod: 'reviews-v1-abc', namespace: 'default', ip: '127.0.0.2', workload: 'reviews-v1', labels: { app: 'reviews', version: 'v1' }, serviceAccount: 'bookinfo-reviews', sidecar: true },
    { pod: 'ratings-v1-xyz', namespace: 'default', ip: '127.0.0.9', workload: 'ratings-v1', labels: { app: 'ratings', version: 'v1', 'service.istio.io/canonical-name': 'ratings-canon' }, serviceAccount: 'bookinfo-ratings', sidecar: true },
  ];
  writeAtomically(registry, registryWith([{ ip: '127.0.0.2', ready: true, port: appPort }], { workloads }));
  t = await startTestSidecar({
    registry, 'instance-ip': '127.0.0.1', 'pod-name': 'productpage-v1-6b746f74dc-9stvs', 'pod-namespace': 'default',
    'workload-name': 'productpage-v1', labels: JSON.stringify({ app: 'productpage', version: 'v1' }),
    'pod-ports': JSON.stringify([{ name: 'http', containerPort: appPort, protocol: 'TCP' }]),
  });
  await waitFor(() => t.sidecar.status.live, 5000, 'ready');
});
after(async () => {
  for (const s of stops) await s();
  await t?.sidecar.shutdown(0);
  tmp.cleanup();
});

function series(text: string, name: string, reporter: string): Record<string, string> | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !line.includes(`reporter="${reporter}"`)) continue;
    const labels: Record<string, string> = {};
    for (const m of line.slice(line.indexOf('{') + 1, line.lastIndexOf('}')).matchAll(/(\w+)="([^"]*)"/g)) labels[m[1]!] = m[2]!;
    labels['__value'] = line.slice(line.lastIndexOf('}') + 2);
    return labels;
  }
  return undefined;
}

describe('Istio TCP metrics and access log', () => {
  it('outbound to a ClusterIP: reporter="source" with the destination from the registry', async () => {
    t.route('outbound', { ip: '10.96.0.12', port: 9080 });
    const c = await connectTo(t.sidecar.ports.outbound);
    c.write('hello');
    const r = await collect(c);
    assert.equal(r.data, 'ok');
    await waitFor(() => t.sidecar.outbound.activeConnections === 0, 5000, 'close');
    const prom = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    assert.deepEqual(series(prom, 'istio_tcp_connections_opened_total', 'source'), {
      reporter: 'source', source_workload: 'productpage-v1', source_workload_namespace: 'default', source_principal: 'unknown',
      source_app: 'productpage', source_version: 'v1', source_canonical_service: 'productpage', source_canonical_revision: 'v1',
      source_cluster: 'Kubernetes', destination_workload: 'reviews-v1', destination_workload_namespace: 'default',
      destination_principal: 'unknown', destination_app: 'reviews', destination_version: 'v1',
      destination_service: 'reviews.default.svc.cluster.local', destination_service_name: 'reviews',
      destination_service_namespace: 'default', destination_canonical_service: 'reviews', destination_canonical_revision: 'v1',
      destination_cluster: 'Kubernetes', request_protocol: 'tcp', response_flags: '-', connection_security_policy: 'unknown', __value: '1',
    });
    assert.equal(series(prom, 'istio_tcp_connections_closed_total', 'source')?.['__value'], '1');
    assert.equal(series(prom, 'istio_tcp_received_bytes_total', 'source')?.['__value'], '5');
    assert.equal(series(prom, 'istio_tcp_sent_bytes_total', 'source')?.['__value'], '2');
    assert.match(prom, /^envoy_cluster_upstream_cx_total\{cluster_name="outbound\|9080\|\|reviews\.default\.svc\.cluster\.local"\} 1$/m);
    assert.match(prom, /^envoy_listener_downstream_cx_total\{envoy_listener_address="0\.0\.0\.0_0"\} \d+$/m);
    assert.match(prom, /^envoy_tcp_downstream_cx_total\{envoy_tcp_prefix="outbound\|9080\|\|reviews\.default\.svc\.cluster\.local"\} 1$/m);
    const line = t.accessLog.find((l) => l.includes('outbound|9080||'));
    assert.match(line ?? '', new RegExp(`^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\] "- - -" 0 - - - "-" 5 2 \\d+ - "-" "-" "-" "-" "127\\.0\\.0\\.2:${appPort}" outbound\\|9080\\|\\|reviews\\.default\\.svc\\.cluster\\.local 127\\.0\\.0\\.1:\\d+ 10\\.96\\.0\\.12:9080 127\\.0\\.0\\.1:\\d+ - -\\n$`));
  });

  it('inbound to a declared port: reporter="destination", the app sees 127.0.0.6, the source from the registry', async () => {
    t.route('inbound', { ip: '127.0.0.1', port: appPort });
    const c = await connectTo(t.sidecar.ports.inbound, '127.0.0.1', { localAddress: '127.0.0.9' });
    const r = await collect(c);
    assert.equal(r.data, 'ok');
    assert.equal(peers.at(-1), '127.0.0.6');
    await waitFor(() => t.sidecar.inbound.activeConnections === 0, 5000, 'close');
    const prom = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    assert.deepEqual(series(prom, 'istio_tcp_connections_opened_total', 'destination'), {
      reporter: 'destination', source_workload: 'ratings-v1', source_workload_namespace: 'default', source_principal: 'unknown',
      source_app: 'ratings', source_version: 'v1', source_canonical_service: 'ratings-canon', source_canonical_revision: 'v1',
      source_cluster: 'Kubernetes', destination_workload: 'productpage-v1', destination_workload_namespace: 'default',
      destination_principal: 'unknown', destination_app: 'productpage', destination_version: 'v1',
      destination_service: 'productpage', destination_service_name: 'productpage', destination_service_namespace: 'default',
      destination_canonical_service: 'productpage', destination_canonical_revision: 'v1', destination_cluster: 'Kubernetes',
      request_protocol: 'tcp', response_flags: '-', connection_security_policy: 'none', __value: '1',
    });
    const line = t.accessLog.find((l) => l.includes(`inbound|${appPort}||`));
    assert.match(line ?? '', new RegExp(`"127\\.0\\.0\\.1:${appPort}" inbound\\|${appPort}\\|\\| 127\\.0\\.0\\.6:\\d+ 127\\.0\\.0\\.1:${appPort} 127\\.0\\.0\\.9:\\d+ - -\\n$`));
  });

  it('PassthroughCluster traffic is labelled as Istio labels it', async () => {
    const other = echoServer((s) => s.end());
    const port = await listenOn(other, '127.0.0.1');
    stops.push(() => closeServer(other));
    t.route('outbound', { ip: '127.0.0.1', port });
    await collect(await connectTo(t.sidecar.ports.outbound));
    await waitFor(() => t.sidecar.outbound.activeConnections === 0, 5000, 'close');
    const prom = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    const line = prom.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('destination_service_name="PassthroughCluster"'));
    assert.ok(line, prom);
    assert.match(line, /destination_service="unknown"/);
    assert.match(line, /destination_workload="unknown"/);
  });
});
