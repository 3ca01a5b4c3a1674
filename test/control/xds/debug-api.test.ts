/**
 * The debug API on a real socket: /ready, /debug/config_dump in Envoy's shape, and
 * POST/DELETE /apis/config answering per resource (created, configured, unchanged, deleted,
 * refused with the validation message), where a refused update keeps the last valid version.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import type { ApiResult } from '../../../src/control/debug/apis-config.ts';
import { AdsTestClient, sidecarNode } from './ads-client.ts';
import { startTestControlPlane, type TestControlPlane } from './control-plane.ts';

let t: TestControlPlane;
let client: AdsTestClient;
const base = (): string => `http://127.0.0.1:${t.cp.debugPort}`;

before(async () => {
  t = await startTestControlPlane();
  client = new AdsTestClient(t.cp.xdsPort, sidecarNode('productpage-v1-abc', 'default', '10.250.0.2', { app: 'productpage', version: 'v1' }));
});
after(async () => {
  client.close();
  await t.close();
});

async function send(method: string, body: string, path = '/apis/config'): Promise<{ code: number; results: ApiResult[]; errors: string[] }> {
  const res = await fetch(`${base()}${path}`, { method, body, headers: { 'content-type': 'application/yaml' } });
  const json = (await res.json()) as { results: ApiResult[]; errors: string[] };
  return { code: res.status, ...json };
}

const vs = (name: string, extra = ''): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
  hosts: [${name}]
  http:
  - route:
    - destination: {host: ${name}}
${extra ? `${extra}\n` : ''}`;

describe('debug API', () => {
  it('is ready once the registry and config are loaded; unknown paths and methods are refused', async () => {
    const ready = await fetch(`${base()}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(await ready.text(), 'ready\n');
    assert.equal((await fetch(`${base()}/nope`)).status, 404);
    assert.equal((await fetch(`${base()}/debug/syncz`, { method: 'PUT' })).status, 405);
  });

  it('dumps what a proxy was sent in Envoy\'s config_dump shape, by id or pod.namespace', async () => {
    client.request(TypeUrls.cluster);
    client.ack(await client.next(TypeUrls.cluster));
    client.request(TypeUrls.listener);
    client.ack(await client.next(TypeUrls.listener));
    client.request(TypeUrls.routeConfiguration, ['9080']);
    client.ack(await client.next(TypeUrls.routeConfiguration));
    client.request(TypeUrls.clusterLoadAssignment, ['outbound|9080|v1|reviews.default.svc.cluster.local']);
    client.ack(await client.next(TypeUrls.clusterLoadAssignment));
    const dump = await t.getJson<{ configs: Record<string, unknown>[] }>('/debug/config_dump?proxyID=productpage-v1-abc.default');
    assert.deepEqual(dump.configs.map((c) => c['@type']), ['ClustersConfigDump', 'ListenersConfigDump', 'RoutesConfigDump', 'EndpointsConfigDump'].map((n) => `type.googleapis.com/envoy.admin.v3.${n}`));
    const cluster = (dump.configs[0]?.['dynamicActiveClusters'] as Record<string, Record<string, unknown>>[])[0];
    assert.equal(cluster?.['cluster']?.['@type'], TypeUrls.cluster);
    assert.match(String(cluster?.['versionInfo']), /Z\/\d+$/);
    const listener = (dump.configs[1]?.['dynamicListeners'] as Record<string, Record<string, Record<string, unknown>>>[]).find((l) => l['name'] === ('virtualOutbound' as never));
    assert.equal(listener?.['activeState']?.['listener']?.['name'], 'virtualOutbound');
    assert.equal(((dump.configs[2]?.['dynamicRouteConfigs'] as Record<string, Record<string, unknown>>[])[0]?.['routeConfig'])?.['name'], '9080');
    assert.equal(((dump.configs[3]?.['dynamicEndpointConfigs'] as Record<string, Record<string, unknown>>[])[0]?.['endpointConfig'])?.['clusterName'], 'outbound|9080|v1|reviews.default.svc.cluster.local');
    const byId = await t.getJson<{ configs: unknown[] }>(`/debug/config_dump?proxyID=${encodeURIComponent(client.node.id ?? '')}`);
    assert.equal(byId.configs.length, 4);
    assert.equal((await fetch(`${base()}/debug/config_dump?proxyID=ghost.default`)).status, 404);
    assert.equal((await fetch(`${base()}/debug/config_dump`)).status, 400);
  });

  it('applies YAML per resource: created, unchanged, configured, refused (with the message; the last valid version stays)', async () => {
    const first = await send('POST', vs('details'));
    assert.equal(first.code, 200);
    assert.deepEqual(first.results, [{ kind: 'VirtualService', namespace: 'default', name: 'details', status: 'created', messages: [] }]);
    const before = t.cp.store.get('VirtualService', 'default', 'reviews');
    const mixed = await send('POST', [
      vs('details'),
      vs('ratings', '    timeout: 2s'),
      vs('reviews', '    timeout: 5x'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
    ].join('---\n'), '/apis/config?file=edits.yaml');
    assert.equal(mixed.code, 422);
    assert.deepEqual(mixed.results.map((r) => [r.kind, r.name, r.status]), [
      ['VirtualService', 'details', 'unchanged'], ['VirtualService', 'ratings', 'created'], ['VirtualService', 'reviews', 'refused'], ['ConfigMap', 'cm', 'refused'],
    ]);
    assert.match(mixed.results[2]?.messages[0] ?? '', /^edits\.yaml:\d+: VirtualService default\/reviews: spec\.http\[0\]\.timeout = "5x": invalid duration/);
    assert.match(mixed.results[3]?.messages[0] ?? '', /not an Istio config kind/);
    assert.equal(t.cp.store.get('VirtualService', 'default', 'reviews'), before, 'the refused update keeps the last valid version');
    const again = await send('POST', vs('ratings', '    timeout: 3s'));
    assert.equal(again.results[0]?.status, 'configured');
    assert.equal((await send('POST', 'kind: [')).code, 400);
  });

  it('deletes per resource: deleted, unchanged when absent, refused when not Istio config; and the change is pushed', async () => {
    client.request(TypeUrls.routeConfiguration, ['9080']);
    await client.drain(100);
    await t.cp.discovery.idle();
    await client.drain(0);
    const res = await send('DELETE', [vs('ratings'), vs('ghost'), 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n'].join('---\n'));
    assert.deepEqual(res.results.map((r) => [r.name, r.status]), [['ratings', 'deleted'], ['ghost', 'unchanged'], ['s', 'refused']]);
    assert.match(res.results[1]?.messages[0] ?? '', /VirtualService default\/ghost: not found/);
    assert.equal(t.cp.store.get('VirtualService', 'default', 'ratings'), undefined);
    const rds = await client.next(TypeUrls.routeConfiguration);
    assert.doesNotMatch(JSON.stringify(rds.resources), /"timeout":"3s"/);
  });
});
