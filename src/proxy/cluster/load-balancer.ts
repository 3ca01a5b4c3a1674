/** How a cluster picks among its healthy hosts. round-robin.ts is the one Istio uses by default here. */
import type { Host } from './cluster.ts';

export interface LoadBalancer {
  /** One of `hosts` (all healthy), or undefined when there are none. */
  pick(hosts: readonly Host[]): Host | undefined;
}
