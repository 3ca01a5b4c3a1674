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
  /**
   * How long a sidecar waits for the first bytes of a connection to an undeclared port
   * (protocol sniffing) before treating it as TCP (proto3 JSON duration; "0s" = wait forever).
   * Istio's default is 0s; Mizzen's is 1s, so a server-first protocol (MySQL, SMTP...) on an
   * undeclared port is held for at most a second instead of forever, while a client that sends
   * its request within a second is still recognised as HTTP. Declared ports are never held.
   */
  readonly protocolDetectionTimeout: string;
  /**
   * defaultConfig.gatewayTopology: how many trusted proxies (load balancers) sit in front of
   * the gateways; their HCMs get it as xff_num_trusted_hops. A gateway pod's own ProxyConfig
   * (PROXY_CONFIG metadata, the proxy.istio.io/config annotation) overrides it.
   */
  readonly gatewayTopology?: { readonly numTrustedProxies: number };
}

export const DEFAULT_MESH_CONFIG: MeshConfig = Object.freeze({
  outboundTrafficPolicy: 'ALLOW_ANY',
  connectTimeout: '10s',
  rootNamespace: 'istio-system',
  domainSuffix: 'cluster.local',
  clusterId: 'Kubernetes',
  protocolDetectionTimeout: '1s',
});
