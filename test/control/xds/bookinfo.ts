/**
 * The bookinfo fixture for generator tests: registry.json plus the routing, destination rules,
 * ServiceEntries and Sidecar of test/fixtures/control-bookinfo, in a PushContext; and proxies
 * for its pods, as their sidecars would describe themselves.
 */
import { join } from 'node:path';
import { ConfigStore } from '../../../src/control/config/store.ts';
import { syncPaths } from '../../../src/control/config/source/watch.ts';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../../src/control/model/mesh-config.ts';
import { parseProxy, type Proxy } from '../../../src/control/model/proxy.ts';
import { PushContext } from '../../../src/control/model/push-context.ts';
import { AggregateRegistry } from '../../../src/control/registry/aggregate.ts';
import { FileRegistry } from '../../../src/control/registry/file-registry.ts';
import { ServiceEntryRegistry } from '../../../src/control/registry/service-entry-registry.ts';
import { repoRoot } from '../../helpers/paths.ts';

export const FIXTURE = join(repoRoot, 'test/fixtures/control-bookinfo');

export interface Bookinfo {
  readonly store: ConfigStore;
  readonly registry: AggregateRegistry;
  push(mesh?: Partial<MeshConfig>): PushContext;
  close(): void;
}

export async function loadBookinfo(): Promise<Bookinfo> {
  const store = new ConfigStore();
  await syncPaths([join(FIXTURE, 'config')], store);
  const file = new FileRegistry({ path: join(FIXTURE, 'registry.json'), pollMs: 60_000 });
  await file.start();
  const registry = new AggregateRegistry([file, new ServiceEntryRegistry({ store, pods: file })]);
  let n = 0;
  return {
    store, registry,
    push: (mesh = {}) => new PushContext({ store, registry, mesh: { ...DEFAULT_MESH_CONFIG, ...mesh }, version: `test/${++n}` }),
    close: () => registry.close(),
  };
}

const PODS: Readonly<Record<string, { ns: string; ip: string; labels: Record<string, string>; port: number; portName?: string }>> = {
  productpage: { ns: 'default', ip: '10.250.0.2', labels: { app: 'productpage', version: 'v1' }, port: 9080 },
  reviews: { ns: 'default', ip: '10.250.0.4', labels: { app: 'reviews', version: 'v1' }, port: 9080 },
  mongodb: { ns: 'default', ip: '10.250.0.8', labels: { app: 'mongodb', version: 'v1' }, port: 27017, portName: 'mongo' },
  sleep: { ns: 'restricted', ip: '10.250.0.20', labels: { app: 'sleep' }, port: 8080 },
};

/** The proxy of a bookinfo pod, by app; `generator: 'grpc'` for a proxyless client. */
export function proxyOf(app: keyof typeof PODS, extra: Record<string, unknown> = {}): Proxy {
  const p = PODS[app];
  if (!p) throw new Error(`no pod ${app}`);
  const proxy = parseProxy({
    id: `sidecar~${p.ip}~${app}-pod.${p.ns}~${p.ns}.svc.cluster.local`,
    metadata: { NAMESPACE: p.ns, LABELS: p.labels, POD_PORTS: JSON.stringify([{ name: p.portName ?? 'http', containerPort: p.port, protocol: 'TCP' }]), ...extra },
  });
  if (!proxy) throw new Error('unparsable node');
  return proxy;
}
