/**
 * exportTo in generation: `.`, `*`, `~` and namespace names on VirtualServices, DestinationRules
 * and ServiceEntries, and on Kubernetes Services (registry.json's exportTo, written by the
 * runtime from the networking.istio.io/exportTo annotation): what each namespace's sidecar sees.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { exportedTo } from '../../src/control/model/visibility.ts';
import { makeWorld, type World } from './l4-routes-world.ts';

const CONFIG = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: a}
spec:
  hosts: [web]
  exportTo: ["."]
  http: [{route: [{destination: {host: web}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: a}
spec:
  host: web
  exportTo: [b]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: hidden, namespace: a}
spec:
  hosts: [hidden.test]
  exportTo: ["~"]
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: local, namespace: a}
spec:
  hosts: [local.test]
  exportTo: ["."]
  resolution: DNS
  ports: [{number: 80, name: http, protocol: HTTP}]
`;

let world: World;

before(async () => {
  world = await makeWorld(CONFIG, [
    { name: 'web', namespace: 'a', clusterIP: '10.96.5.1', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    { name: 'private', namespace: 'a', clusterIP: '10.96.5.2', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], exportTo: ['.'] },
    { name: 'shared', namespace: 'a', clusterIP: '10.96.5.3', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }], exportTo: ['c'] },
  ], [
    { pod: 'ca', namespace: 'a', ip: '10.250.5.1', labels: { app: 'client' } },
    { pod: 'cb', namespace: 'b', ip: '10.250.5.2', labels: { app: 'client' } },
    { pod: 'cc', namespace: 'c', ip: '10.250.5.3', labels: { app: 'client' } },
  ]);
});
after(() => world.close());

describe('exportTo', () => {
  it('the visibility rule: absent or * everyone, . the owner, ~ no one, names those namespaces', () => {
    assert.equal(exportedTo(undefined, 'a', 'b'), true);
    assert.equal(exportedTo(['*'], 'a', 'b'), true);
    assert.equal(exportedTo(['.'], 'a', 'a'), true);
    assert.equal(exportedTo(['.'], 'a', 'b'), false);
    assert.equal(exportedTo(['~'], 'a', 'a'), false);
    assert.equal(exportedTo(['.', 'c'], 'a', 'c'), true);
  });

  it('services and ServiceEntries: each namespace sees what is exported to it', () => {
    const push = world.push();
    const hosts = (pod: string, ns: string): string[] => push.sidecarScope(world.proxy(pod, ns)).services.map((s) => s.hostname)
      .filter((h) => !h.includes('istiod'));
    assert.deepEqual(hosts('ca', 'a'), ['local.test', 'private.a.svc.cluster.local', 'web.a.svc.cluster.local']);
    assert.deepEqual(hosts('cb', 'b'), ['web.a.svc.cluster.local']);
    assert.deepEqual(hosts('cc', 'c'), ['shared.a.svc.cluster.local', 'web.a.svc.cluster.local']);
  });

  it('VirtualService exported to "." routes only its namespace; DestinationRule exported to b applies only there', () => {
    const push = world.push();
    assert.equal(push.virtualServiceFor(world.proxy('ca', 'a'), 'web.a.svc.cluster.local')?.resource.metadata.name, 'web');
    assert.equal(push.virtualServiceFor(world.proxy('cb', 'b'), 'web.a.svc.cluster.local'), undefined);
    const svc = { hostname: 'web.a.svc.cluster.local', namespace: 'a' };
    assert.equal(push.destinationRules.forService(world.proxy('ca', 'a'), svc), undefined);
    assert.equal(push.destinationRules.forService(world.proxy('cb', 'b'), svc)?.metadata.name, 'web');
  });
});
