/**
 * VirtualServices bound to the mesh (no `gateways`, or `mesh` among them), and which one routes
 * a host for a proxy: exact host matches before wildcards, the proxy's own namespace first, then
 * by namespace and name (Istio keeps the oldest; without creation times, the name decides).
 * TCP and TLS listeners take every VirtualService whose hosts overlap the service's host (Istio's
 * getConfigsForHost), in that same order.
 */
import { hostsOverlap, toFqdn } from '../config/hosts.ts';
import type { Resource } from '../config/resource.ts';
import { exportedTo, hostMatches, specificity } from './visibility.ts';

export interface BoundVirtualService {
  readonly resource: Resource<'VirtualService'>;
  /** spec.hosts as FQDNs (short names expanded in the VirtualService's namespace). */
  readonly hosts: readonly string[];
}

export const MESH_GATEWAY = 'mesh';

export function meshVirtualServices(all: readonly Resource<'VirtualService'>[]): BoundVirtualService[] {
  return all
    .filter((vs) => !vs.spec.gateways || vs.spec.gateways.length === 0 || vs.spec.gateways.includes(MESH_GATEWAY))
    .map((vs) => ({ resource: vs, hosts: (vs.spec.hosts ?? []).map((h) => toFqdn(h, vs.metadata.namespace)) }));
}

/**
 * Every VirtualService among `candidates` exported to `namespace` with a host overlapping
 * `hostname` (a wildcard ServiceEntry host takes the VirtualServices of names under it too), the
 * one virtualServiceFor picks first.
 */
export function virtualServicesOverlapping(candidates: readonly BoundVirtualService[], namespace: string, hostname: string): BoundVirtualService[] {
  const first = virtualServiceFor(candidates, namespace, hostname);
  const rest = candidates.filter((vs) => vs !== first && exportedTo(vs.resource.spec.exportTo, vs.resource.metadata.namespace, namespace)
    && vs.hosts.some((h) => hostsOverlap(hostname, h)));
  return first ? [first, ...rest] : rest;
}

/** The VirtualService that routes `hostname` for a proxy in `namespace`, among `candidates`. */
export function virtualServiceFor(candidates: readonly BoundVirtualService[], namespace: string, hostname: string): BoundVirtualService | undefined {
  let best: { vs: BoundVirtualService; rank: [number, number] } | undefined;
  for (const vs of candidates) {
    const ns = vs.resource.metadata.namespace;
    if (!exportedTo(vs.resource.spec.exportTo, ns, namespace)) continue;
    const matched = vs.hosts.filter((h) => hostMatches(hostname, h));
    if (matched.length === 0) continue;
    const rank: [number, number] = [-Math.max(...matched.map(specificity)), ns === namespace ? 0 : 1];
    if (!best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && rank[1] < best.rank[1])) best = { vs, rank };
  }
  return best?.vs;
}
