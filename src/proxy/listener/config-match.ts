/**
 * The data path over xDS config: for each accepted connection, one ProxyConfig view is read and
 * the whole decision is made from it. Outbound, as Envoy's use_original_dst hands over: the
 * listener at the original destination `IP:port`, else the wildcard `0.0.0.0:port` (`[::]` for
 * IPv6), else virtualOutbound itself (its PassthroughFilterChain). Inbound: virtualInbound's
 * filter chains. Then filter chain -> route -> cluster. A connection for the virtual listener's
 * own port is a loop and goes to BlackHoleCluster; a chain or route that matches nothing is NR.
 */
import { BLACKHOLE } from '../cluster/names.ts';
import { familyOf, formatAddress, type Address } from '../core/address.ts';
import type { Random } from '../core/random.ts';
import type { ProxyConfig } from '../config/proxy-config.ts';
import { selectFilterChain } from '../filter-chain/select.ts';
import { pickCluster } from '../route/cluster-target.ts';
import { routeTarget } from '../route/l4-route.ts';
import { VIRTUAL_INBOUND, VIRTUAL_OUTBOUND, type ListenerConfig } from './listener-config.ts';
import type { FilterChainMatch } from './tcp-listener.ts';
import type { Upstream } from './upstream.ts';

export interface ConfigMatchContext {
  readonly current: () => ProxyConfig | undefined;
  readonly random: Random;
  /** The virtual listener's own port. */
  readonly listenerPort: number;
}

const named = (cfg: ProxyConfig, name: string, statPrefix = name): Upstream => ({ cluster: cfg.clusters.get(name), clusterName: name, statPrefix });

function resolve(cfg: ProxyConfig, listener: ListenerConfig, dst: Address, src: Address | undefined, random: Random): Upstream | undefined {
  const chain = selectFilterChain(listener.filterChains, listener.defaultFilterChain, dst, src);
  if (!chain) return undefined;
  const target = routeTarget(chain.route, cfg.routes, dst);
  if (!target) return undefined;
  // A direct response or redirect needs the HTTP codec; at L4 the connection is refused as
  // BlackHoleCluster refuses it.
  const name = pickCluster(target, random) ?? BLACKHOLE;
  return named(cfg, name, chain.route.kind === 'tcp_proxy' ? chain.route.statPrefix : name);
}

/** The listener use_original_dst hands a connection for `dst` to. */
export function handoffListener(cfg: ProxyConfig, dst: Address): ListenerConfig | undefined {
  const wildcard = familyOf(dst.ip) === 6 ? '::' : '0.0.0.0';
  return cfg.listenersByAddress.get(formatAddress(dst))
    ?? cfg.listenersByAddress.get(formatAddress({ ip: wildcard, port: dst.port }))
    ?? cfg.listeners.get(VIRTUAL_OUTBOUND);
}

export function matchOutboundConfig(ctx: ConfigMatchContext): FilterChainMatch {
  return (dst, src) => {
    const cfg = ctx.current();
    if (!cfg) return undefined;
    if (dst.port === ctx.listenerPort) return named(cfg, BLACKHOLE);
    const listener = handoffListener(cfg, dst);
    return listener && resolve(cfg, listener, dst, src, ctx.random);
  };
}

export function matchInboundConfig(ctx: ConfigMatchContext): FilterChainMatch {
  return (dst, src) => {
    const cfg = ctx.current();
    if (!cfg) return undefined;
    if (dst.port === ctx.listenerPort) return named(cfg, BLACKHOLE);
    const listener = cfg.listeners.get(VIRTUAL_INBOUND);
    return listener && resolve(cfg, listener, dst, src, ctx.random);
  };
}
