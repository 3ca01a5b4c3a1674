/**
 * An EDS cluster: `outbound|PORT||HOST`, its hosts the service's endpoints from the registry.
 * Endpoints that are not ready stay listed (health_flags `/failed_eds_health`) but are never
 * picked; with no ready endpoint the connection fails with UH.
 */
import type { Cluster, Host, ServiceMetadata } from './cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';

export interface EdsClusterOptions {
  readonly name: string;
  readonly service: ServiceMetadata;
  readonly hosts: readonly Host[];
  readonly lb: LoadBalancer;
  readonly stats: ClusterStats;
  readonly maxConnections: number;
}

export function edsCluster(o: EdsClusterOptions): Cluster {
  const all = Object.freeze([...o.hosts]);
  const healthy = Object.freeze(all.filter((h) => h.healthy));
  o.stats.membership_total.set(all.length);
  o.stats.membership_healthy.set(healthy.length);
  return {
    name: o.name,
    type: 'EDS',
    stats: o.stats,
    service: o.service,
    bindInboundLoopback: false,
    maxConnections: o.maxConnections,
    hosts: () => all,
    chooseHost: () => o.lb.pick(healthy),
  } satisfies Cluster;
}
