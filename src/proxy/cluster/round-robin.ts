/**
 * Envoy's ROUND_ROBIN load balancer over the pickable hosts. The position survives config
 * updates (the cluster manager keeps one balancer per cluster name). Endpoint weights are not
 * applied yet (Istio sends 1 for every endpoint).
 */
import type { Host } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';

export class RoundRobinLoadBalancer implements LoadBalancer {
  private next = 0;

  pick(hosts: readonly Host[]): Host | undefined {
    if (hosts.length === 0) return undefined;
    const host = hosts[this.next % hosts.length];
    this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
    return host;
  }
}

export const roundRobin = (): LoadBalancer => new RoundRobinLoadBalancer() satisfies LoadBalancer;
