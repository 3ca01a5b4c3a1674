/**
 * How a cluster picks among its pickable hosts (the healthy, non-ejected hosts of the best
 * priority). round-robin.ts, least-request.ts, random.ts, ring-hash.ts and maglev.ts implement
 * Envoy's policies; lb-policy.ts picks one for a cluster. Balancers precompute per host set
 * (rings, tables, weights) keyed by the identity of the `hosts` array: callers pass the same
 * array object for as long as the set is unchanged.
 */
import type { Host } from './cluster.ts';

export interface LoadBalancer {
  /**
   * One of `hosts`, or undefined when there are none. `hash`: the request's 64-bit hash
   * (RING_HASH, MAGLEV; undefined picks at random). `attempt`: 0, then 1, 2... when a host
   * selection is retried (previous_hosts), so hash balancers move on to another host.
   */
  pick(hosts: readonly Host[], hash?: bigint, attempt?: number): Host | undefined;
}
