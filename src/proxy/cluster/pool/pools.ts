/**
 * The connection pools of all clusters, keyed by cluster, host and protocol, as Envoy's cluster
 * manager keeps a pool per host and protocol. A pool is made on first use; pools with nothing in
 * flight are closed when their host is no longer in its cluster (checked on every sweep).
 */
import { formatAddress } from '../../core/address.ts';
import type { Cluster, Host } from '../cluster.ts';
import { ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS } from '../http-options.ts';
import type { ConnPool, UpstreamProtocol } from './conn-pool.ts';
import { Http1Pool, type HostPoolOptions } from './http1-pool.ts';
import { Http2Pool } from './http2-pool.ts';


interface Entry {
  readonly pool: ConnPool;
  readonly cluster: Cluster;
  readonly host: Host;
}

export class HttpPools {
  private readonly pools = new Map<string, Entry>();
  private readonly timer: NodeJS.Timeout;

  constructor(sweepMs = 30_000) {
    this.timer = setInterval(() => this.sweep(), sweepMs);
    this.timer.unref();
  }

  /** The pool for `host` of `cluster` speaking `protocol`, made with the cluster's HTTP options on first use. */
  get(cluster: Cluster, host: Host, protocol: UpstreamProtocol): ConnPool {
    const key = `${cluster.name}|${formatAddress(host.address)}|${protocol}`;
    const have = this.pools.get(key);
    if (have) return have.pool;
    const o: HostPoolOptions = {
      address: host.address, upstreamBind: cluster.upstreamBind, connectTimeoutMs: cluster.connectTimeoutMs,
      maxRequestsPerConnection: cluster.http.maxRequestsPerConnection, idleTimeoutMs: cluster.http.idleTimeoutMs || ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS,
      maxConnectionDurationMs: cluster.http.maxConnectionDurationMs ?? 0, tcpKeepalive: cluster.tcpKeepalive, maxConnections: cluster.maxConnections,
    };
    const pool = protocol === 'http2' ? new Http2Pool(o) : new Http1Pool(o);
    this.pools.set(key, { pool, cluster, host });
    return pool;
  }

  /** Closes the pools of hosts that left their cluster, once nothing is in flight on them. */
  sweep(live?: (clusterName: string) => Cluster | undefined): void {
    for (const [key, e] of this.pools) {
      if (e.pool.activeStreams > 0) continue;
      const now = live ? live(e.cluster.name) : e.cluster;
      const addr = formatAddress(e.host.address);
      // Passthrough (ORIGINAL_DST) pools are per destination: closed whenever they are idle at a sweep.
      if (now && now.type !== 'ORIGINAL_DST' && now.hosts().some((h) => formatAddress(h.address) === addr)) continue;
      e.pool.close();
      this.pools.delete(key);
    }
  }

  close(): void {
    clearInterval(this.timer);
    for (const e of this.pools.values()) e.pool.close();
    this.pools.clear();
  }
}
