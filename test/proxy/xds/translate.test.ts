/**
 * The translators and matchers on their own: each xDS type becomes frozen internal config, and
 * every refusal names the resource and the field; filter chains are chosen in Envoy's order
 * (destination port, then the longest destination prefix, no backtracking); virtual hosts by
 * exact domain, then wildcards, then "*"; weighted clusters by weight; masks trim proto3 JSON.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrefix } from '../../../src/interception/cidr.ts';
import { applyFieldMask } from '../../../src/proxy/admin/field-mask.ts';
import { matchAll, type FilterChainConfig } from '../../../src/proxy/filter-chain/filter-chain-config.ts';
import { selectFilterChain } from '../../../src/proxy/filter-chain/select.ts';
import { pickCluster } from '../../../src/proxy/route/cluster-target.ts';
import { selectVirtualHost } from '../../../src/proxy/route/virtual-host-match.ts';
import { clusterTranslator, endpointTranslator, listenerTranslator, routeTranslator } from '../../../src/proxy/xds/translate/translators.ts';
import { cla, edsCluster, httpListener, inboundCluster, routeConfig, tcpListener, virtualInbound } from './resources.ts';

type Json = Record<string, unknown>;
const clone = (j: Json): Json => JSON.parse(JSON.stringify(j)) as Json;

function refuses(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: Error & { code?: string; proxyCode?: string }) => {
    assert.equal(err.proxyCode, 'MZ_XDS_INVALID_RESOURCE');
    assert.match(err.message, re);
    return true;
  });
}

describe('translators', () => {
  it('turn a cluster into a frozen spec with Istio defaults and metadata', () => {
    const spec = clusterTranslator.translate(edsCluster('outbound|80|v1|web.shop.svc.cluster.local', { lbPolicy: 'LEAST_REQUEST', maxConnections: 7, connectTimeout: '1.5s' }));
    assert.deepEqual(spec, {
      name: 'outbound|80|v1|web.shop.svc.cluster.local', connectTimeoutMs: 1500, lbPolicy: 'LEAST_REQUEST', choiceCount: 2, maxConnections: 7, upstreamBind: undefined,
      http: { protocol: 'http1', maxRequestsPerConnection: 0, idleTimeoutMs: 3600000, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 },
      service: { host: 'web.shop.svc.cluster.local', name: 'web', namespace: 'shop' }, addedViaApi: true, type: 'EDS', serviceName: 'outbound|80|v1|web.shop.svc.cluster.local',
    });
    assert.ok(Object.isFrozen(spec) && Object.isFrozen(spec.service));
    const inbound = clusterTranslator.translate(inboundCluster(8080));
    assert.deepEqual([inbound.type, inbound.upstreamBind, inbound.maxConnections, inbound.service?.name], ['ORIGINAL_DST', '127.0.0.6', 1024, 'echo']);
  });

  it('refuse what Mizzen cannot apply, naming resource and field', () => {
    const c = (patch: Json): Json => ({ ...edsCluster('c1'), ...patch });
    refuses(() => clusterTranslator.translate(c({ lbPolicy: 'LOAD_BALANCING_POLICY_CONFIG' })), /^Cluster c1: lbPolicy: LOAD_BALANCING_POLICY_CONFIG is not supported \(supported: ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV; CLUSTER_PROVIDED with ORIGINAL_DST\)$/);
    refuses(() => clusterTranslator.translate(c({ clusterType: { name: 'envoy.clusters.aggregate' } })), /^Cluster c1: clusterType: custom cluster types are not supported$/);
    refuses(() => clusterTranslator.translate(c({ type: 'ORIGINAL_DST' })), /^Cluster c1: lbPolicy: ROUND_ROBIN is not valid for type ORIGINAL_DST, which needs CLUSTER_PROVIDED$/);
    refuses(() => clusterTranslator.translate(c({ edsClusterConfig: { serviceName: 'x' } })), /^Cluster c1: edsClusterConfig\.edsConfig: only ADS is supported/);
    refuses(() => clusterTranslator.translate(c({ upstreamBindConfig: { sourceAddress: { address: 'localhost', portValue: 0 } } })), /^Cluster c1: upstreamBindConfig\.sourceAddress\.address: "localhost" is not an IP address$/);
    refuses(() => clusterTranslator.translate(c({ transportSocket: { name: 'tls', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext' } } })), /^Cluster c1: transportSocket: TLS upstreams are not supported yet/);
    refuses(() => clusterTranslator.translate({ type: 'EDS' }), /^Cluster: name: is required$/);
    refuses(() => clusterTranslator.translate({ name: 'dns', type: 'STRICT_DNS', loadAssignment: cla('dns', [{ ip: 'bad_host!', port: 80 }]) }),
      /^Cluster dns: loadAssignment\.endpoints\[0\]\.lbEndpoints\[0\]\.endpoint\.address\.socketAddress\.address: "bad_host!" is not an IP address or DNS name$/);
    const badEndpoint = cla('c1', [{ ip: '10.0.0.1', port: 80 }]);
    ((badEndpoint['endpoints'] as Json[])[0]?.['lbEndpoints'] as Json[])[0] = { endpoint: { address: { socketAddress: { address: 'web.local', portValue: 80 } } } };
    refuses(() => endpointTranslator.translate(badEndpoint), /^ClusterLoadAssignment c1: endpoints\[0\]\.lbEndpoints\[0\]\.endpoint\.address\.socketAddress\.address: "web\.local" is not an IP address$/);
    const dupChains = clone(virtualInbound([8080]));
    (dupChains['filterChains'] as Json[]).push((dupChains['filterChains'] as Json[])[0] as Json);
    refuses(() => listenerTranslator.translate(dupChains), /^Listener virtualInbound: filterChains\[2\]: the same filterChainMatch as filterChains\[0\]/);
    const rbac = clone(tcpListener('10.0.0.1', 80, 'c1'));
    ((rbac['filterChains'] as Json[])[0]?.['filters'] as Json[]).unshift({ name: 'envoy.filters.network.rbac' });
    refuses(() => listenerTranslator.translate(rbac), /^Listener 10\.0\.0\.1_80: filterChains\[0\]\.filters\[0\]: network filter "envoy\.filters\.network\.rbac" is not supported/);
    refuses(() => listenerTranslator.translate({ name: 'empty', address: { socketAddress: { address: '0.0.0.0', portValue: 1 } } }), /^Listener empty: filterChains: a listener needs at least one filter chain$/);
    const noRouter = clone(httpListener(80));
    (((noRouter['filterChains'] as Json[])[0]?.['filters'] as Json[])[0]?.['typedConfig'] as Json)['httpFilters'] = [{ name: 'envoy.filters.http.fault' }];
    refuses(() => listenerTranslator.translate(noRouter), /^Listener 0\.0\.0\.0_80: filterChains\[0\]\.filters\[0\]\.typedConfig\.httpFilters\[0\]: the last HTTP filter must be envoy\.filters\.http\.router/);
    refuses(() => routeTranslator.translate(routeConfig('80', [{ name: 'a', domains: ['a'], cluster: 'x' }, { name: 'b', domains: ['A'], cluster: 'y' }])),
      /^RouteConfiguration 80: virtualHosts\[1\]\.domains: duplicate domain "a" \(also in virtual host a\)$/);
    refuses(() => routeTranslator.translate(routeConfig('80', [{ name: 'a', domains: ['a'], weighted: [{ name: 'x', weight: 0 }] }])), /^RouteConfiguration 80: virtualHosts\[0\]\.routes\[0\]\.route\.weightedClusters\.clusters: the weights add up to 0$/);
  });

  it('accept DNS clusters (host names in their endpoints) and the hashing policies', () => {
    const dns = clusterTranslator.translate({ name: 'outbound|80||httpbin.org', type: 'STRICT_DNS', lbPolicy: 'RING_HASH', loadAssignment: cla('outbound|80||httpbin.org', [{ ip: 'httpbin.org', port: 80 }]) });
    assert.equal(dns.type, 'STRICT_DNS');
    assert.equal(dns.lbPolicy, 'RING_HASH');
    assert.deepEqual(dns.type === 'STRICT_DNS' && dns.loadAssignment.localities[0]?.endpoints[0]?.address, { ip: 'httpbin.org', port: 80 });
    assert.equal(clusterTranslator.translate({ ...edsCluster('m'), lbPolicy: 'MAGLEV' }).lbPolicy, 'MAGLEV');
  });

  it('read EDS health, weights, priorities and istio.workload metadata', () => {
    const a = endpointTranslator.translate(cla('c1', [{ ip: '10.0.0.1', port: 80, health: 'DRAINING', workload: 'w;ns;can;rev;Kubernetes' }, { ip: '10.0.0.2', port: 80 }]));
    assert.deepEqual(a.localities[0]?.endpoints.map((e) => [e.health, e.weight, e.peer?.workload ?? '-', e.peer?.app ?? '-']), [['DRAINING', 1, 'w', 'can'], ['HEALTHY', 1, '-', '-']]);
    const bad = cla('c1', [{ ip: '10.0.0.1', port: 80, workload: 'only;three;parts' }]);
    refuses(() => endpointTranslator.translate(bad), /filterMetadata\.istio\.workload: "only;three;parts": expected "workload;namespace;canonical-name;canonical-revision;cluster"/);
  });
});

const chain = (name: string, match: Partial<typeof matchAll>): FilterChainConfig =>
  ({ name, match: { ...matchAll, ...match }, route: { kind: 'tcp_proxy', statPrefix: name, target: { kind: 'cluster', cluster: name } } });

describe('filter chain selection', () => {
  const p = (s: string) => parsePrefix(s) ?? assert.fail(s);
  const chains = [
    chain('port-80', { destinationPort: 80 }),
    chain('port-80-net', { destinationPort: 80, prefixRanges: [p('10.96.0.0/16')] }),
    chain('port-80-host', { destinationPort: 80, prefixRanges: [p('10.96.0.3/32')] }),
    chain('any', {}),
    chain('tls-443', { destinationPort: 443, transportProtocol: 'tls' }),
  ];
  const pick = (ip: string, port: number): string | undefined => selectFilterChain(chains, undefined, { ip, port }, { ip: '10.250.0.9', port: 40000 })?.name;

  it('prefers the destination port, then the longest prefix', () => {
    assert.equal(pick('10.96.0.3', 80), 'port-80-host');
    assert.equal(pick('10.96.7.7', 80), 'port-80-net');
    assert.equal(pick('192.168.1.1', 80), 'port-80');
    assert.equal(pick('192.168.1.1', 22), 'any');
  });

  it('does not backtrack: a port whose chains need TLS has no match for plain TCP', () => {
    assert.equal(pick('10.0.0.1', 443), undefined);
    const fallback = chain('default', {});
    assert.equal(selectFilterChain(chains, fallback, { ip: '10.0.0.1', port: 443 }, undefined)?.name, 'default', 'the default filter chain');
  });
});

describe('virtual hosts and weighted clusters', () => {
  const rc = routeTranslator.translate(routeConfig('80', [
    { name: 'exact', domains: ['10.96.0.3:80', 'web'], cluster: 'web' },
    { name: 'suffix', domains: ['*.svc.cluster.local'], cluster: 'suffix' },
    { name: 'all', domains: ['*'], cluster: 'PassthroughCluster' },
  ]));

  it('selects by exact domain, then wildcard, then "*"', () => {
    assert.equal(selectVirtualHost(rc, ['10.96.0.3:80', '10.96.0.3'])?.name, 'exact');
    assert.equal(selectVirtualHost(rc, ['api.shop.svc.cluster.local'])?.name, 'suffix');
    assert.equal(selectVirtualHost(rc, ['10.96.0.9:80', '10.96.0.9'])?.name, 'all');
  });

  it('draws weighted clusters in proportion to their weights', () => {
    const target = { kind: 'weighted', clusters: [{ name: 'a', weight: 10 }, { name: 'b', weight: 30 }], total: 40 } as const;
    assert.deepEqual([0, 0.249, 0.25, 0.999].map((r) => pickCluster(target, () => r)), ['a', 'a', 'b', 'b']);
  });
});

describe('field mask', () => {
  it('keeps the listed paths (snake or camel case), through repeated fields, and @type', () => {
    const v = { '@type': 't', versionInfo: '1', dynamicListeners: [{ name: 'a', activeState: { versionInfo: '2', listener: {} } }, { name: 'b' }] };
    assert.deepEqual(applyFieldMask(v, 'dynamic_listeners.name, versionInfo'), { '@type': 't', versionInfo: '1', dynamicListeners: [{ name: 'a' }, { name: 'b' }] });
  });
});
