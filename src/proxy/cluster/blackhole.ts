/** BlackHoleCluster: a STATIC cluster with no hosts. Every connection to it ends with UH. */
import type { ClusterStats } from '../stats/envoy-stats.ts';
import type { Cluster } from './cluster.ts';
import { BLACKHOLE } from './names.ts';

export function blackHoleCluster(stats: ClusterStats): Cluster {
  return {
    name: BLACKHOLE,
    type: 'STATIC',
    stats,
    service: undefined,
    bindInboundLoopback: false,
    maxConnections: 0,
    hosts: () => [],
    chooseHost: () => undefined,
  } satisfies Cluster;
}
