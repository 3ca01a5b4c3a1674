/**
 * Clusters whose hosts are listed endpoints: EDS (`outbound|PORT||HOST`, from a
 * ClusterLoadAssignment), STATIC (an inline load_assignment; BlackHoleCluster has none), and
 * STRICT_DNS / LOGICAL_DNS (inline endpoints naming DNS hosts, resolved at connect time).
 * Every endpoint stays listed (admin shows its health flags); only the pickable ones (healthy,
 * best priority) are ever chosen. With none the connection fails with UH.
 */
import { pickableHosts } from '../endpoint/priority-set.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';
import type { Cluster, Host } from './cluster.ts';
import type { EdsClusterSpec, StaticClusterSpec } from './cluster-config.ts';
import type { LoadBalancer } from './load-balancer.ts';

export interface EndpointClusterOptions {
  readonly spec: EdsClusterSpec | StaticClusterSpec;
  readonly hosts: readonly Host[];
  readonly lb: LoadBalancer;
  readonly stats: ClusterStats;
}

export function endpointCluster(o: EndpointClusterOptions): Cluster {
  const { spec } = o;
  const all = Object.freeze([...o.hosts]);
  const pickable = pickableHosts(all);
  return Object.freeze({
    name: spec.name,
    type: spec.type,
    lbPolicy: spec.lbPolicy,
    stats: o.stats,
    service: spec.service,
    upstreamBind: spec.upstreamBind,
    connectTimeoutMs: spec.connectTimeoutMs,
    maxConnections: spec.maxConnections,
    http: spec.http,
    addedViaApi: spec.addedViaApi,
    hosts: () => all,
    chooseHost: (_dst, source) => o.lb.pick(pickable, source?.ip),
  } satisfies Cluster);
}
