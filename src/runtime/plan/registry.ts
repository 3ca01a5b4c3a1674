/**
 * registry.json, the contract with the sidecars: every service (targetPort resolved to a number
 * against a selected pod, else the service port), every endpoint with its readiness, and every
 * pod as a workload. Pure; the supervisor writes it atomically when it changes.
 */
import type { Endpoint, PodView, ServiceView } from '../model/views.ts';
import { resolveTargetPort, selects } from './endpoints.ts';

export interface Registry {
  readonly version: number;
  readonly services: readonly unknown[];
  readonly endpoints: readonly unknown[];
  readonly workloads: readonly unknown[];
}

const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }): number =>
  a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

export function buildRegistry(version: number, services: readonly ServiceView[], endpoints: readonly Endpoint[], pods: readonly PodView[]): Registry {
  const svcs = [...services].sort((a, b) => byName(a.service.metadata, b.service.metadata)).map(({ service: s, clusterIP }) => {
    const ns = s.metadata.namespace;
    const selected = pods.filter((p) => p.active && p.namespace === ns && selects(s.spec.selector, p.labels));
    // Istio's kube controller: the Service's exportTo annotation, comma-separated.
    const exportTo = (s.metadata.annotations?.['networking.istio.io/exportTo'] ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    return {
      name: s.metadata.name,
      namespace: ns,
      hostname: `${s.metadata.name}.${ns}.svc.cluster.local`,
      clusterIP,
      labels: s.metadata.labels,
      selector: s.spec.selector,
      ports: s.spec.ports.map((p) => ({
        name: p.name ?? '',
        port: p.port,
        targetPort: selected.map((pod) => resolveTargetPort(p.targetPort, pod)).find((n) => n !== undefined)
          ?? (typeof p.targetPort === 'number' ? p.targetPort : p.port),
        protocol: p.protocol,
        appProtocol: p.appProtocol ?? null,
      })),
      ...(exportTo.length > 0 ? { exportTo } : {}),
    };
  });
  const eps = endpoints.map((e) => ({
    service: e.service, namespace: e.namespace, ip: e.ip, ready: e.ready, pod: e.pod,
    ports: e.ports.map((p) => ({ name: p.name, port: p.port })),
  }));
  const workloads = pods.filter((p) => p.ip !== '' && p.active).sort(byName).map((p) => ({
    pod: p.name, namespace: p.namespace, ip: p.ip, workload: p.workload, labels: p.labels, serviceAccount: p.serviceAccount, sidecar: p.sidecar,
  }));
  return { version, services: svcs, endpoints: eps, workloads };
}
