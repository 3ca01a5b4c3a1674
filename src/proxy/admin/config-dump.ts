/**
 * Admin `/config_dump`: the bootstrap, listeners and clusters in force, shaped like Envoy's
 * ConfigDump (`configs[]` with `@type` entries). Best effort: the fields Istio users look at
 * (names, addresses, filter chain matches, tcp_proxy clusters, cluster types, bind addresses,
 * Istio service metadata), not every default. `?include_eds` adds the endpoints.
 */
import type { Cluster } from '../cluster/cluster.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH, inboundClusterName, outboundClusterName } from '../cluster/names.ts';
import { json, type HttpReply } from '../core/http-server.ts';
import type { AdminContext } from './admin-context.ts';

const T = 'type.googleapis.com/';
const sock = (address: string, port: number) => ({ socket_address: { address, port_value: port } });
const tcpProxy = (cluster: string) => ({
  name: 'envoy.filters.network.tcp_proxy',
  typed_config: { '@type': `${T}envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy`, stat_prefix: cluster, cluster },
});

function listeners(ctx: AdminContext, version: string, now: string) {
  const snap = ctx.snapshot();
  const b = ctx.bootstrap;
  const outboundChains: object[] = [];
  for (const [vip, t] of snap?.byVip ?? []) {
    const name = outboundClusterName(t.port.port, t.service.hostname);
    outboundChains.push({ name: vip.replace(':', '_'), filter_chain_match: { prefix_ranges: [{ address_prefix: t.service.clusterIP, prefix_len: 32 }], destination_port: t.port.port }, filters: [tcpProxy(name)] });
  }
  const fallback = b.outboundTrafficPolicy === 'REGISTRY_ONLY' ? BLACKHOLE : PASSTHROUGH;
  outboundChains.push({ name: 'PassthroughFilterChain', filters: [tcpProxy(fallback)] });
  const inboundChains: object[] = b.containerPorts.map((p) => ({ name: inboundClusterName(p), filter_chain_match: { destination_port: p }, filters: [tcpProxy(inboundClusterName(p))] }));
  inboundChains.push({ name: 'virtualInbound', filters: [tcpProxy(INBOUND_PASSTHROUGH)] });
  return ctx.listeners.map((l) => {
    const i = l.info;
    const inbound = i.name === 'virtualInbound';
    return {
      name: i.name,
      active_state: {
        version_info: version,
        listener: {
          '@type': `${T}envoy.config.listener.v3.Listener`,
          name: i.name,
          address: sock(i.address.ip, i.address.port),
          filter_chains: inbound ? inboundChains : outboundChains,
          use_original_dst: true,
          ...(i.transparent ? { transparent: true } : {}),
          traffic_direction: inbound ? 'INBOUND' : 'OUTBOUND',
          listener_filters: [{ name: 'envoy.filters.listener.original_dst', typed_config: { '@type': `${T}envoy.extensions.filters.listener.original_dst.v3.OriginalDst` } }],
        },
        last_updated: now,
      },
    };
  });
}

function cluster(c: Cluster, connectTimeoutMs: number) {
  return {
    '@type': `${T}envoy.config.cluster.v3.Cluster`,
    name: c.name,
    type: c.type,
    ...(c.type === 'EDS' ? { eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' }, service_name: c.name } } : {}),
    connect_timeout: `${connectTimeoutMs / 1000}s`,
    lb_policy: c.type === 'ORIGINAL_DST' ? 'CLUSTER_PROVIDED' : 'ROUND_ROBIN',
    circuit_breakers: { thresholds: [{ max_connections: c.maxConnections, max_pending_requests: 4294967295, max_requests: 4294967295, max_retries: 4294967295 }] },
    ...(c.bindInboundLoopback ? { upstream_bind_config: { source_address: { address: '127.0.0.6', port_value: 0 } } } : {}),
    ...(c.service ? { metadata: { filter_metadata: { istio: { services: [c.service] } } } } : {}),
  };
}

export function configDumpHandler(ctx: AdminContext) {
  return (_req: unknown, url: URL): HttpReply => {
    const b = ctx.bootstrap;
    const version = ctx.clusters.versionInfo;
    const now = new Date().toISOString();
    const all = ctx.clusters.all();
    const configs: object[] = [
      {
        '@type': `${T}envoy.admin.v3.BootstrapConfigDump`,
        bootstrap: {
          node: { id: b.nodeId, cluster: b.cluster, metadata: b.metadata, user_agent_name: 'envoy' },
          admin: { address: sock('127.0.0.1', b.adminPort) },
          static_resources: {
            listeners: [
              { name: `0.0.0.0_${b.prometheusPort}`, address: sock('0.0.0.0', b.prometheusPort) },
              { name: `0.0.0.0_${b.readinessPort}`, address: sock('0.0.0.0', b.readinessPort) },
            ],
          },
        },
        last_updated: now,
      },
      {
        '@type': `${T}envoy.admin.v3.ClustersConfigDump`,
        version_info: version,
        static_clusters: all.filter((c) => c.type !== 'EDS').map((c) => ({ cluster: cluster(c, b.connectTimeoutMs), last_updated: now })),
        dynamic_active_clusters: all.filter((c) => c.type === 'EDS').map((c) => ({ version_info: version, cluster: cluster(c, b.connectTimeoutMs), last_updated: now })),
      },
      { '@type': `${T}envoy.admin.v3.ListenersConfigDump`, version_info: version, dynamic_listeners: listeners(ctx, version, now) },
    ];
    if (url.searchParams.has('include_eds')) {
      configs.push({
        '@type': `${T}envoy.admin.v3.EndpointsConfigDump`,
        dynamic_endpoint_configs: all.filter((c) => c.type === 'EDS').map((c) => ({
          version_info: version,
          endpoint_config: {
            '@type': `${T}envoy.config.endpoint.v3.ClusterLoadAssignment`,
            cluster_name: c.name,
            endpoints: [{ lb_endpoints: c.hosts().map((h) => ({ endpoint: { address: sock(h.address.ip, h.address.port) }, health_status: h.healthy ? 'HEALTHY' : 'UNHEALTHY' })) }],
          },
        })),
      });
    }
    return json(200, { configs });
  };
}
