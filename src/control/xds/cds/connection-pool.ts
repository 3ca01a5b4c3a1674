/**
 * ConnectionPoolSettings -> cluster fields (Istio's applyConnectionPool): circuitBreakers
 * thresholds (maxConnections, http1MaxPendingRequests -> maxPendingRequests, http2MaxRequests ->
 * maxRequests, maxRetries; Istio's default is uint32 max for each), tcp.connectTimeout,
 * tcp.tcpKeepalive -> upstreamConnectionOptions, and the HTTP protocol options (idleTimeout,
 * maxRequestsPerConnection, maxConnectionDuration) and the upstream protocol as Istio picks it:
 * HTTP/2 for http2/grpc ports and for HTTP ports with h2UpgradePolicy UPGRADE, the downstream's
 * protocol (useDownstreamProtocolConfig) for sniffed ports and useClientProtocol, else HTTP/1.1.
 */
import { durationMs } from '../../config/schema/duration.ts';
import type { ConnectionPoolSettings } from '../../config/types/connection-pool.ts';
import { isHttp2Protocol, isHttpProtocol, isSniffedProtocol, mayCarryHttp } from '../../registry/protocol.ts';
import type { Protocol } from '../../registry/model.ts';
import type { Json } from '../generator.ts';
import { compact, ExtensionTypes, FilterNames, protoDuration } from '../type-config.ts';

export const UINT32_MAX = 4_294_967_295;

export interface PoolFields {
  readonly connectTimeout: string;
  readonly circuitBreakers: Json;
  readonly typedExtensionProtocolOptions?: Json;
  readonly upstreamConnectionOptions?: Json;
}

function thresholds(pool: ConnectionPoolSettings | undefined): Json {
  return {
    maxConnections: pool?.tcp?.maxConnections ?? UINT32_MAX,
    maxPendingRequests: pool?.http?.http1MaxPendingRequests ?? UINT32_MAX,
    maxRequests: pool?.http?.http2MaxRequests ?? UINT32_MAX,
    maxRetries: pool?.http?.maxRetries ?? UINT32_MAX,
    trackRemaining: true,
  };
}

/** The upstream protocol (Istio's setUpstreamProtocol, applyH2Upgrade and useClientProtocol). */
type Upstream = 'http1' | 'http2' | 'downstream';

function upstreamProtocol(pool: ConnectionPoolSettings | undefined, protocol: Protocol): Upstream {
  const http = pool?.http;
  if (isHttp2Protocol(protocol)) return 'http2';
  // UPGRADE only applies to declared HTTP ports, so that sniffing does not interfere.
  if (http?.h2UpgradePolicy === 'UPGRADE' && isHttpProtocol(protocol)) return 'http2';
  if (http?.useClientProtocol || isSniffedProtocol(protocol)) return 'downstream';
  return 'http1';
}

/** typed_extension_protocol_options for a cluster of a port with this protocol; undefined when Envoy's defaults (HTTP/1.1) say it all. */
export function httpProtocolOptions(pool: ConnectionPoolSettings | undefined, protocol: Protocol): Json | undefined {
  if (!mayCarryHttp(protocol)) return undefined;
  const http = pool?.http;
  const common = compact({
    idleTimeout: http?.idleTimeout ? protoDuration(http.idleTimeout) : undefined,
    maxRequestsPerConnection: http?.maxRequestsPerConnection,
    maxConnectionDuration: pool?.tcp?.maxConnectionDuration ? protoDuration(pool.tcp.maxConnectionDuration) : undefined,
  });
  const upstream = upstreamProtocol(pool, protocol);
  if (Object.keys(common).length === 0 && upstream === 'http1') return undefined;
  const http2ProtocolOptions = compact({ maxConcurrentStreams: http?.maxConcurrentStreams });
  const protocolConfig = upstream === 'downstream'
    ? { useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions } }
    : { explicitHttpConfig: upstream === 'http2' ? { http2ProtocolOptions } : { httpProtocolOptions: {} } };
  return {
    [FilterNames.httpProtocolOptions]: {
      '@type': ExtensionTypes.httpProtocolOptions,
      ...(Object.keys(common).length > 0 ? { commonHttpProtocolOptions: common } : {}),
      ...protocolConfig,
    },
  };
}

export function connectionPoolFields(pool: ConnectionPoolSettings | undefined, protocol: Protocol, defaultConnectTimeout: string): PoolFields {
  const keepalive = pool?.tcp?.tcpKeepalive;
  const ext = httpProtocolOptions(pool, protocol);
  return {
    connectTimeout: pool?.tcp?.connectTimeout ? protoDuration(pool.tcp.connectTimeout) : defaultConnectTimeout,
    circuitBreakers: { thresholds: [thresholds(pool)] },
    ...(ext ? { typedExtensionProtocolOptions: ext } : {}),
    ...(keepalive ? {
      upstreamConnectionOptions: {
        tcpKeepalive: compact({
          keepaliveProbes: keepalive.probes,
          keepaliveTime: keepalive.time ? Math.max(1, Math.floor(durationMs(keepalive.time) / 1000)) : undefined,
          keepaliveInterval: keepalive.interval ? Math.max(1, Math.floor(durationMs(keepalive.interval) / 1000)) : undefined,
        }),
      },
    } : {}),
  };
}
