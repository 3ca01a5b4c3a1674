/**
 * Envoy's LEAST_REQUEST load balancer. A host's load is its active requests (router attempts,
 * `rq_active`) plus its active tcp_proxy connections (`cx_active`; a TCP proxy has no requests).
 * Equal weights: the power of `choiceCount` choices, sampled with replacement, fewest active
 * wins and ties go to the first sampled; with at least as many choices as hosts every host is
 * compared. Unequal weights or hosts in slow start: weighted round robin over
 * weight / (active + 1)^active_request_bias (Envoy's EDF weights, bias 1 by default).
 */
import type { Random } from '../core/random.ts';
import type { Host } from './cluster.ts';
import { baseWeight, equalWeights, rampingUntil, slowStartFactor } from './host-weights.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { WeightedLbOptions } from './round-robin.ts';
import { SmoothWrr } from './smooth-wrr.ts';

export interface LeastRequestOptions extends WeightedLbOptions {
  readonly activeRequestBias?: number | undefined;
}

const load = (h: Host): number => h.stats.rq_active + h.stats.cx_active;

export class LeastRequestLoadBalancer implements LoadBalancer {
  private set: readonly Host[] | undefined;
  private equal = true;
  private rampUntil = 0;
  private readonly wrr = new SmoothWrr();
  private weights = new Float64Array(0);
  private readonly choiceCount: number;
  private readonly random: Random;
  private readonly opts: LeastRequestOptions;
  private readonly now: () => number;

  constructor(choiceCount: number, random: Random, opts: LeastRequestOptions = {}) {
    this.choiceCount = choiceCount;
    this.random = random;
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  pick(hosts: readonly Host[]): Host | undefined {
    const n = hosts.length;
    if (n === 0) return undefined;
    if (hosts !== this.set) {
      this.set = hosts;
      this.equal = equalWeights(hosts);
      this.rampUntil = rampingUntil(this.opts.slowStart, hosts);
      this.wrr.reset(n);
      this.weights = new Float64Array(n);
    }
    let now = 0;
    let ramping = false;
    if (this.rampUntil > 0) {
      now = this.now();
      ramping = now < this.rampUntil;
      if (!ramping) this.rampUntil = 0;
    }
    if (this.equal && !ramping) return this.powerOfChoices(hosts);
    const bias = this.opts.activeRequestBias ?? 1;
    const ss = this.opts.slowStart;
    for (let i = 0; i < n; i++) {
      const h = hosts[i] as Host;
      const w = ramping && ss ? baseWeight(h) * slowStartFactor(ss, h, now) : baseWeight(h);
      this.weights[i] = bias === 0 ? w : w / Math.pow(load(h) + 1, bias);
    }
    return hosts[this.wrr.next(this.weights)];
  }

  private powerOfChoices(hosts: readonly Host[]): Host | undefined {
    const n = hosts.length;
    let best: Host | undefined;
    if (this.choiceCount >= n) {
      for (const h of hosts) if (!best || load(h) < load(best)) best = h;
      return best;
    }
    for (let c = 0; c < this.choiceCount; c++) {
      const h = hosts[Math.min(n - 1, Math.floor(this.random() * n))] as Host;
      if (!best || load(h) < load(best)) best = h;
    }
    return best;
  }
}

export const leastRequest = (choiceCount: number, random: Random, opts: LeastRequestOptions = {}): LoadBalancer =>
  new LeastRequestLoadBalancer(choiceCount, random, opts) satisfies LoadBalancer;
