/**
 * A cluster: a named set of upstream hosts and the policy for picking one, as Envoy's cluster
 * manager holds them at run time. Istio's names: `outbound|PORT|SUBSET|HOST` (EDS),
 * `inbound|PORT||` and PassthroughCluster / InboundPassthroughCluster (ORIGINAL_DST),
 * BlackHoleCluster (STATIC, no hosts). Built from a frozen ClusterSpec (cluster-config.ts).
 */
import type { Address } from '../core/address.ts';
import type { HealthStatus, Locality } from '../endpoint/endpoint-config.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';
import type { WorkloadMetadata } from '../stats/workload-metadata.ts';
import type { ChooseHostContext } from './choose-host-context.ts';
import type { DiscoveryType, LbPolicy } from './cluster-config.ts';
import type { TcpKeepalive } from '../core/socket-options.ts';
import type { ClusterHttpOptions } from './http-options.ts';
import type { OutlierOutcome } from './outlier-outcome.ts';

/** Istio's cluster metadata `filter_metadata.istio.services[0]`: the service behind a cluster. */
export interface ServiceMetadata {
  readonly host: string;
  readonly name: string;
  readonly namespace: string;
}

/** Per-host counters (admin /clusters). The router keeps the rq_* ones; LEAST_REQUEST reads rq_active + cx_active. */
export interface HostStats {
  cx_total: number;
  cx_active: number;
  cx_connect_fail: number;
  rq_total: number;
  rq_active: number;
  rq_success: number;
  rq_error: number;
  rq_timeout: number;
}

export interface Host {
  readonly address: Address;
  readonly health: HealthStatus;
  readonly weight: number;
  readonly priority: number;
  readonly locality: Locality;
  readonly hostname: string;
  /** Who runs at the host (the destination peer for Istio's metrics), when known. */
  readonly peer: WorkloadMetadata | undefined;
  readonly stats: HostStats;
  /** When the host joined its cluster (ms, the cluster manager's clock): slow start ramps from here. */
  readonly createdAtMs?: number;
}

export interface Cluster {
  readonly name: string;
  readonly type: DiscoveryType;
  readonly lbPolicy: LbPolicy;
  readonly stats: ClusterStats;
  readonly service: ServiceMetadata | undefined;
  /** upstream_bind_config.source_address (127.0.0.6 for Istio's inbound clusters). */
  readonly upstreamBind: string | undefined;
  readonly connectTimeoutMs: number;
  /** upstream_connection_options.tcp_keepalive for every upstream connection (HTTP pools, upgrades). */
  readonly tcpKeepalive?: TcpKeepalive | undefined;
  /** Circuit breaker: max concurrent upstream connections (UO above it). */
  readonly maxConnections: number;
  /** The upstream HTTP protocol (http1, http2, downstream), its options and request thresholds. */
  readonly http: ClusterHttpOptions;
  /** False for bootstrap-defined clusters (admin's added_via_api). */
  readonly addedViaApi: boolean;
  hosts(): readonly Host[];
  /**
   * The host for a new connection or request attempt to `destination` from `source`; undefined
   * means no healthy upstream (UH). Without `ctx` (L4) RING_HASH and MAGLEV hash the source IP.
   */
  chooseHost(destination: Address, source?: Address, ctx?: ChooseHostContext): Host | undefined;
  /** What an attempt on `host` came to, for outlier detection (a no-op without it). */
  reportOutcome(host: Host, outcome: OutlierOutcome): void;
  /** Whether outlier detection has ejected `host` (admin's /failed_outlier_check). */
  isEjected(host: Host): boolean;
}

export const newHostStats = (): HostStats => ({ cx_total: 0, cx_active: 0, cx_connect_fail: 0, rq_total: 0, rq_active: 0, rq_success: 0, rq_error: 0, rq_timeout: 0 });

/** Istio's circuit breaker default for its clusters: effectively unlimited. */
export const DEFAULT_MAX_CONNECTIONS = 4294967295;

/** Envoy's own default when a cluster sets no thresholds. */
export const ENVOY_DEFAULT_MAX_CONNECTIONS = 1024;
