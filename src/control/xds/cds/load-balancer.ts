/**
 * LoadBalancerSettings -> the cluster's lbPolicy (Istio's applyLoadBalancer): ROUND_ROBIN by
 * default, LEAST_CONN/LEAST_REQUEST -> LEAST_REQUEST, RANDOM, PASSTHROUGH (an ORIGINAL_DST
 * cluster), consistentHash -> RING_HASH (ringHashLbConfig.minimumRingSize, 1024 by default) or
 * MAGLEV (maglevLbConfig.tableSize). warmup (or the older warmupDurationSecs) on ROUND_ROBIN and
 * LEAST_REQUEST -> their slowStartConfig (window, aggression 1 and minimum 10% unless set).
 * Proxyless gRPC only has ROUND_ROBIN and RING_HASH.
 */
import type { LoadBalancerSettings } from '../../config/types/load-balancer.ts';
import { protoDuration } from '../type-config.ts';
import type { GeneratorFlavour } from '../../model/proxy.ts';
import type { Json } from '../generator.ts';

export interface LbFields {
  readonly lbPolicy: string;
  readonly ringHashLbConfig?: Json;
  readonly maglevLbConfig?: Json;
  readonly roundRobinLbConfig?: Json;
  readonly leastRequestLbConfig?: Json;
  /** PASSTHROUGH: connect to the address the client asked for. */
  readonly passthrough?: boolean;
}

const SIMPLE: Readonly<Record<string, string>> = {
  ROUND_ROBIN: 'ROUND_ROBIN', LEAST_CONN: 'LEAST_REQUEST', LEAST_REQUEST: 'LEAST_REQUEST', RANDOM: 'RANDOM', UNSPECIFIED: 'ROUND_ROBIN',
};

export function loadBalancerFields(lb: LoadBalancerSettings | undefined, flavour: GeneratorFlavour): LbFields {
  const ch = lb?.consistentHash;
  if (ch) {
    const minimumRingSize = ch.ringHash?.minimumRingSize ?? ch.minimumRingSize ?? 1024;
    if (ch.maglev && flavour === 'sidecar') return { lbPolicy: 'MAGLEV', ...(ch.maglev.tableSize ? { maglevLbConfig: { tableSize: ch.maglev.tableSize } } : {}) };
    return { lbPolicy: 'RING_HASH', ringHashLbConfig: { minimumRingSize, ...(flavour === 'grpc' ? { hashFunction: 'XX_HASH' } : {}) } };
  }
  if (lb?.simple === 'PASSTHROUGH' && flavour === 'sidecar') return { lbPolicy: 'CLUSTER_PROVIDED', passthrough: true };
  const policy = SIMPLE[lb?.simple ?? 'UNSPECIFIED'] ?? 'ROUND_ROBIN';
  if (flavour === 'grpc') return { lbPolicy: 'ROUND_ROBIN' };
  const slowStartConfig = slowStart(lb);
  if (!slowStartConfig) return { lbPolicy: policy };
  return policy === 'LEAST_REQUEST' ? { lbPolicy: policy, leastRequestLbConfig: { slowStartConfig } } : { lbPolicy: policy, roundRobinLbConfig: { slowStartConfig } };
}

/** Istio's setSlowStartConfig: warmup, else warmupDurationSecs (window only). */
function slowStart(lb: LoadBalancerSettings | undefined): Json | undefined {
  if (lb?.warmup) {
    return {
      slowStartWindow: protoDuration(lb.warmup.duration),
      aggression: { defaultValue: lb.warmup.aggression ?? 1, runtimeKey: SLOW_START_AGGRESSION_KEY },
      minWeightPercent: { value: lb.warmup.minimumPercent ?? 10 },
    };
  }
  return lb?.warmupDurationSecs ? { slowStartWindow: protoDuration(lb.warmupDurationSecs) } : undefined;
}

const SLOW_START_AGGRESSION_KEY = 'upstream.lb.slow_start.aggression';
