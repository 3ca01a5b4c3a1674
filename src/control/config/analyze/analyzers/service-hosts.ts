/**
 * Hosts that no service defines, checked only when services are known (Services in the input,
 * a registry, ServiceEntries): IST0101 for a VirtualService destination, MZA0001 (a warning)
 * for a DestinationRule host, whose rules would then apply to nothing.
 */
import { hostsOverlap, toFqdn } from '../../hosts.ts';
import type { Analyzer } from '../context.ts';
import { routeDestinations } from '../destinations.ts';
import { MessageTypes, q } from '../messages.ts';

export const serviceHosts: Analyzer = (ctx) => {
  const entries = ctx.of('ServiceEntry').flatMap((se) => se.spec.hosts.map((h) => toFqdn(h, se.metadata.namespace)));
  if (!ctx.inventory.servicesKnown && entries.length === 0) return;
  const known = [...ctx.inventory.services.map((s) => s.hostname.toLowerCase()), ...entries];
  const exists = (fqdn: string): boolean => known.some((k) => hostsOverlap(fqdn, k));

  for (const vs of ctx.of('VirtualService')) {
    for (const d of routeDestinations(vs.spec)) {
      if (!exists(toFqdn(d.destination.host, vs.metadata.namespace))) {
        ctx.report(MessageTypes.ReferencedResourceNotFound, vs, `Referenced ${d.mirror ? 'mirror host' : 'host'} not found: ${q(d.destination.host)}`, d.path);
      }
    }
  }
  for (const dr of ctx.of('DestinationRule')) {
    const host = toFqdn(dr.spec.host, dr.metadata.namespace);
    if (!host.includes('*') && !exists(host)) {
      ctx.report(MessageTypes.DestinationRuleHostNotFound, dr, `DestinationRule host not found in the service registry: ${q(dr.spec.host)}`, ['spec', 'host']);
    }
  }
};
