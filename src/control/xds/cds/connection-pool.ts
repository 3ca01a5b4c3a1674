/**
 * ConnectionPoolSettings -> cluster fields (Istio's applyConnectionPool): circuitBreakers
 * thresholds (maxConnections, http1MaxPendingRequests -> maxPendingRequests, http2MaxRequests ->
 * maxRequests, maxRetries; Istio's default is uint32 max for each), tcp.connectTimeout,
 * tcp.tcpKeepalive -> upstreamConnectionOptions, and the HTTP protocol options (idleTimeout,
 * maxRequestsPerConnection, maxConnectionDuration, HTTP/2 for http2/grpc ports or
 * h2UpgradePolicy UPGRADE, useClientProtocol).
 */
import { durationMs } from '../../config/schema/duration.ts';
import type { ConnectionPoolSettings } from '../../config/types/connection-pool.ts';
import { isHttp2Protocol, isHttpProtocol } from '../../registry/protocol.ts';
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

function httpOptions(pool: ConnectionPoolSettings | undefined, protocol: Protocol): Json | undefined {
  if (!isHttpProtocol(protocol)) return undefined;
  const http = pool?.http;
  const common = compact({
    idleTimeout: http?.idleTimeout ? protoDuration(http.idleTimeout) : undefined,
    maxRequestsPerConnection: http?.maxRequestsPerConnection,
    maxConnectionDuration: pool?.tcp?.maxConnectionDuration ? protoDuration(pool.tcp.maxConnectionDuration) : undefined,
  });
  const h2 = (isHttp2Protocol(protocol) && http?.h2UpgradePolicy !== 'DO_NOT_UPGRADE') || http?.h2UpgradePolicy === 'UPGRADE';
  const http2ProtocolOptions = compact({ maxConcurrentStreams: http?.maxConcurrentStreams });
  if (Object.keys(common).length === 0 && !h2 && !http?.useClientProtocol) return undefined;
  const upstream = http?.useClientProtocol
    ? { useDownstreamProtocolConfig: { httpProtocolOptions: {}, http2ProtocolOptions } }
    : { explicitHttpConfig: h2 ? { http2ProtocolOptions } : { httpProtocolOptions: {} } };
  return {
    [FilterNames.httpProtocolOptions]: {
      '@type': ExtensionTypes.httpProtocolOptions,
      ...(Object.keys(common).length > 0 ? { commonHttpProtocolOptions: common } : {}),
      ...upstream,
    },
  };
}

export function connectionPoolFields(pool: ConnectionPoolSettings | undefined, protocol: Protocol, defaultConnectTimeout: string): PoolFields {
  const keepalive = pool?.tcp?.tcpKeepalive;
  const ext = httpOptions(pool, protocol);
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
