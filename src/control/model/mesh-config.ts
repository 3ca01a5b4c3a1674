/**
 * MeshConfig: the mesh-wide settings istiod reads from its mesh config, the few Mizzen uses when
 * generating xDS. Validated by the caller (bootstrap/options.ts) and frozen.
 */

export type OutboundTrafficPolicyMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

export interface MeshConfig {
  /** What a sidecar does with traffic to hosts not in the registry (mesh default; a Sidecar may override). */
  readonly outboundTrafficPolicy: OutboundTrafficPolicyMode;
  /** Cluster connect timeout unless a DestinationRule sets one (proto3 JSON duration). */
  readonly connectTimeout: string;
  /** Config here applies mesh-wide (a Sidecar without selector, DestinationRules as the last resort). */
  readonly rootNamespace: string;
  readonly domainSuffix: string;
  readonly clusterId: string;
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  outboundTrafficPolicy: 'ALLOW_ANY',
  connectTimeout: '10s',
  rootNamespace: 'istio-system',
  domainSuffix: 'cluster.local',
  clusterId: 'Kubernetes',
});
