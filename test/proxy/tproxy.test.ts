/**
 * TPROXY interception with a real `mizzen sidecar`: istio-iptables' TPROXY rules in the pod
 * (`-m TPROXY`), the sidecar started with INTERCEPTION_MODE=TPROXY (virtualInbound becomes
 * transparent, which needs CAP_NET_ADMIN, as Istio's injector grants in this mode). A client in
 * another namespace dials the pod IP; the original destination is the socket's local address,
 * and the app is reached from 127.0.0.6.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { linkPair, Netns, waitFor } from '../helpers/netns.ts';
import { curlIn, fixture, shareable, startIn, startSidecarIn, waitReady, type Proc } from './pods.ts';
import { registryWith, tempDir, writeAtomically } from './support.ts';

const tmp = tempDir('tproxy');
const pods: Netns[] = [];
let pod: Netns;
let client: Netns;
let podIp = '';
let sidecar: Proc;

before(async () => {
  pod = new Netns('tpxp');
  pods.push(pod);
  client = new Netns('tpxc');
  pods.push(client);
  podIp = linkPair(pod, client, 63).aIp;
  const registry = join(shareable(tmp.dir), 'registry.json');
  writeAtomically(registry, registryWith([{ ip: podIp, ready: true, port: 8080 }]));
  const r = await runCli(['iptables', '--network-namespace', pod.name, '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'TPROXY', '-i', '*', '-b', '*', '-d', '15090,15021,15020']);
  assert.equal(r.code, 0, r.stderr);
  sidecar = startSidecarIn(pod, {
    MIZZEN_REGISTRY: registry, POD_NAME: 'reviews-v1-abc', INSTANCE_IP: podIp, INTERCEPTION_MODE: 'TPROXY',
    ISTIO_META_POD_PORTS: '[{"containerPort":8080}]', ISTIO_METAJSON_LABELS: '{"app":"reviews"}',
  }, [], ['net_admin']);
  await waitReady(pod, sidecar);
  const app = startIn(pod, 1000, [process.execPath, fixture('sidecar-app.ts'), '8080']);
  await waitFor(() => app.out().includes('listening'), 10000, 'the app');
});
after(() => {
  for (const p of pods) p.destroy();
  tmp.cleanup();
});

describe('TPROXY interception', () => {
  it('delivers a connection for the pod IP through the transparent virtualInbound to the app', async () => {
    const c = startIn(client, 1000, [process.execPath, fixture('sidecar-client.ts'), podIp, '8080']);
    await waitFor(() => c.out().includes('remoteAddress'), 10000, `the greeting (${c.out()})`);
    const greeting = JSON.parse(c.out().split('\n').find((l) => l.startsWith('{')) ?? '{}') as { remoteAddress: string; localPort: number };
    assert.deepEqual([greeting.remoteAddress, greeting.localPort], ['127.0.0.6', 8080]);
    c.child.stdin.end('END\n');
    await waitFor(() => sidecar.out().includes('inbound|8080||'), 5000, 'the access log line');
    assert.match(sidecar.out(), new RegExp(`inbound\\|8080\\|\\| 127\\.0\\.0\\.6:\\d+ ${podIp.replaceAll('.', '\\.')}:8080 10\\.251\\.63\\.2:\\d+ - -`));
    const dump = JSON.parse(curlIn(pod, 15000, '/config_dump').body) as { configs: { dynamicListeners?: { name: string; activeState: { listener: { transparent?: boolean } } }[] }[] };
    const inbound = dump.configs.flatMap((x) => x.dynamicListeners ?? []).find((l) => l.name === 'virtualInbound');
    assert.equal(inbound?.activeState.listener.transparent, true);
  });
});
