/**
 * The network filters listeners are made of: tcp_proxy (one cluster, or weighted clusters) and
 * the HTTP connection manager (routes by RDS over ADS, or inline for inbound), with Istio's
 * HTTP filter chain ending in the router (proxyless gRPC requires the router last).
 */
import type { Json } from '../generator.ts';
import { ADS_CONFIG_SOURCE, compact, ExtensionTypes, FilterNames } from '../type-config.ts';

export interface TcpTarget {
  readonly statPrefix: string;
  readonly cluster?: string;
  readonly weightedClusters?: readonly { readonly name: string; readonly weight: number }[];
  /** proto3 JSON duration. */
  readonly idleTimeout?: string;
  /** proto3 JSON duration (DestinationRule tcp.maxConnectionDuration). */
  readonly maxDownstreamConnectionDuration?: string;
}

export function tcpProxyFilter(t: TcpTarget): Json {
  return {
    name: FilterNames.tcpProxy,
    typedConfig: compact({
      '@type': ExtensionTypes.tcpProxy,
      statPrefix: t.statPrefix,
      cluster: t.weightedClusters ? undefined : t.cluster,
      weightedClusters: t.weightedClusters ? { clusters: t.weightedClusters.map((c) => ({ name: c.name, weight: c.weight })) } : undefined,
      idleTimeout: t.idleTimeout,
      maxDownstreamConnectionDuration: t.maxDownstreamConnectionDuration,
    }),
  };
}

export const ROUTER_FILTER: Json = Object.freeze({ name: FilterNames.router, typedConfig: { '@type': ExtensionTypes.router } });
export const FAULT_FILTER: Json = Object.freeze({ name: FilterNames.fault, typedConfig: { '@type': ExtensionTypes.fault } });
export const CORS_FILTER: Json = Object.freeze({ name: FilterNames.cors, typedConfig: { '@type': ExtensionTypes.cors } });

/** The HCM of an outbound HTTP listener: routes come by RDS, named after the port. */
export function outboundHttpConnectionManager(port: number): Json {
  return {
    name: FilterNames.httpConnectionManager,
    typedConfig: {
      '@type': ExtensionTypes.httpConnectionManager,
      statPrefix: `outbound_0.0.0.0_${port}`,
      rds: { configSource: ADS_CONFIG_SOURCE, routeConfigName: String(port) },
      httpFilters: [FAULT_FILTER, CORS_FILTER, ROUTER_FILTER],
      normalizePath: true,
      useRemoteAddress: false,
      upgradeConfigs: [{ upgradeType: 'websocket' }],
      streamIdleTimeout: '0s',
    },
  };
}

/**
 * The HCM of an inbound filter chain: one catch-all route to the inbound cluster, inline. The
 * passthrough's (port 0, Istio's `inbound|http|0`) is named after InboundPassthroughCluster.
 */
export function inboundHttpConnectionManager(port: number, cluster: string, operation: string): Json {
  return {
    name: FilterNames.httpConnectionManager,
    typedConfig: {
      '@type': ExtensionTypes.httpConnectionManager,
      statPrefix: port === 0 ? cluster : `inbound_0.0.0.0_${port}`,
      routeConfig: {
        name: cluster,
        virtualHosts: [{
          name: `inbound|http|${port}`, domains: ['*'],
          routes: [{
            name: 'default', match: { prefix: '/' },
            route: { cluster, timeout: '0s', maxStreamDuration: { maxStreamDuration: '0s', grpcTimeoutHeaderMax: '0s' } },
            decorator: { operation },
          }],
        }],
        validateClusters: false,
      },
      httpFilters: [ROUTER_FILTER],
      normalizePath: true,
      useRemoteAddress: false,
      // Istio's proxy headers: inbound overwrites `server` with istio-envoy; the caller's outbound sidecar then writes "envoy".
      serverName: 'istio-envoy',
      upgradeConfigs: [{ upgradeType: 'websocket' }],
      streamIdleTimeout: '0s',
    },
  };
}
