/**
 * One immutable view of the proxy's dynamic config, what the data path resolves a connection
 * against: listeners (by name and by address), route configurations and the run-time clusters
 * built for exactly these resources. A new one is assembled from the latest accepted resources
 * of every type and swapped in with one assignment; a connection resolves everything from the
 * one view it read, so it sees the old config or the new one, never a mix.
 */
import type { Cluster } from '../cluster/cluster.ts';
import type { ListenerConfig } from '../listener/listener-config.ts';
import type { RouteConfig } from '../route/route-config.ts';

export interface ProxyConfig {
  /** The accepted versions it was built from, e.g. `cds=3 eds=7 lds=2 rds=1`. */
  readonly version: string;
  readonly listeners: ReadonlyMap<string, ListenerConfig>;
  /** `ip:port` (formatAddress) -> listener: where use_original_dst hands a connection. */
  readonly listenersByAddress: ReadonlyMap<string, ListenerConfig>;
  readonly routes: ReadonlyMap<string, RouteConfig>;
  readonly clusters: ReadonlyMap<string, Cluster>;
}
