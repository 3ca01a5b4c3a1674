/**
 * A cluster: a named set of upstream hosts and the policy for picking one, as Envoy's cluster
 * manager holds them. Istio's names: `outbound|PORT||HOST` (EDS, from the registry),
 * `inbound|PORT||` (the local app), PassthroughCluster / InboundPassthroughCluster
 * (ORIGINAL_DST) and BlackHoleCluster (STATIC, no hosts).
 */
import type { Address } from '../core/address.ts';
import type { Workload } from '../config/registry.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';

export type DiscoveryType = 'EDS' | 'ORIGINAL_DST' | 'STATIC';

/** Istio's cluster metadata `filter_metadata.istio.services[0]`: the service behind a cluster. */
export interface ServiceMetadata {
  readonly host: string;
  readonly name: string;
  readonly namespace: string;
}

export interface HostStats {
  cx_total: number;
  cx_active: number;
  cx_connect_fail: number;
}

export interface Host {
  readonly address: Address;
  readonly healthy: boolean;
  /** The registry's workload at the host's IP, when known (the destination peer for metrics). */
  readonly workload: Workload | undefined;
  readonly stats: HostStats;
}

export interface Cluster {
  readonly name: string;
  readonly type: DiscoveryType;
  readonly stats: ClusterStats;
  readonly service: ServiceMetadata | undefined;
  /** upstream_bind_config: connect from 127.0.0.6 / ::6 (the inbound clusters). */
  readonly bindInboundLoopback: boolean;
  /** Circuit breaker: max concurrent upstream connections (UO above it). */
  readonly maxConnections: number;
  hosts(): readonly Host[];
  /** The host for a new connection to `destination`; undefined means no healthy upstream (UH). */
  chooseHost(destination: Address): Host | undefined;
}

export const newHostStats = (): HostStats => ({ cx_total: 0, cx_active: 0, cx_connect_fail: 0 });

/** Istio's default circuit breaker: effectively unlimited. */
export const DEFAULT_MAX_CONNECTIONS = 4294967295;
