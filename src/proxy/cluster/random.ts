/** Envoy's RANDOM load balancer: any pickable host, uniformly (endpoint weights not applied yet). */
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';

export const randomLb = (random: Random): LoadBalancer => ({
  pick: (hosts: readonly Host[]) => (hosts.length === 0 ? undefined : hosts[Math.min(hosts.length - 1, Math.floor(random() * hosts.length))]),
}) satisfies LoadBalancer;
