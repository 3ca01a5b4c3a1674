/**
 * A cluster's load balancer by its lb_policy. ORIGINAL_DST clusters (CLUSTER_PROVIDED) pick
 * by destination and never come here.
 */
import type { Random } from '../core/random.ts';
import type { LbPolicy } from './cluster-config.ts';
import { consistentHash } from './consistent-hash.ts';
import { leastRequest } from './least-request.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { randomLb } from './random.ts';
import { roundRobin } from './round-robin.ts';

export function loadBalancerFor(policy: LbPolicy, choiceCount: number, random: Random): LoadBalancer {
  switch (policy) {
    case 'LEAST_REQUEST': return leastRequest(choiceCount, random);
    case 'RANDOM': return randomLb(random);
    case 'RING_HASH':
    case 'MAGLEV': return consistentHash(random);
    default: return roundRobin();
  }
}
