/**
 * The data path over xDS config: for each accepted connection, one ProxyConfig view is read and
 * the whole decision is made from it. Outbound, as Envoy's use_original_dst hands over: the
 * listener at the original destination `IP:port`, else the wildcard `0.0.0.0:port` (`[::]` for
 * IPv6), else virtualOutbound itself (its PassthroughFilterChain). Inbound: virtualInbound's
 * filter chains. When the listener's chains need it, the first bytes are inspected (TLS, HTTP)
 * before the chain is chosen. Then filter chain -> tcp_proxy route -> cluster, or the HTTP
 * connection manager. A connection for the virtual listener's own port is a loop and goes to
 * BlackHoleCluster; a chain or route that matches nothing is NR.
 */
import type { Socket } from 'node:net';
import { BLACKHOLE } from '../cluster/names.ts';
import { familyOf, formatAddress, type Address } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import type { ProxyConfig } from '../config/proxy-config.ts';
import { inspectionNeeds } from '../filter-chain/inspection-needs.ts';
import { selectFilterChain } from '../filter-chain/select.ts';
import { pickCluster } from '../route/cluster-target.ts';
import { routeTarget } from '../route/l4-route.ts';
import type { ChainDecision, FilterChainMatch } from './chain-decision.ts';
import { inspect, NO_INSPECTION, type Inspection } from './filters/inspect.ts';
import { VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, type ListenerConfig } from './listener-config.ts';
import type { Upstream } from './upstream.ts';

export interface ConfigMatchContext {
  readonly current: () => ProxyConfig | undefined;
  readonly random: Random;
  /** The virtual listener's own port. */
  readonly listenerPort: number;
}

const named = (cfg: ProxyConfig, name: string, statPrefix = name): Upstream => ({ cluster: cfg.clusters.get(name), clusterName: name, statPrefix });
const tcp = (upstream: Upstream | undefined): ChainDecision => ({ kind: 'tcp', upstream });

function decide(ctx: ConfigMatchContext, cfg: ProxyConfig, listener: ListenerConfig, dst: Address, src: Address | undefined, inspection: Inspection): ChainDecision | undefined {
  const chain = selectFilterChain(listener.filterChains, listener.defaultFilterChain, dst, src, inspection);
  if (!chain) return undefined;
  const route = chain.route;
  const tls = chain.transportSocket ? { tls: chain.transportSocket } : {};
  if (route.kind === 'http_connection_manager') {
    const inline = route.routeConfig;
    const rds = route.rds;
    return {
      kind: 'http',
      inspection,
      ...tls,
      chain: {
        statPrefix: route.statPrefix,
        settings: route.settings,
        routeConfig: () => inline ?? (rds === undefined ? undefined : ctx.current()?.routes.get(rds)),
        cluster: (name) => ctx.current()?.clusters.get(name),
      },
    };
  }
  const target = routeTarget(route, cfg.routes, dst);
  if (!target) return undefined;
  const name = pickCluster(target, ctx.random) ?? BLACKHOLE;
  const upstream = named(cfg, name, route.statPrefix);
  const timeouts = { ...(route.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: route.idleTimeoutMs }), ...(route.maxDurationMs ? { maxDurationMs: route.maxDurationMs } : {}) };
  return { ...tcp({ ...upstream, ...timeouts }), ...tls };
}

function resolve(ctx: ConfigMatchContext, cfg: ProxyConfig, listener: ListenerConfig, dst: Address, src: Address | undefined, socket: Socket): ChainDecision | undefined | Promise<ChainDecision | undefined> {
  const needs = inspectionNeeds(listener, dst);
  if (!needs.tls && !needs.http) return decide(ctx, cfg, listener, dst, src, NO_INSPECTION);
  return inspect(socket, needs).then((inspection) => decide(ctx, cfg, listener, dst, src, inspection));
}

/** The listener use_original_dst hands a connection for `dst` to. */
export function handoffListener(cfg: ProxyConfig, dst: Address): ListenerConfig | undefined {
  const wildcard = familyOf(dst.ip) === 6 ? '::' : '0.0.0.0';
  return cfg.listenersByAddress.get(formatAddress(dst))
    ?? cfg.listenersByAddress.get(formatAddress({ ip: wildcard, port: dst.port }))
    ?? cfg.listeners.get(VIRTUAL_OUTBOUND);
}

export function matchOutboundConfig(ctx: ConfigMatchContext): FilterChainMatch {
  return (dst, src, socket) => {
    const cfg = ctx.current();
    if (!cfg) return undefined;
    if (dst.port === ctx.listenerPort) return tcp(named(cfg, BLACKHOLE));
    const listener = handoffListener(cfg, dst);
    return listener && resolve(ctx, cfg, listener, dst, src, socket);
  };
}

export function matchInboundConfig(ctx: ConfigMatchContext): FilterChainMatch {
  return (dst, src, socket) => {
    const cfg = ctx.current();
    if (!cfg) return undefined;
    if (dst.port === ctx.listenerPort) return tcp(named(cfg, BLACKHOLE));
    const listener = cfg.listeners.get(VIRTUAL_INBOUND);
    return listener && resolve(ctx, cfg, listener, dst, src, socket);
  };
}
