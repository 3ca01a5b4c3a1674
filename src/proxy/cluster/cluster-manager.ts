/**
 * The cluster manager: builds run-time clusters from frozen specs and endpoint assignments, and
 * installs a whole built set in one assignment. Building has no effect on what is in force;
 * installing swaps the set and sets the membership gauges. Balancer positions and per-host
 * counters carry over between versions by name, so an update never resets round robin or
 * /clusters; stats bundles live as long as the process.
 */
import { formatAddress } from '../core/address.ts';
import { mathRandom, type Random } from '../core/random.ts';
import { emptyAssignment, type EndpointAssignment } from '../endpoint/endpoint-config.ts';
import { usability } from '../endpoint/health.ts';
import { clusterStats, type ClusterStats } from '../stats/envoy-stats.ts';
import type { StatsStore } from '../stats/store.ts';
import { newHostStats, type Cluster, type Host, type HostStats } from './cluster.ts';
import type { ClusterSpec, EdsClusterSpec, StaticClusterSpec } from './cluster-config.ts';
import { endpointCluster } from './endpoint-cluster.ts';
import { loadBalancerFor } from './lb-policy.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { originalDstCluster } from './original-dst-cluster.ts';

/** A built, not yet installed, set of clusters. */
export interface ClusterSet {
  readonly byName: ReadonlyMap<string, Cluster>;
  readonly hostStats: ReadonlyMap<string, HostStats>;
}

export interface ClusterManagerOptions {
  readonly store: StatsStore;
  readonly random?: Random;
}

interface Balancer {
  readonly key: string;
  readonly lb: LoadBalancer;
}

export class ClusterManager {
  private installed: ClusterSet = { byName: new Map(), hostStats: new Map() };
  private version = '';
  private readonly balancers = new Map<string, Balancer>();
  private readonly stats = new Map<string, ClusterStats>();
  private readonly store: StatsStore;
  private readonly random: Random;

  constructor(opts: ClusterManagerOptions) {
    this.store = opts.store;
    this.random = opts.random ?? mathRandom;
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
    for (const spec of specs) {
      const stats = this.statsFor(spec.name);
      if (spec.type === 'ORIGINAL_DST') {
        byName.set(spec.name, originalDstCluster(spec, stats));
        continue;
      }
      const assignment = spec.type === 'EDS' ? endpoints.get(spec.serviceName) ?? emptyAssignment(spec.serviceName) : spec.loadAssignment;
      const hosts = this.hosts(spec, assignment, hostStats);
      byName.set(spec.name, endpointCluster({ spec, hosts, lb: this.balancerFor(spec), stats }));
    }
    return { byName, hostStats };
  }

  /** Puts a built set in force, as of `version`. */
  install(set: ClusterSet, version: string): void {
    this.installed = set;
    this.version = version;
    for (const name of this.balancers.keys()) if (!set.byName.has(name)) this.balancers.delete(name);
    for (const c of set.byName.values()) {
      if (c.type === 'ORIGINAL_DST') continue;
      const hosts = c.hosts();
      c.stats.membership_total.set(hosts.length);
      c.stats.membership_healthy.set(hosts.filter((h) => usability(h.health) === 'healthy').length);
    }
  }

  private hosts(spec: EdsClusterSpec | StaticClusterSpec, assignment: EndpointAssignment, next: Map<string, HostStats>): Host[] {
    const out: Host[] = [];
    for (const locality of assignment.localities) {
      for (const e of locality.endpoints) {
        const key = `${spec.name}/${formatAddress(e.address)}`;
        const stats = next.get(key) ?? this.installed.hostStats.get(key) ?? newHostStats();
        next.set(key, stats);
        out.push({ address: e.address, health: e.health, weight: e.weight, priority: locality.priority, locality: locality.locality, hostname: e.hostname, peer: e.peer, stats });
      }
    }
    return out;
  }

  private balancerFor(spec: ClusterSpec): LoadBalancer {
    const key = `${spec.lbPolicy}/${spec.choiceCount}`;
    const have = this.balancers.get(spec.name);
    if (have?.key === key) return have.lb;
    const lb = loadBalancerFor(spec.lbPolicy, spec.choiceCount, this.random);
    this.balancers.set(spec.name, { key, lb });
    return lb;
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
