/**
 * The cluster manager: builds every cluster from a registry snapshot and the pod's own
 * identity, and swaps the whole set in one assignment. Balancer positions and per-host counters
 * carry over between versions by name, so an update never resets round robin or /clusters.
 */
import { normalizeIp } from '../core/address.ts';
import { formatAddress } from '../core/address.ts';
import type { Labels, Service } from '../config/registry.ts';
import { endpointPortFor, serviceKey, type RegistrySnapshot } from '../config/snapshot.ts';
import { clusterStats, type ClusterStats } from '../stats/envoy-stats.ts';
import type { StatsStore } from '../stats/store.ts';
import { blackHoleCluster } from './blackhole.ts';
import { DEFAULT_MAX_CONNECTIONS, newHostStats, type Cluster, type Host, type HostStats, type ServiceMetadata } from './cluster.ts';
import { edsCluster } from './eds-cluster.ts';
import type { LoadBalancer } from './load-balancer.ts';
import { BLACKHOLE, INBOUND_PASSTHROUGH, PASSTHROUGH, inboundClusterName, outboundClusterName } from './names.ts';
import { originalDstCluster } from './original-dst-cluster.ts';
import { roundRobin } from './round-robin.ts';

/** This pod, as the inbound side needs it. */
export interface LocalPod {
  readonly instanceIp: string;
  readonly namespace: string;
  readonly labels: Labels;
  /** Declared container ports: each gets an `inbound|PORT||` cluster. */
  readonly containerPorts: readonly number[];
}

export interface ClusterManagerOptions {
  readonly store: StatsStore;
  readonly local: LocalPod;
  readonly maxConnections?: number;
}

const selects = (selector: Labels, labels: Labels): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

const meta = (s: Service): ServiceMetadata => ({ host: s.hostname, name: s.name, namespace: s.namespace });

export class ClusterManager {
  private clusters: ReadonlyMap<string, Cluster>;
  private snapshot: RegistrySnapshot | undefined;
  private readonly balancers = new Map<string, LoadBalancer>();
  private hostStats = new Map<string, HostStats>();
  private readonly stats = new Map<string, ClusterStats>();
  private readonly opts: ClusterManagerOptions;
  private readonly maxConnections: number;

  constructor(opts: ClusterManagerOptions) {
    this.opts = opts;
    this.maxConnections = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.clusters = this.build(undefined);
  }

  get(name: string): Cluster | undefined {
    return this.clusters.get(name);
  }

  all(): readonly Cluster[] {
    return [...this.clusters.values()];
  }

  get versionInfo(): string {
    return this.snapshot ? String(this.snapshot.version) : '';
  }

  /** Rebuilds all clusters from `snapshot` and swaps them in at once. */
  update(snapshot: RegistrySnapshot): void {
    this.snapshot = snapshot;
    this.clusters = this.build(snapshot);
  }

  private statsFor(name: string): ClusterStats {
    let s = this.stats.get(name);
    if (!s) {
      s = clusterStats(this.opts.store, name);
      this.stats.set(name, s);
    }
    return s;
  }

  private build(snap: RegistrySnapshot | undefined): ReadonlyMap<string, Cluster> {
    const out = new Map<string, Cluster>();
    const workloadAt = (ip: string) => this.snapshot?.workloadByIp.get(normalizeIp(ip));
    const max = this.maxConnections;
    out.set(BLACKHOLE, blackHoleCluster(this.statsFor(BLACKHOLE)));
    out.set(PASSTHROUGH, originalDstCluster({ name: PASSTHROUGH, stats: this.statsFor(PASSTHROUGH), bindInboundLoopback: false, maxConnections: max, workloadAt }));
    out.set(INBOUND_PASSTHROUGH, originalDstCluster({ name: INBOUND_PASSTHROUGH, stats: this.statsFor(INBOUND_PASSTHROUGH), bindInboundLoopback: true, maxConnections: max, workloadAt }));
    for (const port of this.opts.local.containerPorts) {
      const name = inboundClusterName(port);
      out.set(name, originalDstCluster({ name, stats: this.statsFor(name), service: snap && this.inboundService(snap, port), bindInboundLoopback: true, hostIp: this.opts.local.instanceIp, maxConnections: max, workloadAt }));
    }
    if (!snap) return out;

    const nextHostStats = new Map<string, HostStats>();
    for (const service of snap.registry.services) {
      const endpoints = snap.endpointsOf.get(serviceKey(service.namespace, service.name)) ?? [];
      for (const port of service.ports) {
        if (port.protocol.toUpperCase() !== 'TCP') continue;
        const name = outboundClusterName(port.port, service.hostname);
        const hosts: Host[] = endpoints.map((e) => {
          const address = { ip: e.ip, port: endpointPortFor(e, port) };
          const key = `${name}/${formatAddress(address)}`;
          const stats = this.hostStats.get(key) ?? newHostStats();
          nextHostStats.set(key, stats);
          return { address, healthy: e.ready, workload: snap.workloadByIp.get(e.ip), stats };
        });
        let lb = this.balancers.get(name);
        if (!lb) {
          lb = roundRobin();
          this.balancers.set(name, lb);
        }
        out.set(name, edsCluster({ name, service: meta(service), hosts, lb, stats: this.statsFor(name), maxConnections: max }));
      }
    }
    this.hostStats = nextHostStats;
    return out;
  }

  /** The service that sends this pod traffic on `port`: Istio's inbound cluster metadata. */
  private inboundService(snap: RegistrySnapshot, port: number): ServiceMetadata | undefined {
    const { instanceIp, labels, namespace } = this.opts.local;
    for (const e of snap.endpointsByIp.get(instanceIp) ?? []) {
      const svc = snap.registry.services.find((s) => s.name === e.service && s.namespace === e.namespace);
      if (svc && svc.ports.some((p) => endpointPortFor(e, p) === port)) return meta(svc);
    }
    const svc = snap.registry.services.find((s) => s.namespace === namespace && selects(s.selector, labels) && s.ports.some((p) => p.targetPort === port));
    return svc && meta(svc);
  }
}
