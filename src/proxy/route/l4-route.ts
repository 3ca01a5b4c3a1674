/**
 * Where a connection goes through a filter chain's terminal filter, decided once per connection
 * at L4. tcp_proxy: its cluster or weighted clusters. HTTP connection manager: the virtual host
 * of its route configuration (RDS or inline) whose domains contain the original destination
 * `IP:port` or `IP`, and that host's first route. Per-request HTTP matching (paths, headers,
 * query, retries) is select-route.ts, for the HTTP connection manager.
 */
import { formatAddress, normalizeIp, type Address } from '../core/address.ts';
import type { NetworkRoute } from '../filter-chain/filter-chain-config.ts';
import type { ClusterTarget, RouteConfig } from './route-config.ts';
import { selectVirtualHost } from './virtual-host-match.ts';

export function routeTarget(route: NetworkRoute, rds: ReadonlyMap<string, RouteConfig>, destination: Address): ClusterTarget | undefined {
  if (route.kind === 'tcp_proxy') return route.target;
  const config = route.routeConfig ?? (route.rds === undefined ? undefined : rds.get(route.rds));
  if (!config) return undefined;
  const vh = selectVirtualHost(config, [formatAddress(destination), normalizeIp(destination.ip)]);
  return vh?.routes[0]?.target;
}
