/**
 * A cluster's load balancer by its lb_policy and lb config. ORIGINAL_DST clusters
 * (CLUSTER_PROVIDED) pick by destination and never come here.
 */
import type { Random } from '../core/random.ts';
import type { ClusterSpec } from './cluster-config.ts';
import { leastRequest } from './least-request.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { maglev } from './maglev.ts';
import { randomLb } from './random.ts';
import { ringHash } from './ring-hash.ts';
import { roundRobin } from './round-robin.ts';

export type LbSpec = Pick<ClusterSpec, 'lbPolicy' | 'choiceCount' | 'ringHash' | 'maglev' | 'slowStart' | 'activeRequestBias'>;

export function loadBalancerFor(spec: LbSpec, random: Random, now: () => number = Date.now): LoadBalancer {
  switch (spec.lbPolicy) {
    case 'LEAST_REQUEST': return leastRequest(spec.choiceCount, random, { slowStart: spec.slowStart, activeRequestBias: spec.activeRequestBias, now });
    case 'RANDOM': return randomLb(random);
    case 'RING_HASH': return ringHash(spec.ringHash, random);
    case 'MAGLEV': return maglev(spec.maglev, random);
    default: return roundRobin({ slowStart: spec.slowStart, now });
  }
}

/** What identifies a balancer's configuration: the same key keeps the balancer (and its position). */
export const lbKey = (spec: LbSpec): string =>
  JSON.stringify([spec.lbPolicy, spec.choiceCount, spec.ringHash, spec.maglev, spec.slowStart, spec.activeRequestBias]);
