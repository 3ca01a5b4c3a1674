/**
 * The outbound listeners virtualOutbound hands connections to (bindToPort false, matched by the
 * original destination): per HTTP port one `0.0.0.0_<port>` listener whose HCM takes routes from
 * RDS "<port>"; per TCP service port with a VIP one `<VIP>_<port>` listener with tcp_proxy; a TCP
 * service port without VIP gets `0.0.0.0_<port>` unless an HTTP listener holds that port (the
 * first service, by host name, wins, as in Istio's conflict handling). A port whose protocol is
 * not declared (Unsupported) is sniffed: its listener has http_inspector, an HTTP chain for
 * connections that start as plaintext HTTP (application protocols http/1.1, http/1.0, h2c; HCM
 * with RDS "<port>") and a tcp_proxy chain for everything else, with MeshConfig's
 * protocolDetectionTimeout as listener_filters_timeout. Declared TCP-family ports have no
 * inspector, so server-first protocols are never held up. TLS and HTTPS ports without VIP (a
 * ServiceEntry for an external HTTPS host) are told apart by SNI, as Istio's
 * buildSidecarOutboundTLSFilterChainOpts does: one `0.0.0.0_<port>` listener with tls_inspector,
 * a chain per service matching its host name, and Istio's fallthrough (PassthroughFilterChain to
 * PassthroughCluster, or BlackHoleCluster under REGISTRY_ONLY) as the default chain for other SNI.
 * VirtualService `tcp` and `tls` rules shape the chains of TCP and TLS listeners (tcp-routes.ts):
 * destinationSubnets become prefix_ranges, sniHosts server_names, routes (weighted) clusters.
 * Chains whose match an earlier chain of the listener has are dropped (Envoy refuses duplicates).
 */
import { BLACKHOLE_CLUSTER, PASSTHROUGH_CLUSTER } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Protocol } from '../../registry/model.ts';
import { isHttpProtocol, isSniffedProtocol, SNIFFED_HTTP_PROTOCOLS } from '../../registry/protocol.ts';
import type { Json } from '../generator.ts';
import { httpInspectorFilter, sniffingTimeout, tlsInspectorFilter } from './listener-filters.ts';
import { outboundHttpConnectionManager, tcpProxyFilter } from './network-filters.ts';
import { tcpChains, tlsChains, type L4Chain } from './tcp-routes.ts';

const chainOf = (c: L4Chain): Json => ({ ...(c.match ? { filterChainMatch: c.match } : {}), filters: [tcpProxyFilter(c.target)] });

function listener(name: string, address: string, port: number, chains: Json[]): Json {
  const sni = chains.some((c) => ((c['filterChainMatch'] as Json | undefined)?.['serverNames'] as string[] | undefined)?.length);
  return {
    name,
    address: { socketAddress: { address, portValue: port } },
    filterChains: chains,
    ...(sni ? { listenerFilters: [tlsInspectorFilter()] } : {}),
    bindToPort: false,
    trafficDirection: 'OUTBOUND',
  };
}

/** Istio's listener for a sniffed port: HTTP chain first, then the TCP chains. */
function sniffingListener(name: string, address: string, port: number, tcp: Json[], detectionTimeout: string): Json {
  return {
    name,
    address: { socketAddress: { address, portValue: port } },
    filterChains: [
      { filterChainMatch: { applicationProtocols: [...SNIFFED_HTTP_PROTOCOLS] }, filters: [outboundHttpConnectionManager(port)] },
      ...tcp,
    ],
    listenerFilters: [httpInspectorFilter()],
    ...sniffingTimeout(detectionTimeout),
    bindToPort: false,
    trafficDirection: 'OUTBOUND',
  };
}

const isTlsProtocol = (p: Protocol): boolean => p === 'TLS' || p === 'HTTPS';

/** A wildcard TLS listener: SNI chains are added to it by the services that share the port. */
function sniListener(name: string, port: number, fallthrough: string): Json {
  return {
    name,
    address: { socketAddress: { address: '0.0.0.0', portValue: port } },
    filterChains: [] as Json[],
    defaultFilterChain: { name: 'PassthroughFilterChain', filters: [tcpProxyFilter({ statPrefix: fallthrough, cluster: fallthrough })] },
    listenerFilters: [tlsInspectorFilter()],
    bindToPort: false,
    trafficDirection: 'OUTBOUND',
  };
}

/** Appends the chains whose match the listener does not have yet. */
function addChains(l: Json, chains: readonly Json[]): void {
  const list = l['filterChains'] as Json[];
  const taken = new Set(list.map((c) => JSON.stringify(c['filterChainMatch'] ?? {})));
  for (const c of chains) {
    const key = JSON.stringify(c['filterChainMatch'] ?? {});
    if (taken.has(key)) continue;
    taken.add(key);
    list.push(c);
  }
}

export function outboundListeners(proxy: Proxy, push: PushContext): Json[] {
  const scope = push.sidecarScope(proxy);
  const services = scope.services;
  const fallthrough = scope.outboundTrafficPolicy === 'REGISTRY_ONLY' ? BLACKHOLE_CLUSTER : PASSTHROUGH_CLUSTER;
  const sni = new Set<string>();
  const httpPorts = new Set<number>();
  for (const s of services) for (const p of s.ports) if (isHttpProtocol(p.protocol)) httpPorts.add(p.port);
  const byName = new Map<string, Json>();
  for (const port of httpPorts) {
    byName.set(`0.0.0.0_${port}`, listener(`0.0.0.0_${port}`, '0.0.0.0', port, [{ filters: [outboundHttpConnectionManager(port)] }]));
  }
  for (const svc of services) {
    for (const p of svc.ports) {
      if (isHttpProtocol(p.protocol) || p.protocol === 'UDP') continue;
      const address = svc.address ?? '0.0.0.0';
      const name = `${address}_${p.port}`;
      if (svc.address === undefined && isTlsProtocol(p.protocol) && (!byName.has(name) || sni.has(name))) {
        // TLS services without VIP share the port's listener, told apart by SNI.
        if (!byName.has(name)) { byName.set(name, sniListener(name, p.port, fallthrough)); sni.add(name); }
        addChains(byName.get(name) as Json, tlsChains(proxy, push, svc, p.port, true).map(chainOf));
        continue;
      }
      if (byName.has(name)) continue;
      if (isTlsProtocol(p.protocol)) {
        byName.set(name, listener(name, address, p.port, dedupe(tlsChains(proxy, push, svc, p.port, address === '0.0.0.0').map(chainOf))));
        continue;
      }
      const tcp = dedupe(tcpChains(proxy, push, svc, p.port).map(chainOf));
      byName.set(name, isSniffedProtocol(p.protocol)
        ? sniffingListener(name, address, p.port, tcp, push.mesh.protocolDetectionTimeout)
        : listener(name, address, p.port, tcp));
    }
  }
  return [...byName.keys()].sort().map((k) => byName.get(k) as Json);
}

function dedupe(chains: readonly Json[]): Json[] {
  const l: Json = { filterChains: [] };
  addChains(l, chains);
  return l['filterChains'] as Json[];
}
