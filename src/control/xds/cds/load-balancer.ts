/**
 * LoadBalancerSettings -> the cluster's lbPolicy (Istio's applyLoadBalancer): ROUND_ROBIN by
 * default, LEAST_CONN/LEAST_REQUEST -> LEAST_REQUEST, RANDOM, PASSTHROUGH (an ORIGINAL_DST
 * cluster), consistentHash -> RING_HASH (ringHashLbConfig.minimumRingSize, 1024 by default) or
 * MAGLEV (maglevLbConfig.tableSize). Proxyless gRPC only has ROUND_ROBIN and RING_HASH.
 */
import type { LoadBalancerSettings } from '../../config/types/load-balancer.ts';
import type { GeneratorFlavour } from '../../model/proxy.ts';
import type { Json } from '../generator.ts';

export interface LbFields {
  readonly lbPolicy: string;
  readonly ringHashLbConfig?: Json;
  readonly maglevLbConfig?: Json;
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
  return { lbPolicy: flavour === 'grpc' ? 'ROUND_ROBIN' : policy };
}
