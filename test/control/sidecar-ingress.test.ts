/**
 * The Sidecar resource's ingress listeners and workloadSelector in generation: which Sidecar
 * applies (the one selecting the pod beats the namespace-wide one, which beats the root
 * namespace's), inbound ports taken from the ingress listeners alone (port, declared protocol),
 * and inbound|PORT|| as a STATIC cluster to defaultEndpoint (127.0.0.1:PORT, or the pod's IP for
 * 0.0.0.0:PORT), accepted by the sidecar's cluster translator; without ingress, ORIGINAL_DST.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultEndpoint, inboundPorts } from '../../src/control/model/inbound-ports.ts';
import { generateSidecarClusters } from '../../src/control/xds/cds/cluster-generator.ts';
import { generateSidecarListeners } from '../../src/control/xds/lds/listener-generator.ts';
import { clusterTranslator } from '../../src/proxy/xds/translate/translators.ts';
import { makeWorld, type Json, type World } from './l4-routes-world.ts';

const CONFIG = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: ing}
spec:
  ingress:
  - port: {number: 8080, protocol: HTTP, name: http}
    defaultEndpoint: 0.0.0.0:9090
  - port: {number: 7000, protocol: TCP, name: tcp}
  - port: {number: 7001, protocol: TCP, name: tcp-uds}
    defaultEndpoint: unix:///var/run/app.sock
    captureMode: NONE
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: app, namespace: ing}
spec:
  workloadSelector: {labels: {app: app}}
  ingress:
  - port: {number: 8080, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:9091
---
apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: default, namespace: istio-system}
spec:
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
`;

let world: World;

before(async () => {
  world = await makeWorld(CONFIG, [
    { name: 'app', namespace: 'ing', clusterIP: '10.96.9.1', selector: { app: 'app' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    { name: 'plain', namespace: 'other', clusterIP: '10.96.9.3', selector: { app: 'plain' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  ], [
    { pod: 'app', namespace: 'ing', ip: '10.250.9.1', labels: { app: 'app' } },
    { pod: 'app2', namespace: 'ing', ip: '10.250.9.2', labels: { app: 'app2' } },
    { pod: 'plain', namespace: 'other', ip: '10.250.9.3', labels: { app: 'plain' } },
  ]);
});
after(() => world.close());

const clusterOf = (pod: string, ns: string, name: string): Json | undefined =>
  generateSidecarClusters(world.proxy(pod, ns), world.push()).find((c) => c.name === name)?.resource;

describe('Sidecar workloadSelector and ingress listeners', () => {
  it('the Sidecar selecting the pod wins over the namespace-wide one; the root namespace\'s applies where none is', () => {
    const push = world.push();
    assert.equal(push.sidecarScope(world.proxy('app', 'ing')).name, 'Sidecar ing/app');
    assert.equal(push.sidecarScope(world.proxy('app2', 'ing')).name, 'Sidecar ing/default');
    const plain = push.sidecarScope(world.proxy('plain', 'other'));
    assert.equal(plain.name, 'Sidecar istio-system/default');
    assert.equal(plain.outboundTrafficPolicy, 'REGISTRY_ONLY');
  });

  it('inbound ports come from the ingress listeners only, with their protocol and endpoint', () => {
    const push = world.push();
    assert.deepEqual(inboundPorts(world.proxy('app2', 'ing'), push).map((p) => [p.port, p.protocol, p.endpoint]), [
      [7000, 'TCP', undefined], [7001, 'TCP', undefined], [8080, 'HTTP', { address: '10.250.9.2', port: 9090 }],
    ]);
    const app = inboundPorts(world.proxy('app', 'ing'), push);
    assert.deepEqual(app.map((p) => [p.port, p.endpoint, p.services.map((s) => s.hostname)]), [[8080, { address: '127.0.0.1', port: 9091 }, ['app.ing.svc.cluster.local']]]);
  });

  it('what is not supported (a unix socket endpoint, captureMode NONE) is said in istiod\'s log, once per push', () => {
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (m: string) => void warnings.push(m) };
    const push = world.push(log);
    inboundPorts(world.proxy('app2', 'ing'), push);
    inboundPorts(world.proxy('app2', 'ing'), push);
    assert.deepEqual(warnings, [
      'Sidecar ingress port 7001 of ing/app2: defaultEndpoint "unix:///var/run/app.sock" (a unix socket) is not supported; the original destination is used',
      'Sidecar ingress port 7001 of ing/app2: captureMode NONE is not supported; the port is served from the captured virtualInbound',
    ]);
  });

  it('defaultEndpoint: 127.0.0.1, ::1, and 0.0.0.0 or none (the pod IP) with a port; unix:// is not an endpoint', () => {
    const p = { ipAddresses: ['10.250.9.9'] };
    assert.deepEqual(defaultEndpoint('127.0.0.1:81', p), { address: '127.0.0.1', port: 81 });
    assert.deepEqual(defaultEndpoint('0.0.0.0:82', p), { address: '10.250.9.9', port: 82 });
    assert.deepEqual(defaultEndpoint(':83', p), { address: '10.250.9.9', port: 83 });
    assert.deepEqual(defaultEndpoint('[::1]:84', p), { address: '::1', port: 84 });
    assert.equal(defaultEndpoint('unix:///var/run/app.sock', p), undefined);
    assert.equal(defaultEndpoint(undefined, p), undefined);
  });

  it('inbound|8080|| is STATIC to the endpoint, bound to 127.0.0.6, and the sidecar accepts it', () => {
    const c = clusterOf('app', 'ing', 'inbound|8080||');
    assert.ok(c);
    assert.equal(c['type'], 'STATIC');
    assert.deepEqual(c['loadAssignment'], {
      clusterName: 'inbound|8080||',
      endpoints: [{ lbEndpoints: [{ endpoint: { address: { socketAddress: { address: '127.0.0.1', portValue: 9091 } } } }] }],
    });
    assert.deepEqual(c['upstreamBindConfig'], { sourceAddress: { address: '127.0.0.6', portValue: 0 } });
    const spec = clusterTranslator.translate(c) as unknown as Json;
    assert.equal(spec['type'], 'STATIC');
    assert.equal(clusterOf('app2', 'ing', 'inbound|7000||')?.['type'], 'ORIGINAL_DST', 'no defaultEndpoint: the original destination');
    assert.equal(clusterOf('plain', 'other', 'inbound|8080||')?.['type'], 'ORIGINAL_DST', 'no ingress: as before');
  });

  it('virtualInbound has a chain per ingress port', () => {
    const vi = generateSidecarListeners(world.proxy('app2', 'ing'), world.push()).find((l) => l.name === 'virtualInbound')?.resource;
    const ports = ((vi?.['filterChains'] ?? []) as Json[]).map((c) => (c['filterChainMatch'] as Json | undefined)?.['destinationPort']).filter((p) => p !== undefined);
    assert.deepEqual(ports, [7000, 7001, 8080]);
  });
});
