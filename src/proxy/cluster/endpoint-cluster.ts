/**
 * Clusters whose hosts are listed endpoints: EDS (`outbound|PORT||HOST`, from a
 * ClusterLoadAssignment), STATIC (an inline load_assignment; BlackHoleCluster has none), and
 * STRICT_DNS / LOGICAL_DNS (inline endpoints naming DNS hosts, resolved at connect time).
 * Every endpoint stays listed (admin shows its health flags); only the eligible ones (healthy,
 * best priority, not ejected by outlier detection unless in panic) are ever chosen. With none
 * the connection fails with UH. RING_HASH and MAGLEV hash the request's key (ctx.hashKey), or
 * at L4 (no ctx) the source IP as Envoy's source_ip hash policy would; retried host selections
 * skip ctx.excludeHosts (previous_hosts) up to host_selection_retry_max_attempts times.
 */
import type { Address } from '../core/address.ts';
import type { ClusterStats } from '../stats/envoy-stats.ts';
import type { ChooseHostContext } from './choose-host-context.ts';
import type { Cluster, Host } from './cluster.ts';
import type { EdsClusterSpec, StaticClusterSpec } from './cluster-config.ts';
import { eligibleHosts } from './eligible-hosts.ts';
import { ENVOY_DEFAULT_HEALTHY_PANIC_THRESHOLD } from './lb-config.ts';
import type { LoadBalancer } from './load-balancer.ts';
import type { OutlierDetector } from './outlier-detector.ts';
import { xxHash64 } from './xxhash64.ts';

export interface EndpointClusterOptions {
  readonly spec: EdsClusterSpec | StaticClusterSpec;
  readonly hosts: readonly Host[];
  readonly lb: LoadBalancer;
  readonly stats: ClusterStats;
  readonly detector?: OutlierDetector | undefined;
}

const sameAddress = (a: Address, b: Address): boolean => a.ip === b.ip && a.port === b.port;

function excluded(list: readonly Host[], h: Host): boolean {
  for (const x of list) if (x === h || sameAddress(x.address, h.address)) return true;
  return false;
}

export function endpointCluster(o: EndpointClusterOptions): Cluster {
  const { spec, lb, detector } = o;
  const all = Object.freeze([...o.hosts]);
  const panic = spec.healthyPanicThreshold ?? ENVOY_DEFAULT_HEALTHY_PANIC_THRESHOLD;
  const hashing = spec.lbPolicy === 'RING_HASH' || spec.lbPolicy === 'MAGLEV';
  const isEjected = (h: Host): boolean => detector?.isEjected(h) ?? false;
  const pickable = eligibleHosts(all, () => false, panic);
  let seen = -1;
  let current = pickable;
  const eligible = (): readonly Host[] => {
    if (!detector || detector.ejectedCount === 0) return pickable;
    if (seen !== detector.version) {
      seen = detector.version;
      current = Object.freeze(eligibleHosts(all, isEjected, panic));
    }
    return current;
  };
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
    tcpKeepalive: spec.tcpKeepalive,
    addedViaApi: spec.addedViaApi,
    hosts: () => all,
    chooseHost(_dst: Address, source?: Address, ctx?: ChooseHostContext): Host | undefined {
      const hosts = eligible();
      let hash: bigint | undefined;
      if (hashing) {
        const key = ctx ? ctx.hashKey : source?.ip;
        hash = typeof key === 'string' ? xxHash64(key) : key;
      }
      let host = lb.pick(hosts, hash, 0);
      const avoid = ctx?.excludeHosts;
      if (host && avoid && avoid.length > 0) {
        const max = ctx.hostSelectionRetryMaxAttempts ?? 1;
        for (let attempt = 1; attempt <= max && excluded(avoid, host); attempt++) host = lb.pick(hosts, hash, attempt) ?? host;
      }
      return host;
    },
    reportOutcome: (host, outcome) => detector?.reportResult(host, outcome),
    isEjected,
  } satisfies Cluster);
}
