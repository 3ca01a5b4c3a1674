/**
 * ORIGINAL_DST clusters: the host is where the connection was going (PassthroughCluster,
 * InboundPassthroughCluster and Istio's `inbound|PORT||`, the last two connecting from
 * 127.0.0.6 through upstream_bind_config). Registry mode may redirect to INSTANCE_IP
 * (`hostIp`) and knows the peer at an address. Hosts exist while they are in use. No outlier
 * detection: Envoy's ORIGINAL_DST hosts are not load balanced, so ejection has nothing to skip.
 */
import type { Address } from '../core/address.ts';
import { formatAddress } from '../core/address.ts';
import { noLocality } from '../endpoint/endpoint-config.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';
import { newHostStats, type Cluster, type Host } from './cluster.ts';
import type { OriginalDstClusterSpec } from './cluster-config.ts';

const MAX_IDLE_HOSTS = 256;

export function originalDstCluster(spec: OriginalDstClusterSpec, stats: ClusterStats): Cluster {
  const hosts = new Map<string, Host>();
  const prune = (): void => {
    if (hosts.size <= MAX_IDLE_HOSTS) return;
    for (const [k, h] of hosts) if (h.stats.cx_active === 0) hosts.delete(k);
  };
  return Object.freeze({
    name: spec.name,
    type: 'ORIGINAL_DST',
    lbPolicy: spec.lbPolicy,
    stats,
    service: spec.service,
    upstreamBind: spec.upstreamBind,
    connectTimeoutMs: spec.connectTimeoutMs,
    maxConnections: spec.maxConnections,
    http: spec.http,
    tcpKeepalive: spec.tcpKeepalive,
    addedViaApi: spec.addedViaApi,
    hosts: () => [...hosts.values()],
    chooseHost(destination: Address): Host {
      const address = { ip: spec.hostIp || destination.ip, port: destination.port };
      const key = formatAddress(address);
      let host = hosts.get(key);
      if (!host) {
        prune();
        host = { address, health: 'HEALTHY', weight: 1, priority: 0, locality: noLocality, hostname: '', peer: spec.peerAt?.(address.ip), stats: newHostStats() };
        hosts.set(key, host);
      }
      return host;
    },
    reportOutcome: () => {},
    isEjected: () => false,
  } satisfies Cluster);
}
