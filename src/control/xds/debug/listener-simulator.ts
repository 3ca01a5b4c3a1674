/**
 * Which outbound listener a sidecar's virtualOutbound would hand a connection to, by original
 * destination (`<ip>_<port>` first, then `0.0.0.0_<port>`, else virtualOutbound's own
 * passthrough chain), and what that listener does: HTTP (the RDS route config it names) or TCP
 * (its tcp_proxy cluster or weighted clusters). Pure, for tests and debugging.
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

function verdict(listener: Obj): ListenerVerdict {
  const chain = ((listener['filterChains'] as Obj[] | undefined) ?? [])[0] ?? {};
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

export function simulateOutbound(listeners: readonly Json[], destination: { address: string; port: number }): ListenerVerdict | undefined {
  const byName = new Map(listeners.map((l) => [String(l['name']), l]));
  const hit = byName.get(`${destination.address}_${destination.port}`) ?? byName.get(`0.0.0.0_${destination.port}`) ?? byName.get('virtualOutbound');
  return hit ? verdict(hit) : undefined;
}
