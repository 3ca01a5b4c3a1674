/**
 * Admin (15000), readiness (15021) and Prometheus (15090) over HTTP in registry.json mode:
 * readiness follows the registry, the Envoy endpoints answer in Envoy's shapes (admin JSON is
 * proto3 JSON, lowerCamelCase, and /config_dump encodes as envoy.admin.v3.ConfigDump), /logging
 * changes levels, and /quitquitquit stops the sidecar cleanly.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/netns.ts';
import { encodeMessage } from '../../src/core/xds/json.ts';
import { messageType } from '../../src/core/xds/protos.ts';
import { httpGet, registryWith, startTestSidecar, tempDir, writeAtomically, type TestSidecar } from './support.ts';

interface ClusterDump {
  cluster: { name: string; type: string; connectTimeout: string; upstreamBindConfig?: unknown; metadata?: { filterMetadata: { istio: { services: unknown[] } } } };
}
interface ListenerDump {
  name: string;
  activeState: { listener: { filterChains: { filterChainMatch?: { destinationPort?: number }; filters: { typedConfig: { cluster: string } }[] }[] } };
}
interface ConfigDump {
  configs: { '@type': string; bootstrap?: { node: { id: string } }; staticClusters?: ClusterDump[]; dynamicActiveClusters?: ClusterDump[]; dynamicListeners?: ListenerDump[] }[];
}

const tmp = tempDir('admin');
const registry = join(tmp.dir, 'registry.json');
let t: TestSidecar;

before(async () => {
  t = await startTestSidecar({ registry, 'pod-ports': '[{"containerPort":9080}]', 'instance-ip': '10.250.0.9', 'pod-name': 'reviews-v1-7f9c-x2x1', labels: '{"app":"reviews"}' });
});
after(async () => {
  await t?.sidecar.shutdown(0);
  tmp.cleanup();
});

describe('admin, readiness and prometheus', () => {
  it('is not ready (503) until the registry has loaded, then 200', async () => {
    assert.equal(existsSync(registry), false);
    assert.equal((await httpGet(t.sidecar.ports.readiness, '/healthz/ready')).status, 503);
    const ready = await httpGet(t.sidecar.ports.admin, '/ready');
    assert.deepEqual([ready.status, ready.body], [503, 'INITIALIZING\n']);
    assert.equal((await httpGet(t.sidecar.ports.status, '/healthz/ready')).status, 503);
    writeAtomically(registry, registryWith([{ ip: '10.250.0.5', ready: true, port: 9080 }, { ip: '10.250.0.6', ready: false, port: 9080 }]));
    await waitFor(async () => (await httpGet(t.sidecar.ports.readiness, '/healthz/ready')).status === 200, 5000, 'readiness 200');
    assert.equal((await httpGet(t.sidecar.ports.status, '/healthz/ready')).status, 200);
    const live = await httpGet(t.sidecar.ports.admin, '/ready');
    assert.deepEqual([live.status, live.body], [200, 'LIVE\n']);
  });

  it('/stats in Envoy text, json and prometheus forms', async () => {
    const s = (await httpGet(t.sidecar.ports.admin, '/stats')).body;
    assert.match(s, /^cluster\.outbound\|9080\|\|reviews\.default\.svc\.cluster\.local\.upstream_cx_total: 0$/m);
    assert.match(s, /^listener\.0\.0\.0\.0_0\.downstream_cx_total: 0$/m);
    assert.match(s, /^server\.live: 1$/m);
    assert.match(s, /^server\.state: 0$/m);
    assert.match(s, /^cluster_manager\.cds\.update_success: 1$/m);
    const filtered = (await httpGet(t.sidecar.ports.admin, '/stats?filter=^server\\.live$')).body;
    assert.equal(filtered, 'server.live: 1\n');
    const j = JSON.parse((await httpGet(t.sidecar.ports.admin, '/stats?format=json&filter=server.live')).body) as { stats: { name: string; value: number }[] };
    assert.deepEqual(j.stats, [{ name: 'server.live', value: 1 }]);
    const prom = await httpGet(t.sidecar.ports.admin, '/stats/prometheus');
    assert.match(prom.type, /^text\/plain; version=0\.0\.4/);
    assert.match(prom.body, /^# TYPE envoy_server_live gauge\nenvoy_server_live 1$/m);
    assert.match(prom.body, /^envoy_cluster_membership_healthy\{cluster_name="outbound\|9080\|\|reviews\.default\.svc\.cluster\.local"\} 1$/m);
    const on15090 = (await httpGet(t.sidecar.ports.prometheus, '/stats/prometheus')).body;
    const names = (body: string): string[] => body.split('\n').filter((l) => l.startsWith('# TYPE'));
    assert.deepEqual(names(on15090), names(prom.body), '15090 serves the same metrics as admin');
  });

  it('/clusters in Envoy text and json', async () => {
    const text = (await httpGet(t.sidecar.ports.admin, '/clusters')).body;
    for (const line of [
      'outbound|9080||reviews.default.svc.cluster.local::observability_name::outbound|9080||reviews.default.svc.cluster.local',
      'outbound|9080||reviews.default.svc.cluster.local::default_priority::max_connections::4294967295',
      'outbound|9080||reviews.default.svc.cluster.local::added_via_api::true',
      'outbound|9080||reviews.default.svc.cluster.local::10.250.0.5:9080::health_flags::healthy',
      'outbound|9080||reviews.default.svc.cluster.local::10.250.0.5:9080::cx_active::0',
      'outbound|9080||reviews.default.svc.cluster.local::10.250.0.6:9080::health_flags::/failed_eds_health',
      'inbound|9080||::observability_name::inbound|9080||',
      'BlackHoleCluster::added_via_api::false',
    ]) assert.ok(text.split('\n').includes(line), `missing: ${line}`);
    const j = JSON.parse((await httpGet(t.sidecar.ports.admin, '/clusters?format=json')).body) as { clusterStatuses: { name: string; hostStatuses: unknown[] }[] };
    assert.equal(j.clusterStatuses.find((c) => c.name.startsWith('outbound|9080'))?.hostStatuses.length, 2);
  });

  it('/listeners, /config_dump, /memory, /server_info', async () => {
    assert.equal((await httpGet(t.sidecar.ports.admin, '/listeners')).body, 'virtualOutbound::0.0.0.0:0\nvirtualInbound::0.0.0.0:0\n');
    const dump = JSON.parse((await httpGet(t.sidecar.ports.admin, '/config_dump?include_eds')).body) as ConfigDump;
    assert.deepEqual(dump.configs.map((c) => c['@type']), [
      'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump',
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
      'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
    ]);
    assert.doesNotThrow(() => encodeMessage(messageType('envoy.admin.v3.ConfigDump'), dump), 'the dump is a valid envoy.admin.v3.ConfigDump');
    assert.equal(dump.configs[0]?.bootstrap?.node.id, 'sidecar~10.250.0.9~reviews-v1-7f9c-x2x1.default~default.svc.cluster.local');
    const eds = dump.configs[1]?.dynamicActiveClusters?.[0]?.cluster;
    assert.ok(eds);
    assert.equal(eds.name, 'outbound|9080||reviews.default.svc.cluster.local');
    assert.equal(eds.type, 'EDS');
    assert.equal(eds.connectTimeout, '10s');
    const inbound = dump.configs[1]?.staticClusters?.find((c) => c.cluster.name === 'inbound|9080||')?.cluster;
    assert.ok(inbound);
    assert.deepEqual(inbound.upstreamBindConfig, { sourceAddress: { address: '127.0.0.6', portValue: 0 } });
    assert.deepEqual(inbound.metadata?.filterMetadata.istio.services, [{ host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' }]);
    const vo = dump.configs[2]?.dynamicListeners?.find((l) => l.name === 'virtualOutbound')?.activeState.listener;
    assert.equal(vo?.filterChains[0]?.filterChainMatch?.destinationPort, 9080);
    assert.equal(vo?.filterChains[0]?.filters[0]?.typedConfig.cluster, 'outbound|9080||reviews.default.svc.cluster.local');
    const mem = JSON.parse((await httpGet(t.sidecar.ports.admin, '/memory')).body) as Record<string, string>;
    for (const k of ['allocated', 'heapSize', 'totalPhysicalBytes']) assert.match(mem[k] ?? '', /^\d+$/);
    assert.equal(JSON.parse((await httpGet(t.sidecar.ports.admin, '/server_info')).body).state, 'LIVE');
  });

  it('/logging lists levels; POST changes them; GET with a change is refused', async () => {
    const list = (await httpGet(t.sidecar.ports.admin, '/logging')).body;
    assert.match(list, /^active loggers:\n {2}admin: warning\n/);
    assert.equal((await httpGet(t.sidecar.ports.admin, '/logging?level=debug')).status, 405);
    const all = await httpGet(t.sidecar.ports.admin, '/logging?level=debug', { method: 'POST' });
    assert.equal(all.status, 200);
    assert.match(all.body, / {2}config: debug\n/);
    const one = await httpGet(t.sidecar.ports.admin, '/logging?upstream=error', { method: 'POST' });
    assert.match(one.body, / {2}upstream: error\n/);
    assert.match(one.body, / {2}admin: debug\n/);
    assert.equal((await httpGet(t.sidecar.ports.admin, '/logging?level=loud', { method: 'POST' })).status, 400);
    assert.equal((await httpGet(t.sidecar.ports.admin, '/nope')).status, 404);
  });

  it('POST /quitquitquit stops the sidecar cleanly (GET is refused)', async () => {
    assert.equal((await httpGet(t.sidecar.ports.admin, '/quitquitquit')).status, 405);
    const r = await httpGet(t.sidecar.ports.admin, '/quitquitquit', { method: 'POST' });
    assert.deepEqual([r.status, r.body], [200, 'OK\n']);
    assert.equal(await t.sidecar.exited, 0);
    assert.equal(t.sidecar.outbound.accepting, false);
    assert.ok(t.logs.some((l) => l.includes('Agent has successfully terminated')));
  });
});
