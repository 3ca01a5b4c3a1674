/**
 * One immutable view of the registry with the lookups the data path needs: ClusterIP:port to a
 * service port, a service's endpoints, an IP to its workload. Built once per registry version
 * and swapped in whole, so a connection never sees half an update.
 */
import type { Endpoint, Registry, Service, ServicePort, Workload } from '../../core/registry/registry.ts';

export interface ServiceTarget {
  readonly service: Service;
  readonly port: ServicePort;
}

export interface RegistrySnapshot {
  readonly registry: Registry;
  readonly version: number;
  /** `clusterIP:port` -> service port. */
  readonly byVip: ReadonlyMap<string, ServiceTarget>;
  /** `namespace/name` -> endpoints of the service (ready or not). */
  readonly endpointsOf: ReadonlyMap<string, readonly Endpoint[]>;
  /** IP -> workload (pods). */
  readonly workloadByIp: ReadonlyMap<string, Workload>;
  /** IP -> endpoints having that IP, across services. */
  readonly endpointsByIp: ReadonlyMap<string, readonly Endpoint[]>;
}

export const serviceKey = (namespace: string, name: string): string => `${namespace}/${name}`;

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

export function buildSnapshot(registry: Registry): RegistrySnapshot {
  const byVip = new Map<string, ServiceTarget>();
  for (const service of registry.services) {
    if (service.clusterIP === null) continue;
    for (const port of service.ports) {
      if (port.protocol.toUpperCase() !== 'TCP') continue;
      byVip.set(`${service.clusterIP}:${port.port}`, { service, port });
    }
  }
  const endpointsOf = new Map<string, Endpoint[]>();
  const endpointsByIp = new Map<string, Endpoint[]>();
  for (const e of registry.endpoints) {
    push(endpointsOf, serviceKey(e.namespace, e.service), e);
    push(endpointsByIp, e.ip, e);
  }
  const workloadByIp = new Map<string, Workload>();
  for (const w of registry.workloads) workloadByIp.set(w.ip, w);
  return { registry, version: registry.version, byVip, endpointsOf, workloadByIp, endpointsByIp };
}

/** The pod port an endpoint serves a service port on: the endpoint port of the same name, else targetPort. */
export function endpointPortFor(endpoint: Endpoint, port: ServicePort): number {
  const named = port.name === null ? undefined : endpoint.ports.find((p) => p.name === port.name);
  return named?.port ?? port.targetPort;
}
