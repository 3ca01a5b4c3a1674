/**
 * Push contexts for control-plane gateway tests: a registry.json-shaped registry (services,
 * endpoints, workloads) held in memory, Istio config applied to a ConfigStore (every document
 * must validate), optional credential Secrets, and the ingress gateway's router proxy.
 */
import assert from 'node:assert/strict';
import { createLogger, type Logger } from '../../src/core/log.ts';
import { parseCredentialSecret } from '../../src/control/config/secrets/kube-secret.ts';
import { ConfigStore } from '../../src/control/config/store.ts';
import { DEFAULT_MESH_CONFIG, type MeshConfig } from '../../src/control/model/mesh-config.ts';
import { parseProxy, type Proxy } from '../../src/control/model/proxy.ts';
import { PushContext } from '../../src/control/model/push-context.ts';
import type { RegistrySnapshot } from '../../src/control/registry/model.ts';
import { parseRegistryJson } from '../../src/control/registry/registry-json.ts';
import { SnapshotRegistry } from '../../src/control/registry/snapshot-registry.ts';

/** A registry.json service entry. */
export const svc = (name: string, ns: string, ip: string, selector: Record<string, string>, ports: [string, number, number][]) => ({
  name, namespace: ns, hostname: `${name}.${ns}.svc.cluster.local`, clusterIP: ip, labels: selector, selector,
  ports: ports.map(([n, port, targetPort]) => ({ name: n, port, targetPort, protocol: 'TCP', appProtocol: null })),
});

/** An Istio document's head. */
export const meta = (kind: string, ns: string, name: string) => ({ apiVersion: 'networking.istio.io/v1', kind, metadata: { name, namespace: ns } });

class StaticRegistry extends SnapshotRegistry {
  constructor(snap: RegistrySnapshot) {
    super('test', 'Kubernetes', createLogger({ level: 'error' }));
    this.replace(snap);
  }
}

export interface PushOptions {
  readonly mesh?: Partial<MeshConfig>;
  /** v1 Secret documents (gateway credentials). */
  readonly secrets?: readonly unknown[];
  readonly log?: Logger;
}

export function pushContextOf(registryJson: unknown, config: readonly unknown[], o: PushOptions = {}): PushContext {
  const store = new ConfigStore();
  for (const doc of config) assert.equal(store.apply(doc).issues.filter((i) => i.severity === 'error').length, 0, JSON.stringify(doc));
  if (o.secrets) store.sync('test-secrets', { resources: [], secrets: o.secrets.map((s) => parseCredentialSecret(s).secret).filter((s) => s !== undefined) });
  const registry = new StaticRegistry(parseRegistryJson(JSON.stringify(registryJson), 'registry.json').snapshot);
  return new PushContext({ store, registry, mesh: { ...DEFAULT_MESH_CONFIG, ...o.mesh }, version: 'test/1', ...(o.log ? { log: o.log } : {}) });
}

/** The ingress gateway pod gw-1 (10.250.0.9) in istio-system, as a router. */
export function gatewayProxy(metadata: Record<string, unknown> = {}, labels: Record<string, string> = { istio: 'ingressgateway' }): Proxy {
  const p = parseProxy({ id: 'router~10.250.0.9~gw-1.istio-system~istio-system.svc.cluster.local', metadata: { LABELS: labels, ...metadata } });
  assert.ok(p);
  return p;
}
