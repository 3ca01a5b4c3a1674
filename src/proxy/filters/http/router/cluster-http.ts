/**
 * A cluster's HTTP settings (upstream protocol, per-connection request limit, idle timeout,
 * request circuit breakers), with Envoy's defaults for clusters that carry none.
 */
import type { Cluster } from '../../../cluster/cluster.ts';

export interface ClusterHttpSettings {
  readonly protocol: 'http1' | 'http2' | 'downstream';
  readonly maxRequestsPerConnection: number;
  readonly idleTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly maxRequests: number;
  readonly maxRetries: number;
}

const defaults: ClusterHttpSettings = Object.freeze({
  protocol: 'http1', maxRequestsPerConnection: 0, idleTimeoutMs: 3_600_000, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3,
});

export function clusterHttp(cluster: Cluster): ClusterHttpSettings {
  return (cluster as { readonly http?: ClusterHttpSettings }).http ?? defaults;
}
