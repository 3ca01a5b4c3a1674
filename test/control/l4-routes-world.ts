/**
 * A small control-plane world for generation tests (l4-routes, delegate, sidecar-ingress): Istio
 * YAML loaded through the real config store, registry.json through the real file registry with
 * ServiceEntries aggregated, a PushContext per call and sidecar proxies by pod.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncPaths } from '../../src/control/config/source/watch.ts';
import { ConfigStore } from '../../src/control/config/store.ts';
import { DEFAULT_MESH_CONFIG } from '../../src/control/model/mesh-config.ts';
import { parseProxy, type Proxy } from '../../src/control/model/proxy.ts';
import { PushContext } from '../../src/control/model/push-context.ts';
import { AggregateRegistry } from '../../src/control/registry/aggregate.ts';
import { FileRegistry } from '../../src/control/registry/file-registry.ts';
import { ServiceEntryRegistry } from '../../src/control/registry/service-entry-registry.ts';
import type { Logger } from '../../src/core/log.ts';

export type Json = Record<string, unknown>;

export interface WorldPod {
  readonly pod: string;
  readonly namespace: string;
  readonly ip: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface WorldService {
  readonly name: string;
  readonly namespace: string;
  readonly clusterIP: string;
  readonly selector: Readonly<Record<string, string>>;
  readonly ports: readonly { name: string; port: number; targetPort: number }[];
  /** registry.json's exportTo (the Service's networking.istio.io/exportTo annotation). */
  readonly exportTo?: readonly string[];
}

export interface World {
  readonly store: ConfigStore;
  /** A new PushContext; its generation warnings go to `log`. */
  push(log?: Logger): PushContext;
  proxy(pod: string, namespace: string): Proxy;
  close(): void;
}

export async function makeWorld(yaml: string, services: readonly WorldService[], pods: readonly WorldPod[]): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'mz-l4-world-'));
  mkdirSync(join(dir, 'config'));
  const endpoints = services.flatMap((s) => pods
    .filter((p) => p.namespace === s.namespace && Object.entries(s.selector).every(([k, v]) => p.labels[k] === v))
    .map((p) => ({ service: s.name, namespace: s.namespace, ip: p.ip, ready: true, pod: p.pod, ports: s.ports.map((sp) => ({ name: sp.name, port: sp.targetPort })) })));
  writeFileSync(join(dir, 'registry.json'), JSON.stringify({
    version: 1,
    services: services.map((s) => ({ ...s, labels: {}, ports: s.ports.map((p) => ({ ...p, protocol: 'TCP' })) })),
    endpoints,
    workloads: pods.map((p) => ({ pod: p.pod, namespace: p.namespace, ip: p.ip, workload: p.pod, labels: p.labels, serviceAccount: 'default', sidecar: true })),
  }));
  writeFileSync(join(dir, 'config', 'config.yaml'), yaml);
  const store = new ConfigStore();
  await syncPaths([join(dir, 'config')], store);
  const file = new FileRegistry({ path: join(dir, 'registry.json'), pollMs: 60_000 });
  await file.start();
  const registry = new AggregateRegistry([file, new ServiceEntryRegistry({ store, pods: file })]);
  return {
    store,
    push: (log) => new PushContext({ store, registry, mesh: DEFAULT_MESH_CONFIG, version: 'test/1', ...(log ? { log } : {}) }),
    proxy(pod, namespace) {
      const p = pods.find((x) => x.pod === pod && x.namespace === namespace);
      if (!p) throw new Error(`no pod ${namespace}/${pod}`);
      const proxy = parseProxy({
        id: `sidecar~${p.ip}~${pod}.${namespace}~${namespace}.svc.cluster.local`,
        metadata: { NAMESPACE: namespace, LABELS: p.labels, INSTANCE_IPS: p.ip },
      });
      if (!proxy) throw new Error('unparsable node');
      return proxy;
    },
    close() {
      registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
