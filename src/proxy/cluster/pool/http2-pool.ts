/**
 * The HTTP/2 (prior-knowledge h2c) connection pool for one upstream host: one multiplexed
 * session, opened on first use through our connect (bind, TCP_NODELAY, keepalive, connect
 * timeout) and replaced after GOAWAY, an error, the idle timeout or max_connection_duration. Stream resets map to Envoy's reasons:
 * REFUSED_STREAM is `remote_refused_stream_reset`, a session that never connected is a
 * connection failure.
 */
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { HeaderMap } from '../../core/http-stream-info.ts';
import type { ConnPool, UpstreamEvents, UpstreamRequestHead, UpstreamStream } from './conn-pool.ts';
import { CONNECT_TIMEOUT, connectUpstream, failureDetail } from './connect.ts';
import type { HostPoolOptions } from './http1-pool.ts';

interface Session {
  readonly session: ClientHttp2Session;
  connected: boolean;
  error: NodeJS.ErrnoException | undefined;
}

/** Response headers without the pseudo headers. */
export function withoutPseudo(h: IncomingHttpHeaders): HeaderMap {
  const out: HeaderMap = {};
  for (const k of Object.keys(h)) if (k.charCodeAt(0) !== 58 /* : */) out[k] = h[k];
  return out;
}

export class Http2Pool implements ConnPool {
  readonly protocol = 'http2' as const;
  activeStreams = 0;
  private current: Session | undefined;
  private readonly o: HostPoolOptions;

  constructor(o: HostPoolOptions) {
    this.o = o;
  }

  private session(): Session {
    if (this.current && !this.current.session.closed && !this.current.session.destroyed) return this.current;
    const s: Session = { session: connect(`http://${this.o.address.ip}:${this.o.address.port}`, { createConnection: () => connectUpstream(this.o), settings: { enablePush: false } }), connected: false, error: undefined };
    const drop = (): void => {
      if (this.current === s) this.current = undefined;
    };
    s.session.on('connect', () => (s.connected = true));
    s.session.on('error', (err: NodeJS.ErrnoException) => (s.error = err));
    s.session.on('goaway', drop);
    s.session.on('close', drop);
    s.session.setTimeout(this.o.idleTimeoutMs, () => {
      if (this.activeStreams === 0) s.session.close();
    });
    if (this.o.maxConnectionDurationMs > 0) {
      // max_connection_duration: no new streams on this session (GOAWAY); it closes once its streams end.
      const t = setTimeout(() => {
        drop();
        if (!s.session.closed) s.session.close();
      }, this.o.maxConnectionDurationMs);
      t.unref();
      s.session.once('close', () => clearTimeout(t));
    }
    this.current = s;
    return s;
  }

  newStream(head: UpstreamRequestHead, ev: UpstreamEvents): UpstreamStream {
    this.activeStreams++;
    const s = this.session();
    let settled = false;
    const finish = (): boolean => {
      if (settled) return false;
      settled = true;
      this.activeStreams--;
      return true;
    };
    const headers: OutgoingHttpHeaders = { ':method': head.method, ':path': head.path, ':authority': head.authority, ':scheme': head.scheme };
    for (const k in head.headers) if (k !== 'host' && head.headers[k] !== undefined) headers[k] = head.headers[k];
    let stream: ClientHttp2Stream;
    try {
      stream = s.session.request(headers, { endStream: head.endStream });
    } catch (err) {
      queueMicrotask(() => {
        if (finish()) ev.onError({ reason: 'local_reset', detail: failureDetail(err) });
      });
      return { write: () => true, onDrain: () => {}, end: () => {}, abort: () => void finish(), pause: () => {}, resume: () => {} };
    }
    // A connected session is ready at once (the router accepts onReady before newStream returns).
    if (s.connected) ev.onReady(s.session.socket?.localAddress, s.session.socket?.localPort);
    else s.session.once('connect', () => ev.onReady(s.session.socket?.localAddress, s.session.socket?.localPort));
    let gotHeaders = false;
    stream.on('headers', (h) => {
      if (Number(h[':status']) === 100) ev.onContinue();
    });
    stream.on('response', (h, flags) => {
      gotHeaders = true;
      ev.onHeaders(Number(h[':status']), withoutPseudo(h), (flags & constants.NGHTTP2_FLAG_END_STREAM) !== 0);
    });
    stream.on('data', (chunk: Buffer) => {
      if (!ev.onData(chunk)) stream.pause();
    });
    stream.on('trailers', (t) => ev.onTrailers(withoutPseudo(t)));
    stream.on('end', () => {
      if (finish()) ev.onEnd();
    });
    stream.on('error', () => {});
    stream.on('close', () => {
      if (!finish()) return;
      if (!s.connected) {
        const reason = s.error?.code === CONNECT_TIMEOUT ? 'connect_timeout' : 'connection_failure';
        ev.onError({ reason, detail: failureDetail(s.error) });
      } else if (stream.rstCode === constants.NGHTTP2_REFUSED_STREAM) {
        ev.onError({ reason: 'remote_refused_stream_reset', detail: '' });
      } else {
        ev.onError({ reason: gotHeaders || stream.rstCode !== constants.NGHTTP2_NO_ERROR ? 'remote_reset' : 'connection_termination', detail: failureDetail(s.error) });
      }
    });
    return {
      write: (chunk) => stream.write(chunk),
      onDrain: (cb) => void stream.once('drain', cb),
      end: () => void stream.end(),
      abort: () => {
        if (finish()) stream.close(constants.NGHTTP2_CANCEL);
      },
      pause: () => void stream.pause(),
      resume: () => void stream.resume(),
    };
  }

  close(): void {
    this.current?.session.close();
    this.current = undefined;
  }
}
