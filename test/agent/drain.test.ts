/**
 * Graceful termination of a real `mizzen sidecar` (uid 1337) in a pod namespace with Istio's
 * capture rules: on SIGTERM readiness turns 503, virtualInbound stops taking new connections,
 * an open connection keeps working through the drain period, and then the process exits 0
 * with Istio's drain lines in its log.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { linkPair, Netns, waitFor } from '../helpers/netns.ts';
import { applyCapture, curlIn, fixture, shareable, startIn, startSidecarIn, waitReady, type Proc } from '../proxy/pods.ts';
import { tempDir, writeAtomically } from '../proxy/support.ts';

const tmp = tempDir('drain');
const pods: Netns[] = [];
let pod: Netns;
let peer: Netns;
let podIp = '';
let sidecar: Proc;

before(async () => {
  pod = new Netns('drainp');
  pods.push(pod);
  peer = new Netns('drainq');
  pods.push(peer);
  const link = linkPair(pod, peer, 62);
  podIp = link.aIp;
  pod.exec(['ip', 'route', 'add', '10.96.0.0/16', 'dev', link.aIf]);
  const registry = join(shareable(tmp.dir), 'registry.json');
  writeAtomically(registry, {
    version: 1,
    services: [{ name: 'web', namespace: 'default', hostname: 'web.default.svc.cluster.local', clusterIP: '10.96.0.60', labels: {}, selector: { app: 'web' }, ports: [{ name: 'tcp', port: 80, targetPort: 8080, protocol: 'TCP', appProtocol: null }] }],
    endpoints: [{ service: 'web', namespace: 'default', ip: podIp, ready: true, pod: 'web-1', ports: [{ name: 'tcp', port: 8080 }] }],
    workloads: [{ pod: 'web-1', namespace: 'default', ip: podIp, workload: 'web', labels: { app: 'web' }, serviceAccount: 'default', sidecar: true }],
  });
  await applyCapture(pod);
  sidecar = startSidecarIn(pod, {
    MIZZEN_REGISTRY: registry, POD_NAME: 'web-1', POD_NAMESPACE: 'default', INSTANCE_IP: podIp,
    ISTIO_META_POD_PORTS: '[{"containerPort":8080,"protocol":"TCP"}]', TERMINATION_DRAIN_DURATION_SECONDS: '2',
  });
  await waitReady(pod, sidecar);
  const app = startIn(pod, 1000, [process.execPath, fixture('sidecar-app.ts'), '8080']);
  await waitFor(() => app.out().includes('listening'), 10000, 'the app');
});
after(() => {
  for (const p of pods) p.destroy();
  tmp.cleanup();
});

/** Dials the pod's app port from the peer namespace (no capture there): "connected" or an error code. */
async function dialFromPeer(): Promise<string> {
  const probe = startIn(peer, 1000, [process.execPath, fixture('sidecar-client.ts'), podIp, '8080']);
  await waitFor(() => /connected|error/.test(probe.out()), 5000, 'the dial from the peer');
  probe.child.stdin.end('END\n');
  return /error (\S+)/.exec(probe.out())?.[1] ?? 'connected';
}

describe('drain on SIGTERM', () => {
  it('turns readiness 503, refuses new inbound connections, lets open ones finish, then exits 0', async () => {
    // An open connection: client (uid 1000) -> ClusterIP -> 15001 -> pod IP -> 15006 -> app.
    const client = startIn(pod, 1000, [process.execPath, fixture('sidecar-client.ts'), '10.96.0.60', '80']);
    await waitFor(() => client.out().includes('"remoteAddress":"127.0.0.6"'), 10000, `the greeting (${client.out()})`);
    assert.equal(await dialFromPeer(), 'connected', 'inbound works before the drain');

    sidecar.child.kill('SIGTERM');
    await waitFor(() => curlIn(pod, 15021, '/healthz/ready').status === 503, 5000, 'readiness 503');
    assert.equal(curlIn(pod, 15000, '/ready').body, 'DRAINING\n');
    assert.equal(await dialFromPeer(), 'ECONNREFUSED', 'virtualInbound no longer accepts');

    client.child.stdin.write('still here during the drain\n');
    await waitFor(() => client.out().includes('still here during the drain'), 5000, 'the open connection to keep working');

    assert.equal(await sidecar.exit, 0);
    await waitFor(() => client.out().includes('closed'), 5000, 'the open connection to be closed at the end');
    const log = sidecar.err();
    for (const line of [
      /\tinfo\tReceived terminated, starting graceful termination\n/,
      /\tinfo\tAgent draining Proxy for termination\n/,
      /\tinfo\tGraceful termination period is 2s, starting\.\.\.\n/,
      /\tinfo\tGraceful termination period complete, terminating remaining proxies\. \(\d+ connections open\)\n/,
      /\tinfo\tAgent has successfully terminated\n/,
    ]) assert.match(log, line);
  });

  it('stops on POST /quitquitquit to the agent (localhost only)', async () => {
    const registry = join(tmp.dir, 'registry.json');
    const again = startSidecarIn(pod, { MIZZEN_REGISTRY: registry, POD_NAMESPACE: 'default', INSTANCE_IP: podIp });
    await waitReady(pod, again);
    const r = pod.exec(['curl', '-s', '-X', 'POST', 'http://127.0.0.1:15020/quitquitquit']);
    assert.equal(r, 'OK');
    assert.equal(await again.exit, 0);
  });
});
