/**
 * Which outbound listener a sidecar's virtualOutbound would hand a connection to, by original
 * destination (`<ip>_<port>` first, then `0.0.0.0_<port>`, else virtualOutbound's own
 * passthrough chain), which of its filter chains the connection's sniffed application protocol
 * selects (a chain listing it, else a chain matching no protocols: what a connection that is
 * not HTTP gets), and what that chain does: HTTP (the RDS route config it names) or TCP (its
 * tcp_proxy cluster or weighted clusters). Pure, for tests and debugging.
 */
import type { Json } from '../generator.ts';

export interface ListenerVerdict {
  readonly listener: string;
  readonly kind: 'http' | 'tcp';
  readonly routeConfigName?: string;
  readonly cluster?: string;
  readonly weightedClusters?: readonly { readonly name: string; readonly weight: number }[];
}

type Obj = Record<string, unknown>;

const protocolsOf = (chain: Obj): readonly string[] => ((chain['filterChainMatch'] as Obj | undefined)?.['applicationProtocols'] as string[] | undefined) ?? [];

/** The chain http_inspector's answer selects (Envoy's application_protocols step). */
function chainFor(listener: Obj, protocol: string | undefined): Obj {
  const chains = (listener['filterChains'] as Obj[] | undefined) ?? [];
  return (protocol !== undefined ? chains.find((c) => protocolsOf(c).includes(protocol)) : undefined)
    ?? chains.find((c) => protocolsOf(c).length === 0) ?? {};
}

function verdict(listener: Obj, protocol: string | undefined): ListenerVerdict {
  const chain = chainFor(listener, protocol);
  const filter = ((chain['filters'] as Obj[] | undefined) ?? [])[0] ?? {};
  const cfg = (filter['typedConfig'] ?? {}) as Obj;
  const name = String(listener['name']);
  if (filter['name'] === 'envoy.filters.network.http_connection_manager') {
    return { listener: name, kind: 'http', routeConfigName: String((cfg['rds'] as Obj | undefined)?.['routeConfigName'] ?? '') };
  }
  const weighted = (cfg['weightedClusters'] as Obj | undefined)?.['clusters'] as Obj[] | undefined;
  return weighted
    ? { listener: name, kind: 'tcp', weightedClusters: weighted.map((c) => ({ name: String(c['name']), weight: Number(c['weight'] ?? 0) })) }
    : { listener: name, kind: 'tcp', cluster: String(cfg['cluster']) };
}

/** `protocol`: what http_inspector would report for the connection (`http/1.1`, `h2c`...); undefined for not HTTP. */
export function simulateOutbound(listeners: readonly Json[], destination: { address: string; port: number }, protocol?: string): ListenerVerdict | undefined {
  const byName = new Map(listeners.map((l) => [String(l['name']), l]));
  const hit = byName.get(`${destination.address}_${destination.port}`) ?? byName.get(`0.0.0.0_${destination.port}`) ?? byName.get('virtualOutbound');
  return hit ? verdict(hit, protocol) : undefined;
}
