/**
 * A synthetic registry.json at scale: `services` Services spread over ten namespaces, each with
 * one HTTP port (80 -> 8080) and a ClusterIP, and `pods` pods spread evenly over them (each a
 * ready endpoint and a workload with a sidecar). Deterministic, so runs compare.
 */

export interface SyntheticPod {
  readonly pod: string;
  readonly namespace: string;
  readonly ip: string;
  readonly app: string;
}

export interface SyntheticRegistry {
  version: number;
  services: Record<string, unknown>[];
  endpoints: { service: string; namespace: string; ip: string; ready: boolean; pod: string; ports: { name: string; port: number }[] }[];
  workloads: Record<string, unknown>[];
}

const NAMESPACES = 10;

const nsOf = (i: number): string => `ns-${i % NAMESPACES}`;
const ipOf = (base: string, i: number): string => `${base}.${Math.floor((i + 2) / 250)}.${((i + 2) % 250) + 1}`;

export function syntheticPods(services: number, pods: number): SyntheticPod[] {
  return Array.from({ length: pods }, (_, p) => {
    const s = p % services;
    return { pod: `svc-${s}-v1-${p.toString(36).padStart(5, '0')}`, namespace: nsOf(s), ip: ipOf('10.250', p), app: `svc-${s}` };
  });
}

export function syntheticRegistry(services: number, pods: number): SyntheticRegistry {
  const podList = syntheticPods(services, pods);
  return {
    version: 1,
    services: Array.from({ length: services }, (_, s) => ({
      name: `svc-${s}`, namespace: nsOf(s), hostname: `svc-${s}.${nsOf(s)}.svc.cluster.local`, clusterIP: ipOf('10.96', s),
      labels: { app: `svc-${s}` }, selector: { app: `svc-${s}` },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', appProtocol: null }],
    })),
    endpoints: podList.map((p) => ({ service: p.app, namespace: p.namespace, ip: p.ip, ready: true, pod: p.pod, ports: [{ name: 'http', port: 8080 }] })),
    workloads: podList.map((p) => ({
      pod: p.pod, namespace: p.namespace, ip: p.ip, workload: `${p.app}-v1`, labels: { app: p.app, version: 'v1' }, serviceAccount: p.app, sidecar: true,
    })),
  };
}
