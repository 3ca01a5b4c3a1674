/**
 * Envoy's LEAST_REQUEST load balancer for TCP: the power of `choiceCount` choices over the
 * hosts' active connections (a TCP proxy has no requests; each connection counts as one). With
 * at least as many choices as hosts every host is compared, so the least loaded one wins and
 * ties go to the first. Endpoint weights are not applied yet.
 */
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';

export class LeastRequestLoadBalancer implements LoadBalancer {
  private readonly choiceCount: number;
  private readonly random: Random;

  constructor(choiceCount: number, random: Random) {
    this.choiceCount = choiceCount;
    this.random = random;
  }

  pick(hosts: readonly Host[]): Host | undefined {
    if (hosts.length === 0) return undefined;
    const candidates = this.choiceCount >= hosts.length
      ? hosts
      : Array.from({ length: this.choiceCount }, () => hosts[Math.floor(this.random() * hosts.length)] as Host);
    let best: Host | undefined;
    for (const h of candidates) if (!best || h.stats.cx_active < best.stats.cx_active) best = h;
    return best;
  }
}

export const leastRequest = (choiceCount: number, random: Random): LoadBalancer =>
  new LeastRequestLoadBalancer(choiceCount, random) satisfies LoadBalancer;
