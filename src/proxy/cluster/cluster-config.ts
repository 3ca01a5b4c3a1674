/**
 * What a cluster is, as config: the validated, frozen form of an Envoy Cluster (from CDS, or
 * derived from registry.json). The cluster manager turns specs into run-time clusters; EDS
 * specs take their endpoints from the ClusterLoadAssignment named by `serviceName`. `http` says
 * how the cluster speaks HTTP upstream when an HTTP connection manager routes to it.
 */
import type { EndpointAssignment } from '../endpoint/endpoint-config.ts';
import type { TcpKeepalive } from '../core/socket-options.ts';
import type { WorkloadMetadata } from '../stats/workload-metadata.ts';
import type { ServiceMetadata } from './cluster.ts';
import type { ClusterHttpOptions } from './http-options.ts';
import type { MaglevConfig, RingHashConfig, SlowStartConfig } from './lb-config.ts';
import type { OutlierDetectionConfig } from './outlier-config.ts';

export type DiscoveryType = 'EDS' | 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS' | 'ORIGINAL_DST';

/** The load balancing policies Mizzen implements (Envoy's names). */
export type LbPolicy = 'ROUND_ROBIN' | 'LEAST_REQUEST' | 'RANDOM' | 'RING_HASH' | 'MAGLEV' | 'CLUSTER_PROVIDED';

interface CommonSpec {
  readonly name: string;
  readonly connectTimeoutMs: number;
  readonly lbPolicy: LbPolicy;
  /** least_request_lb_config.choice_count (Envoy's default 2). */
  readonly choiceCount: number;
  readonly maxConnections: number;
  /** The upstream HTTP protocol, its options and the request thresholds (http-options.ts). */
  readonly http: ClusterHttpOptions;
  readonly upstreamBind: string | undefined;
  /** upstream_connection_options.tcp_keepalive; absent: no SO_KEEPALIVE (the system's defaults). */
  readonly tcpKeepalive?: TcpKeepalive;
  readonly service: ServiceMetadata | undefined;
  readonly addedViaApi: boolean;
  /** ring_hash_lb_config (RING_HASH only; Envoy's defaults when absent). */
  readonly ringHash?: RingHashConfig;
  /** maglev_lb_config (MAGLEV only; table size 65537 when absent). */
  readonly maglev?: MaglevConfig;
  /** slow_start_config of round_robin_lb_config / least_request_lb_config. */
  readonly slowStart?: SlowStartConfig;
  /** least_request_lb_config.active_request_bias (Envoy's default 1.0). */
  readonly activeRequestBias?: number;
  /** outlier_detection; absent: no detector. */
  readonly outlierDetection?: OutlierDetectionConfig;
  /** common_lb_config.healthy_panic_threshold in percent (Envoy's default 50). */
  readonly healthyPanicThreshold?: number;
}

export interface EdsClusterSpec extends CommonSpec {
  readonly type: 'EDS';
  /** eds_cluster_config.service_name, else the cluster name. */
  readonly serviceName: string;
}

/** STATIC, and the DNS types: their endpoints name hosts that are resolved when connecting. */
export interface StaticClusterSpec extends CommonSpec {
  readonly type: 'STATIC' | 'STRICT_DNS' | 'LOGICAL_DNS';
  readonly loadAssignment: EndpointAssignment;
}

export interface OriginalDstClusterSpec extends CommonSpec {
  readonly type: 'ORIGINAL_DST';
  /** Connect to this IP instead of the original destination's (registry mode: INSTANCE_IP). */
  readonly hostIp: string | undefined;
  /** Who runs at an address (registry mode only: the registry knows every pod). */
  readonly peerAt: ((ip: string) => WorkloadMetadata | undefined) | undefined;
}

export type ClusterSpec = EdsClusterSpec | StaticClusterSpec | OriginalDstClusterSpec;
