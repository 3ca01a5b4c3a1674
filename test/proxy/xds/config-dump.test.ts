/**
 * Admin /config_dump with xDS shows what the proxy accepted, in Envoy's shape (proto3 JSON that
 * encodes as envoy.admin.v3.ConfigDump): each resource as it arrived, with the version it last
 * changed in and when; a rejected update as the resource's error_state; `?include_eds`,
 * `?resource=`, `?mask=` and `?name_regex=`; /listeners lists the listeners in force.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import { encodeMessage } from '../../../src/core/xds/json.ts';
import { decodeAny, encodeAny, messageType } from '../../../src/core/xds/protos.ts';
import { httpGet, startTestSidecar, type TestSidecar } from '../support.ts';
import { AdsPeer } from './ads-peer.ts';
import { CDS, EDS, LDS, RDS, cla, edsCluster, httpListener, outbound, passthroughClusters, routeConfig, tcpListener, virtualOutbound } from './resources.ts';

type Json = Record<string, unknown>;
interface Dump { configs: Json[] }
const stops: (() => unknown)[] = [];
const peer = new AdsPeer();
let t: TestSidecar;
const R = outbound(9080, 'reviews');
const cluster = edsCluster(R, { service: { host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' } });
const listener = tcpListener('10.96.0.12', 9080, R);
const assignment = cla(R, [{ ip: '10.250.0.5', port: 9080, workload: 'reviews-v1;default;reviews;v1;Kubernetes' }, { ip: '10.250.0.6', port: 9080, health: 'UNHEALTHY' }]);

before(async () => {
  peer.setAll({
    [CDS]: [cluster, ...passthroughClusters()],
    [EDS]: [assignment],
    [LDS]: [virtualOutbound(), listener, httpListener(80)],
    [RDS]: [routeConfig('80', [{ name: 'web:80', domains: ['web', 'web:80'], cluster: R }])],
  });
  await peer.start();
  stops.push(() => peer.stop());
  t = await startTestSidecar({ 'discovery-address': peer.address });
  stops.push(() => t.sidecar.shutdown(0));
  await waitFor(() => t.sidecar.status.live, 10_000, 'ready');
});
after(async () => {
  for (const s of stops.reverse()) await s();
});

const dump = async (query = ''): Promise<Dump> => JSON.parse((await httpGet(t.sidecar.ports.admin, `/config_dump${query}`)).body) as Dump;
const typeOf = (d: Dump, type: string): Json => d.configs.find((c) => c['@type'] === `type.googleapis.com/envoy.admin.v3.${type}`) ?? {};
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** A resource as it arrives: through the wire encoding (proto3 drops default values such as lbPolicy ROUND_ROBIN). */
const wire = (type: string, r: Json): Json => ({ '@type': type, ...decodeAny(encodeAny(type, r)).object });

describe('config_dump over xDS', () => {
  it('shows every accepted resource as it arrived, with its version and when', async () => {
    const d = await dump('?include_eds');
    assert.deepEqual(d.configs.map((c) => String(c['@type']).split('.').at(-1)), ['BootstrapConfigDump', 'ClustersConfigDump', 'ListenersConfigDump', 'RoutesConfigDump', 'EndpointsConfigDump']);
    assert.doesNotThrow(() => encodeMessage(messageType('envoy.admin.v3.ConfigDump'), d), 'valid envoy.admin.v3.ConfigDump');
    const clusters = typeOf(d, 'ClustersConfigDump') as { versionInfo: string; dynamicActiveClusters: { versionInfo: string; cluster: Json; lastUpdated: string }[] };
    assert.equal(clusters.versionInfo, peer.version(CDS));
    const c = clusters.dynamicActiveClusters.find((x) => x.cluster['name'] === R);
    assert.ok(c);
    assert.deepEqual(c.cluster, wire(CDS, cluster));
    assert.equal(c.versionInfo, peer.version(CDS));
    assert.match(c.lastUpdated, RFC3339);
    const l = (typeOf(d, 'ListenersConfigDump') as { dynamicListeners: { name: string; activeState: { versionInfo: string; listener: Json; lastUpdated: string } }[] })
      .dynamicListeners.find((x) => x.name === '10.96.0.12_9080');
    assert.deepEqual(l?.activeState.listener, wire(LDS, listener));
    assert.equal(l?.activeState.versionInfo, peer.version(LDS));
    const r = (typeOf(d, 'RoutesConfigDump') as { dynamicRouteConfigs: { routeConfig: Json }[] }).dynamicRouteConfigs;
    assert.deepEqual(r.map((x) => x.routeConfig['name']), ['80']);
    const e = (typeOf(d, 'EndpointsConfigDump') as { dynamicEndpointConfigs: { endpointConfig: Json }[] }).dynamicEndpointConfigs;
    assert.deepEqual(e[0]?.endpointConfig, wire(EDS, assignment));
  });

  it('keeps version and time of an unchanged resource, moves those of a changed one', async () => {
    const before = (await dump('?resource=dynamic_active_clusters')).configs;
    const at = (cs: Json[], name: string): Json | undefined => cs.find((c) => (c['cluster'] as Json)['name'] === name);
    peer.set(CDS, [edsCluster(R, { connectTimeout: '3s' }), ...passthroughClusters()]);
    await peer.replyTo(peer.lastNonce(CDS));
    const after = (await dump('?resource=dynamic_active_clusters')).configs;
    assert.equal(at(after, 'PassthroughCluster')?.['versionInfo'], at(before, 'PassthroughCluster')?.['versionInfo']);
    assert.equal(at(after, 'PassthroughCluster')?.['lastUpdated'], at(before, 'PassthroughCluster')?.['lastUpdated']);
    assert.equal(at(after, R)?.['versionInfo'], peer.version(CDS));
    assert.equal((at(after, R)?.['cluster'] as Json)['connectTimeout'], '3s');
  });

  it('shows a rejected update as error_state beside the resource still in force', async () => {
    peer.set(CDS, [edsCluster(R, { lbPolicy: 'LOAD_BALANCING_POLICY_CONFIG' }), ...passthroughClusters()]);
    await peer.replyTo(peer.lastNonce(CDS));
    const entry = (await dump(`?resource=dynamic_active_clusters&name_regex=${encodeURIComponent('outbound.*')}`)).configs;
    assert.equal(entry.length, 1);
    const e = entry[0] as { '@type': string; cluster: Json; errorState: { details: string; failedConfiguration: Json; lastUpdateAttempt: string }; clientStatus: string };
    assert.equal(e['@type'], 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump.DynamicCluster');
    assert.equal(e.cluster['connectTimeout'], '3s', 'the accepted cluster is still shown');
    assert.match(e.errorState.details, /lbPolicy: LOAD_BALANCING_POLICY_CONFIG is not supported/);
    assert.equal(e.errorState.failedConfiguration['lbPolicy'], 'LOAD_BALANCING_POLICY_CONFIG');
    assert.match(e.errorState.lastUpdateAttempt, RFC3339);
    assert.equal(e.clientStatus, 'NACKED');
    peer.set(CDS, [edsCluster(R, { connectTimeout: '3s' }), ...passthroughClusters()]);
    await peer.replyTo(peer.lastNonce(CDS));
    assert.equal(JSON.stringify((await dump()).configs).includes('errorState'), false, 'an accepted update clears it');
  });

  it('answers ?resource= with entries of that field and ?mask= with only the masked fields', async () => {
    const masked = (await dump('?resource=dynamic_listeners&mask=name,active_state.version_info')).configs;
    assert.ok(masked.length >= 3);
    for (const m of masked) {
      assert.deepEqual(Object.keys(m).sort(), ['@type', 'activeState', 'name']);
      assert.deepEqual(Object.keys(m['activeState'] as Json), ['versionInfo']);
    }
    const top = (await dump('?mask=versionInfo')).configs;
    assert.deepEqual(top.map((c) => Object.keys(c).sort()), [['@type'], ['@type', 'versionInfo'], ['@type', 'versionInfo'], ['@type']]);
    assert.equal((await httpGet(t.sidecar.ports.admin, '/config_dump?resource=nope')).status, 404);
  });

  it('/listeners lists the listeners in force', async () => {
    const lines = (await httpGet(t.sidecar.ports.admin, '/listeners')).body.split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, ['0.0.0.0_80::0.0.0.0:80', '10.96.0.12_9080::10.96.0.12:9080', 'virtualOutbound::0.0.0.0:15001']);
  });
});
