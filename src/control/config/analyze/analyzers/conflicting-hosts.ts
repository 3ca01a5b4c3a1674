/**
 * IST0109: two VirtualServices bound to the same gateway define the same host, and which one
 * wins is undefined. For the mesh gateway this is Istio's ConflictingMeshGatewayVirtualServiceHosts;
 * Mizzen reports the same conflict on named gateways too.
 */
import { toFqdn } from '../../hosts.ts';
import type { Resource } from '../../resource.ts';
import type { Analyzer } from '../context.ts';
import { resolveGateway } from '../destinations.ts';
import { MessageTypes } from '../messages.ts';

export const conflictingHosts: Analyzer = (ctx) => {
  const byGatewayHost = new Map<string, { gateway: string; host: string; list: Resource<'VirtualService'>[] }>();
  for (const vs of ctx.of('VirtualService')) {
    const ns = vs.metadata.namespace;
    const scope = vs.spec.exportTo && !vs.spec.exportTo.includes('*') ? [...vs.spec.exportTo].map((e) => (e === '.' ? ns : e)).sort().join(',') : '*';
    const gateways = vs.spec.gateways?.length ? vs.spec.gateways.map((g) => (g === 'mesh' ? 'mesh' : resolveGateway(g, ns))) : ['mesh'];
    for (const gateway of new Set(gateways)) {
      for (const h of new Set((vs.spec.hosts ?? []).map((x) => toFqdn(x, ns)))) {
        const key = `${gateway}|${scope}|${h}`;
        const entry = byGatewayHost.get(key) ?? { gateway, host: h, list: [] };
        entry.list.push(vs);
        byGatewayHost.set(key, entry);
      }
    }
  }
  for (const { gateway, host, list } of byGatewayHost.values()) {
    if (list.length < 2) continue;
    const names = list.map((v) => `${v.metadata.namespace}/${v.metadata.name}`).join(',');
    const where = gateway === 'mesh' ? 'mesh gateway' : `gateway ${gateway}`;
    for (const vs of list) {
      ctx.report(MessageTypes.ConflictingMeshGatewayVirtualServiceHosts, vs,
        `The VirtualServices ${names} associated with ${where} define the same host ${host} which can lead to undefined behavior. `
        + 'This can be fixed by merging the conflicting VirtualServices into a single resource.', ['metadata', 'name']);
    }
  }
};
