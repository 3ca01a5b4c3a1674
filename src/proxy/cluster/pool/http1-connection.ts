/**
 * One upstream HTTP/1.1 connection of a pool, as Envoy's ActiveClient with its codec: the
 * socket, one native response parser for its whole life, and at most one request at a time.
 * A request's head is serialized once and written with its first body bytes (or its end) in one
 * write; the response is parsed in place, with no per-request listener objects. Failures become
 * Envoy's reset reasons: connect failures before the socket connected, connection termination
 * or a remote reset after, protocol errors from the parser.
 */
import type { Socket } from 'node:net';
import type { ResetReason, UpstreamEvents } from './conn-pool.ts';
import { CONNECT_TIMEOUT, connectUpstream, failureDetail, type ConnectOptions } from './connect.ts';
import { responseParser, type NativeParser } from './http-parser.ts';
import { Http1Stream, type StreamConnection } from './http1-stream.ts';
import { headerMapOf, type RequestHeadText } from './raw-headers.ts';

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The connection finished a request and may take another. */
  released(c: Http1Connection): void;
  /** The connection is gone (closed, failed or drained). */
  closed(c: Http1Connection): void;
  /** A stream ended (completed, failed or aborted). */
  streamDone(): void;
}

export class Http1Connection implements StreamConnection {
  readonly socket: Socket;
  /** Requests this connection has carried (max_requests_per_connection). */
  requests = 0;
  /** No new requests (max_connection_duration passed, or the pool is closing). */
  draining = false;
  /** When the connection last became idle (the pool's idle timeout), ms. */
  idleSince = 0;
  private stream: Http1Stream | undefined;
  private connected = false;
  private closedDone = false;
  private error: NodeJS.ErrnoException | undefined;
  private keepAlive = true;
  private informational = false;
  private pendingRaw: string[] | undefined;
  private readonly parser: NativeParser;
  private readonly owner: ConnectionOwner;
  private durationTimer: NodeJS.Timeout | undefined;

  constructor(o: ConnectOptions, owner: ConnectionOwner, maxDurationMs: number) {
    this.owner = owner;
    this.socket = connectUpstream(o);
    this.parser = responseParser({
      onHeaders: (raw) => this.onHeaders(raw),
      onHeadersComplete: (raw, status, keepAlive) => this.onHeadersComplete(raw, status, keepAlive),
      onBody: (chunk) => this.onBody(chunk),
      onMessageComplete: () => this.onMessageComplete(),
    });
    const s = this.socket;
    s.on('connect', () => this.onConnect());
    s.on('data', (d: Buffer) => this.onData(d));
    s.on('end', () => this.onEnd());
    s.on('error', (err: NodeJS.ErrnoException) => (this.error ??= err));
    s.on('close', () => this.onClose());
    if (maxDurationMs > 0) {
      this.durationTimer = setTimeout(() => this.drain(), maxDurationMs);
      this.durationTimer.unref();
    }
  }

  /** Can take a request now (not closing, not closed). */
  get usable(): boolean {
    return !this.draining && !this.socket.destroyed && this.socket.writable;
  }

  /** Starts a request on this (idle or connecting) connection. */
  start(head: RequestHeadText, method: string, events: UpstreamEvents): Http1Stream {
    const st = new Http1Stream(this, head, method, events);
    this.stream = st;
    this.requests++;
    if (this.connected) events.onReady(this.socket.localAddress, this.socket.localPort);
    return st;
  }

  /** No new requests; closed now if idle, else once the request in flight ends. */
  drain(): void {
    this.draining = true;
    if (!this.stream) this.destroy();
  }

  destroy(): void {
    clearTimeout(this.durationTimer);
    this.socket.destroy();
  }

  /** The router reset the stream: an HTTP/1.1 connection cannot carry on from mid-exchange. */
  abort(st: Http1Stream): void {
    this.settle(st);
    this.destroy();
  }

  private settle(st: Http1Stream): void {
    if (st.settled) return;
    st.settled = true;
    if (this.stream === st) this.stream = undefined;
    this.owner.streamDone();
  }

  private fail(reason: ResetReason, err: unknown): void {
    const st = this.stream;
    if (!st || st.settled) return;
    this.settle(st);
    st.events.onError({ reason, detail: failureDetail(err) });
  }

  private onConnect(): void {
    this.connected = true;
    this.stream?.events.onReady(this.socket.localAddress, this.socket.localPort);
  }

  private onData(d: Buffer): void {
    const r = this.parser.execute(d);
    if (r instanceof Error) {
      const code = (r as NodeJS.ErrnoException).code ?? r.message;
      this.fail('protocol_error', { code });
      this.destroy();
    }
  }

  /** The upstream closed its side: completes a read-until-close body; a response cut short is a termination (on close). */
  private onEnd(): void {
    this.parser.finish();
    this.destroy();
  }

  private onClose(): void {
    if (this.closedDone) return;
    this.closedDone = true;
    clearTimeout(this.durationTimer);
    const err = this.error;
    if (!this.connected) this.fail(err?.code === CONNECT_TIMEOUT ? 'connect_timeout' : 'connection_failure', err);
    else this.fail(err && this.stream?.responseStarted ? 'remote_reset' : 'connection_termination', err);
    this.parser.close();
    this.owner.closed(this);
  }

  private onHeaders(raw: string[]): void {
    this.pendingRaw = this.pendingRaw ? this.pendingRaw.concat(raw) : raw;
  }

  private onHeadersComplete(raw: string[] | undefined, status: number, keepAlive: boolean): number {
    const st = this.stream;
    const fields = raw ?? this.pendingRaw ?? [];
    this.pendingRaw = undefined;
    if (!st || st.settled) {
      // A response nobody asked for: the connection's framing can no longer be trusted.
      this.destroy();
      return 1;
    }
    if (status >= 100 && status < 200 && status !== 101) {
      this.informational = true;
      if (status === 100) st.events.onContinue();
      return 1;
    }
    st.responseStarted = true;
    this.keepAlive = keepAlive;
    st.events.onHeaders(status, headerMapOf(fields));
    return st.isHead ? 1 : 0;
  }

  private onBody(chunk: Buffer): void {
    const st = this.stream;
    if (!st || st.settled) return;
    if (!st.events.onData(chunk)) this.socket.pause();
  }

  private onMessageComplete(): void {
    if (this.informational) {
      this.informational = false;
      return;
    }
    const st = this.stream;
    const trailers = this.pendingRaw;
    this.pendingRaw = undefined;
    if (!st || st.settled) return;
    this.settle(st);
    // A response that completed before its request did (the server answered without reading
    // the whole body) leaves the connection mid-body: as Envoy, it is not reused.
    if (!this.keepAlive || !st.requestEnded || this.draining) this.destroy();
    else {
      this.socket.resume();
      this.owner.released(this);
    }
    if (trailers && trailers.length > 0) st.events.onTrailers(headerMapOf(trailers));
    st.events.onEnd();
  }
}
