/**
 * Outbound TCP and TLS listeners from VirtualService `tcp` and `tls` rules, as Istio's
 * buildSidecarOutboundTCP/TLSFilterChainOpts make them, checked in the generated LDS and then in
 * the sidecar's own translation and filter chain selection (what the data plane does per
 * connection): static predicates (sourceLabels, port) decided per proxy, destinationSubnets as
 * prefix ranges (TCP and TLS), sniHosts as server names (exact before wildcard), weighted
 * clusters, the first of two matches with the same runtime predicates, and the service default
 * when nothing applies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { generateSidecarListeners } from '../../src/control/xds/lds/listener-generator.ts';
import { selectFilterChain } from '../../src/proxy/filter-chain/select.ts';
import { NO_INSPECTION, type Inspection } from '../../src/proxy/listener/filters/inspect.ts';
import { listenerTranslator } from '../../src/proxy/xds/translate/translators.ts';
import { makeWorld, type Json, type World } from './l4-routes-world.ts';

const ECHO = 'echo.l4.svc.cluster.local';
const VIP = '10.96.7.7';

const CONFIG = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: echo, namespace: l4}
spec:
  host: echo
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: echo, namespace: l4}
spec:
  hosts: [echo.l4.svc.cluster.local, v2.echo.test]
  tcp:
  - match: [{sourceLabels: {role: b}}]
    route: [{destination: {host: echo, subset: v2}}]
  - match: [{destinationSubnets: [10.96.0.0/16]}, {destinationSubnets: [10.96.7.7], port: 1}]
    route: [{destination: {host: echo, subset: v2}}]
  - route: [{destination: {host: echo, subset: v1}, weight: 70}, {destination: {host: echo, subset: v2}, weight: 30}]
  tls:
  - match: [{sniHosts: [v2.echo.test], port: 8443}]
    route: [{destination: {host: echo, subset: v2, port: {number: 8443}}}]
  - match: [{sniHosts: [echo.l4.svc.cluster.local], sourceLabels: {role: b}}]
    route: [{destination: {host: echo, subset: v2, port: {number: 8443}}}]
  - match: [{sniHosts: [echo.l4.svc.cluster.local]}]
    route: [{destination: {host: echo, subset: v1, port: {number: 8443}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: secure, namespace: l4}
spec:
  hosts: ["*.secure.test"]
  location: MESH_EXTERNAL
  resolution: NONE
  ports: [{number: 8443, name: tls, protocol: TLS}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: secure, namespace: l4}
spec:
  hosts: ["*.secure.test"]
  tls:
  - match: [{sniHosts: [a.secure.test]}]
    route: [{destination: {host: echo.l4.svc.cluster.local, subset: v1, port: {number: 8443}}}]
  - match: [{sniHosts: [c.secure.test], destinationSubnets: [198.51.100.0/24]}]
    route: [{destination: {host: echo.l4.svc.cluster.local, subset: v2, port: {number: 8443}}}]
  - match: [{sniHosts: ["*.secure.test"]}]
    route:
    - {destination: {host: echo.l4.svc.cluster.local, subset: v1, port: {number: 8443}}, weight: 50}
    - {destination: {host: echo.l4.svc.cluster.local, subset: v2, port: {number: 8443}}, weight: 50}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b-only, namespace: l4}
spec:
  hosts: [b.secure.test]
  tls:
  - match: [{sniHosts: [b.secure.test]}]
    route: [{destination: {host: echo.l4.svc.cluster.local, subset: v2, port: {number: 8443}}}]
  tcp:
  - route: [{destination: {host: echo.l4.svc.cluster.local, subset: v1, port: {number: 9000}}}]
`;

let world: World;

before(async () => {
  world = await makeWorld(CONFIG, [{
    name: 'echo', namespace: 'l4', clusterIP: VIP, selector: { app: 'echo' },
    ports: [{ name: 'tls', port: 8443, targetPort: 8443 }, { name: 'tcp', port: 9000, targetPort: 9000 }],
  }], [
    { pod: 'echo-v1', namespace: 'l4', ip: '10.250.0.11', labels: { app: 'echo', version: 'v1' } },
    { pod: 'echo-v2', namespace: 'l4', ip: '10.250.0.12', labels: { app: 'echo', version: 'v2' } },
    { pod: 'client', namespace: 'l4', ip: '10.250.0.21', labels: { app: 'client', role: 'a' } },
    { pod: 'client-b', namespace: 'l4', ip: '10.250.0.22', labels: { app: 'client-b', role: 'b' } },
  ]);
});
after(() => world.close());

function listener(pod: string, name: string): Json {
  const all = new Map(generateSidecarListeners(world.proxy(pod, 'l4'), world.push()).map((r) => [r.name, r.resource]));
  const l = all.get(name);
  assert.ok(l, `${name} among ${[...all.keys()].join(' ')}`);
  return l;
}

const proxyOf = (c: Json): Json => ((c['filters'] as Json[])[0]?.['typedConfig'] ?? {}) as Json;

/** Where the sidecar sends a connection to `ip:port` with `sni` through this listener: a cluster, or weights. */
function pick(l: Json, ip: string, port: number, sni?: string): string | undefined {
  const cfg = listenerTranslator.translate(l);
  const inspection: Inspection = sni ? { ...NO_INSPECTION, transportProtocol: 'tls', serverName: sni } : NO_INSPECTION;
  const route = selectFilterChain(cfg.filterChains, cfg.defaultFilterChain, { ip, port }, undefined, inspection)?.route;
  if (route?.kind !== 'tcp_proxy') return route?.kind;
  return route.statPrefix;
}

describe('VirtualService tcp rules -> outbound TCP filter chains', () => {
  it('role a: subnet matches become one prefix-range chain, the weighted rule is the terminal chain', () => {
    const l = listener('client', `${VIP}_9000`);
    const chains = l['filterChains'] as Json[];
    assert.deepEqual(chains.map((c) => c['filterChainMatch']), [{ prefixRanges: [{ addressPrefix: '10.96.0.0', prefixLen: 16 }] }, undefined],
      'the port-1 match does not apply on port 9000');
    assert.equal(proxyOf(chains[0] ?? {})['cluster'], `outbound|9000|v2|${ECHO}`);
    assert.deepEqual(proxyOf(chains[1] ?? {})['weightedClusters'], { clusters: [{ name: `outbound|9000|v1|${ECHO}`, weight: 70 }, { name: `outbound|9000|v2|${ECHO}`, weight: 30 }] });
    assert.equal(pick(l, VIP, 9000), `outbound|9000|v2|${ECHO}`, 'the VIP is in 10.96.0.0/16');
    assert.equal(pick(l, '10.97.0.1', 9000), `outbound|9000||${ECHO}`, 'outside the subnet: the weighted chain (stat prefix of the service)');
  });

  it('role b: the sourceLabels rule applies and is terminal', () => {
    const chains = listener('client-b', `${VIP}_9000`)['filterChains'] as Json[];
    assert.equal(chains.length, 1);
    assert.equal(chains[0]?.['filterChainMatch'], undefined);
    assert.equal(proxyOf(chains[0] ?? {})['cluster'], `outbound|9000|v2|${ECHO}`);
  });
});

describe('VirtualService tls rules -> outbound TLS filter chains (SNI)', () => {
  it('a service with a VIP: a chain per applicable match, tls_inspector; role b takes the first of two equal SNI matches', () => {
    const a = listener('client', `${VIP}_8443`);
    assert.deepEqual((a['listenerFilters'] as Json[]).map((f) => f['name']), ['envoy.filters.listener.tls_inspector']);
    assert.deepEqual((a['filterChains'] as Json[]).map((c) => c['filterChainMatch']), [{ serverNames: ['v2.echo.test'] }, { serverNames: [ECHO] }]);
    assert.equal(pick(a, VIP, 8443, 'v2.echo.test'), `outbound|8443|v2|${ECHO}`);
    assert.equal(pick(a, VIP, 8443, ECHO), `outbound|8443|v1|${ECHO}`);
    assert.equal(pick(a, VIP, 8443, 'other.test'), undefined, 'no chain for another SNI on a VIP listener');
    const b = listener('client-b', `${VIP}_8443`);
    assert.equal(pick(b, VIP, 8443, ECHO), `outbound|8443|v2|${ECHO}`);
  });

  it('a wildcard ServiceEntry without addresses: exact SNI before the wildcard, weighted, other VirtualServices of names under it, fallthrough', () => {
    const l = listener('client', '0.0.0.0_8443');
    assert.deepEqual((l['filterChains'] as Json[]).map((c) => c['filterChainMatch']), [
      { serverNames: ['a.secure.test'] },
      { serverNames: ['c.secure.test'], prefixRanges: [{ addressPrefix: '198.51.100.0', prefixLen: 24 }] },
      { serverNames: ['*.secure.test'] },
      { serverNames: ['b.secure.test'] },
    ]);
    assert.equal(pick(l, '203.0.113.7', 8443, 'a.secure.test'), `outbound|8443|v1|${ECHO}`);
    assert.equal(pick(l, '198.51.100.9', 8443, 'c.secure.test'), `outbound|8443|v2|${ECHO}`, 'SNI and destination subnet');
    assert.equal(pick(l, '203.0.113.7', 8443, 'c.secure.test'), 'outbound|8443||*.secure.test', 'outside the subnet: the wildcard chain');
    const weighted = (l['filterChains'] as Json[])[2] ?? {};
    assert.deepEqual(proxyOf(weighted)['weightedClusters'], { clusters: [{ name: `outbound|8443|v1|${ECHO}`, weight: 50 }, { name: `outbound|8443|v2|${ECHO}`, weight: 50 }] });
    assert.equal(pick(l, '203.0.113.7', 8443, 'd.secure.test'), 'outbound|8443||*.secure.test', 'the weighted chain (stat prefix of the service)');
    assert.equal(pick(l, '203.0.113.7', 8443, 'b.secure.test'), `outbound|8443|v2|${ECHO}`,
      'a VirtualService for a name under the wildcard host adds its chain (Istio\'s getConfigsForHost); its tcp rule is not for a TLS port');
    assert.equal(pick(l, '203.0.113.7', 8443, 'example.org'), 'PassthroughCluster');
  });
});
