/**
 * What a cluster is, as config: the validated, frozen form of an Envoy Cluster (from CDS, or
 * derived from registry.json). The cluster manager turns specs into run-time clusters; EDS
 * specs take their endpoints from the ClusterLoadAssignment named by `serviceName`. `http` says
 * how the cluster speaks HTTP upstream when an HTTP connection manager routes to it.
 */
import type { EndpointAssignment } from '../endpoint/endpoint-config.ts';
import type { WorkloadMetadata } from '../stats/workload-metadata.ts';
import type { ServiceMetadata } from './cluster.ts';
import type { ClusterHttpOptions } from './http-options.ts';

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
  readonly service: ServiceMetadata | undefined;
  readonly addedViaApi: boolean;
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
