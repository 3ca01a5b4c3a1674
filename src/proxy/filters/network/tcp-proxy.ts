/**
 * Envoy's tcp_proxy network filter for one downstream connection: pick a host from the route's
 * cluster, connect (the cluster's connect_timeout and upstream bind, max_connect_attempts), then
 * proxy bytes both ways with backpressure and half-close. A reset on either side is passed on
 * as a reset. Failures end the downstream and are recorded as response flags (UH, UO, UF, URX,
 * DC, NR, NC); nothing throws out of an event handler. Connect successes and failures (timeouts
 * included) go to the cluster's outlier detection as local-origin results, as Envoy's do. The
 * downstream must arrive paused (the listener's pauseOnConnect).
 */
import { connect, type Socket } from 'node:net';
import type { Cluster, Host } from '../../cluster/cluster.ts';
import { familyOf, socketAddress, upstreamBindAddress, type Address } from '../../core/address.ts';
import { ResponseFlags, type ResponseFlag } from '../../core/response-flags.ts';
import type { StreamInfo } from '../../core/stream-info.ts';
import type { Upstream } from '../../listener/upstream.ts';
import type { TcpProxyStats } from '../../stats/envoy-stats.ts';
import type { ConnectionObserver, ProxiedConnection } from './connection-observer.ts';
import { pump } from './pump.ts';

export interface TcpProxyConfig {
  /** tcp_proxy max_connect_attempts (Envoy's default 1). */
  readonly maxConnectAttempts: number;
}

export interface TcpProxyDeps {
  readonly config: TcpProxyConfig;
  readonly stats: TcpProxyStats;
  readonly observers: readonly ConnectionObserver[];
  /** Called once, after both sockets have closed. */
  readonly onDone: (session: TcpProxySession) => void;
}

export class TcpProxySession implements ProxiedConnection {
  readonly info: StreamInfo;
  readonly cluster: Cluster | undefined;
  host: Host | undefined;
  /** The most bytes ever queued in one direction's write buffer (for backpressure checks). */
  peakBuffered = 0;
  private upstream: Socket | undefined;
  private connected = false;
  private upstreamRemoteClose = false;
  private attempts = 0;
  private timer: NodeJS.Timeout | undefined;
  private downstreamClosed = false;
  private upstreamClosed = true;
  private finished = false;
  private openedNotified = false;
  private readonly downstream: Socket;
  private readonly destination: Address;
  private readonly deps: TcpProxyDeps;

  private readonly upstreamRoute: Upstream | undefined;

  constructor(downstream: Socket, info: StreamInfo, upstream: Upstream | undefined, destination: Address, deps: TcpProxyDeps) {
    this.downstream = downstream;
    this.info = info;
    this.upstreamRoute = upstream;
    this.cluster = upstream?.cluster;
    this.destination = destination;
    this.deps = deps;
    info.upstreamCluster = upstream?.clusterName ?? '-';
  }

  start(): void {
    const ds = this.downstream;
    this.deps.stats.downstream_cx_total.inc();
    ds.on('error', () => this.onDownstreamError());
    ds.on('close', () => {
      this.downstreamClosed = true;
      if (!this.connected && this.upstream && !this.upstreamClosed) {
        this.flag(ResponseFlags.DownstreamConnectionTermination);
        this.upstream.destroy();
      }
      this.maybeFinish();
    });
    if (!this.cluster) {
      this.deps.stats.downstream_cx_no_route.inc();
      this.fail(this.upstreamRoute ? ResponseFlags.NoClusterFound : ResponseFlags.NoRouteFound);
      return;
    }
    this.connectUpstream(this.cluster);
  }

  /** Ends both sides now (drain deadline or shutdown). */
  destroy(): void {
    this.upstream?.destroy();
    this.downstream.destroy();
  }

  /** Brings the byte counts in `info` up to date. */
  refreshBytes(): void {
    this.info.bytesReceived = this.downstream.bytesRead;
    this.info.bytesSent = this.downstream.bytesWritten ?? 0;
  }

  private flag(f: ResponseFlag): void {
    this.info.responseFlags.add(f);
  }

  private fail(...flags: ResponseFlag[]): void {
    for (const f of flags) this.flag(f);
    this.notify('opened');
    this.downstream.destroy();
  }

  private connectUpstream(cluster: Cluster): void {
    if (this.downstreamClosed) return this.maybeFinish();
    if (cluster.stats.upstream_cx_active.value >= cluster.maxConnections) {
      cluster.stats.upstream_cx_overflow.inc();
      return this.fail(ResponseFlags.UpstreamOverflow);
    }
    const host = cluster.chooseHost(this.destination, this.info.downstreamRemote);
    if (!host) {
      cluster.stats.upstream_cx_none_healthy.inc();
      return this.fail(ResponseFlags.NoHealthyUpstream);
    }
    this.attempts++;
    this.host = host;
    this.info.upstreamHost = host.address;
    const source = upstreamBindAddress(cluster.upstreamBind, familyOf(host.address.ip));
    const bind = source === undefined ? {} : { localAddress: source };
    const up = connect({ host: host.address.ip, port: host.address.port, allowHalfOpen: true, noDelay: true, ...bind });
    this.upstream = up;
    this.upstreamClosed = false;
    cluster.stats.upstream_cx_total.inc();
    cluster.stats.upstream_cx_active.inc();
    host.stats.cx_total++;
    host.stats.cx_active++;
    this.timer = setTimeout(() => {
      cluster.stats.upstream_cx_connect_timeout.inc();
      up.destroy(new Error('connect timeout'));
    }, cluster.connectTimeoutMs);
    up.once('connect', () => {
      cluster.reportOutcome(host, 'success');
      this.onConnected(cluster, up);
    });
    up.on('error', () => this.onUpstreamError(cluster, host, up));
    up.on('end', () => (this.upstreamRemoteClose = true));
    up.on('close', () => this.onUpstreamClose(cluster, host, up));
  }

  private onConnected(cluster: Cluster, up: Socket): void {
    clearTimeout(this.timer);
    this.connected = true;
    this.info.upstreamLocal = socketAddress(up.localAddress, up.localPort);
    this.notify('opened');
    const ds = this.downstream;
    const { stats } = this.deps;
    const track = (s: Socket): void => {
      if (s.writableLength > this.peakBuffered) this.peakBuffered = s.writableLength;
    };
    pump(ds, up, {
      bytes: (n) => { stats.downstream_cx_rx_bytes_total.inc(n); cluster.stats.upstream_cx_tx_bytes_total.inc(n); track(up); },
      paused: () => stats.downstream_flow_control_paused_reading_total.inc(),
      resumed: () => stats.downstream_flow_control_resumed_reading_total.inc(),
    });
    pump(up, ds, {
      bytes: (n) => { stats.downstream_cx_tx_bytes_total.inc(n); cluster.stats.upstream_cx_rx_bytes_total.inc(n); track(ds); },
      paused: () => cluster.stats.upstream_flow_control_paused_reading_total.inc(),
      resumed: () => cluster.stats.upstream_flow_control_resumed_reading_total.inc(),
    });
    ds.resume();
  }

  private onUpstreamError(cluster: Cluster, host: Host, up: Socket): void {
    if (up !== this.upstream) return;
    if (!this.connected) {
      clearTimeout(this.timer);
      cluster.stats.upstream_cx_connect_fail.inc();
      host.stats.cx_connect_fail++;
      cluster.reportOutcome(host, 'local_origin_failure');
      return;
    }
    this.upstreamRemoteClose = true;
    if (!this.downstream.destroyed) this.downstream.resetAndDestroy();
  }

  private onUpstreamClose(cluster: Cluster, host: Host, up: Socket): void {
    clearTimeout(this.timer);
    cluster.stats.upstream_cx_active.dec();
    cluster.stats.upstream_cx_destroy.inc();
    (this.upstreamRemoteClose ? cluster.stats.upstream_cx_destroy_remote : cluster.stats.upstream_cx_destroy_local).inc();
    host.stats.cx_active--;
    if (up !== this.upstream) return;
    this.upstreamClosed = true;
    if (!this.connected && !this.downstreamClosed) {
      if (this.attempts < this.deps.config.maxConnectAttempts) return this.connectUpstream(cluster);
      cluster.stats.upstream_cx_connect_attempts_exceeded.inc();
      return this.fail(ResponseFlags.UpstreamConnectionFailure, ResponseFlags.UpstreamRetryLimitExceeded);
    }
    // A connected upstream closes only after both directions ended (the downstream then ends
    // by itself once its writes are flushed) or after a reset (already passed on).
    this.maybeFinish();
  }

  private onDownstreamError(): void {
    const up = this.upstream;
    if (up && !up.destroyed) {
      if (this.connected) up.resetAndDestroy();
      else up.destroy();
    }
  }

  private maybeFinish(): void {
    if (this.finished || !this.downstreamClosed || !this.upstreamClosed) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.refreshBytes();
    this.info.durationMs = Date.now() - this.info.startTime.getTime();
    if (!this.openedNotified) this.notify('opened');
    this.notify('closed');
    this.deps.onDone(this);
  }

  private notify(event: 'opened' | 'closed'): void {
    if (event === 'opened') {
      if (this.openedNotified) return;
      this.openedNotified = true;
    }
    for (const o of this.deps.observers) {
      try {
        o[event](this);
      } catch {
        // An observer's failure must not break the data path.
      }
    }
  }
}
