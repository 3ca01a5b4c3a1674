/**
 * /config_dump in registry.json mode: the config the registry amounts to, written as the Envoy
 * resources a control plane would have sent (proto3 JSON): the clusters in force (EDS ones as
 * dynamic, the rest static), virtualOutbound with one filter chain per ClusterIP:port plus
 * PassthroughFilterChain, virtualInbound with one per container port, and the endpoints.
 */
import type { Cluster } from '../cluster/cluster.ts';
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH, inboundClusterName, outboundClusterName } from '../cluster/names.ts';
import type { ConfigDumpSource, DumpedResource, Json, ResourceSection } from '../admin/config-dump-source.ts';
import { emptySection } from '../admin/config-dump-source.ts';
import { bootstrapClusters, bootstrapListeners } from '../admin/bootstrap-statics.ts';
import type { Listener } from '../listener/listener.ts';
import type { OutboundTrafficPolicy } from '../listener/virtual-outbound.ts';
import type { RegistrySnapshot } from './snapshot.ts';

export interface RegistryDumpContext {
  readonly bootstrap: Json;
  readonly snapshot: () => RegistrySnapshot | undefined;
  readonly clusters: ClusterManager;
  readonly listeners: () => readonly Listener[];
  readonly policy: OutboundTrafficPolicy;
  readonly containerPorts: readonly number[];
  /** When the registry in force was applied (RFC 3339). */
  readonly updatedAt: () => string;
}

const T = 'type.googleapis.com/';
const sock = (address: string, portValue: number): Json => ({ socketAddress: { address, portValue } });
const tcpProxy = (cluster: string): Json => ({
  name: 'envoy.filters.network.tcp_proxy',
  typedConfig: { '@type': `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, statPrefix: cluster, cluster },
});

function clusterJson(c: Cluster): Json {
  return {
    '@type': `${T}envoy.config.cluster.v3.Cluster`,
    name: c.name,
    type: c.type,
    ...(c.type === 'EDS' ? { edsClusterConfig: { edsConfig: { ads: {}, resourceApiVersion: 'V3' }, serviceName: c.name } } : {}),
    connectTimeout: `${c.connectTimeoutMs / 1000}s`,
    lbPolicy: c.lbPolicy,
    circuitBreakers: { thresholds: [{ maxConnections: c.maxConnections, maxPendingRequests: 4294967295, maxRequests: 4294967295, maxRetries: 4294967295 }] },
    ...(c.upstreamBind ? { upstreamBindConfig: { sourceAddress: { address: c.upstreamBind, portValue: 0 } } } : {}),
    ...(c.service ? { metadata: { filterMetadata: { istio: { services: [{ ...c.service }] } } } } : {}),
  };
}

function listenerJson(ctx: RegistryDumpContext, l: Listener): Json {
  const i = l.info;
  const inbound = i.name === 'virtualInbound';
  const chains: Json[] = [];
  if (inbound) {
    for (const p of ctx.containerPorts) chains.push({ name: inboundClusterName(p), filterChainMatch: { destinationPort: p }, filters: [tcpProxy(inboundClusterName(p))] });
    chains.push({ name: 'InboundPassthroughFilterChain', filters: [tcpProxy(INBOUND_PASSTHROUGH)] });
  } else {
    for (const [vip, t] of ctx.snapshot()?.byVip ?? []) {
      chains.push({
        name: vip.replace(':', '_'),
        filterChainMatch: { prefixRanges: [{ addressPrefix: t.service.clusterIP, prefixLen: 32 }], destinationPort: t.port.port },
        filters: [tcpProxy(outboundClusterName(t.port.port, t.service.hostname))],
      });
    }
    chains.push({ name: 'PassthroughFilterChain', filters: [tcpProxy(ctx.policy === 'REGISTRY_ONLY' ? BLACKHOLE : PASSTHROUGH)] });
  }
  return {
    '@type': `${T}envoy.config.listener.v3.Listener`,
    name: i.name,
    address: sock(i.address.ip, i.address.port),
    filterChains: chains,
    useOriginalDst: true,
    ...(i.transparent ? { transparent: true } : {}),
    trafficDirection: inbound ? 'INBOUND' : 'OUTBOUND',
    listenerFilters: [{ name: 'envoy.filters.listener.original_dst', typedConfig: { '@type': `${T}envoy.extensions.filters.listener.original_dst.v3.OriginalDst` } }],
  };
}

function endpointsJson(c: Cluster): Json {
  return {
    '@type': `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`,
    clusterName: c.name,
    endpoints: [{ lbEndpoints: c.hosts().map((h) => ({ endpoint: { address: sock(h.address.ip, h.address.port) }, healthStatus: h.health, loadBalancingWeight: h.weight })) }],
  };
}

export function registryDumpSource(ctx: RegistryDumpContext): ConfigDumpSource {
  const version = (): string => ctx.clusters.versionInfo;
  const entry = (name: string, resource: Json): DumpedResource => ({ name, versionInfo: version(), lastUpdated: ctx.updatedAt(), resource });
  const section = (stat: DumpedResource[], dyn: DumpedResource[]): ResourceSection => ({ versionInfo: version(), static: stat, dynamic: dyn, rejected: [] });
  return {
    bootstrap: () => ctx.bootstrap,
    clusters: () => {
      const all = ctx.clusters.all();
      const statics = [...bootstrapClusters(ctx.bootstrap, ctx.updatedAt()), ...all.filter((c) => c.type !== 'EDS').map((c) => entry(c.name, clusterJson(c)))];
      return section(statics, all.filter((c) => c.type === 'EDS').map((c) => entry(c.name, clusterJson(c))));
    },
    listeners: () => section(bootstrapListeners(ctx.bootstrap, ctx.updatedAt()), ctx.listeners().map((l) => entry(l.info.name, listenerJson(ctx, l)))),
    routes: () => emptySection,
    endpoints: () => section([], ctx.clusters.all().filter((c) => c.type === 'EDS').map((c) => entry(c.name, endpointsJson(c)))),
  } satisfies ConfigDumpSource;
}
