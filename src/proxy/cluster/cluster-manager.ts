/**
 * The cluster manager: builds run-time clusters from frozen specs and endpoint assignments, and
 * installs a whole built set in one assignment. Building has no effect on what is in force
 * (beyond handing the new host set to a cluster's outlier detector); installing swaps the set,
 * sets the membership gauges and stops the detectors of clusters that went away. Balancer
 * positions, per-host counters, host join times (slow start) and outlier state carry over
 * between versions by cluster name and host address, so an update never resets round robin,
 * /clusters or an ejection; stats bundles live as long as the process.
 */
import { formatAddress } from '../core/address.ts';
import { mathRandom, type Random } from '../core/random.ts';
import { emptyAssignment, type EndpointAssignment } from '../endpoint/endpoint-config.ts';
import { usability } from '../endpoint/health.ts';
import { clusterStats, outlierDetectionStats, type ClusterStats } from '../stats/envoy-stats.ts';
import type { StatsStore } from '../stats/store.ts';
import { newHostStats, type Cluster, type Host, type HostStats } from './cluster.ts';
import type { ClusterSpec, EdsClusterSpec, StaticClusterSpec } from './cluster-config.ts';
import { endpointCluster } from './endpoint-cluster.ts';
import { lbKey, loadBalancerFor } from './lb-policy.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { originalDstCluster } from './original-dst-cluster.ts';
import { systemClock, type OutlierClock } from './outlier-clock.ts';
import { OutlierDetector } from './outlier-detector.ts';

/** A built, not yet installed, set of clusters. */
export interface ClusterSet {
  readonly byName: ReadonlyMap<string, Cluster>;
  readonly hostStats: ReadonlyMap<string, HostStats>;
  /** When each host (by `cluster/address`) joined its cluster. */
  readonly hostSince?: ReadonlyMap<string, number>;
  /** The outlier detectors of the set's clusters, by cluster name. */
  readonly detectors?: ReadonlyMap<string, OutlierDetector>;
}

export interface ClusterManagerOptions {
  readonly store: StatsStore;
  readonly random?: Random;
  /** The clock of slow start and outlier detection (tests pass a fake one). */
  readonly clock?: OutlierClock;
}

interface Balancer {
  readonly key: string;
  readonly lb: LoadBalancer;
}

export class ClusterManager {
  private installed: ClusterSet = { byName: new Map(), hostStats: new Map() };
  private version = '';
  private readonly balancers = new Map<string, Balancer>();
  private readonly detectors = new Map<string, OutlierDetector>();
  private readonly stats = new Map<string, ClusterStats>();
  private readonly store: StatsStore;
  private readonly random: Random;
  private readonly clock: OutlierClock;

  constructor(opts: ClusterManagerOptions) {
    this.store = opts.store;
    this.random = opts.random ?? mathRandom;
    this.clock = opts.clock ?? systemClock;
  }

  get(name: string): Cluster | undefined {
    return this.installed.byName.get(name);
  }

  all(): readonly Cluster[] {
    return [...this.installed.byName.values()];
  }

  get versionInfo(): string {
    return this.version;
  }

  /** Builds clusters from specs; EDS specs take their endpoints from `endpoints` by service name. */
  build(specs: readonly ClusterSpec[], endpoints: ReadonlyMap<string, EndpointAssignment>): ClusterSet {
    const byName = new Map<string, Cluster>();
    const hostStats = new Map<string, HostStats>();
    const hostSince = new Map<string, number>();
    const detectors = new Map<string, OutlierDetector>();
    for (const spec of specs) {
      const stats = this.statsFor(spec.name);
      if (spec.type === 'ORIGINAL_DST') {
        byName.set(spec.name, originalDstCluster(spec, stats));
        continue;
      }
      const assignment = spec.type === 'EDS' ? endpoints.get(spec.serviceName) ?? emptyAssignment(spec.serviceName) : spec.loadAssignment;
      const hosts = this.hosts(spec, assignment, hostStats, hostSince);
      const detector = this.detectorFor(spec, hosts);
      if (detector) detectors.set(spec.name, detector);
      byName.set(spec.name, endpointCluster({ spec, hosts, lb: this.balancerFor(spec), stats, detector }));
    }
    return { byName, hostStats, hostSince, detectors };
  }

  /** Puts a built set in force, as of `version`. */
  install(set: ClusterSet, version: string): void {
    this.installed = set;
    this.version = version;
    for (const name of this.balancers.keys()) if (!set.byName.has(name)) this.balancers.delete(name);
    for (const [name, d] of this.detectors) {
      if (set.detectors?.get(name) === d) continue;
      d.stop();
      this.detectors.delete(name);
    }
    for (const c of set.byName.values()) {
      if (c.type === 'ORIGINAL_DST') continue;
      const hosts = c.hosts();
      c.stats.membership_total.set(hosts.length);
      c.stats.membership_healthy.set(hosts.filter((h) => usability(h.health) === 'healthy').length);
    }
  }

  private hosts(spec: EdsClusterSpec | StaticClusterSpec, assignment: EndpointAssignment, next: Map<string, HostStats>, since: Map<string, number>): Host[] {
    const out: Host[] = [];
    const now = spec.slowStart ? this.clock.now() : 0;
    for (const locality of assignment.localities) {
      for (const e of locality.endpoints) {
        const key = `${spec.name}/${formatAddress(e.address)}`;
        const stats = next.get(key) ?? this.installed.hostStats.get(key) ?? newHostStats();
        next.set(key, stats);
        const createdAtMs = since.get(key) ?? this.installed.hostSince?.get(key) ?? now;
        since.set(key, createdAtMs);
        out.push({
          address: e.address, health: e.health, weight: e.weight, priority: locality.priority, locality: locality.locality, hostname: e.hostname, peer: e.peer, stats,
          ...(spec.slowStart ? { createdAtMs } : {}),
        });
      }
    }
    return out;
  }

  private balancerFor(spec: ClusterSpec): LoadBalancer {
    const key = lbKey(spec);
    const have = this.balancers.get(spec.name);
    if (have?.key === key) return have.lb;
    const lb = loadBalancerFor(spec, this.random, () => this.clock.now());
    this.balancers.set(spec.name, { key, lb });
    return lb;
  }

  private detectorFor(spec: EdsClusterSpec | StaticClusterSpec, hosts: readonly Host[]): OutlierDetector | undefined {
    const cfg = spec.outlierDetection;
    if (!cfg) return undefined;
    let d = this.detectors.get(spec.name);
    if (!d) {
      d = new OutlierDetector(cfg, outlierDetectionStats(this.store, spec.name), { clock: this.clock, random: this.random });
      this.detectors.set(spec.name, d);
    }
    d.update(cfg, hosts);
    return d;
  }

  private statsFor(name: string): ClusterStats {
    let s = this.stats.get(name);
    if (!s) {
      s = clusterStats(this.store, name);
      this.stats.set(name, s);
    }
    return s;
  }
}
