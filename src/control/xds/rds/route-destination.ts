/**
 * Where a route sends traffic: a Destination (host, subset, port) -> its cluster name. Short
 * hosts expand in the VirtualService's namespace; without a port, a single-port service's port,
 * else the listener's port. Several destinations become weightedClusters (weight 0 dropped,
 * per-destination headers on each ClusterWeight); one becomes `cluster`. A consistentHash load
 * balancer of the destinations' DestinationRule becomes the route's hashPolicy.
 */
import { toFqdn } from '../../config/hosts.ts';
import { stableJson } from '../../config/stable-json.ts';
import type { Destination } from '../../config/types/destination.ts';
import type { HTTPRouteDestination } from '../../config/types/http-route.ts';
import type { ConsistentHashLB } from '../../config/types/load-balancer.ts';
import { clusterName } from '../../model/names.ts';
import type { Proxy } from '../../model/proxy.ts';
import type { PushContext } from '../../model/push-context.ts';
import { effectivePolicy } from '../cds/traffic-policy.ts';
import type { Json } from '../generator.ts';
import { compact, protoDuration } from '../type-config.ts';
import { headerFields } from './route-policies.ts';

export interface DestinationContext {
  readonly push: PushContext;
  readonly proxy: Proxy;
  /** The namespace short destination hosts expand in (the VirtualService's). */
  readonly configNamespace: string;
  readonly listenerPort: number;
}

export interface ResolvedDestination {
  readonly cluster: string;
  readonly host: string;
  readonly port: number;
}

export function resolveDestination(d: Destination, ctx: DestinationContext): ResolvedDestination {
  const host = toFqdn(d.host, ctx.configNamespace);
  const svc = ctx.push.service(host);
  const port = d.port?.number ?? (svc?.ports.length === 1 ? svc.ports[0]?.port : undefined) ?? ctx.listenerPort;
  return { cluster: clusterName('outbound', port, d.subset ?? '', host), host, port };
}

/** `cluster` or `weightedClusters`, and (for one destination) its header operations. */
export function routeTarget(dests: readonly HTTPRouteDestination[], ctx: DestinationContext): { target: Json; headers: Json } {
  const live = dests.length > 1 ? dests.filter((d) => (d.weight ?? 0) > 0) : dests;
  if (live.length === 1 && live[0]) {
    return { target: { cluster: resolveDestination(live[0].destination, ctx).cluster }, headers: headerFields(live[0].headers) };
  }
  const clusters = live.map((d) => ({ name: resolveDestination(d.destination, ctx).cluster, weight: d.weight ?? 0, ...headerFields(d.headers) }));
  return { target: { weightedClusters: { clusters } }, headers: {} };
}

function hashPolicy(ch: ConsistentHashLB): Json | undefined {
  if (ch.httpHeaderName) return { header: { headerName: ch.httpHeaderName } };
  if (ch.httpCookie) return { cookie: compact({ name: ch.httpCookie.name, path: ch.httpCookie.path, ttl: ch.httpCookie.ttl ? protoDuration(ch.httpCookie.ttl) : undefined }) };
  if (ch.useSourceIp) return { connectionProperties: { sourceIp: true } };
  if (ch.httpQueryParameterName) return { queryParameter: { name: ch.httpQueryParameterName } };
  return undefined;
}

/** The hash policy every destination agrees on, if any. */
export function hashPolicyFor(dests: readonly Destination[], ctx: DestinationContext): Json[] | undefined {
  const policies = dests.map((d) => {
    const r = resolveDestination(d, ctx);
    const svc = ctx.push.service(r.host);
    if (!svc) return undefined;
    const rule = ctx.push.destinationRules.forService(ctx.proxy, svc);
    const subset = d.subset ? rule?.spec.subsets?.find((s) => s.name === d.subset) : undefined;
    const ch = effectivePolicy(rule?.spec, r.port, subset).loadBalancer?.consistentHash;
    return ch ? hashPolicy(ch) : undefined;
  });
  const first = policies[0];
  if (!first || policies.some((p) => !p || stableJson(p) !== stableJson(first))) return undefined;
  return [first];
}
