/**
 * Delegate VirtualServices merged into their roots (Istio's mergeVirtualServicesIfNeeded):
 * Istio's string match conflict table; match merging (the delegate's conditions ANDed with each
 * root match that contains it, a conflicting delegate rule dropped); policies inherited from the
 * root rule; a missing or unexported delegate dropping only its rule; short destination hosts
 * resolved in the delegate's namespace; gateway-bound roots merged alike; and the merged routes
 * in RDS for a sidecar, simulated.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { matchConflict, mergeDelegates, mergeMatches, stringMatchConflict } from '../../src/control/model/delegate-virtual-services.ts';
import { simulateRoute } from '../../src/control/xds/debug/route-simulator.ts';
import { generateSidecarRoutes } from '../../src/control/xds/rds/route-generator.ts';
import { makeWorld, type Json, type World } from './l4-routes-world.ts';

describe('delegate match merging (Istio semantics)', () => {
  it('string matches: a leaf must stay within the root', () => {
    const cases: [object | undefined, object | undefined, boolean][] = [
      [undefined, { prefix: '/a' }, false], [{ prefix: '/a' }, undefined, false],
      [{ prefix: '/a' }, { prefix: '/a/b' }, false], [{ prefix: '/a/b' }, { prefix: '/a' }, true],
      [{ prefix: '/a' }, { exact: '/a/x' }, false], [{ prefix: '/a' }, { exact: '/b' }, true],
      [{ exact: '/a' }, { exact: '/a' }, false], [{ exact: '/a' }, { exact: '/b' }, true], [{ exact: '/a' }, { prefix: '/a' }, true],
      [{ regex: '/a.*' }, { prefix: '/a' }, true], [{ prefix: '/a' }, { regex: '/a.*' }, true],
    ];
    for (const [root, leaf, conflict] of cases) assert.equal(stringMatchConflict(root, leaf), conflict, `${JSON.stringify(root)} vs ${JSON.stringify(leaf)}`);
  });

  it('other conditions: ignoreUriCase must agree, port, sourceNamespace, sourceLabels and gateways must not contradict', () => {
    assert.equal(matchConflict({ ignoreUriCase: true }, {}), true);
    assert.equal(matchConflict({ port: 80 }, { port: 81 }), true);
    assert.equal(matchConflict({ port: 80 }, {}), false);
    assert.equal(matchConflict({ sourceNamespace: 'a' }, { sourceNamespace: 'b' }), true);
    assert.equal(matchConflict({ sourceLabels: { app: 'x' } }, { sourceLabels: { app: 'y' } }), true);
    assert.equal(matchConflict({ sourceLabels: { app: 'x' } }, { sourceLabels: { v: '1' } }), false);
    assert.equal(matchConflict({ gateways: ['mesh'] }, { gateways: ['mesh', 'gw'] }), true);
    assert.equal(matchConflict({ headers: { a: { exact: '1' } } }, { headers: { a: { exact: '2' } } }), true);
  });

  it('merged matches: each delegate match with every root match containing it, root conditions filled in', () => {
    const root = [{ uri: { prefix: '/p' }, name: 'r1' }, { headers: { 'x-a': { exact: '1' } }, name: 'r2' }];
    assert.deepEqual(mergeMatches(root, [{ headers: { 'x-b': { exact: '2' } }, name: 'd' }]), [
      { uri: { prefix: '/p' }, headers: { 'x-b': { exact: '2' } }, name: 'r1-d' },
      { headers: { 'x-a': { exact: '1' }, 'x-b': { exact: '2' } }, name: 'r2-d' },
    ]);
    assert.equal(mergeMatches([{ uri: { prefix: '/p' } }], [{ uri: { prefix: '/q' } }]), undefined);
    assert.deepEqual(mergeMatches(undefined, [{ uri: { prefix: '/q' } }]), [{ uri: { prefix: '/q' } }]);
    assert.deepEqual(mergeMatches([{ uri: { prefix: '/p' } }], []), [{ uri: { prefix: '/p' } }]);
  });
});

const CONFIG = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: root, namespace: web}
spec:
  hosts: [echo]
  http:
  - name: team
    match: [{uri: {prefix: /team}}]
    timeout: 3s
    delegate: {name: team, namespace: team}
  - match: [{uri: {prefix: /hidden}}]
    delegate: {name: hidden, namespace: team}
  - match: [{uri: {prefix: /missing}}]
    delegate: {name: nope}
  - route: [{destination: {host: echo}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: web}
spec:
  hosts: [echo.example.com]
  gateways: [istio-system/ingress]
  http:
  - match: [{uri: {prefix: /team}}]
    delegate: {name: team, namespace: team}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: team, namespace: team}
spec:
  http:
  - name: v2
    match: [{uri: {prefix: /team/v2}}]
    route: [{destination: {host: backend}}]
  - match: [{uri: {prefix: /elsewhere}}]
    route: [{destination: {host: backend}}]
  - timeout: 1s
    route: [{destination: {host: echo.web.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hidden, namespace: team}
spec:
  exportTo: ["."]
  http:
  - route: [{destination: {host: backend}}]
`;

describe('mergeDelegates and RDS', () => {
  let world: World;
  before(async () => {
    world = await makeWorld(CONFIG, [
      { name: 'echo', namespace: 'web', clusterIP: '10.96.8.1', selector: { app: 'echo' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
      { name: 'backend', namespace: 'team', clusterIP: '10.96.8.2', selector: { app: 'backend' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
    ], [{ pod: 'client', namespace: 'web', ip: '10.250.8.9', labels: { app: 'client' } }]);
  });
  after(() => world.close());

  it('replaces delegate rules by the merged delegate rules; delegates themselves are left out', () => {
    const merged = mergeDelegates(world.store.list('VirtualService'));
    assert.deepEqual(merged.map((v) => v.metadata.name).sort(), ['edge', 'root']);
    const http = merged.find((v) => v.metadata.name === 'root')?.spec.http ?? [];
    assert.deepEqual(http.map((r) => [r.name, r.match, r.timeout, r.route?.[0]?.destination.host]), [
      ['team-v2', [{ uri: { prefix: '/team/v2' } }], '3s', 'backend.team.svc.cluster.local'],
      ['team', [{ uri: { prefix: '/team' } }], '1s', 'echo.web.svc.cluster.local'],
      [undefined, undefined, undefined, 'echo'],
    ]);
  });

  it('a root bound to a gateway is merged the same way (the gateway sees the merged rules)', () => {
    const edge = world.push().gatewayVirtualServices().find((v) => v.resource.metadata.name === 'edge');
    assert.deepEqual(edge?.resource.spec.http?.map((r) => r.match?.[0]?.uri), [{ prefix: '/team/v2' }, { prefix: '/team' }]);
  });

  it('RDS: the sidecar routes by the merged rules', () => {
    const [rc] = generateSidecarRoutes(world.proxy('client', 'web'), world.push(), ['80']);
    assert.ok(rc);
    const go = (path: string): string | undefined => simulateRoute(rc.resource as Json, { host: 'echo', path }).cluster;
    assert.equal(go('/team/v2/x'), 'outbound|80||backend.team.svc.cluster.local');
    assert.equal(go('/team/x'), 'outbound|80||echo.web.svc.cluster.local');
    assert.equal(go('/elsewhere'), 'outbound|80||echo.web.svc.cluster.local', 'the conflicting delegate rule is dropped');
    assert.equal(go('/hidden'), 'outbound|80||echo.web.svc.cluster.local', 'a delegate exported to its own namespace only is ignored');
    assert.equal(go('/missing'), 'outbound|80||echo.web.svc.cluster.local');
  });
});
