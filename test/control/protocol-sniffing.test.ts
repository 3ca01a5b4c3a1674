/**
 * Istio's protocol selection as generated: an undeclared port (Unsupported) gets an outbound
 * listener with http_inspector, an HTTP chain for application protocols http/1.1, http/1.0,
 * h2c and a tcp_proxy chain, and two inbound chains; declared HTTP, HTTP2, GRPC, TCP and MySQL
 * ports get no inspection-dependent chain (MySQL's server-first greeting is never held). CDS
 * says the upstream HTTP protocol (HTTP/2 for http2/grpc and h2UpgradePolicy UPGRADE, the
 * downstream's for sniffed ports). The generated resources go through the sidecar's
 * translators and filter chain selection, as the data plane would see them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncPaths } from '../../src/control/config/source/watch.ts';
import { ConfigStore } from '../../src/control/config/store.ts';
import { DEFAULT_MESH_CONFIG } from '../../src/control/model/mesh-config.ts';
import { parseProxy, type Proxy } from '../../src/control/model/proxy.ts';
import { PushContext } from '../../src/control/model/push-context.ts';
import { AggregateRegistry } from '../../src/control/registry/aggregate.ts';
import { FileRegistry } from '../../src/control/registry/file-registry.ts';
import { generateSidecarClusters } from '../../src/control/xds/cds/cluster-generator.ts';
import { simulateOutbound } from '../../src/control/xds/debug/listener-simulator.ts';
import { generateSidecarListeners } from '../../src/control/xds/lds/listener-generator.ts';
import { inspectionNeeds } from '../../src/proxy/filter-chain/inspection-needs.ts';
import { selectFilterChain } from '../../src/proxy/filter-chain/select.ts';
import { NO_INSPECTION, type Inspection } from '../../src/proxy/listener/filters/inspect.ts';
import { clusterTranslator, listenerTranslator } from '../../src/proxy/xds/translate/translators.ts';

type Json = Record<string, unknown>;

const PORTS = [
  { name: 'web', port: 8000 }, // Unsupported: sniffed
  { name: 'http-api', port: 8080 },
  { name: 'http2-stream', port: 8081 },
  { name: 'grpc-rpc', port: 9090 },
  { name: 'tcp-raw', port: 9000 },
  { name: 'mysql', port: 3306 },
  { name: 'h2up', port: 8082, appProtocol: 'http' },
];

const REGISTRY = {
  version: 1,
  services: [{
    name: 'app', namespace: 'default', hostname: 'app.default.svc.cluster.local', clusterIP: '10.96.0.50',
    labels: { app: 'app' }, selector: { app: 'app' },
    ports: PORTS.map((p) => ({ name: p.name, port: p.port, targetPort: p.port, protocol: 'TCP', appProtocol: p.appProtocol ?? null })),
  }],
  endpoints: [{ service: 'app', namespace: 'default', ip: '10.250.0.50', ready: true, pod: 'app-1', ports: PORTS.map((p) => ({ name: p.name, port: p.port })) }],
  workloads: [{ pod: 'app-1', namespace: 'default', ip: '10.250.0.50', workload: 'app', labels: { app: 'app' }, serviceAccount: 'app', sidecar: true }],
};

const DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: app, namespace: default }
spec:
  host: app.default.svc.cluster.local
  trafficPolicy:
    portLevelSettings:
    - port: { number: 8082 }
      connectionPool:
        http: { h2UpgradePolicy: UPGRADE, idleTimeout: 45s, maxRequestsPerConnection: 10, http1MaxPendingRequests: 5, http2MaxRequests: 50, maxRetries: 2 }
    - port: { number: 8000 }
      connectionPool:
        http: { h2UpgradePolicy: UPGRADE }
`;

const H1: Inspection = { ...NO_INSPECTION, applicationProtocols: ['http/1.1'] };
const H2C: Inspection = { ...NO_INSPECTION, applicationProtocols: ['h2c'] };

describe('protocol sniffing (LDS, CDS)', () => {
  let dir: string;
  let registry: AggregateRegistry;
  let push: PushContext;
  let proxy: Proxy;
  let listeners: Map<string, Json>;
  let clusters: Map<string, Json>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mz-sniff-'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'registry.json'), JSON.stringify(REGISTRY));
    writeFileSync(join(dir, 'config', 'dr.yaml'), DR);
    const store = new ConfigStore();
    await syncPaths([join(dir, 'config')], store);
    const file = new FileRegistry({ path: join(dir, 'registry.json'), pollMs: 60_000 });
    await file.start();
    registry = new AggregateRegistry([file]);
    push = new PushContext({ store, registry, mesh: DEFAULT_MESH_CONFIG, version: 'test/1' });
    const p = parseProxy({
      id: 'sidecar~10.250.0.50~app-1.default~default.svc.cluster.local',
      metadata: { NAMESPACE: 'default', LABELS: { app: 'app' }, POD_PORTS: JSON.stringify(PORTS.map((x) => ({ name: x.name, containerPort: x.port, protocol: 'TCP' }))) },
    });
    if (!p) throw new Error('unparsable node');
    proxy = p;
    listeners = new Map(generateSidecarListeners(proxy, push).map((r) => [r.name, r.resource]));
    clusters = new Map(generateSidecarClusters(proxy, push).map((r) => [r.name, r.resource]));
  });
  after(() => {
    registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an undeclared port: http_inspector, the HTTP chain (RDS by port) first, tcp_proxy for the rest', () => {
    const l = listeners.get('10.96.0.50_8000') ?? {};
    assert.deepEqual((l['listenerFilters'] as Json[]).map((f) => f['name']), ['envoy.filters.listener.http_inspector']);
    assert.equal(l['listenerFiltersTimeout'], '1s');
    assert.equal(l['continueOnListenerFiltersTimeout'], true);
    const chains = l['filterChains'] as Json[];
    assert.deepEqual(chains[0]?.['filterChainMatch'], { applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] });
    const hcm = ((chains[0]?.['filters'] as Json[])[0]?.['typedConfig'] ?? {}) as Json;
    assert.equal((hcm['rds'] as Json)['routeConfigName'], '8000');
    assert.equal(chains[1]?.['filterChainMatch'], undefined);
    assert.equal((chains[1]?.['filters'] as Json[])[0]?.['name'], 'envoy.filters.network.tcp_proxy');
    assert.deepEqual(simulateOutbound([...listeners.values()], { address: '10.96.0.50', port: 8000 }, 'h2c'), { listener: '10.96.0.50_8000', kind: 'http', routeConfigName: '8000' });
    assert.deepEqual(simulateOutbound([...listeners.values()], { address: '10.96.0.50', port: 8000 }), { listener: '10.96.0.50_8000', kind: 'tcp', cluster: 'outbound|8000||app.default.svc.cluster.local' });
  });

  it('the protocol detection timeout comes from MeshConfig', () => {
    const p2 = new PushContext({ store: new ConfigStore(), registry, mesh: { ...DEFAULT_MESH_CONFIG, protocolDetectionTimeout: '0s' }, version: 'test/2' });
    const l = generateSidecarListeners(proxy, p2).find((r) => r.name === '10.96.0.50_8000')?.resource ?? {};
    assert.equal(l['listenerFiltersTimeout'], '0s');
  });

  it('declared ports never get inspection-dependent chains (HTTP, HTTP2, GRPC, TCP, MySQL)', () => {
    for (const name of ['0.0.0.0_8080', '0.0.0.0_8081', '0.0.0.0_9090', '0.0.0.0_8082', '10.96.0.50_9000', '10.96.0.50_3306']) {
      const l = listeners.get(name);
      assert.ok(l, name);
      assert.equal(l['listenerFilters'], undefined, name);
      for (const c of l['filterChains'] as Json[]) assert.equal(c['filterChainMatch'], undefined, name);
      const cfg = listenerTranslator.translate(l);
      assert.deepEqual(inspectionNeeds(cfg, { ip: '10.96.0.50', port: cfg.address.port }), { tls: false, http: false, timeoutMs: 0 }, name);
    }
  });

  it('the sidecar translates the sniffing listener and selects by the inspection', () => {
    const cfg = listenerTranslator.translate(listeners.get('10.96.0.50_8000') ?? {});
    assert.deepEqual([cfg.inspection.http, cfg.inspection.tls, cfg.inspection.timeoutMs, cfg.inspection.continueOnTimeout], [true, false, 1000, true]);
    const dst = { ip: '10.96.0.50', port: 8000 };
    assert.deepEqual(inspectionNeeds(cfg, dst), { tls: false, http: true, timeoutMs: 1000 });
    const kind = (i: Inspection): string | undefined => selectFilterChain(cfg.filterChains, cfg.defaultFilterChain, dst, undefined, i)?.route.kind;
    assert.equal(kind(H1), 'http_connection_manager');
    assert.equal(kind(H2C), 'http_connection_manager');
    assert.equal(kind(NO_INSPECTION), 'tcp_proxy');
    assert.equal(kind({ transportProtocol: 'tls', applicationProtocols: ['h2'], serverName: 'x' }), 'tcp_proxy');
  });

  it('virtualInbound: two chains for the sniffed port, one per declared port, http_inspector disabled on the declared ones, HTTP passthrough', () => {
    const vi = listeners.get('virtualInbound') ?? {};
    const chains = vi['filterChains'] as Json[];
    const summary = chains.map((c) => [c['name'], c['filterChainMatch'], (c['filters'] as Json[])[0]?.['name']]);
    assert.deepEqual(summary.filter((s) => (s[1] as Json | undefined)?.['destinationPort'] === 8000), [
      ['inbound|8000||', { destinationPort: 8000, applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] }, 'envoy.filters.network.http_connection_manager'],
      ['inbound|8000||', { destinationPort: 8000 }, 'envoy.filters.network.tcp_proxy'],
    ]);
    assert.deepEqual(summary.filter((s) => (s[1] as Json | undefined)?.['destinationPort'] === 3306), [['inbound|3306||', { destinationPort: 3306 }, 'envoy.filters.network.tcp_proxy']]);
    assert.deepEqual(summary.slice(-2), [
      ['virtualInbound-catchall-http', { applicationProtocols: ['http/1.1', 'http/1.0', 'h2c'] }, 'envoy.filters.network.http_connection_manager'],
      ['InboundPassthroughFilterChain', undefined, 'envoy.filters.network.tcp_proxy'],
    ]);
    const filters = vi['listenerFilters'] as Json[];
    assert.deepEqual(filters.map((f) => f['name']), ['envoy.filters.listener.original_dst', 'envoy.filters.listener.http_inspector']);
    const rules = ((filters[1]?.['filterDisabled'] as Json)['orMatch'] as Json)['rules'] as Json[];
    assert.deepEqual(rules.map((r) => (r['destinationPortRange'] as Json)['start']), [3306, 8080, 8081, 8082, 9000, 9090]);

    const cfg = listenerTranslator.translate(vi);
    const at = (port: number): { ip: string; port: number } => ({ ip: '10.250.0.50', port });
    assert.deepEqual(inspectionNeeds(cfg, at(3306)), { tls: false, http: false, timeoutMs: 0 }, 'MySQL inbound is not held');
    assert.deepEqual(inspectionNeeds(cfg, at(8080)), { tls: false, http: false, timeoutMs: 0 });
    assert.equal(inspectionNeeds(cfg, at(8000)).http, true);
    assert.equal(inspectionNeeds(cfg, at(7777)).http, true, 'the passthrough is sniffed');
    const pick = (port: number, i: Inspection): string | undefined => {
      const c = selectFilterChain(cfg.filterChains, cfg.defaultFilterChain, at(port), { ip: '10.250.0.9', port: 40000 }, i);
      return c && `${c.name}/${c.route.kind}`;
    };
    assert.equal(pick(8000, H1), 'inbound|8000||/http_connection_manager');
    assert.equal(pick(8000, NO_INSPECTION), 'inbound|8000||/tcp_proxy');
    assert.equal(pick(7777, H2C), 'virtualInbound-catchall-http/http_connection_manager');
    assert.equal(pick(7777, NO_INSPECTION), 'InboundPassthroughFilterChain/tcp_proxy');
    const hcm = cfg.filterChains.find((c) => c.name === 'virtualInbound-catchall-http')?.route;
    assert.equal(hcm?.kind === 'http_connection_manager' ? hcm.routeConfig?.virtualHosts[0]?.name : undefined, 'inbound|http|0');
  });

  it('CDS: the upstream HTTP protocol per port, as Istio picks it', () => {
    const opts = (name: string): Json | undefined =>
      (clusters.get(name)?.['typedExtensionProtocolOptions'] as Json | undefined)?.['envoy.extensions.upstreams.http.v3.HttpProtocolOptions'] as Json | undefined;
    const out = (port: number): string => `outbound|${port}||app.default.svc.cluster.local`;
    assert.deepEqual(opts(out(8000))?.['useDownstreamProtocolConfig'], { httpProtocolOptions: {}, http2ProtocolOptions: {} }, 'sniffed: downstream (UPGRADE does not apply)');
    assert.deepEqual(opts(out(8081))?.['explicitHttpConfig'], { http2ProtocolOptions: {} }, 'http2');
    assert.deepEqual(opts(out(9090))?.['explicitHttpConfig'], { http2ProtocolOptions: {} }, 'grpc');
    assert.equal(opts(out(8080)), undefined, 'HTTP/1.1 needs nothing');
    assert.equal(opts(out(9000)), undefined, 'tcp');
    assert.equal(opts(out(3306)), undefined, 'mysql');
    const up = opts(out(8082)) ?? {};
    assert.deepEqual(up['explicitHttpConfig'], { http2ProtocolOptions: {} }, 'h2UpgradePolicy UPGRADE');
    assert.deepEqual(up['commonHttpProtocolOptions'], { idleTimeout: '45s', maxRequestsPerConnection: 10 });
    assert.deepEqual(opts('inbound|8000||')?.['useDownstreamProtocolConfig'], { httpProtocolOptions: {}, http2ProtocolOptions: {} });
    assert.deepEqual(opts('inbound|9090||')?.['explicitHttpConfig'], { http2ProtocolOptions: {} });
    assert.equal(opts('inbound|8080||'), undefined);
    assert.equal(opts('inbound|3306||'), undefined);
  });

  it('CDS -> the sidecar\'s cluster http settings', () => {
    const spec = (name: string) => clusterTranslator.translate(clusters.get(name) ?? {}).http;
    assert.deepEqual(spec('outbound|8082||app.default.svc.cluster.local'), {
      protocol: 'http2', maxRequestsPerConnection: 10, idleTimeoutMs: 45_000, maxPendingRequests: 5, maxRequests: 50, maxRetries: 2,
    });
    assert.equal(spec('outbound|8000||app.default.svc.cluster.local').protocol, 'downstream');
    assert.equal(spec('outbound|9090||app.default.svc.cluster.local').protocol, 'http2');
    assert.deepEqual(spec('outbound|3306||app.default.svc.cluster.local'), {
      protocol: 'http1', maxRequestsPerConnection: 0, idleTimeoutMs: 3_600_000, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295,
    });
    assert.equal(spec('inbound|8000||').protocol, 'downstream');
  });
});
