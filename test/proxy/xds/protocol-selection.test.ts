/**
 * Protocol selection on the sidecar side: listener filters (tls_inspector, http_inspector with
 * filter_disabled), listener_filters_timeout and continue_on_listener_filters_timeout become
 * ListenerConfig.inspection; unknown filters are refused by field; filter chains are selected
 * with the inspection in Envoy's order (server names exact then longest wildcard, transport
 * protocol, application protocols); inspectionNeeds says what to inspect; a cluster's
 * HttpProtocolOptions and thresholds become ClusterSpec.http.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inspectionNeeds } from '../../../src/proxy/filter-chain/inspection-needs.ts';
import { selectFilterChain } from '../../../src/proxy/filter-chain/select.ts';
import { NO_INSPECTION, type Inspection } from '../../../src/proxy/listener/filters/inspect.ts';
import { registryClusters } from '../../../src/proxy/config/registry-clusters.ts';
import { clusterTranslator, listenerTranslator } from '../../../src/proxy/xds/translate/translators.ts';
import { edsCluster, TCP_PROXY } from './resources.ts';

type Json = Record<string, unknown>;
const T = 'type.googleapis.com/';
const tcp = (cluster: string): Json => ({ name: 'envoy.filters.network.tcp_proxy', typedConfig: { '@type': TCP_PROXY, statPrefix: cluster, cluster } });
const chain = (name: string, match?: Json): Json => ({ name, ...(match ? { filterChainMatch: match } : {}), filters: [tcp(name)] });
const listener = (extra: Json): Json => ({
  name: 'l', address: { socketAddress: { address: '0.0.0.0', portValue: 443 } }, bindToPort: false, filterChains: [chain('any')], ...extra,
});
const TLS_INSPECTOR = { name: 'envoy.filters.listener.tls_inspector', typedConfig: { '@type': `${T}envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector` } };
const HTTP_INSPECTOR = { name: 'envoy.filters.listener.http_inspector', typedConfig: { '@type': `${T}envoy.extensions.filters.listener.http_inspector.v3.HttpInspector` } };

function refuses(fn: () => unknown, re: RegExp): void {
  assert.throws(fn, (err: Error & { proxyCode?: string }) => {
    assert.equal(err.proxyCode, 'MZ_XDS_INVALID_RESOURCE');
    assert.match(err.message, re);
    return true;
  });
}

describe('listener filters -> ListenerConfig.inspection', () => {
  it('no listener filters: nothing to inspect', () => {
    const cfg = listenerTranslator.translate(listener({}));
    assert.deepEqual(cfg.inspection, { tls: false, http: false, timeoutMs: 15_000, continueOnTimeout: false, tlsDisabled: undefined, httpDisabled: undefined });
    assert.ok(Object.isFrozen(cfg.inspection));
  });

  it('the inspectors, the timeout and Istio\'s filter_disabled', () => {
    const cfg = listenerTranslator.translate(listener({
      listenerFilters: [
        { name: 'envoy.filters.listener.original_dst' },
        { ...TLS_INSPECTOR, filterDisabled: { destinationPortRange: { start: 3306, end: 3307 } } },
        { ...HTTP_INSPECTOR, filterDisabled: { orMatch: { rules: [{ destinationPortRange: { start: 80, end: 81 } }, { notMatch: { anyMatch: true } }] } } },
      ],
      listenerFiltersTimeout: '0.25s', continueOnListenerFiltersTimeout: true,
    }));
    assert.deepEqual(cfg.inspection, {
      tls: true, http: true, timeoutMs: 250, continueOnTimeout: true,
      tlsDisabled: { kind: 'destinationPortRange', start: 3306, end: 3307 },
      httpDisabled: { kind: 'or', rules: [{ kind: 'destinationPortRange', start: 80, end: 81 }, { kind: 'not', rule: { kind: 'any' } }] },
    });
  });

  it('refuses unknown listener filters and bad predicates, naming the field', () => {
    refuses(() => listenerTranslator.translate(listener({ listenerFilters: [HTTP_INSPECTOR, { name: 'envoy.filters.listener.proxy_protocol' }] })),
      /^Listener l: listenerFilters\[1\]: listener filter "envoy\.filters\.listener\.proxy_protocol" is not supported/);
    refuses(() => listenerTranslator.translate(listener({ listenerFilters: [{ name: 'envoy.filters.listener.http_inspector', typedConfig: TLS_INSPECTOR.typedConfig }] })),
      /^Listener l: listenerFilters\[0\]\.typedConfig: envoy\.extensions\.filters\.listener\.tls_inspector\.v3\.TlsInspector is not the config of envoy\.filters\.listener\.http_inspector/);
    refuses(() => listenerTranslator.translate(listener({ listenerFilters: [{ ...HTTP_INSPECTOR, filterDisabled: { destinationPortRange: { start: 90, end: 80 } } }] })),
      /^Listener l: listenerFilters\[0\]\.filterDisabled\.destinationPortRange: \[90, 80\) is not a port range/);
    refuses(() => listenerTranslator.translate(listener({ listenerFilters: [{ ...HTTP_INSPECTOR, filterDisabled: {} }] })),
      /^Listener l: listenerFilters\[0\]\.filterDisabled: a filter_disabled predicate needs one of/);
    refuses(() => listenerTranslator.translate(listener({ listenerFiltersTimeout: 'soon' })), /^Listener l: listenerFiltersTimeout: /);
    refuses(() => listenerTranslator.translate(listener({ filterChains: [chain('a', { serverNames: ['a*.x.com'] })] })),
      /^Listener l: filterChains\[0\]\.filterChainMatch\.serverNames\[0\]: "a\*\.x\.com": partial wildcards are not supported/);
  });
});

describe('filter chain selection with an inspection', () => {
  const cfg = listenerTranslator.translate(listener({
    listenerFilters: [TLS_INSPECTOR, HTTP_INSPECTOR],
    listenerFiltersTimeout: '1s',
    filterChains: [
      chain('exact', { serverNames: ['api.x.com'] }),
      chain('wild', { serverNames: ['*.x.com'] }),
      chain('wilder', { serverNames: ['*.b.x.com'] }),
      chain('tls', { transportProtocol: 'tls' }),
      chain('h2', { transportProtocol: 'tls', applicationProtocols: ['h2'] }),
      chain('http', { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1', 'h2c'] }),
      chain('raw', { transportProtocol: 'raw_buffer' }),
      chain('other-port', { destinationPort: 8443, transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1'] }),
    ],
  }));
  const dst = { ip: '10.0.0.1', port: 443 };
  const tls = (serverName: string, alpn: string[] = []): Inspection => ({ transportProtocol: 'tls', serverName, applicationProtocols: alpn });
  const pick = (i: Inspection, d = dst): string | undefined => selectFilterChain(cfg.filterChains, cfg.defaultFilterChain, d, undefined, i)?.name;

  it('server names: exact, then the longest wildcard, then chains without server names', () => {
    assert.equal(pick(tls('API.x.com')), 'exact');
    assert.equal(pick(tls('www.x.com')), 'wild');
    assert.equal(pick(tls('a.b.x.com')), 'wilder');
    assert.equal(pick(tls('deep.a.b.x.com')), 'wilder', 'a wildcard covers several labels');
    assert.equal(pick(tls('x.com')), 'tls', '*.x.com does not match x.com itself');
    assert.equal(pick(tls('')), 'tls', 'no SNI: only chains without server names');
  });

  it('transport protocol, then application protocols in the connection\'s order', () => {
    assert.equal(pick(tls('', ['h2', 'http/1.1'])), 'h2');
    assert.equal(pick(tls('', ['http/1.1'])), 'tls', 'no chain lists it: the chain with none');
    assert.equal(pick({ ...NO_INSPECTION, applicationProtocols: ['h2c'] }), 'http');
    assert.equal(pick(NO_INSPECTION), 'raw', 'the default when nothing was inspected');
    assert.equal(pick({ ...NO_INSPECTION, applicationProtocols: ['http/1.1'] }, { ip: '10.0.0.1', port: 8443 }), 'other-port');
    assert.equal(pick(NO_INSPECTION, { ip: '10.0.0.1', port: 8443 }), undefined, 'no backtracking past the destination port');
  });

  it('inspectionNeeds: what the chains left for the destination can match on', () => {
    assert.deepEqual(inspectionNeeds(cfg, dst), { tls: true, http: true, timeoutMs: 1000 });
    assert.deepEqual(inspectionNeeds(cfg), { tls: true, http: true, timeoutMs: 1000 });
    assert.deepEqual(inspectionNeeds(cfg, { ip: '10.0.0.1', port: 8443 }), { tls: false, http: true, timeoutMs: 1000 });
    const noInspectors = listenerTranslator.translate(listener({ filterChains: [chain('h', { applicationProtocols: ['h2c'] }), chain('t')] }));
    assert.deepEqual(inspectionNeeds(noInspectors, dst), { tls: false, http: false, timeoutMs: 0 }, 'without http_inspector nothing is inspected');
    const disabled = listenerTranslator.translate(listener({
      listenerFilters: [{ ...HTTP_INSPECTOR, filterDisabled: { destinationPortRange: { start: 443, end: 444 } } }],
      filterChains: [chain('h', { applicationProtocols: ['h2c'] }), chain('t')],
    }));
    assert.equal(inspectionNeeds(disabled, dst).http, false, 'filter_disabled for the port');
    assert.equal(inspectionNeeds(disabled, { ip: '10.0.0.1', port: 80 }).http, true);
  });
});

describe('cluster HttpProtocolOptions -> ClusterSpec.http', () => {
  const HPO = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
  const withOptions = (opts: Json, extra: Json = {}): Json => ({
    ...edsCluster('outbound|80||web.default.svc.cluster.local'), ...extra,
    typedExtensionProtocolOptions: { [HPO]: { '@type': `${T}${HPO}`, ...opts } },
  });

  it('explicit HTTP/2, common options and the thresholds', () => {
    const spec = clusterTranslator.translate(withOptions(
      { explicitHttpConfig: { http2ProtocolOptions: { maxConcurrentStreams: 100 } }, commonHttpProtocolOptions: { idleTimeout: '30s', maxRequestsPerConnection: 5 } },
      { circuitBreakers: { thresholds: [{ priority: 'HIGH', maxRequests: 1 }, { maxConnections: 10, maxPendingRequests: 11, maxRequests: 12, maxRetries: 13 }] } },
    ));
    assert.deepEqual(spec.http, { protocol: 'http2', maxRequestsPerConnection: 5, idleTimeoutMs: 30_000, maxPendingRequests: 11, maxRequests: 12, maxRetries: 13 });
    assert.equal(spec.maxConnections, 10);
    assert.ok(Object.isFrozen(spec.http));
  });

  it('use_downstream_protocol_config, explicit HTTP/1.1, and the deprecated cluster fields', () => {
    assert.equal(clusterTranslator.translate(withOptions({ useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions: {} } })).http.protocol, 'downstream');
    assert.equal(clusterTranslator.translate(withOptions({ explicitHttpConfig: { httpProtocolOptions: {} } })).http.protocol, 'http1');
    assert.equal(clusterTranslator.translate({ ...edsCluster('c'), http2ProtocolOptions: {} }).http.protocol, 'http2');
    assert.equal(clusterTranslator.translate({ ...edsCluster('c'), protocolSelection: 'USE_DOWNSTREAM_PROTOCOL' }).http.protocol, 'downstream');
  });

  it('Envoy\'s defaults without options or thresholds: HTTP/1.1, 1 h idle, 1024 pending and requests, 3 retries', () => {
    const bare = { name: 'c', type: 'STATIC', loadAssignment: { clusterName: 'c', endpoints: [] } };
    assert.deepEqual(clusterTranslator.translate(bare).http, { protocol: 'http1', maxRequestsPerConnection: 0, idleTimeoutMs: 3_600_000, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 });
  });

  it('refuses what it cannot do, naming the field', () => {
    refuses(() => clusterTranslator.translate(withOptions({ autoConfig: {} })), /typedExtensionProtocolOptions\."envoy\.extensions\.upstreams\.http\.v3\.HttpProtocolOptions"\.autoConfig: auto_config/);
    refuses(() => clusterTranslator.translate(withOptions({ explicitHttpConfig: { http3ProtocolOptions: {} } })), /explicitHttpConfig\.http3ProtocolOptions: HTTP\/3 is not supported/);
    refuses(() => clusterTranslator.translate({ ...edsCluster('c'), typedExtensionProtocolOptions: { 'envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions': {} } }),
      /^Cluster c: typedExtensionProtocolOptions\."envoy\.extensions\.upstreams\.tcp\.v3\.TcpProtocolOptions": protocol options .* are not supported/);
  });

  it('registry-mode clusters speak HTTP/1.1 with Istio\'s unlimited thresholds', () => {
    const { specs } = registryClusters(undefined, { local: { instanceIp: '10.250.0.2', namespace: 'default', labels: {}, containerPorts: [8080] }, clusterId: 'Kubernetes', connectTimeoutMs: 1000 });
    for (const s of specs) assert.deepEqual(s.http, { protocol: 'http1', maxRequestsPerConnection: 0, idleTimeoutMs: 3_600_000, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 }, s.name);
  });
});
