/**
 * The endpoints controller: a service selects the active pods of its namespace whose labels
 * hold its selector; each such pod with an address is an endpoint, ready when the pod is. A
 * named targetPort is looked up in the pod's container ports (a pod without it is skipped for
 * that port, as Kubernetes does).
 */
import type { IntOrString, Labels, ServicePort } from '../model/objects.ts';
import type { Endpoint, EndpointPort, PodView, ServiceView } from '../model/views.ts';

export function selects(selector: Labels, labels: Labels): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

export function resolveTargetPort(target: IntOrString, pod: PodView): number | undefined {
  if (typeof target === 'number') return target;
  return pod.ports.find((p) => p.name === target)?.containerPort;
}

function portsFor(ports: readonly ServicePort[], pod: PodView): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of ports) {
    const port = resolveTargetPort(sp.targetPort, pod);
    if (port !== undefined) out.push({ name: sp.name ?? '', port, protocol: sp.protocol });
  }
  return out;
}

export function endpointsFor(svc: ServiceView, pods: readonly PodView[]): Endpoint[] {
  const s = svc.service;
  return pods
    .filter((p) => p.active && p.ip !== '' && p.namespace === s.metadata.namespace && selects(s.spec.selector, p.labels))
    .map((p) => ({ service: s.metadata.name, namespace: p.namespace, ip: p.ip, ready: p.ready, pod: p.name, ports: portsFor(s.spec.ports, p) }))
    .filter((e) => e.ports.length > 0)
    .sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }));
}

export function allEndpoints(services: readonly ServiceView[], pods: readonly PodView[]): Endpoint[] {
  return services.flatMap((s) => endpointsFor(s, pods));
}
