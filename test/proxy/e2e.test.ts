/**
 * End to end in real namespaces: two pods joined by a veth, Istio's capture rules in both
 * (`mizzen iptables`), `mizzen sidecar` in each as uid 1337. A client (uid 1000) in pod A dials
 * a ClusterIP; ISTIO_REDIRECT hands it to A's virtualOutbound, which connects to B's pod IP;
 * B's PREROUTING hands that to virtualInbound, which reaches the app from 127.0.0.6. conntrack
 * shows both redirects; each sidecar reports Istio's TCP metrics for its side.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { linkPair, Netns, waitFor } from '../helpers/netns.ts';
import { applyCapture, curlIn, fixture, shareable, startIn, startSidecarIn, waitReady, type Proc } from './pods.ts';
import { tempDir, writeAtomically } from './support.ts';

const tmp = tempDir('e2e');
const pods: Netns[] = [];
let a: Netns;
let b: Netns;
let aIp = '';
let bIp = '';
let sidecarA: Proc;
let sidecarB: Proc;
let client: Proc;

before(async () => {
  a = new Netns('e2ea');
  pods.push(a);
  b = new Netns('e2eb');
  pods.push(b);
  const link = linkPair(a, b, 61);
  ({ aIp, bIp } = link);
  a.exec(['ip', 'route', 'add', '10.96.0.0/16', 'dev', link.aIf]);
  b.exec(['ip', 'route', 'add', '10.96.0.0/16', 'dev', link.bIf]);
  const registry = join(shareable(tmp.dir), 'registry.json');
  writeAtomically(registry, {
    version: 1,
    services: [{ name: 'echo', namespace: 'default', hostname: 'echo.default.svc.cluster.local', clusterIP: '10.96.0.50', labels: { app: 'echo' }, selector: { app: 'echo' }, ports: [{ name: 'tcp', port: 80, targetPort: 8080, protocol: 'TCP', appProtocol: null }] }],
    endpoints: [{ service: 'echo', namespace: 'default', ip: bIp, ready: true, pod: 'echo-v1-5d8f6-qwert', ports: [{ name: 'tcp', port: 8080 }] }],
    workloads: [
      { pod: 'sleep-7d9f-abcde', namespace: 'default', ip: aIp, workload: 'sleep', labels: { app: 'sleep' }, serviceAccount: 'sleep', sidecar: true },
      { pod: 'echo-v1-5d8f6-qwert', namespace: 'default', ip: bIp, workload: 'echo-v1', labels: { app: 'echo', version: 'v1' }, serviceAccount: 'echo', sidecar: true },
    ],
  });
  await applyCapture(a);
  await applyCapture(b);
  const common = { MIZZEN_REGISTRY: registry, POD_NAMESPACE: 'default', ISTIO_META_CLUSTER_ID: 'Kubernetes' };
  sidecarA = startSidecarIn(a, { ...common, POD_NAME: 'sleep-7d9f-abcde', INSTANCE_IP: aIp, ISTIO_META_WORKLOAD_NAME: 'sleep', ISTIO_METAJSON_LABELS: '{"app":"sleep"}' });
  sidecarB = startSidecarIn(b, {
    ...common, POD_NAME: 'echo-v1-5d8f6-qwert', INSTANCE_IP: bIp, ISTIO_META_WORKLOAD_NAME: 'echo-v1',
    ISTIO_METAJSON_LABELS: '{"app":"echo","version":"v1"}', ISTIO_META_POD_PORTS: '[{"name":"tcp","containerPort":8080,"protocol":"TCP"}]',
  });
  await waitReady(a, sidecarA);
  await waitReady(b, sidecarB);
  const app = startIn(b, 1000, [process.execPath, fixture('sidecar-app.ts'), '8080']);
  await waitFor(() => app.out().includes('listening'), 10000, 'the app in pod B');
});
after(() => {
  for (const p of pods) p.destroy();
  tmp.cleanup();
});

describe('two pods, two sidecars, a ClusterIP', () => {
  it('reaches the app in B through both sidecars; the app sees 127.0.0.6', async () => {
    client = startIn(a, 1000, [process.execPath, fixture('sidecar-client.ts'), '10.96.0.50', '80']);
    await waitFor(() => client.out().includes('remoteAddress'), 10000, `the app's greeting (client: ${client.out()})`);
    const greeting = JSON.parse(client.out().split('\n').find((l) => l.startsWith('{')) ?? '{}') as { remoteAddress: string; localAddress: string; localPort: number };
    assert.equal(greeting.remoteAddress, '127.0.0.6');
    assert.equal(greeting.localAddress, bIp);
    assert.equal(greeting.localPort, 8080);
    client.child.stdin.write('ping through the mesh\n');
    await waitFor(() => client.out().includes('ping through the mesh'), 5000, 'the echo');
  });

  it('conntrack shows the REDIRECT to 15001 in A and to 15006 in B', () => {
    const inA = a.exec(['conntrack', '-L', '-p', 'tcp', '--orig-dst', '10.96.0.50']);
    assert.match(inA, new RegExp(`src=${aIp.replaceAll('.', '\\.')} dst=10\\.96\\.0\\.50 sport=\\d+ dport=80 src=127\\.0\\.0\\.1 dst=${aIp.replaceAll('.', '\\.')} sport=15001 dport=\\d+`));
    const inB = b.exec(['conntrack', '-L', '-p', 'tcp', '--orig-dst', bIp, '--orig-port-dst', '8080']);
    assert.match(inB, new RegExp(`src=${aIp.replaceAll('.', '\\.')} dst=${bIp.replaceAll('.', '\\.')} sport=\\d+ dport=8080 src=${bIp.replaceAll('.', '\\.')} dst=${aIp.replaceAll('.', '\\.')} sport=15006 dport=\\d+`));
  });

  it('each sidecar logs the connection and reports Istio TCP metrics for its side', async () => {
    client.child.stdin.write('END\n');
    await waitFor(() => client.out().includes('closed'), 5000, 'the client to close');
    await waitFor(() => sidecarA.out().includes('outbound|80||') && sidecarB.out().includes('inbound|8080||'), 5000, 'both access log lines');
    const ip = (s: string): string => s.replaceAll('.', '\\.');
    assert.match(sidecarA.out(), new RegExp(`"- - -" 0 - - - "-" \\d+ \\d+ \\d+ - "-" "-" "-" "-" "${ip(bIp)}:8080" outbound\\|80\\|\\|echo\\.default\\.svc\\.cluster\\.local ${ip(aIp)}:\\d+ 10\\.96\\.0\\.50:80 ${ip(aIp)}:\\d+ - -`));
    assert.match(sidecarB.out(), new RegExp(`"- - -" 0 - - - "-" \\d+ \\d+ \\d+ - "-" "-" "-" "-" "${ip(bIp)}:8080" inbound\\|8080\\|\\| 127\\.0\\.0\\.6:\\d+ ${ip(bIp)}:8080 ${ip(aIp)}:\\d+ - -`));

    const promB = curlIn(b, 15090, '/stats/prometheus').body;
    const dst = promB.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('reporter="destination"'));
    assert.ok(dst, promB);
    for (const label of ['source_workload="sleep"', 'destination_workload="echo-v1"', 'destination_service="echo.default.svc.cluster.local"', 'destination_service_name="echo"', 'connection_security_policy="none"']) {
      assert.ok(dst.includes(label), `${label} in ${dst}`);
    }
    const promA = curlIn(a, 15090, '/stats/prometheus').body;
    const src = promA.split('\n').find((l) => l.startsWith('istio_tcp_connections_opened_total{') && l.includes('reporter="source"'));
    assert.ok(src, promA);
    for (const label of ['source_workload="sleep"', 'destination_workload="echo-v1"', 'destination_version="v1"', 'destination_service="echo.default.svc.cluster.local"', 'response_flags="-"']) {
      assert.ok(src.includes(label), `${label} in ${src}`);
    }
    assert.match(curlIn(a, 15020, '/stats/prometheus').body, /istio_tcp_connections_closed_total\{reporter="source"/);
  });
});
