/**
 * The route of one HTTP request, as Envoy's router resolves it: the virtual host by :authority
 * (lower-cased; exact domain, then the longest `*.suffix`, then the longest `prefix*`, then
 * `*`; without its port only under ignore_port_in_host_matching — Istio lists every domain both
 * bare and with `:port`, so none is needed), then the first route whose match holds. Also the
 * settings a selection inherits: the retry policy (route, else virtual host) and the most
 * specific per-filter config (route, virtual host, route configuration).
 */
import type { Random } from '../core/random.ts';
import type { CorsPolicy, FaultConfig } from './filter-config.ts';
import type { RetryPolicy } from './retry-policy-config.ts';
import type { RouteConfig, RouteEntry, VirtualHost } from './route-config.ts';
import { matchRoute } from './route-match.ts';
import { RequestView, type RouteRequest } from './request-view.ts';
import { selectVirtualHost } from './virtual-host-match.ts';

export type { RouteRequest } from './request-view.ts';

export interface RouteSelection {
  readonly config: RouteConfig;
  readonly virtualHost: VirtualHost;
  readonly route: RouteEntry;
}

/** The host without a trailing `:port` (IPv6 literals keep their brackets). */
export function stripPort(authority: string): string {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.indexOf(']', colon) >= 0) return authority;
  if (authority.startsWith('[') ? authority[colon - 1] !== ']' : authority.indexOf(':') !== colon) return authority;
  return authority.slice(0, colon);
}

export function selectRoute(config: RouteConfig, req: RouteRequest, random: Random): RouteSelection | undefined {
  const virtualHost = selectVirtualHost(config, [config.ignorePortInHostMatching ? stripPort(req.authority) : req.authority]);
  if (!virtualHost) return undefined;
  const view = new RequestView(req, random);
  for (const route of virtualHost.routes) {
    if (matchRoute(route.match, view)) return { config, virtualHost, route };
  }
  return undefined;
}

/** The route's retry policy, else its virtual host's. */
export function retryPolicyFor(sel: RouteSelection): RetryPolicy | undefined {
  return (sel.route.action.kind === 'route' ? sel.route.action.retryPolicy : undefined) ?? sel.virtualHost.retryPolicy;
}

/** The fault filter's settings for this route: the route's, else the virtual host's, else the configuration's. */
export function faultFor(sel: RouteSelection): FaultConfig | undefined {
  return sel.route.perFilter.fault ?? sel.virtualHost.perFilter.fault ?? sel.config.perFilter.fault;
}

/** The CORS policy: typed_per_filter_config (route, virtual host, configuration), else RouteAction.cors. */
export function corsFor(sel: RouteSelection): CorsPolicy | undefined {
  return sel.route.perFilter.cors ?? sel.virtualHost.perFilter.cors ?? sel.config.perFilter.cors ??
    (sel.route.action.kind === 'route' ? sel.route.action.cors : undefined);
}
