/**
 * ORIGINAL_DST clusters: the host is where the connection was going. PassthroughCluster uses
 * the original destination as is; InboundPassthroughCluster and `inbound|PORT||` connect to
 * the pod's own address (INSTANCE_IP) from 127.0.0.6. Hosts exist while they have connections.
 */
import type { Address } from '../core/address.ts';
import { formatAddress } from '../core/address.ts';
import type { Workload } from '../config/registry.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';
import { newHostStats, type Cluster, type Host, type ServiceMetadata } from './cluster.ts';

export interface OriginalDstOptions {
  readonly name: string;
  readonly stats: ClusterStats;
  readonly service?: ServiceMetadata | undefined;
  readonly bindInboundLoopback: boolean;
  /** Connect to this IP instead of the original destination's (the inbound clusters: INSTANCE_IP). */
  readonly hostIp?: string | undefined;
  readonly maxConnections: number;
  readonly workloadAt: (ip: string) => Workload | undefined;
}

const MAX_IDLE_HOSTS = 256;

export function originalDstCluster(o: OriginalDstOptions): Cluster {
  const hosts = new Map<string, Host>();
  const prune = (): void => {
    if (hosts.size <= MAX_IDLE_HOSTS) return;
    for (const [k, h] of hosts) if (h.stats.cx_active === 0) hosts.delete(k);
  };
  return {
    name: o.name,
    type: 'ORIGINAL_DST',
    stats: o.stats,
    service: o.service,
    bindInboundLoopback: o.bindInboundLoopback,
    maxConnections: o.maxConnections,
    hosts: () => [...hosts.values()],
    chooseHost(destination: Address): Host {
      const address = { ip: o.hostIp || destination.ip, port: destination.port };
      const key = formatAddress(address);
      let host = hosts.get(key);
      if (!host) {
        prune();
        host = { address, healthy: true, workload: o.workloadAt(address.ip), stats: newHostStats() };
        hosts.set(key, host);
      }
      return host;
    },
  } satisfies Cluster;
}
