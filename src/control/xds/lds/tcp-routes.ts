/**
 * The filter chains of an outbound TCP or TLS listener for one service port, from the `tcp` rules
 * (TCP-family ports) or the `tls` rules (TLS and HTTPS ports) of the VirtualServices whose hosts
 * overlap the service's, as Istio's buildSidecarOutboundTCPFilterChainOpts and
 * buildSidecarOutboundTLSFilterChainOpts make them. Static predicates (port, sourceLabels,
 * sourceNamespace, gateways containing `mesh`) are decided here for this proxy; runtime ones go
 * into the chain's match for the proxy to decide per connection: destinationSubnets as
 * prefix_ranges (against the original destination), sniHosts as server_names. TCP: a rule
 * without match, or a match without destinationSubnets, is terminal; rules with only subnet
 * matches become chains for those subnets; the service's default cluster is the last chain unless
 * a terminal rule took its place. TLS: one chain per applicable match (the first with the same
 * runtime predicates wins); without any, the service's default cluster, matched by the host name
 * as SNI when the listener is the port's wildcard (`0.0.0.0`). Destinations are one cluster or
 * weighted clusters; the DestinationRule's tcp.idleTimeout sets the idle timeout and
 * tcp.maxConnectionDuration the tcp_proxy's max_downstream_connection_duration, as Istio's.
 */
import type { L4MatchAttributes, RouteDestination, TLSMatchAttributes } from '../../config/types/l4-route.ts';
import { selects } from '../../model/labels.ts';
import { clusterName } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import type { Service } from '../../registry/model.ts';
import { effectivePolicy } from '../cds/traffic-policy.ts';
import type { Json } from '../generator.ts';
import { resolveDestination } from '../rds/route-destination.ts';
import { protoDuration } from '../type-config.ts';
import type { TcpTarget } from './network-filters.ts';

/** One outbound chain: its FilterChainMatch (undefined: matches anything) and where tcp_proxy sends. */
export interface L4Chain {
  readonly match?: Json;
  readonly target: TcpTarget;
}

type StaticMatch = Pick<L4MatchAttributes, 'port' | 'sourceLabels' | 'sourceNamespace' | 'gateways'>;

/** Istio's matchTCP / matchTLS without the runtime predicates. */
function applies(m: StaticMatch, proxy: Proxy, port: number): boolean {
  if (m.port !== undefined && m.port !== 0 && m.port !== port) return false;
  if (m.sourceLabels && !selects(m.sourceLabels, proxy.labels)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && m.sourceNamespace !== proxy.namespace) return false;
  if (m.gateways && m.gateways.length > 0 && !m.gateways.includes('mesh')) return false;
  return true;
}

/** `10.0.0.0/8` or `10.1.2.3` -> Envoy CidrRange. */
export function cidrRange(subnet: string): Json {
  const [ip = '', bits] = subnet.split('/');
  return { addressPrefix: ip, prefixLen: bits !== undefined ? Number(bits) : ip.includes(':') ? 128 : 32 };
}

interface Ctx {
  readonly proxy: Proxy;
  readonly push: PushContext;
  readonly svc: Service;
  readonly port: number;
}

function base(c: Ctx): { statPrefix: string; idleTimeout?: string; maxDownstreamConnectionDuration?: string } {
  const tcp = effectivePolicy(c.push.destinationRules.forService(c.proxy, c.svc)?.spec, c.port).connectionPool?.tcp;
  const idle = tcp?.idleTimeout;
  const max = tcp?.maxConnectionDuration;
  return {
    statPrefix: clusterName('outbound', c.port, '', c.svc.hostname), ...(idle ? { idleTimeout: protoDuration(idle) } : {}),
    ...(max ? { maxDownstreamConnectionDuration: protoDuration(max) } : {}),
  };
}

function target(c: Ctx, routes: readonly RouteDestination[] | undefined, configNamespace: string): TcpTarget | undefined {
  const live = (routes ?? []).length > 1 ? (routes ?? []).filter((d) => (d.weight ?? 0) > 0) : (routes ?? []);
  if (live.length === 0) return undefined;
  const ctx = { push: c.push, proxy: c.proxy, configNamespace, listenerPort: c.port };
  if (live.length === 1 && live[0]) {
    const cluster = resolveDestination(live[0].destination, ctx).cluster;
    return { ...base(c), statPrefix: cluster, cluster };
  }
  return { ...base(c), weightedClusters: live.map((d) => ({ name: resolveDestination(d.destination, ctx).cluster, weight: d.weight ?? 0 })) };
}

const defaultTarget = (c: Ctx): TcpTarget => ({ ...base(c), cluster: clusterName('outbound', c.port, '', c.svc.hostname) });

/** The chains of a TCP-family port (tcp, mongo, mysql, redis, or the TCP side of a sniffed port). */
export function tcpChains(proxy: Proxy, push: PushContext, svc: Service, port: number): L4Chain[] {
  const c: Ctx = { proxy, push, svc, port };
  const out: L4Chain[] = [];
  for (const vs of push.l4VirtualServices(proxy, svc.hostname)) {
    const ns = vs.resource.metadata.namespace;
    for (const rule of vs.resource.spec.tcp ?? []) {
      const t = target(c, rule.route, ns);
      const matches = (rule.match ?? []).filter((m) => applies(m, proxy, port));
      if (!rule.match || rule.match.length === 0 || matches.some((m) => !m.destinationSubnets || m.destinationSubnets.length === 0)) {
        if (t) return [...out, { target: t }];
        continue;
      }
      const subnets = [...new Set(matches.flatMap((m) => m.destinationSubnets ?? []))];
      if (t && subnets.length > 0) out.push({ match: { prefixRanges: subnets.map(cidrRange) }, target: t });
    }
  }
  return [...out, { target: defaultTarget(c) }];
}

const tlsKey = (m: TLSMatchAttributes): string =>
  JSON.stringify([[...m.sniHosts].map((h) => h.toLowerCase()).sort(), [...(m.destinationSubnets ?? [])].sort()]);

/**
 * The chains of a TLS or HTTPS port. `wildcard`: the listener is `0.0.0.0_<port>` (no VIP), where
 * only the SNI tells services apart, so the default chain matches the service's host name.
 */
export function tlsChains(proxy: Proxy, push: PushContext, svc: Service, port: number, wildcard: boolean): L4Chain[] {
  const c: Ctx = { proxy, push, svc, port };
  const seen = new Set<string>();
  const out: L4Chain[] = [];
  for (const vs of push.l4VirtualServices(proxy, svc.hostname)) {
    for (const rule of vs.resource.spec.tls ?? []) {
      for (const m of rule.match) {
        if (!applies(m, proxy, port) || seen.has(tlsKey(m))) continue;
        const t = target(c, rule.route, vs.resource.metadata.namespace);
        if (!t) continue;
        seen.add(tlsKey(m));
        const serverNames = [...new Set(m.sniHosts.map((h) => h.toLowerCase()))];
        const subnets = m.destinationSubnets ?? [];
        out.push({ match: { serverNames, ...(subnets.length > 0 ? { prefixRanges: subnets.map(cidrRange) } : {}) }, target: t });
      }
    }
  }
  if (out.length > 0) return out;
  return [{ ...(wildcard ? { match: { serverNames: [svc.hostname] } } : {}), target: defaultTarget(c) }];
}
