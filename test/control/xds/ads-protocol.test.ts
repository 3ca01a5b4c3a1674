/**
 * The ADS protocol over real sockets with raw grpc-js clients: wildcard CDS/LDS then named
 * EDS/RDS, ACKs, NACKs (recorded, shown by /debug/syncz, not resent), unsubscribe, stale nonces,
 * pushes after registry changes (EDS only, only to proxies watching the host) and config changes
 * (debounced into one push, only the types that changed, nothing for unaffected proxies), and
 * clients that break the protocol or vanish; and delta xDS (per-resource versions, subscribe and
 * unsubscribe, removed resources).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';
import type { ProxySync } from '../../../src/control/debug/syncz.ts';
import { AdsTestClient, DeltaTestClient, sidecarNode, type Received } from './ads-client.ts';
import { startTestControlPlane, type TestControlPlane } from './control-plane.ts';

const REVIEWS = 'reviews.default.svc.cluster.local';
let t: TestControlPlane;
const clients: AdsTestClient[] = [];

before(async () => {
  t = await startTestControlPlane();
});
after(async () => {
  clients.forEach((c) => c.close());
  await t.close();
});

function connect(app: 'productpage' | 'sleep'): AdsTestClient {
  const c = app === 'productpage'
    ? new AdsTestClient(t.cp.xdsPort, sidecarNode(`productpage-v1-${clients.length}`, 'default', '10.250.0.2', { app: 'productpage', version: 'v1' }, [{ name: 'http', containerPort: 9080, protocol: 'TCP' }]))
    : new AdsTestClient(t.cp.xdsPort, sidecarNode(`sleep-${clients.length}`, 'restricted', '10.250.0.20', { app: 'sleep' }, [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]));
  clients.push(c);
  return c;
}

/** What an Envoy sidecar does on connect: CDS and LDS by wildcard, then EDS for the EDS clusters and RDS for the HCMs, all ACKed. */
async function syncSidecar(c: AdsTestClient, eds?: (names: string[]) => string[]): Promise<Record<string, Received>> {
  c.request(TypeUrls.cluster);
  const cds = await c.next(TypeUrls.cluster);
  c.ack(cds);
  const edsNames = cds.resources.filter((r) => r['type'] === 'EDS').map((r) => String(r['name']));
  c.request(TypeUrls.clusterLoadAssignment, eds ? eds(edsNames) : edsNames);
  const e = await c.next(TypeUrls.clusterLoadAssignment);
  c.ack(e);
  c.request(TypeUrls.listener);
  const lds = await c.next(TypeUrls.listener);
  c.ack(lds);
  const routes = lds.resources.flatMap((l) => JSON.stringify(l).match(/"routeConfigName":"(\d+)"/g) ?? []).map((m) => m.replace(/\D+/g, ''));
  c.request(TypeUrls.routeConfiguration, [...new Set(routes)]);
  const rds = await c.next(TypeUrls.routeConfiguration);
  c.ack(rds);
  return { cds, eds: e, lds, rds };
}

async function syncOf(c: AdsTestClient): Promise<ProxySync> {
  const all = await t.getJson<ProxySync[]>('/debug/syncz');
  const mine = all.find((p) => p.proxy === c.node.id);
  assert.ok(mine, `${c.node.id} in syncz`);
  return mine;
}

describe('ADS: subscriptions, ACK and NACK', () => {
  it('serves wildcard CDS and LDS, then named EDS and RDS; every ACK shows as SYNCED', async () => {
    const c = connect('productpage');
    const got = await syncSidecar(c);
    assert.ok(got['cds']?.names.includes(`outbound|9080|v2|${REVIEWS}`));
    assert.equal(got['cds']?.controlPlane, 'istiod-test');
    assert.match(got['cds']?.versionInfo ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/\d+$/);
    assert.ok(got['lds']?.names.includes('virtualOutbound'));
    assert.deepEqual([...(got['rds']?.names ?? [])].sort(), ['80', '9080'], 'the HTTP ports (443 is TLS, so TCP)');
    await new Promise((r) => setTimeout(r, 50));
    const s = await syncOf(c);
    for (const type of ['CDS', 'LDS', 'EDS', 'RDS']) assert.equal(s.types[type]?.status, 'SYNCED', type);
    assert.equal(s.types['CDS']?.subscription, '*');
    assert.ok(Array.isArray(s.types['EDS']?.subscription));
    assert.equal(s.name, c.node.id?.split('~')[2]);
    assert.equal(s.istiod, 'istiod-test');
    assert.equal(s.clusterId, 'Kubernetes');
  });

  it('records a NACK with its message (shown by /debug/syncz) and does not resend; the next change is sent and ACKed', async () => {
    const c = connect('productpage');
    const got = await syncSidecar(c);
    const rds = got['rds'] as Received;
    c.nack(rds, 'route: unsupported field x');
    assert.deepEqual(await c.drain(200), [], 'a NACK is not answered');
    let s = await syncOf(c);
    assert.equal(s.types['RDS']?.status, 'NACKED');
    assert.equal(s.types['RDS']?.nack?.message, 'route: unsupported field x');
    assert.equal(s.types['RDS']?.nack?.nonce, rds.nonce);
    t.cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'details' },
      spec: { hosts: ['details'], http: [{ route: [{ destination: { host: 'details' } }], timeout: '3s' }] } });
    const next = await c.next(TypeUrls.routeConfiguration);
    c.ack(next);
    await new Promise((r) => setTimeout(r, 50));
    s = await syncOf(c);
    assert.equal(s.types['RDS']?.status, 'SYNCED');
    assert.equal(s.types['RDS']?.nack, null);
    t.cp.store.delete('VirtualService', 'default', 'details');
    await t.cp.discovery.idle();
  });

  it('answers a changed subscription at once with the full set, ignores a stale nonce, and unsubscribes on an empty list', async () => {
    await t.cp.discovery.idle();
    const c = connect('productpage');
    c.request(TypeUrls.routeConfiguration, ['9080']);
    const first = await c.next(TypeUrls.routeConfiguration);
    c.ack(first, ['9080', '80']);
    const second = await c.next(TypeUrls.routeConfiguration);
    assert.deepEqual([...second.names].sort(), ['80', '9080']);
    c.send({ typeUrl: TypeUrls.routeConfiguration, responseNonce: first.nonce, resourceNames: ['443'] });
    assert.deepEqual(await c.drain(150), [], 'a request with a stale nonce is ignored');
    c.ack(second, []);
    assert.deepEqual(await c.drain(150), []);
    const s = await syncOf(c);
    assert.deepEqual(s.types['RDS']?.subscription, []);
    assert.equal(s.types['RDS']?.status, 'SYNCED');
  });
});

describe('ADS: pushes', () => {
  it('pushes only EDS, only to the proxies watching the host, when an endpoint turns not ready', async () => {
    const a = connect('productpage');
    await syncSidecar(a);
    const b = connect('sleep');
    await syncSidecar(b);
    const d = connect('productpage');
    await syncSidecar(d, (names) => names.filter((n) => n.includes('details')));
    await t.cp.discovery.idle();
    await Promise.all([a.drain(100), b.drain(0), d.drain(0)]);
    t.editRegistry((doc) => {
      const ep = doc.endpoints.find((e) => e.pod === 'reviews-v2-6f85cb9b7c-r2');
      if (ep) ep.ready = false;
    });
    const eds = await a.next(TypeUrls.clusterLoadAssignment);
    await t.cp.discovery.idle();
    assert.deepEqual((await a.drain(200)).map((r) => r.typeUrl), [], 'nothing but EDS');
    assert.ok(eds.names.includes(`outbound|9080|v2|${REVIEWS}`), 'the whole subscribed set (state of the world)');
    const v2 = eds.resources.find((r) => r['clusterName'] === `outbound|9080|v2|${REVIEWS}`);
    assert.match(JSON.stringify(v2), /"healthStatus":"UNHEALTHY"/);
    assert.deepEqual(await b.drain(0), [], 'the restricted sidecar does not see reviews');
    assert.deepEqual(await d.drain(0), [], 'a sidecar watching only details gets nothing');
    const last = t.cp.discovery.pushes().at(-1);
    assert.equal(last?.full, false);
  });

  it('debounces a burst of config edits into one push, sends only the changed type, and nothing to unaffected proxies', async () => {
    const a = connect('productpage');
    await syncSidecar(a);
    const b = connect('sleep');
    await syncSidecar(b);
    await t.cp.discovery.idle();
    await Promise.all([a.drain(100), b.drain(0)]);
    const before = t.cp.discovery.pushes().length;
    for (const w of [10, 20, 30, 40, 90]) {
      t.cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews' }, spec: {
        hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 100 - w }, { destination: { host: 'reviews', subset: 'v3' }, weight: w }] }],
      } });
      await new Promise((r) => setTimeout(r, 15));
    }
    const rds = await a.next(TypeUrls.routeConfiguration);
    await t.cp.discovery.idle();
    assert.equal(t.cp.discovery.pushes().length, before + 1, 'one push for five edits');
    assert.deepEqual((await a.drain(150)).map((r) => r.typeUrl), [], 'only RDS changed');
    assert.match(JSON.stringify(rds.resources), /"weight":10\}.*"weight":90\}/);
    assert.deepEqual(await b.drain(0), [], 'the restricted sidecar is not affected');
  });
});

describe('ADS: robustness', () => {
  it('refuses a stream whose first request has no node id', async () => {
    const c = new AdsTestClient(t.cp.xdsPort, {});
    clients.push(c);
    c.request(TypeUrls.cluster);
    for (let i = 0; i < 50 && !c.status; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.status?.code, grpc.status.INVALID_ARGUMENT);
    assert.match(c.status?.details ?? '', /node\.id/);
  });

  it('survives clients that leave mid-stream, and keeps serving the others', async () => {
    for (let i = 0; i < 5; i++) {
      const gone = connect('productpage');
      gone.request(TypeUrls.cluster);
      gone.request(TypeUrls.listener);
      gone.close();
    }
    t.cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'details' }, spec: { host: 'details', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
    await new Promise((r) => setTimeout(r, 100));
    await t.cp.discovery.idle();
    const c = connect('productpage');
    c.request(TypeUrls.cluster);
    const cds = await c.next(TypeUrls.cluster);
    assert.ok(cds.names.includes('outbound|9080|v1|details.default.svc.cluster.local'));
    await new Promise((r) => setTimeout(r, 100));
    const ids = (await t.getJson<ProxySync[]>('/debug/syncz')).map((s) => s.connectionId);
    assert.ok(ids.length <= clients.filter((x) => !x.ended).length, `closed streams leave syncz (${ids.length})`);
  });
});

describe('delta xDS', () => {
  const node = (pod: string) => sidecarNode(pod, 'default', '10.250.0.2', { app: 'productpage', version: 'v1' });
  const V = (s: string): string => `outbound|9080|${s}|${REVIEWS}`;

  it('subscribes by wildcard and by name, sends only what changed, and reports removed resources', async () => {
    await t.cp.discovery.idle();
    const c = new DeltaTestClient(t.cp.xdsPort, node('delta-1'));
    try {
      c.send({ typeUrl: TypeUrls.cluster });
      const cds = await c.next(TypeUrls.cluster);
      assert.ok(cds.resources.some((r) => r.name === V('v2')));
      assert.ok(cds.resources.every((r) => /^[0-9a-f]{16}$/.test(r.version)));
      c.send({ typeUrl: TypeUrls.cluster, responseNonce: cds.nonce });
      c.send({ typeUrl: TypeUrls.clusterLoadAssignment, resourceNamesSubscribe: [V('v1'), V('v2')] });
      const eds = await c.next(TypeUrls.clusterLoadAssignment);
      assert.deepEqual(eds.resources.map((r) => r.name).sort(), [V('v1'), V('v2')]);
      c.send({ typeUrl: TypeUrls.clusterLoadAssignment, responseNonce: eds.nonce, resourceNamesSubscribe: [V('v3'), V('v9')], resourceNamesUnsubscribe: [V('v1')] });
      const more = await c.next(TypeUrls.clusterLoadAssignment);
      assert.deepEqual(more.resources.map((r) => r.name), [V('v3')], 'only the newly subscribed one');
      assert.deepEqual(more.removedResources, [V('v9')], 'a subscribed name that does not exist is reported removed');
      c.send({ typeUrl: TypeUrls.clusterLoadAssignment, responseNonce: more.nonce });
      await t.cp.discovery.idle();
      await c.drain(100);

      t.editRegistry((doc) => {
        const ep = doc.endpoints.find((e) => e.pod === 'reviews-v3-6f5b775685-r4');
        if (ep) ep.ready = true;
      });
      const pushed = await c.next(TypeUrls.clusterLoadAssignment);
      assert.deepEqual(pushed.resources.map((r) => r.name), [V('v3')], 'v2 did not change and v1 is unsubscribed');
      c.send({ typeUrl: TypeUrls.clusterLoadAssignment, responseNonce: pushed.nonce });

      t.cp.store.apply({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'ratings' }, spec: { host: 'ratings', subsets: [{ name: 'v1', labels: { version: 'v1' } }] } });
      const added = await c.next(TypeUrls.cluster);
      assert.deepEqual(added.resources.map((r) => r.name).sort(), ['outbound|9080|v1|ratings.default.svc.cluster.local', 'outbound|9080||ratings.default.svc.cluster.local']);
      c.send({ typeUrl: TypeUrls.cluster, responseNonce: added.nonce });
      t.cp.store.delete('DestinationRule', 'default', 'ratings');
      const removed = await c.next(TypeUrls.cluster);
      assert.deepEqual(removed.removedResources, ['outbound|9080|v1|ratings.default.svc.cluster.local']);
      const s = await t.getJson<ProxySync[]>('/debug/syncz');
      assert.equal(s.find((p) => p.proxy === node('delta-1').id)?.types['EDS']?.status, 'SYNCED');
    } finally {
      c.close();
    }
  });

  it('does not resend what the client already has (initial_resource_versions)', async () => {
    await t.cp.discovery.idle();
    const a = new DeltaTestClient(t.cp.xdsPort, node('delta-2'));
    const b = new DeltaTestClient(t.cp.xdsPort, node('delta-3'));
    try {
      a.send({ typeUrl: TypeUrls.clusterLoadAssignment, resourceNamesSubscribe: [V('v1'), V('v2')] });
      const got = await a.next(TypeUrls.clusterLoadAssignment);
      const versions = Object.fromEntries(got.resources.map((r) => [r.name, r.version]));
      b.send({ typeUrl: TypeUrls.clusterLoadAssignment, resourceNamesSubscribe: [V('v1'), V('v2')], initialResourceVersions: { ...versions, [V('v2')]: 'stale' } });
      const first = await b.next(TypeUrls.clusterLoadAssignment);
      assert.deepEqual(first.resources.map((r) => r.name), [V('v2')]);
    } finally {
      a.close();
      b.close();
    }
  });
});
