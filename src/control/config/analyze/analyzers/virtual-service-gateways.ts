/**
 * IST0101: a VirtualService names a Gateway that does not exist. IST0132: the Gateway exists,
 * but none of its servers' hosts covers any of the VirtualService's hosts.
 */
import { hostsOverlap } from '../../hosts.ts';
import type { Resource } from '../../resource.ts';
import type { Analyzer } from '../context.ts';
import { gatewayRefs } from '../destinations.ts';
import { MessageTypes, q } from '../messages.ts';

/** The hosts of a Gateway's servers that a VirtualService in `vsNamespace` may bind to. */
function visibleHosts(gw: Resource<'Gateway'>, vsNamespace: string): string[] {
  const out: string[] = [];
  for (const server of gw.spec.servers) {
    for (const h of server.hosts) {
      const slash = h.indexOf('/');
      if (slash < 0) {
        out.push(h);
        continue;
      }
      const ns = h.slice(0, slash);
      const visible = ns === '*' || ns === vsNamespace || (ns === '.' && gw.metadata.namespace === vsNamespace);
      if (visible) out.push(h.slice(slash + 1));
    }
  }
  return out;
}

export const virtualServiceGateways: Analyzer = (ctx) => {
  const gateways = new Map(ctx.of('Gateway').map((g) => [`${g.metadata.namespace}/${g.metadata.name}`, g]));
  for (const vs of ctx.of('VirtualService')) {
    const seen = new Set<string>();
    for (const ref of gatewayRefs(vs.spec, vs.metadata.namespace)) {
      const gw = gateways.get(ref.key);
      if (!gw) {
        ctx.report(MessageTypes.ReferencedResourceNotFound, vs, `Referenced gateway not found: ${q(ref.ref)}`, ref.path);
        continue;
      }
      if (seen.has(ref.key) || !ref.binding) continue;
      seen.add(ref.key);
      const hosts = vs.spec.hosts ?? [];
      const gwHosts = visibleHosts(gw, vs.metadata.namespace);
      if (hosts.length > 0 && !hosts.some((h) => gwHosts.some((g) => hostsOverlap(h, g)))) {
        ctx.report(MessageTypes.VirtualServiceHostNotFoundInGateway, vs,
          `one or more host [${hosts.join(' ')}] defined in VirtualService ${vs.metadata.namespace}/${vs.metadata.name} not found in Gateway ${ref.key}.`,
          ref.path);
      }
    }
  }
};
