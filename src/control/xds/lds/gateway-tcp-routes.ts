/**
 * Where a gateway sends a TCP stream (Istio's buildGatewayNetworkFiltersFromTCPRoutes): for a
 * `protocol: TCP` server, or a `protocol: TLS` server that terminates TLS (SIMPLE, MUTUAL), the
 * first `tcp` rule of a VirtualService bound to the server's Gateway whose hosts meet the
 * server's hosts and whose match applies (port is the server's port; gateways, when given,
 * name this Gateway), as one cluster or weighted clusters. No rule: no chain (nothing to route to).
 */
import type { L4MatchAttributes } from '../../config/types/l4-route.ts';
import { gatewayKey, intersectHosts, virtualServicesForGateway } from '../../model/gateway-virtual-services.ts';
import { serverHostsFor, type GatewayServer } from '../../model/gateways.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { resolveDestination } from '../rds/route-destination.ts';
import type { TcpTarget } from './network-filters.ts';

function applies(m: L4MatchAttributes, s: GatewayServer, vsNamespace: string): boolean {
  if (m.port !== undefined && m.port !== s.servicePort) return false;
  if (m.gateways && m.gateways.length > 0 && !m.gateways.some((g) => gatewayKey(g, vsNamespace) === s.gateway)) return false;
  return true;
}

export function gatewayTcpTarget(proxy: Proxy, push: PushContext, s: GatewayServer): TcpTarget | undefined {
  for (const vs of virtualServicesForGateway(push.gatewayVirtualServices(), s.gateway, proxy.namespace)) {
    const ns = vs.resource.metadata.namespace;
    if (intersectHosts(serverHostsFor(s, ns), vs.hosts.length > 0 ? vs.hosts : ['*']).length === 0) continue;
    const rule = (vs.resource.spec.tcp ?? []).find((r) => !r.match || r.match.length === 0 || r.match.some((m) => applies(m, s, ns)));
    if (!rule?.route || rule.route.length === 0) continue;
    const ctx = { push, proxy, configNamespace: ns, listenerPort: s.servicePort };
    const live = rule.route.length > 1 ? rule.route.filter((d) => (d.weight ?? 0) > 0) : rule.route;
    if (live.length === 1 && live[0]) {
      const cluster = resolveDestination(live[0].destination, ctx).cluster;
      return { statPrefix: cluster, cluster };
    }
    const weightedClusters = live.map((d) => ({ name: resolveDestination(d.destination, ctx).cluster, weight: d.weight ?? 0 }));
    return { statPrefix: weightedClusters[0]?.name ?? 'tcp', weightedClusters };
  }
  return undefined;
}
