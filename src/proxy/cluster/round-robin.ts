/**
 * Envoy's ROUND_ROBIN load balancer over the pickable hosts. Equal weights: plain rotation,
 * whose position survives config updates (the cluster manager keeps one balancer per cluster
 * name). Unequal endpoint weights, or hosts in slow start: smooth weighted round robin over the
 * (slow-start scaled) weights, so each host gets its share of picks, evenly spread.
 */
import type { Host } from './cluster.ts';
import { baseWeight, equalWeights, rampingUntil, slowStartFactor } from './host-weights.ts';
import type { SlowStartConfig } from './lb-config.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { SmoothWrr } from './smooth-wrr.ts';

export interface WeightedLbOptions {
  readonly slowStart?: SlowStartConfig | undefined;
  readonly now?: () => number;
}

export class RoundRobinLoadBalancer implements LoadBalancer {
  private next = 0;
  private set: readonly Host[] | undefined;
  private equal = true;
  private rampUntil = 0;
  private readonly wrr = new SmoothWrr();
  private weights = new Float64Array(0);
  private readonly slowStart: SlowStartConfig | undefined;
  private readonly now: () => number;

  constructor(opts: WeightedLbOptions = {}) {
    this.slowStart = opts.slowStart;
    this.now = opts.now ?? Date.now;
  }

  pick(hosts: readonly Host[]): Host | undefined {
    const n = hosts.length;
    if (n === 0) return undefined;
    if (hosts !== this.set) {
      this.set = hosts;
      this.equal = equalWeights(hosts);
      this.rampUntil = rampingUntil(this.slowStart, hosts);
      this.wrr.reset(n);
      this.weights = Float64Array.from(hosts, baseWeight);
    }
    let now = 0;
    let ramping = false;
    if (this.rampUntil > 0) {
      now = this.now();
      ramping = now < this.rampUntil;
      if (!ramping) {
        this.rampUntil = 0;
        this.weights = Float64Array.from(hosts, baseWeight);
      }
    }
    if (this.equal && !ramping) {
      const host = hosts[this.next % n];
      this.next = (this.next + 1) % Number.MAX_SAFE_INTEGER;
      return host;
    }
    const ss = this.slowStart;
    if (ramping && ss) for (let i = 0; i < n; i++) this.weights[i] = baseWeight(hosts[i] as Host) * slowStartFactor(ss, hosts[i] as Host, now);
    return hosts[this.wrr.next(this.weights)];
  }
}

export const roundRobin = (opts: WeightedLbOptions = {}): LoadBalancer => new RoundRobinLoadBalancer(opts) satisfies LoadBalancer;
