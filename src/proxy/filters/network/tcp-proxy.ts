/**
 * Envoy's tcp_proxy network filter for one downstream connection: pick a host from the route's
 * cluster, connect (the cluster's connect_timeout and upstream bind, max_connect_attempts), then
 * proxy bytes both ways with backpressure and half-close (the cluster's tcp_keepalive is set on
 * the upstream socket once connected). A reset on either side is passed on
 * as a reset. Failures end the downstream and are recorded as response flags (UH, UO, UF, URX,
 * DC, NR, NC); nothing throws out of an event handler. Connect successes and failures (timeouts
 * included) go to the cluster's outlier detection as local-origin results, as Envoy's do. The
 * downstream must arrive paused (the listener's pauseOnConnect). Both sides read into buffers of
 * their own (pump.ts; the downstream is adopted for that, adopt-socket.ts). The route's
 * idle_timeout (Envoy's default 1 h; 0 disables it) closes both sides after that long without a
 * byte either way, counted as `tcp.<prefix>.idle_timeout`, with no response flag (as Envoy); its
 * max_downstream_connection_duration closes both sides that long after the connection was
 * accepted, with flag DT and `tcp.<prefix>.max_downstream_connection_duration`.
 */
import { connect, type Socket } from 'node:net';
import type { Cluster, Host } from '../../cluster/cluster.ts';
import { familyOf, socketAddress, upstreamBindAddress, type Address } from '../../core/address.ts';
import { ResponseFlags, type ResponseFlag } from '../../core/response-flags.ts';
import type { StreamInfo } from '../../core/stream-info.ts';
import type { Upstream } from '../../listener/upstream.ts';
import type { TcpProxyStats } from '../../stats/envoy-stats.ts';
import type { ConnectionObserver, ProxiedConnection } from './connection-observer.ts';
import { setTcpKeepalive } from '../../core/socket-options.ts';
import { adoptSocket } from './adopt-socket.ts';
import { pump, ReadBufferPump, type PumpEvents } from './pump.ts';

/** tcp_proxy idle_timeout when the config has none (Envoy's default). */
export const DEFAULT_TCP_IDLE_TIMEOUT_MS = 60 * 60 * 1000;

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
  private durationTimer: NodeJS.Timeout | undefined;
  private downstreamClosed = false;
  private upstreamClosed = true;
  private finished = false;
  private openedNotified = false;
  private downstream: Socket;
  /** Bytes the accepted socket had read / written before it was adopted (refreshBytes adds them). */
  private readOffset = 0;
  private writeOffset = 0;
  /** Bytes read before the upstream was chosen (inspection) and handed over by the adoption. */
  private pending: readonly Buffer[] = [];
  /** Downstream to upstream through a read buffer, when the downstream could be adopted. */
  private toUpstream: ReadBufferPump | undefined;
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
    this.deps.stats.downstream_cx_total.inc();
    if (this.cluster) this.adoptDownstream(this.cluster);
    const ds = this.downstream;
    ds.on('error', () => this.onDownstreamError());
    ds.on('close', () => {
      this.downstreamClosed = true;
      if (!this.connected && this.upstream && !this.upstreamClosed) {
        this.flag(ResponseFlags.DownstreamConnectionTermination);
        this.upstream.destroy();
      }
      this.maybeFinish();
    });
    const maxMs = this.upstreamRoute?.maxDurationMs ?? 0;
    if (maxMs > 0) this.durationTimer = setTimeout(() => this.onMaxDuration(), maxMs);
    if (!this.cluster) {
      this.deps.stats.downstream_cx_no_route.inc();
      this.fail(this.upstreamRoute ? ResponseFlags.NoClusterFound : ResponseFlags.NoRouteFound);
      return;
    }
    this.connectUpstream(this.cluster);
  }

  /** Whether the downstream is read into the session's own buffer (adopted), not as a stream. */
  get readsIntoBuffer(): boolean {
    return this.toUpstream !== undefined;
  }

  /** Ends both sides now (drain deadline or shutdown). */
  destroy(): void {
    this.upstream?.destroy();
    this.downstream.destroy();
  }

  /** Brings the byte counts in `info` up to date. */
  refreshBytes(): void {
    this.info.bytesReceived = this.readOffset + this.downstream.bytesRead;
    this.info.bytesSent = this.writeOffset + (this.downstream.bytesWritten ?? 0);
  }

  private track(s: Socket): void {
    if (s.writableLength > this.peakBuffered) this.peakBuffered = s.writableLength;
  }

  /** Downstream bytes towards the upstream: tcp and cluster stats, and the peak queued. */
  private upstreamBound(cluster: Cluster): PumpEvents {
    const { stats } = this.deps;
    return {
      bytes: (n) => {
        stats.downstream_cx_rx_bytes_total.inc(n);
        cluster.stats.upstream_cx_tx_bytes_total.inc(n);
        if (this.upstream) this.track(this.upstream);
      },
      paused: () => stats.downstream_flow_control_paused_reading_total.inc(),
      resumed: () => stats.downstream_flow_control_resumed_reading_total.inc(),
    };
  }

  private downstreamBound(cluster: Cluster): PumpEvents {
    const { stats } = this.deps;
    return {
      bytes: (n) => {
        stats.downstream_cx_tx_bytes_total.inc(n);
        cluster.stats.upstream_cx_rx_bytes_total.inc(n);
        this.track(this.downstream);
      },
      paused: () => cluster.stats.upstream_flow_control_paused_reading_total.inc(),
      resumed: () => cluster.stats.upstream_flow_control_resumed_reading_total.inc(),
    };
  }

  private adoptDownstream(cluster: Cluster): void {
    const toUpstream = new ReadBufferPump(this.upstreamBound(cluster));
    const a = adoptSocket(this.downstream, toUpstream.onread);
    if (!a) return;
    this.downstream = a.socket;
    this.pending = a.pending;
    this.readOffset = a.bytesRead;
    this.writeOffset = a.bytesWritten;
    this.toUpstream = toUpstream;
  }

  private onMaxDuration(): void {
    this.flag(ResponseFlags.DurationTimeout);
    this.deps.stats.max_downstream_connection_duration.inc();
    this.downstream.destroy();
    this.upstream?.destroy();
  }

  private onIdleTimeout(): void {
    this.deps.stats.idle_timeout.inc();
    this.downstream.destroy();
    this.upstream?.destroy();
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
    const toDownstream = new ReadBufferPump(this.downstreamBound(cluster));
    const up = connect({ host: host.address.ip, port: host.address.port, allowHalfOpen: true, noDelay: true, onread: toDownstream.onread, ...bind });
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
      this.onConnected(cluster, up, toDownstream);
    });
    up.on('error', () => this.onUpstreamError(cluster, host, up));
    up.on('end', () => (this.upstreamRemoteClose = true));
    up.on('close', () => this.onUpstreamClose(cluster, host, up));
  }

  private onConnected(cluster: Cluster, up: Socket, toDownstream: ReadBufferPump): void {
    clearTimeout(this.timer);
    this.connected = true;
    if (cluster.tcpKeepalive) setTcpKeepalive(up, cluster.tcpKeepalive);
    this.info.upstreamLocal = socketAddress(up.localAddress, up.localPort);
    this.notify('opened');
    const ds = this.downstream;
    const idleMs = this.upstreamRoute?.idleTimeoutMs ?? DEFAULT_TCP_IDLE_TIMEOUT_MS;
    // Every byte either way is read from or written to the downstream, so its idle timer sees them all.
    if (idleMs > 0) ds.setTimeout(idleMs, () => this.onIdleTimeout());
    toDownstream.start(up, ds);
    if (this.toUpstream) {
      const events = this.upstreamBound(cluster);
      for (const chunk of this.pending) {
        up.write(chunk);
        events.bytes(chunk.length);
      }
      this.pending = [];
      this.toUpstream.start(ds, up);
    } else {
      pump(ds, up, this.upstreamBound(cluster));
    }
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
    clearTimeout(this.durationTimer);
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
