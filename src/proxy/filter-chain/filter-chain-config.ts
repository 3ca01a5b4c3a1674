/**
 * A listener's filter chain as the data path holds it: the filter_chain_match criteria and the
 * chain's terminal network filter, either tcp_proxy (a cluster or weighted clusters) or the
 * HTTP connection manager (a route configuration by RDS name or inline), and the chain's
 * downstream TLS (envoy.transport_sockets.tls) when it terminates TLS. Validated and frozen.
 */
import type { SecureContext } from 'node:tls';
import type { Prefix } from '../../interception/cidr.ts';
import type { HcmSettings } from '../filters/network/http-connection-manager/hcm-settings.ts';
import type { ClusterTarget, RouteConfig } from '../route/route-config.ts';

export type SourceType = 'ANY' | 'SAME_IP_OR_LOOPBACK' | 'EXTERNAL';

/** envoy.config.listener.v3.FilterChainMatch, the criteria Mizzen evaluates. */
export interface FilterChainMatchConfig {
  readonly destinationPort: number | undefined;
  readonly prefixRanges: readonly Prefix[];
  readonly serverNames: readonly string[];
  readonly transportProtocol: string;
  readonly applicationProtocols: readonly string[];
  readonly sourceType: SourceType;
  readonly sourcePrefixRanges: readonly Prefix[];
  readonly sourcePorts: readonly number[];
}

export interface TcpProxyRoute {
  readonly kind: 'tcp_proxy';
  readonly statPrefix: string;
  readonly target: ClusterTarget;
  /** idle_timeout in ms (0 disables it); undefined: Envoy's default of 1 h. */
  readonly idleTimeoutMs?: number;
  /** max_downstream_connection_duration in ms; undefined or 0: none. */
  readonly maxDurationMs?: number;
}

export interface HttpConnectionManagerRoute {
  readonly kind: 'http_connection_manager';
  readonly statPrefix: string;
  /** rds.route_config_name, when the route configuration comes from RDS. */
  readonly rds: string | undefined;
  /** route_config, when it is inline (Istio's inbound chains). */
  readonly routeConfig: RouteConfig | undefined;
  /** The connection manager's own settings (codec, header handling, timeouts, HTTP filters). */
  readonly settings: HcmSettings;
}

export type NetworkRoute = TcpProxyRoute | HttpConnectionManagerRoute;

/** envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext, certificates already loaded. */
export interface DownstreamTlsConfig {
  /** The server certificate and key, and the trusted CA when client certificates are verified. */
  readonly secureContext: SecureContext;
  /** common_tls_context.alpn_protocols, in preference order (empty: no ALPN). */
  readonly alpnProtocols: readonly string[];
  /** require_client_certificate: a client without a certificate the CA verifies is refused at the handshake. */
  readonly requireClientCertificate: boolean;
  /** A validation_context with trusted_ca: client certificates are requested and verified. */
  readonly verifyClient: boolean;
}

export interface FilterChainConfig {
  readonly name: string;
  readonly match: FilterChainMatchConfig;
  readonly route: NetworkRoute;
  /** The transport socket: TLS terminated on this chain, or undefined for raw bytes. */
  readonly transportSocket?: DownstreamTlsConfig;
}

export const matchAll: FilterChainMatchConfig = Object.freeze({
  destinationPort: undefined, prefixRanges: [], serverNames: [], transportProtocol: '', applicationProtocols: [],
  sourceType: 'ANY', sourcePrefixRanges: [], sourcePorts: [],
});
