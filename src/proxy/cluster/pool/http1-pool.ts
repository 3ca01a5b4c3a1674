/**
 * The HTTP/1.1 connection pool for one upstream host, as Envoy's: idle keep-alive connections
 * are reused newest first; a request with none idle opens its own connection (bind, TCP_NODELAY,
 * keepalive, connect timeout in connect.ts), or, with the cluster's max_connections open, waits
 * as pending (pending-stream.ts) for the next connection released or closed. max_requests_per_connection closes a connection
 * after its last allowed request, the idle timeout closes connections left idle that long, and
 * max_connection_duration drains a connection (no new requests; closed once its request ends).
 * The wire work is in http1-connection.ts.
 */
import type { Address } from '../../core/address.ts';
import type { ConnPool, UpstreamEvents, UpstreamRequestHead, UpstreamStream } from './conn-pool.ts';
import type { TcpKeepalive } from './connect.ts';
import { Http1Connection, type ConnectionOwner } from './http1-connection.ts';
import { PendingStream, type PendingOwner } from './pending-stream.ts';
import { serializeRequestHead } from './raw-headers.ts';

export interface HostPoolOptions {
  readonly address: Address;
  readonly upstreamBind: string | undefined;
  readonly connectTimeoutMs: number;
  /** 0: unlimited. */
  readonly maxRequestsPerConnection: number;
  readonly idleTimeoutMs: number;
  /** common_http_protocol_options.max_connection_duration; 0: none. */
  readonly maxConnectionDurationMs: number;
  /** upstream_connection_options.tcp_keepalive; undefined: the system's defaults (no SO_KEEPALIVE). */
  readonly tcpKeepalive: TcpKeepalive | undefined;
  /** The cluster's circuit breaker max_connections (Istio: tcp.maxConnections); absent: unlimited. */
  readonly maxConnections?: number;
}

/** A stream that failed before it had a connection (its head could not be serialized). */
class FailedStream implements UpstreamStream {
  write(): boolean { return true; }
  onDrain(): void {}
  end(): void {}
  abort(): void {}
  pause(): void {}
  resume(): void {}
}

export class Http1Pool implements ConnPool, ConnectionOwner, PendingOwner {
  readonly protocol = 'http1' as const;
  activeStreams = 0;
  /** Idle connections, oldest first (taken from the end: newest first). */
  private readonly idle: Http1Connection[] = [];
  private readonly all = new Set<Http1Connection>();
  /** Requests waiting for a connection (max_connections reached), oldest first. */
  private readonly pending: PendingStream[] = [];
  private serving = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private closing = false;
  private readonly o: HostPoolOptions;

  constructor(o: HostPoolOptions) {
    this.o = o;
  }

  /** Open connections (busy, idle or connecting). */
  get connections(): number {
    return this.all.size;
  }

  newStream(head: UpstreamRequestHead, ev: UpstreamEvents): UpstreamStream {
    const text = serializeRequestHead(head.method, head.path, head.authority, head.headers, head.endStream);
    if (text instanceof Error) {
      queueMicrotask(() => ev.onError({ reason: 'local_reset', detail: text.message }));
      return new FailedStream();
    }
    this.activeStreams++;
    let c = this.idle.pop();
    // An idle connection the upstream just closed (its close event not yet run) is skipped.
    while (c && !c.usable) c = this.idle.pop();
    if (!c) {
      if (this.all.size >= (this.o.maxConnections ?? Infinity)) {
        const p = new PendingStream(text, head.method, ev, this);
        this.pending.push(p);
        return p;
      }
      c = new Http1Connection(this.o, this, this.o.maxConnectionDurationMs);
      this.all.add(c);
    }
    return c.start(text, head.method, ev);
  }

  cancel(p: PendingStream): void {
    const i = this.pending.indexOf(p);
    if (i < 0) return;
    this.pending.splice(i, 1);
    this.activeStreams--;
  }

  /** Soon (not inside the connection's own callback): pending requests onto idle or new connections. */
  private servePendingSoon(): void {
    if (this.pending.length === 0 || this.serving) return;
    this.serving = true;
    queueMicrotask(() => {
      this.serving = false;
      while (this.pending.length > 0) {
        let c = this.idle.pop();
        while (c && !c.usable) c = this.idle.pop();
        if (!c) {
          if (this.all.size >= (this.o.maxConnections ?? Infinity)) return;
          c = new Http1Connection(this.o, this, this.o.maxConnectionDurationMs);
          this.all.add(c);
        }
        const p = this.pending.shift() as PendingStream;
        p.attach(c.start(p.head, p.method, p.events));
      }
    });
  }

  streamDone(): void {
    this.activeStreams--;
  }

  released(c: Http1Connection): void {
    const max = this.o.maxRequestsPerConnection;
    if (this.closing || (max > 0 && c.requests >= max)) return c.destroy();
    c.idleSince = Date.now();
    this.idle.push(c);
    if (!this.idleTimer) this.armIdleTimer(this.o.idleTimeoutMs);
    this.servePendingSoon();
  }

  closed(c: Http1Connection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    this.servePendingSoon();
  }

  private armIdleTimer(ms: number): void {
    this.idleTimer = setTimeout(() => this.expireIdle(), ms);
    this.idleTimer.unref();
  }

  /** Closes connections idle for the idle timeout; re-arms for the next oldest. */
  private expireIdle(): void {
    this.idleTimer = undefined;
    const now = Date.now();
    const limit = this.o.idleTimeoutMs;
    while (this.idle.length > 0 && now - (this.idle[0] as Http1Connection).idleSince >= limit) (this.idle.shift() as Http1Connection).destroy();
    const oldest = this.idle[0];
    if (oldest) this.armIdleTimer(Math.max(1, oldest.idleSince + limit - now));
  }

  /** Closes idle connections now and the others when their requests end. */
  close(): void {
    this.closing = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    for (const c of [...this.all]) c.drain();
  }
}
