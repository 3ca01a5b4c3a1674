/**
 * What a filter chain resolved a connection to: a cluster in force, or the name of one the
 * config does not have (the connection then ends with NC), and the tcp_proxy stat prefix.
 */
import type { Cluster } from '../cluster/cluster.ts';

export interface Upstream {
  /** Undefined when the route names a cluster that does not exist (NC). */
  readonly cluster: Cluster | undefined;
  readonly clusterName: string;
  /** `tcp.<statPrefix>.*` (Istio uses the cluster name). */
  readonly statPrefix: string;
  /** tcp_proxy idle_timeout in ms (0: none); undefined: Envoy's default (1 h). */
  readonly idleTimeoutMs?: number;
  /** tcp_proxy max_downstream_connection_duration in ms; undefined or 0: none. */
  readonly maxDurationMs?: number;
}

export const upstreamOf = (cluster: Cluster | undefined): Upstream | undefined =>
  cluster ? { cluster, clusterName: cluster.name, statPrefix: cluster.name } : undefined;
