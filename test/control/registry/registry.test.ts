/**
 * The service registry: registry.json parsed and validated (errors name the field), the file
 * watched with the last good snapshot kept, change events that tell endpoint-only changes from
 * service changes, ServiceEntry/WorkloadEntry conversion, and the aggregate of both.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigStore } from '../../../src/control/config/store.ts';
import { AggregateRegistry } from '../../../src/control/registry/aggregate.ts';
import { FileRegistry } from '../../../src/control/registry/file-registry.ts';
import { inferProtocol } from '../../../src/control/registry/protocol.ts';
import { parseRegistryJson } from '../../../src/control/registry/registry-json.ts';
import { ServiceEntryRegistry } from '../../../src/control/registry/service-entry-registry.ts';
import type { RegistryChange } from '../../../src/control/registry/service-registry.ts';
import { ControlPlaneError } from '../../../src/control/xds/errors.ts';
import { FIXTURE } from '../xds/bookinfo.ts';

const bookinfo = readFileSync(join(FIXTURE, 'registry.json'), 'utf8');
const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tempRegistry(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mz-registry-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'registry.json'), body);
  return join(dir, 'registry.json');
}

/** Replaces the file as the runtime does: write a temp file, rename over. */
function replace(path: string, body: string): void {
  writeFileSync(`${path}.tmp`, body);
  renameSync(`${path}.tmp`, path);
}

function nextChange(reg: { onChange(fn: (c: RegistryChange) => void): () => void }, ms = 3000): Promise<RegistryChange> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no registry change')), ms);
    const off = reg.onChange((c) => {
      clearTimeout(t);
      off();
      resolve(c);
    });
  });
}

describe('registry.json', () => {
  it('becomes services, one endpoint per service port with the pod\'s identity, and workloads', () => {
    const { version, snapshot } = parseRegistryJson(bookinfo, 'registry.json');
    assert.equal(version, 7);
    const reviews = snapshot.services.find((s) => s.name === 'reviews');
    assert.deepEqual(reviews, {
      hostname: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default', address: '10.96.0.12',
      ports: [{ name: 'http', port: 9080, targetPort: 9080, protocol: 'HTTP' }], labels: { app: 'reviews' }, selector: { app: 'reviews' },
      meshExternal: false, resolution: 'ClientSideLB', exportTo: ['*'], provider: 'Kubernetes',
    });
    assert.equal(snapshot.services.find((s) => s.name === 'mongodb')?.ports[0]?.protocol, 'Mongo');
    const ep = snapshot.endpoints.find((e) => e.podName === 'reviews-v2-6f85cb9b7c-r2');
    assert.deepEqual(ep && { ...ep }, {
      hostname: 'reviews.default.svc.cluster.local', servicePortName: 'http', servicePort: 9080, address: '10.250.0.5', port: 9080, ready: true,
      labels: { app: 'reviews', version: 'v2' }, namespace: 'default', workloadName: 'reviews-v2', podName: 'reviews-v2-6f85cb9b7c-r2',
      serviceAccount: 'bookinfo-reviews', locality: '', weight: 1, network: '', sidecar: true,
    });
    assert.ok(Object.isFrozen(snapshot.services[0]?.ports), 'deep-frozen');
  });

  it('refuses a bad file naming the field and the value', () => {
    const bad = JSON.parse(bookinfo) as { services: { ports: { port: number }[] }[] };
    (bad.services[1]?.ports[0] ?? { port: 0 }).port = 70000;
    assert.throws(() => parseRegistryJson(JSON.stringify(bad), 'r.json'), (e: unknown) =>
      e instanceof ControlPlaneError && e.controlCode === 'MZ_REGISTRY_INVALID' && /r\.json: services\[1\]\.ports\[0\]\.port: 70000: expected a port/.test(e.message));
    assert.throws(() => parseRegistryJson('{"version": 1, "services": [', 'r.json'), /not valid JSON/);
  });

  it('headless services resolve by passthrough; ports get Istio\'s protocol by appProtocol or name', () => {
    const { snapshot } = parseRegistryJson(JSON.stringify({ version: 1, services: [{ name: 'db', namespace: 'x', clusterIP: 'None', ports: [{ name: 'tcp', port: 5432 }] }] }), 'r');
    assert.equal(snapshot.services[0]?.resolution, 'Passthrough');
    assert.equal(snapshot.services[0]?.address, undefined);
    assert.deepEqual([inferProtocol({ name: 'http-web' }), inferProtocol({ name: 'grpc-web' }), inferProtocol({ name: 'web', appProtocol: 'kubernetes.io/h2c' }),
      inferProtocol({ name: 'dns', protocol: 'UDP' }), inferProtocol({ name: 'metrics' })], ['HTTP', 'GRPC-Web', 'HTTP2', 'UDP', 'Unsupported']);
  });
});

describe('FileRegistry', () => {
  it('follows the file: an endpoint turning not-ready is an endpoint change, a new port a service change; a bad file keeps the last good', async () => {
    const path = tempRegistry(bookinfo);
    const reg = new FileRegistry({ path, debounceMs: 10, pollMs: 200 });
    await reg.start();
    try {
      assert.equal(reg.synced(), true);
      assert.equal(reg.endpoints('reviews.default.svc.cluster.local').length, 4);
      const doc = JSON.parse(bookinfo) as { version: number; endpoints: { pod: string; ready: boolean }[]; services: { name: string; ports: unknown[] }[] };
      const ep = doc.endpoints.find((e) => e.pod === 'reviews-v2-6f85cb9b7c-r2');
      if (ep) ep.ready = false;
      doc.version = 8;
      let change = nextChange(reg);
      replace(path, JSON.stringify(doc));
      assert.deepEqual(await change, { registry: 'registry.json', services: new Set(), endpoints: new Set(['reviews.default.svc.cluster.local']), workloads: false });
      assert.equal(reg.endpoints('reviews.default.svc.cluster.local').find((e) => e.address === '10.250.0.5')?.ready, false);

      replace(path, '{"version": 9, "services": "nope"}');
      await new Promise((r) => setTimeout(r, 300));
      assert.match(reg.status().error ?? '', /services: "nope": expected a list \(keeping version 8\)/);
      assert.equal(reg.status().version, 8);
      assert.equal(reg.services().length, 6, 'the last good snapshot stays');

      doc.services.find((s) => s.name === 'details')?.ports.push({ name: 'grpc', port: 9090 });
      doc.version = 10;
      change = nextChange(reg);
      replace(path, JSON.stringify(doc));
      const c = await change;
      assert.deepEqual([...c.services], ['details.default.svc.cluster.local']);
      assert.equal(reg.status().error, undefined);
    } finally {
      reg.close();
    }
  });

  it('starts empty (and synced) when the file is missing, and loads it when it appears', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mz-registry-'));
    dirs.push(dir);
    const reg = new FileRegistry({ path: join(dir, 'registry.json'), debounceMs: 10, pollMs: 100 });
    await reg.start();
    try {
      assert.equal(reg.synced(), true);
      assert.equal(reg.services().length, 0);
      assert.match(reg.status().error ?? '', /cannot read: ENOENT/);
      const change = nextChange(reg);
      replace(join(dir, 'registry.json'), bookinfo);
      assert.equal((await change).services.size, 6);
    } finally {
      reg.close();
    }
  });
});

describe('ServiceEntry registry', () => {
  const se = (name: string, spec: Record<string, unknown>, ns = 'default'): Record<string, unknown> =>
    ({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name, namespace: ns }, spec });
  const we = (name: string, spec: Record<string, unknown>): Record<string, unknown> =>
    ({ apiVersion: 'networking.istio.io/v1', kind: 'WorkloadEntry', metadata: { name, namespace: 'default' }, spec });

  it('converts resolutions and locations; workloadSelector picks WorkloadEntries (their ports by name) and follows their changes', async () => {
    const store = new ConfigStore();
    store.apply(se('ext', { hosts: ['api.example.com'], ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }], resolution: 'DNS' }));
    store.apply(se('vm', { hosts: ['vm.internal'], addresses: ['10.200.0.1/32'], location: 'MESH_INTERNAL', resolution: 'STATIC',
      ports: [{ number: 8080, name: 'http', protocol: 'HTTP' }], workloadSelector: { labels: { app: 'vm' } } }));
    store.apply(se('any', { hosts: ['*.passthrough.example'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }));
    store.apply(we('vm-1', { address: '10.0.5.1', labels: { app: 'vm' }, ports: { http: 18080 }, serviceAccount: 'vm-sa', locality: 'r/z' }));
    const reg = new ServiceEntryRegistry({ store });
    try {
      const byHost = new Map(reg.services().map((s) => [s.hostname, s]));
      assert.deepEqual([byHost.get('api.example.com')?.resolution, byHost.get('api.example.com')?.meshExternal, byHost.get('api.example.com')?.ports[0]?.protocol], ['DNSLB', true, 'HTTPS']);
      assert.deepEqual([byHost.get('vm.internal')?.resolution, byHost.get('vm.internal')?.meshExternal, byHost.get('vm.internal')?.address], ['ClientSideLB', false, '10.200.0.1']);
      assert.equal(byHost.get('*.passthrough.example')?.resolution, 'Passthrough');
      assert.deepEqual(reg.endpoints('api.example.com').map((e) => [e.address, e.port]), [['api.example.com', 443]]);
      const [vm] = reg.endpoints('vm.internal');
      assert.deepEqual(vm && [vm.address, vm.port, vm.serviceAccount, vm.locality, vm.workloadName], ['10.0.5.1', 18080, 'vm-sa', 'r/z', 'vm-1']);
      const change = nextChange(reg);
      store.apply(we('vm-2', { address: '10.0.5.2', labels: { app: 'vm' } }));
      assert.deepEqual([...(await change).endpoints], ['vm.internal']);
      assert.deepEqual(reg.endpoints('vm.internal').map((e) => [e.address, e.port]), [['10.0.5.1', 18080], ['10.0.5.2', 8080]]);
    } finally {
      reg.close();
    }
  });

  it('joins the file registry in an aggregate where the Kubernetes service wins a host conflict', async () => {
    const store = new ConfigStore();
    store.apply(se('shadow', { hosts: ['reviews.default.svc.cluster.local'], ports: [{ number: 1, name: 'tcp', protocol: 'TCP' }], resolution: 'STATIC',
      endpoints: [{ address: '1.1.1.1' }] }));
    const file = new FileRegistry({ path: tempRegistry(bookinfo), pollMs: 60_000 });
    await file.start();
    const agg = new AggregateRegistry([file, new ServiceEntryRegistry({ store, pods: file })]);
    try {
      const reviews = agg.services().filter((s) => s.hostname === 'reviews.default.svc.cluster.local');
      assert.equal(reviews.length, 1);
      assert.equal(reviews[0]?.provider, 'Kubernetes');
      assert.ok(agg.endpoints('reviews.default.svc.cluster.local').every((e) => e.address !== '1.1.1.1'));
      const change = nextChange(agg);
      store.apply(se('more', { hosts: ['more.example'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }));
      assert.equal((await change).registry, 'ServiceEntry');
    } finally {
      agg.close();
    }
  });
});
