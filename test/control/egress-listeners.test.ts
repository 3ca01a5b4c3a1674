/**
 * Outbound listeners for external TLS, as Istio's buildSidecarOutboundTLSFilterChainOpts makes
 * them: HTTPS and TLS ServiceEntries without addresses share one `0.0.0.0_<port>` listener with
 * tls_inspector and a chain per host matching its SNI, plus the fallthrough
 * (PassthroughFilterChain: PassthroughCluster, or BlackHoleCluster under REGISTRY_ONLY, from
 * MeshConfig or the namespace's Sidecar) as the default chain; a TLS entry with an address keeps
 * its plain `<address>_<port>` listener. The generated listener goes through the sidecar's
 * translator and filter chain selection, as the data plane sees it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { syncPaths } from '../../src/control/config/source/watch.ts';
import { ConfigStore } from '../../src/control/config/store.ts';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../src/control/model/mesh-config.ts';
import { parseProxy, type Proxy } from '../../src/control/model/proxy.ts';
import { PushContext } from '../../src/control/model/push-context.ts';
import { AggregateRegistry } from '../../src/control/registry/aggregate.ts';
import { FileRegistry } from '../../src/control/registry/file-registry.ts';
import { ServiceEntryRegistry } from '../../src/control/registry/service-entry-registry.ts';
import { generateSidecarListeners } from '../../src/control/xds/lds/listener-generator.ts';
import { inspectionNeeds } from '../../src/proxy/filter-chain/inspection-needs.ts';
import { selectFilterChain } from '../../src/proxy/filter-chain/select.ts';
import { NO_INSPECTION, type Inspection } from '../../src/proxy/listener/filters/inspect.ts';
import { listenerTranslator } from '../../src/proxy/xds/translate/translators.ts';

type Json = Record<string, unknown>;

const entry = (name: string, host: string, port: string, extra = ''): string => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: egress }
spec:
  hosts: [${host}]
  location: MESH_EXTERNAL
  ports: [${port}]
${extra}`;

const CONFIG = [
  entry('https', 'https.ext.test', '{number: 8443, name: https, protocol: HTTPS}', '  resolution: NONE\n'),
  entry('tls', 'tls.ext.test', '{number: 8443, name: tls, protocol: TLS}', '  resolution: DNS\n  endpoints: [{address: tls-backend.example}]\n'),
  entry('tls-vip', 'vip.ext.test', '{number: 9443, name: tls, protocol: TLS}', '  addresses: [240.240.0.20]\n  resolution: STATIC\n  endpoints: [{address: 10.250.9.9}]\n'),
].join('---\n');

const SIDECAR = `apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: { name: default, namespace: strict }
spec:
  outboundTrafficPolicy: { mode: REGISTRY_ONLY }
`;

const tls = (serverName: string): Inspection => ({ ...NO_INSPECTION, transportProtocol: 'tls', serverName });

describe('outbound listeners for external TLS (SNI chains, fallthrough)', () => {
  let dir: string;
  let store: ConfigStore;
  let registry: AggregateRegistry;

  const proxyIn = (namespace: string): Proxy => {
    const p = parseProxy({ id: `sidecar~10.250.0.60~client.${namespace}~${namespace}.svc.cluster.local`, metadata: { NAMESPACE: namespace, LABELS: { app: 'client' } } });
    if (!p) throw new Error('unparsable node');
    return p;
  };
  const listenersOf = (namespace: string, mesh: MeshConfig = DEFAULT_MESH_CONFIG): Map<string, Json> => {
    const push = new PushContext({ store, registry, mesh, version: 'test/1' });
    return new Map(generateSidecarListeners(proxyIn(namespace), push).map((r) => [r.name, r.resource]));
  };
  const defaultCluster = (l: Json | undefined): unknown =>
    (((l?.['defaultFilterChain'] as Json | undefined)?.['filters'] as Json[] | undefined)?.[0]?.['typedConfig'] as Json | undefined)?.['cluster'];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mz-egress-lds-'));
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'registry.json'), JSON.stringify({ version: 1, services: [], endpoints: [], workloads: [] }));
    writeFileSync(join(dir, 'config', 'entries.yaml'), CONFIG);
    writeFileSync(join(dir, 'config', 'sidecar.yaml'), SIDECAR);
    store = new ConfigStore();
    await syncPaths([join(dir, 'config')], store);
    const file = new FileRegistry({ path: join(dir, 'registry.json'), pollMs: 60_000 });
    await file.start();
    registry = new AggregateRegistry([file, new ServiceEntryRegistry({ store, pods: file })]);
  });
  after(() => {
    registry.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('HTTPS and TLS entries without addresses: one 0.0.0.0 listener, tls_inspector, a chain per SNI, PassthroughCluster for the rest', () => {
    const l = listenersOf('egress').get('0.0.0.0_8443');
    assert.ok(l);
    assert.deepEqual((l['listenerFilters'] as Json[]).map((f) => f['name']), ['envoy.filters.listener.tls_inspector']);
    const chains = l['filterChains'] as Json[];
    assert.deepEqual(chains.map((c) => c['filterChainMatch']), [{ serverNames: ['https.ext.test'] }, { serverNames: ['tls.ext.test'] }]);
    assert.deepEqual(chains.map((c) => ((c['filters'] as Json[])[0]?.['typedConfig'] as Json)['cluster']),
      ['outbound|8443||https.ext.test', 'outbound|8443||tls.ext.test']);
    assert.equal((l['defaultFilterChain'] as Json)['name'], 'PassthroughFilterChain');
    assert.equal(defaultCluster(l), 'PassthroughCluster');
  });

  it('REGISTRY_ONLY (MeshConfig or the namespace\'s Sidecar): unknown SNI go to BlackHoleCluster', () => {
    assert.equal(defaultCluster(listenersOf('egress', { ...DEFAULT_MESH_CONFIG, outboundTrafficPolicy: 'REGISTRY_ONLY' }).get('0.0.0.0_8443')), 'BlackHoleCluster');
    assert.equal(defaultCluster(listenersOf('strict').get('0.0.0.0_8443')), 'BlackHoleCluster');
  });

  it('a TLS entry with an address keeps its plain listener on that address', () => {
    const l = listenersOf('egress').get('240.240.0.20_9443');
    assert.ok(l);
    assert.equal(l['listenerFilters'], undefined);
    assert.equal(l['defaultFilterChain'], undefined);
    assert.deepEqual((l['filterChains'] as Json[]).map((c) => c['filterChainMatch']), [undefined]);
  });

  it('the sidecar translates it and selects the chain by SNI, the default chain for anything else', () => {
    const cfg = listenerTranslator.translate(listenersOf('strict').get('0.0.0.0_8443') ?? {});
    const dst = { ip: '10.250.0.5', port: 8443 };
    assert.equal(inspectionNeeds(cfg, dst).tls, true);
    const picked = (i: Inspection): string | undefined => {
      const route = selectFilterChain(cfg.filterChains, cfg.defaultFilterChain, dst, undefined, i)?.route;
      return route?.kind === 'tcp_proxy' ? route.statPrefix : route?.kind;
    };
    assert.equal(picked(tls('https.ext.test')), 'outbound|8443||https.ext.test');
    assert.equal(picked(tls('tls.ext.test')), 'outbound|8443||tls.ext.test');
    assert.equal(picked(tls('unknown.ext.test')), 'BlackHoleCluster');
    assert.equal(picked(NO_INSPECTION), 'BlackHoleCluster');
  });
});
