/**
 * How a cluster picks among its pickable hosts (the healthy hosts of the best priority).
 * round-robin.ts, least-request.ts, random.ts and consistent-hash.ts (RING_HASH, MAGLEV)
 * implement Envoy's policies; lb-policy.ts picks one for a cluster.
 */
import type { Host } from './cluster.ts';

export interface LoadBalancer {
  /** One of `hosts`, or undefined when there are none. `key`: the connection's hash key (its source IP). */
  pick(hosts: readonly Host[], key?: string): Host | undefined;
}
