/**
 * Sidecar injection with a stand-in sidecar (test/fixtures/runtime-fake-sidecar.ts, through
 * MIZZEN_SIDECAR_COMMAND): istio-init's rules in the pod (its log shows the variables block),
 * istio-proxy as uid 1337 with Istio's environment, apps held until 15021 answers 200 (unless
 * the pod opts out), probes rewritten to :15020/app-health/..., and the opt-out annotation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sh } from '../helpers/netns.ts';
import { FAKE_SIDECAR, TestMesh, type PodItem } from './mesh-fixture.ts';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: cart, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart-v1, namespace: shop}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata:
      labels: {app: cart, version: v1}
      annotations:
        traffic.sidecar.istio.io/excludeInboundPorts: "9999"
        traffic.sidecar.istio.io/excludeOutboundIPRanges: "10.96.0.1/32"
    spec:
      serviceAccountName: cart
      containers:
      - name: cart
        command: [sh, -c, 'curl -sf -o /dev/null http://127.0.0.1:15021/healthz/ready && echo PROXY-WAS-READY || echo PROXY-NOT-READY; exec python3 -m http.server 8000']
        ports: [{name: http, containerPort: 8000}]
        readinessProbe: {httpGet: {path: /, port: http}, periodSeconds: 1}
        livenessProbe: {tcpSocket: {port: 8000}, periodSeconds: 2}
---
apiVersion: v1
kind: Service
metadata: {name: cart, namespace: shop}
spec:
  selector: {app: cart}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: shop, annotations: {sidecar.istio.io/inject: "false"}}
spec:
  containers: [{name: plain, command: [sleep, "600"]}]
---
apiVersion: v1
kind: Pod
metadata:
  name: eager
  annotations:
    sidecar.istio.io/inject: "true"
    proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": false}'
spec:
  containers:
  - name: eager
    command: [sh, -c, 'curl -sf -o /dev/null http://127.0.0.1:15021/healthz/ready && echo PROXY-WAS-READY || echo PROXY-NOT-READY; exec sleep 600']
`;

const mesh = new TestMesh({ MIZZEN_SIDECAR_COMMAND: `${FAKE_SIDECAR} --ready-after 1500` });
let cart: PodItem;

function pidOf(p: PodItem, container: string): number {
  return Number(p.status.containerStatuses.find((c) => c.name === container)?.containerID?.replace('mizzen://', ''));
}

describe('sidecar injection', { timeout: 120_000 }, () => {
  before(async () => {
    const r = await mesh.up(mesh.manifest('shop.yaml', SHOP));
    assert.equal(r.code, 0, r.stderr);
    cart = await mesh.pod('shop', 'cart-v1-');
  });
  after(() => mesh.down());

  it('adds istio-init and istio-proxy to pods of an injection-enabled namespace, and honours opt-in and opt-out', async () => {
    const table = await mesh.must(['get', 'pods', '-A']);
    assert.match(table, /^shop\s+cart-v1-\S+\s+2\/2\s+Running\s+0\s+/m);
    assert.match(table, /^shop\s+plain\s+1\/1\s+Running\s+0\s+/m);
    assert.match(table, /^default\s+eager\s+2\/2\s+Running\s+0\s+/m);
    assert.deepEqual(cart.spec.initContainers?.map((c) => c.name), ['istio-init']);
    assert.deepEqual(cart.spec.containers.map((c) => c.name), ['istio-proxy', 'cart']);
    const init = cart.spec.initContainers?.[0];
    assert.deepEqual([...(init?.command.slice(-1) ?? []), ...(init?.args ?? [])],
      ['iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '10.96.0.1/32', '-b', '*', '-d', '15090,15021,15020,9999']);
    const registry = JSON.parse(readFileSync(join(mesh.stateDir, 'registry.json'), 'utf8')) as { workloads: { pod: string; sidecar: boolean; serviceAccount: string; workload: string }[] };
    const w = (name: string) => registry.workloads.find((x) => x.pod.startsWith(name));
    assert.deepEqual([w('cart-v1-')?.sidecar, w('cart-v1-')?.serviceAccount, w('cart-v1-')?.workload], [true, 'cart', 'cart-v1']);
    assert.equal(w('plain')?.sidecar, false);
  });

  it('runs istio-init in the pod: its rules are in the pod namespace and its log shows the variables', async () => {
    const nat = mesh.podSh(cart, 'iptables-save -t nat').stdout;
    for (const line of [
      '-A PREROUTING -p tcp -j ISTIO_INBOUND',
      '-A OUTPUT -j ISTIO_OUTPUT',
      '-A ISTIO_INBOUND -p tcp -m tcp --dport 9999 -j RETURN',
      '-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006',
      '-A ISTIO_OUTPUT -d 10.96.0.1/32 -j RETURN',
      '-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN',
      '-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001',
    ]) assert.ok(nat.split('\n').includes(line), `missing ${line}\n${nat}`);
    const plain = await mesh.pod('shop', 'plain');
    assert.doesNotMatch(mesh.podSh(plain, 'iptables-save -t nat').stdout, /ISTIO/);
    const log = await mesh.must(['logs', cart.metadata.name, '-n', 'shop', '-c', 'istio-init']);
    assert.match(log, /Istio iptables variables:\nPROXY_PORT=15001\nPROXY_INBOUND_CAPTURE_PORT=15006/);
    assert.match(log, /INBOUND_PORTS_EXCLUDE=15090,15021,15020,9999/);
  });

  it('runs istio-proxy as uid 1337 with Istio\'s environment, and the app as 1000', async () => {
    const uid = (pid: number): string => sh(['ps', '-o', 'uid=,gid=', '-p', String(pid)]).stdout.trim().replace(/\s+/, ':');
    assert.equal(uid(pidOf(cart, 'istio-proxy')), '1337:1337');
    assert.equal(uid(pidOf(cart, 'cart')), '1000:1000');
    assert.equal((await mesh.must(['exec', cart.metadata.name, '-n', 'shop', '-c', 'istio-proxy', '--', 'id', '-u'])).trim(), '1337');
    const log = await mesh.must(['logs', cart.metadata.name, '-n', 'shop', '-c', 'istio-proxy']);
    const env = JSON.parse(/FAKE-SIDECAR uid=1337 gid=1337 env=(.*)/.exec(log)?.[1] ?? '{}') as Record<string, string>;
    assert.equal(env['POD_NAME'], cart.metadata.name);
    assert.equal(env['POD_NAMESPACE'], 'shop');
    assert.equal(env['INSTANCE_IP'], cart.status.podIP);
    assert.equal(env['SERVICE_ACCOUNT'], 'cart');
    assert.equal(env['ISTIO_META_WORKLOAD_NAME'], 'cart-v1');
    assert.equal(env['ISTIO_META_APP_CONTAINERS'], 'cart');
    assert.equal(env['MIZZEN_REGISTRY'], join(mesh.stateDir, 'registry.json'));
    assert.equal(JSON.parse(env['ISTIO_METAJSON_LABELS'] ?? '{}')['version'], 'v1');
  });

  it('holds the app until the proxy is ready, unless the pod opts out', async () => {
    const held = await mesh.cli(['logs', cart.metadata.name, '-n', 'shop']);
    assert.match(held.stdout, /^PROXY-WAS-READY\n/);
    assert.match(held.stderr, /Defaulted container "cart" out of: istio-proxy, cart, istio-init \(init\)/);
    assert.match(await mesh.must(['logs', 'eager']), /^PROXY-NOT-READY\n/);
  });

  it('rewrites the app\'s probes to the agent\'s :15020/app-health and passes the originals in ISTIO_KUBE_APP_PROBERS', async () => {
    const app = cart.spec.containers.find((c) => c.name === 'cart');
    assert.deepEqual((app?.readinessProbe as { httpGet: unknown }).httpGet, { path: '/app-health/cart/readyz', port: 15020, scheme: 'HTTP' });
    assert.deepEqual((app?.livenessProbe as { httpGet: unknown }).httpGet, { path: '/app-health/cart/livez', port: 15020, scheme: 'HTTP' });
    const log = await mesh.must(['logs', cart.metadata.name, '-n', 'shop', '-c', 'istio-proxy']);
    const env = JSON.parse(/env=(.*)/.exec(log)?.[1] ?? '{}') as Record<string, string>;
    assert.equal(env['ISTIO_KUBE_APP_PROBERS'],
      '{"/app-health/cart/readyz":{"httpGet":{"path":"/","port":8000,"scheme":"HTTP"},"timeoutSeconds":1},"/app-health/cart/livez":{"tcpSocket":{"port":8000},"timeoutSeconds":1}}');
    // The kubelet's probes reach the app only through the agent (from 127.0.0.1), never directly.
    const appLog = await mesh.must(['logs', cart.metadata.name, '-n', 'shop', '-c', 'cart']);
    assert.match(appLog, /^127\.0\.0\.1 - - .*"GET \/ HTTP\/1\.1" 200/m);
    assert.doesNotMatch(appLog, /^10\.250\.0\.1 /m);
  });
});
