/**
 * The cluster a route (or tcp_proxy) sends a connection to: the one cluster, or one of the
 * weighted clusters drawn in proportion to its weight, as Envoy draws per connection. A target
 * without an upstream (direct response, redirect) yields undefined.
 */
import type { Random } from '../core/random.ts';
import type { ClusterTarget } from './route-config.ts';

export function pickCluster(target: ClusterTarget, random: Random): string | undefined {
  if (target.kind === 'cluster') return target.cluster;
  if (target.kind === 'direct') return undefined;
  let at = Math.floor(random() * target.total);
  for (const c of target.clusters) {
    if (at < c.weight) return c.name;
    at -= c.weight;
  }
  return target.clusters.at(-1)?.name;
}
