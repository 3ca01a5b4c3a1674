/**
 * A cluster's endpoints as the data path holds them: Envoy's ClusterLoadAssignment, validated
 * and frozen. Localities carry a priority; each endpoint has its address, EDS health status,
 * load-balancing weight and the Istio peer identity its metadata names (the destination side
 * of Istio's metrics).
 */
import type { Address } from '../core/address.ts';
import type { WorkloadMetadata } from '../stats/workload-metadata.ts';

/** envoy.config.core.v3.HealthStatus. */
export type HealthStatus = 'UNKNOWN' | 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'TIMEOUT' | 'DEGRADED';

export interface Locality {
  readonly region: string;
  readonly zone: string;
  readonly subZone: string;
}

export interface EndpointConfig {
  /** An IP and port; for STRICT_DNS / LOGICAL_DNS clusters the "IP" may be a DNS name, resolved when connecting. */
  readonly address: Address;
  readonly health: HealthStatus;
  readonly weight: number;
  readonly hostname: string;
  /** `filter_metadata.istio.workload`, parsed; undefined when the endpoint has none. */
  readonly peer: WorkloadMetadata | undefined;
}

export interface LocalityEndpoints {
  readonly locality: Locality;
  readonly priority: number;
  /** The locality's load_balancing_weight (used only by locality-weighted balancing, which Istio leaves off). */
  readonly weight: number | undefined;
  readonly endpoints: readonly EndpointConfig[];
}

export interface EndpointAssignment {
  readonly clusterName: string;
  readonly localities: readonly LocalityEndpoints[];
}

export const noLocality: Locality = Object.freeze({ region: '', zone: '', subZone: '' });

export const emptyAssignment = (clusterName: string): EndpointAssignment =>
  Object.freeze({ clusterName, localities: Object.freeze([]) });
