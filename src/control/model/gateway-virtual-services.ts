/**
 * VirtualServices bound to Gateways (Istio's VirtualServicesForGateway): a VirtualService binds
 * to the Gateways its `gateways` name (`name` is in the VirtualService's namespace,
 * `namespace/name` anywhere; `mesh` means the sidecars). For one Gateway, the ones exported to
 * the gateway proxy's namespace, in namespace/name order; a server host and a VirtualService
 * host meet on the more specific of the two (Istio's host intersection).
 */
import { hostSubsetOf, toFqdn } from '../config/hosts.ts';
import type { Resource } from '../config/resource.ts';
import { MESH_GATEWAY, type BoundVirtualService } from './virtual-services.ts';
import { exportedTo } from './visibility.ts';

/** `name` -> `<namespace>/name`; `ns/name` is kept. */
export const gatewayKey = (ref: string, namespace: string): string => (ref.includes('/') ? ref : `${namespace}/${ref}`);

export function gatewayBoundVirtualServices(all: readonly Resource<'VirtualService'>[]): BoundVirtualService[] {
  return all
    .filter((vs) => (vs.spec.gateways ?? []).some((g) => g !== MESH_GATEWAY))
    .map((vs) => ({ resource: vs, hosts: (vs.spec.hosts ?? []).map((h) => toFqdn(h, vs.metadata.namespace)) }));
}

export function virtualServicesForGateway(bound: readonly BoundVirtualService[], gateway: string, proxyNamespace: string): BoundVirtualService[] {
  return bound.filter((vs) => {
    const ns = vs.resource.metadata.namespace;
    return exportedTo(vs.resource.spec.exportTo, ns, proxyNamespace)
      && (vs.resource.spec.gateways ?? []).some((g) => g !== MESH_GATEWAY && gatewayKey(g, ns) === gateway);
  });
}

/** The names both host lists match: for each overlapping pair, the more specific one. */
export function intersectHosts(serverHosts: readonly string[], vsHosts: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of serverHosts) {
    for (const v of vsHosts) {
      if (hostSubsetOf(v, s)) out.add(v.toLowerCase());
      else if (hostSubsetOf(s, v)) out.add(s.toLowerCase());
    }
  }
  return [...out];
}
