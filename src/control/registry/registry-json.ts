/**
 * registry.json (docs/design/one-host-mesh.md) -> a RegistrySnapshot. The file is validated by
 * the shared schema (core/registry/parse.ts: the first problem with its field path and value);
 * this converts it to the control plane's model: ports get Istio's protocol, headless services
 * resolve by passthrough, and endpoints are joined with their pod's workload (labels, service
 * account, workload name) and expanded to one ServiceEndpoint per service port. Deep-frozen.
 */
import { ErrorCodes, MizzenError } from '../../core/errors.ts';
import { parseRegistry } from '../../core/registry/parse.ts';
import type * as RegistryJson from '../../core/registry/registry.ts';
import { deepFreeze } from '../config/freeze.ts';
import { ControlErrorCodes, ControlPlaneError } from '../xds/errors.ts';
import type { RegistrySnapshot, Service, ServiceEndpoint, WorkloadInstance } from './model.ts';
import { inferProtocol } from './protocol.ts';

function service(s: RegistryJson.Service): Service {
  return {
    hostname: s.hostname, name: s.name, namespace: s.namespace,
    ...(s.clusterIP === null ? {} : { address: s.clusterIP }),
    ports: s.ports.map((p) => ({ name: p.name ?? '', port: p.port, targetPort: p.targetPort, protocol: inferProtocol(p) })),
    labels: s.labels,
    selector: s.selector,
    meshExternal: false,
    resolution: s.clusterIP === null ? 'Passthrough' : 'ClientSideLB',
    exportTo: s.exportTo && s.exportTo.length > 0 ? s.exportTo : ['*'],
    provider: 'Kubernetes',
  };
}

function workload(w: RegistryJson.Workload): WorkloadInstance {
  return {
    name: w.pod, namespace: w.namespace, address: w.ip, workloadName: w.workload || w.pod, labels: w.labels,
    serviceAccount: w.serviceAccount || 'default', sidecar: w.sidecar,
  };
}

/** One registry.json endpoint (a pod behind a service) -> one ServiceEndpoint per service port. */
function endpoints(e: RegistryJson.Endpoint, services: ReadonlyMap<string, Service>, pods: ReadonlyMap<string, WorkloadInstance>): ServiceEndpoint[] {
  const svc = services.get(`${e.namespace}/${e.service}`);
  if (!svc) return [];
  const ports = e.ports.map((p) => ({ name: p.name ?? '', port: p.port }));
  const pod = pods.get(`${e.namespace}/${e.pod}`);
  return svc.ports.map((sp) => ({
    hostname: svc.hostname, servicePortName: sp.name, servicePort: sp.port, address: e.ip,
    port: ports.find((p) => p.name === sp.name && sp.name !== '')?.port ?? (svc.ports.length === 1 && ports.length === 1 ? ports[0]?.port : undefined) ?? sp.targetPort ?? sp.port,
    ready: e.ready, labels: pod?.labels ?? {}, namespace: e.namespace, workloadName: pod?.workloadName ?? e.pod, podName: e.pod,
    serviceAccount: pod?.serviceAccount ?? 'default', locality: '', weight: 1, network: '', sidecar: pod?.sidecar ?? false,
  }));
}

export interface ParsedRegistry {
  readonly version: number;
  readonly snapshot: RegistrySnapshot;
}

/** The shared parsed registry.json -> the control plane's model. */
export function registrySnapshot(registry: RegistryJson.Registry): ParsedRegistry {
  const services = registry.services.map(service);
  const byName = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const workloads = registry.workloads.map(workload);
  const pods = new Map(workloads.map((w) => [`${w.namespace}/${w.name}`, w]));
  const eps = registry.endpoints.flatMap((e) => endpoints(e, byName, pods));
  return deepFreeze({ version: registry.version, snapshot: { services, endpoints: eps, workloads } });
}

/** Parses registry.json text; throws MZ_REGISTRY_INVALID naming the file, the field and the value. */
export function parseRegistryJson(body: string, file: string): ParsedRegistry {
  let registry: RegistryJson.Registry;
  try {
    registry = parseRegistry(body, file);
  } catch (err) {
    if (err instanceof MizzenError && err.code === ErrorCodes.InvalidConfigFile) throw new ControlPlaneError(ControlErrorCodes.InvalidRegistry, err.message);
    throw err;
  }
  return registrySnapshot(registry);
}
