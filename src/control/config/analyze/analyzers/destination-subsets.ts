/** IST0101: a VirtualService routes to a host+subset that no DestinationRule for that host defines. */
import { hostSubsetOf, toFqdn } from '../../hosts.ts';
import type { Analyzer } from '../context.ts';
import { routeDestinations } from '../destinations.ts';
import { MessageTypes, q } from '../messages.ts';

export const destinationSubsets: Analyzer = (ctx) => {
  const defined = ctx.of('DestinationRule').map((dr) => ({
    host: toFqdn(dr.spec.host, dr.metadata.namespace),
    subsets: new Set((dr.spec.subsets ?? []).map((s) => s.name)),
  }));
  for (const vs of ctx.of('VirtualService')) {
    for (const d of routeDestinations(vs.spec)) {
      const subset = d.destination.subset;
      if (subset === undefined) continue;
      const host = toFqdn(d.destination.host, vs.metadata.namespace);
      if (defined.some((dr) => hostSubsetOf(host, dr.host) && dr.subsets.has(subset))) continue;
      const what = d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule';
      ctx.report(MessageTypes.ReferencedResourceNotFound, vs, `Referenced ${what} not found: ${q(`${d.destination.host}+${subset}`)}`, d.path);
    }
  }
};
