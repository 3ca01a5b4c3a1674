/**
 * The filter chains of a gateway port with HTTPS or TLS servers (Istio's
 * buildGatewayListeners for TLS): one chain per TLS-terminating HTTPS server, matching the
 * server's hosts as server_names (none for `*`), with the server's transport socket and the
 * gateway HCM on the route configuration `https.<number>.<port name>.<gateway>.<ns>`; one chain
 * per TLS server that terminates (SIMPLE, MUTUAL), with the transport socket and tcp_proxy by
 * the bound VirtualServices' `tcp` routes (gateway-tcp-routes.ts); and for PASSTHROUGH servers
 * one chain per VirtualService `tls` route match whose sniHosts meet the server's hosts,
 * matching those SNI names, with tcp_proxy to the route's destination and no termination. The
 * listener gets tls_inspector. A chain whose match an earlier chain already has is dropped
 * (Envoy refuses duplicates), as are servers without usable credentials (the reason goes to
 * istiod's log through the push context).
 */
import type { TLSRoute } from '../../config/types/l4-route.ts';
import { intersectHosts, virtualServicesForGateway } from '../../model/gateway-virtual-services.ts';
import { httpsRouteName, isPassthrough, serverHostsFor, type GatewayPort, type GatewayServer } from '../../model/gateways.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Json } from '../generator.ts';
import { resolveDestination } from '../rds/route-destination.ts';
import { gatewayTcpTarget } from './gateway-tcp-routes.ts';
import { serverTransportSocket } from './gateway-tls.ts';
import { tcpProxyFilter, type TcpTarget } from './network-filters.ts';

/** Server hosts as server_names: the bare names; `*` matches any SNI (no server_names). */
function serverNames(hosts: readonly string[]): string[] {
  const names = [...new Set(hosts.map((h) => (h.includes('/') ? h.slice(h.indexOf('/') + 1) : h).toLowerCase()))];
  return names.includes('*') ? [] : names.sort();
}

const matchOf = (names: readonly string[]): Json => (names.length > 0 ? { serverNames: [...names] } : {});

function terminatingChain(proxy: Proxy, push: PushContext, s: GatewayServer, hcm: (routeName: string) => Json, warn: (m: string) => void): Json | undefined {
  const ts = serverTransportSocket(s, push, proxy.namespace);
  if ('skipped' in ts) {
    warn(ts.skipped);
    return undefined;
  }
  if (s.protocol === 'HTTPS') return { filterChainMatch: matchOf(serverNames(s.server.hosts)), transportSocket: ts.socket, filters: [hcm(httpsRouteName(s))] };
  const target = gatewayTcpTarget(proxy, push, s);
  if (!target) {
    warn(`Gateway ${s.gateway} server ${s.server.port.name}: protocol TLS with tls.mode ${s.server.tls?.mode ?? 'SIMPLE'}: no VirtualService bound to the Gateway has a tcp route for port ${s.servicePort}`);
    return undefined;
  }
  return { filterChainMatch: matchOf(serverNames(s.server.hosts)), transportSocket: ts.socket, filters: [tcpProxyFilter(target)] };
}

function tlsTarget(rule: TLSRoute, ctx: Parameters<typeof resolveDestination>[1]): TcpTarget | undefined {
  const live = (rule.route ?? []).length > 1 ? (rule.route ?? []).filter((d) => (d.weight ?? 0) > 0) : (rule.route ?? []);
  if (live.length === 0) return undefined;
  if (live.length === 1 && live[0]) {
    const cluster = resolveDestination(live[0].destination, ctx).cluster;
    return { statPrefix: cluster, cluster };
  }
  const weightedClusters = live.map((d) => ({ name: resolveDestination(d.destination, ctx).cluster, weight: d.weight ?? 0 }));
  return { statPrefix: weightedClusters[0]?.name ?? 'tls', weightedClusters };
}

function passthroughChains(proxy: Proxy, push: PushContext, s: GatewayServer): Json[] {
  const out: Json[] = [];
  for (const vs of virtualServicesForGateway(push.gatewayVirtualServices(), s.gateway, proxy.namespace)) {
    const ns = vs.resource.metadata.namespace;
    const hosts = serverHostsFor(s, ns);
    for (const rule of vs.resource.spec.tls ?? []) {
      const ctx = { push, proxy, configNamespace: ns, listenerPort: s.servicePort };
      for (const m of rule.match) {
        if (m.port !== undefined && m.port !== s.servicePort) continue;
        if (m.gateways && m.gateways.length > 0 && !m.gateways.some((g) => (g.includes('/') ? g : `${ns}/${g}`) === s.gateway)) continue;
        const sni = intersectHosts(hosts, m.sniHosts);
        const target = sni.length > 0 ? tlsTarget(rule, ctx) : undefined;
        if (target) out.push({ filterChainMatch: matchOf(serverNames(sni)), filters: [tcpProxyFilter(target)] });
      }
    }
  }
  return out;
}

/** The chains of a TLS port, in server order; `hcm` builds the gateway HCM for a route name. */
export function gatewayTlsChains(proxy: Proxy, push: PushContext, p: GatewayPort, hcm: (routeName: string) => Json, warn: (m: string) => void = (m) => push.warn(m)): Json[] {
  const chains: Json[] = [];
  const seen = new Set<string>();
  for (const s of p.servers) {
    const built = isPassthrough(s) ? passthroughChains(proxy, push, s) : [terminatingChain(proxy, push, s, hcm, warn)];
    for (const c of built) {
      if (!c) continue;
      const key = JSON.stringify(c['filterChainMatch']);
      if (seen.has(key)) continue;
      seen.add(key);
      chains.push(c);
    }
  }
  return chains;
}
