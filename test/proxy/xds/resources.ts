/**
 * Envoy resources for the sidecar's xDS tests, in proto3 JSON, shaped as docs/design/xds.md says
 * the control plane sends them: EDS clusters `outbound|PORT|SUBSET|HOST`, ORIGINAL_DST
 * `inbound|PORT||` bound to 127.0.0.6, the passthrough and blackhole clusters, load assignments
 * with health and `istio.workload` metadata, `<VIP>_<port>` tcp_proxy listeners, `0.0.0.0_<port>`
 * HTTP listeners with RDS, virtualOutbound and virtualInbound, route configurations.
 */
import { TypeUrls } from '../../../src/core/xds/type-urls.ts';

type Json = Record<string, unknown>;

const T = 'type.googleapis.com/';
export const TCP_PROXY = `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`;
export const HCM = `${T}envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager`;
const ROUTER = `${T}envoy.extensions.filters.http.router.v3.Router`;
const ORIGINAL_DST_FILTER = `${T}envoy.extensions.filters.listener.original_dst.v3.OriginalDst`;

export const { cluster: CDS, clusterLoadAssignment: EDS, listener: LDS, routeConfiguration: RDS } = TypeUrls;

const sock = (address: string, portValue: number): Json => ({ socketAddress: { address, portValue } });
const ads = { ads: {}, resourceApiVersion: 'V3' };

export const host = (name: string, ns = 'default'): string => `${name}.${ns}.svc.cluster.local`;
export const outbound = (port: number, svc: string, subset = ''): string => `outbound|${port}|${subset}|${host(svc)}`;

export function edsCluster(name: string, o: { lbPolicy?: string; maxConnections?: number; connectTimeout?: string; service?: { host: string; name: string; namespace: string } } = {}): Json {
  return {
    name, type: 'EDS',
    edsClusterConfig: { edsConfig: ads, serviceName: name },
    connectTimeout: o.connectTimeout ?? '10s',
    lbPolicy: o.lbPolicy ?? 'ROUND_ROBIN',
    circuitBreakers: { thresholds: [{ maxConnections: o.maxConnections ?? 4294967295, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 }] },
    ...(o.service ? { metadata: { filterMetadata: { istio: { services: [o.service] } } } } : {}),
  };
}

export const inboundCluster = (port: number): Json => ({
  name: `inbound|${port}||`, type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED', connectTimeout: '10s',
  upstreamBindConfig: { sourceAddress: { address: '127.0.0.6', portValue: 0 } },
  metadata: { filterMetadata: { istio: { services: [{ host: host('echo'), name: 'echo', namespace: 'default' }] } } },
});

export const passthroughClusters = (): Json[] => [
  { name: 'PassthroughCluster', type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED', connectTimeout: '10s' },
  { name: 'BlackHoleCluster', type: 'STATIC', connectTimeout: '10s' },
  { name: 'InboundPassthroughCluster', type: 'ORIGINAL_DST', lbPolicy: 'CLUSTER_PROVIDED', connectTimeout: '10s', upstreamBindConfig: { sourceAddress: { address: '127.0.0.6', portValue: 0 } } },
];

export interface EndpointSpec {
  readonly ip: string;
  readonly port: number;
  readonly health?: 'HEALTHY' | 'UNHEALTHY' | 'DRAINING' | 'UNKNOWN' | 'DEGRADED';
  /** "workload;ns;canonical;revision;cluster" */
  readonly workload?: string;
}

export function cla(name: string, endpoints: readonly EndpointSpec[]): Json {
  return {
    clusterName: name,
    endpoints: [{
      locality: {},
      loadBalancingWeight: Math.max(1, endpoints.length),
      lbEndpoints: endpoints.map((e) => ({
        endpoint: { address: sock(e.ip, e.port) },
        healthStatus: e.health ?? 'HEALTHY',
        loadBalancingWeight: 1,
        ...(e.workload ? { metadata: { filterMetadata: { istio: { workload: e.workload } } } } : {}),
      })),
    }],
  };
}

const tcpProxy = (target: string | readonly { name: string; weight: number }[], statPrefix?: string): Json => ({
  name: 'envoy.filters.network.tcp_proxy',
  typedConfig: typeof target === 'string'
    ? { '@type': TCP_PROXY, statPrefix: statPrefix ?? target, cluster: target }
    : { '@type': TCP_PROXY, statPrefix: statPrefix ?? 'weighted', weightedClusters: { clusters: target } },
});

/** `<vip>_<port>`: tcp_proxy to a cluster, or weighted clusters. */
export function tcpListener(vip: string, port: number, target: string | readonly { name: string; weight: number }[]): Json {
  return {
    name: `${vip}_${port}`, address: sock(vip, port), bindToPort: false, trafficDirection: 'OUTBOUND',
    filterChains: [{ filters: [tcpProxy(target)] }],
  };
}

/** `0.0.0.0_<port>`: HTTP connection manager with RDS route config "<port>". */
export function httpListener(port: number): Json {
  return {
    name: `0.0.0.0_${port}`, address: sock('0.0.0.0', port), bindToPort: false, trafficDirection: 'OUTBOUND',
    filterChains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager', typedConfig: {
      '@type': HCM, statPrefix: `outbound_0.0.0.0_${port}`,
      rds: { configSource: ads, routeConfigName: String(port) },
      httpFilters: [{ name: 'envoy.filters.http.router', typedConfig: { '@type': ROUTER } }],
    } }] }],
  };
}

export interface VirtualHostSpec {
  readonly name: string;
  readonly domains: readonly string[];
  readonly cluster?: string;
  readonly weighted?: readonly { name: string; weight: number }[];
  readonly directResponse?: number;
}

export function routeConfig(name: string, vhosts: readonly VirtualHostSpec[]): Json {
  return {
    name,
    virtualHosts: vhosts.map((v) => ({
      name: v.name, domains: v.domains,
      routes: [{
        name: 'default', match: { prefix: '/' },
        ...(v.directResponse !== undefined ? { directResponse: { status: v.directResponse } }
          : { route: v.weighted ? { weightedClusters: { clusters: v.weighted } } : { cluster: v.cluster } }),
      }],
    })),
  };
}

export function virtualOutbound(policy: 'ALLOW_ANY' | 'REGISTRY_ONLY' = 'ALLOW_ANY'): Json {
  const cluster = policy === 'ALLOW_ANY' ? 'PassthroughCluster' : 'BlackHoleCluster';
  return {
    name: 'virtualOutbound', address: sock('0.0.0.0', 15001), useOriginalDst: true, trafficDirection: 'OUTBOUND',
    filterChains: [{ name: 'PassthroughFilterChain', filters: [tcpProxy(cluster)] }],
  };
}

export function virtualInbound(ports: readonly number[]): Json {
  return {
    name: 'virtualInbound', address: sock('0.0.0.0', 15006), trafficDirection: 'INBOUND',
    listenerFilters: [{ name: 'envoy.filters.listener.original_dst', typedConfig: { '@type': ORIGINAL_DST_FILTER } }],
    filterChains: [
      ...ports.map((p) => ({ name: `0.0.0.0_${p}`, filterChainMatch: { destinationPort: p }, filters: [tcpProxy(`inbound|${p}||`)] })),
      { name: 'InboundPassthroughFilterChain', filters: [tcpProxy('InboundPassthroughCluster')] },
    ],
  };
}
