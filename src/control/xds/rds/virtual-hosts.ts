/**
 * The domains of a service's virtual host (Istio's generateVirtualHostDomains): the FQDN, the
 * short name (only for a proxy in the service's namespace), `name.ns` and `name.ns.svc` for
 * Kubernetes services, and the VIP; each bare and with `:<port>`. A domain may appear once per
 * RouteConfiguration, so later virtual hosts lose the ones already taken.
 */
import type { Service } from '../../registry/model.ts';
import type { Json } from '../generator.ts';

export function serviceDomains(svc: Service, port: number, proxyNamespace: string): string[] {
  const names = [svc.hostname];
  const k8sSuffix = `.${svc.namespace}.svc.`;
  if (svc.provider === 'Kubernetes' && svc.hostname.startsWith(`${svc.name}${k8sSuffix}`)) {
    if (svc.namespace === proxyNamespace) names.push(svc.name);
    names.push(`${svc.name}.${svc.namespace}`, `${svc.name}.${svc.namespace}.svc`);
  }
  if (svc.address) names.push(svc.address);
  return names.flatMap((n) => [n, `${n}:${port}`]);
}

/** Removes domains an earlier virtual host already has, and virtual hosts left with none. */
export function dedupeDomains(vhosts: readonly Json[]): Json[] {
  const taken = new Set<string>();
  const out: Json[] = [];
  for (const vh of vhosts) {
    const domains = (vh['domains'] as string[]).filter((d) => !taken.has(d));
    domains.forEach((d) => taken.add(d));
    if (domains.length > 0) out.push({ ...vh, domains });
  }
  return out;
}
