/**
 * Upstream HTTP connection pools, one per (cluster, host, protocol), as Envoy's conn pools:
 * the router asks a pool for a new stream and gets a handle to write the request body into;
 * the pool reports the response through events. HTTP/1.1 pools keep idle keep-alive
 * connections; HTTP/2 pools multiplex streams on one connection. Failures are reported as one
 * of Envoy's reset reasons, never thrown.
 */
import type { HeaderMap } from '../../core/http-stream-info.ts';

export type UpstreamProtocol = 'http1' | 'http2';

/** Envoy's stream reset reasons, as the router maps them to response flags. */
export type ResetReason = 'connection_failure' | 'connection_termination' | 'local_reset' | 'remote_reset' | 'remote_refused_stream_reset' | 'overflow' | 'protocol_error' | 'connect_timeout';

export interface UpstreamFailure {
  readonly reason: ResetReason;
  /** %UPSTREAM_TRANSPORT_FAILURE_REASON% style detail (the socket error), when there is one. */
  readonly detail: string;
}

export interface UpstreamRequestHead {
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  /** Without pseudo headers and without hop-by-hop headers. */
  readonly headers: HeaderMap;
  /** True when there is no body to follow (GET without body): HTTP/2 sends END_STREAM with the headers. */
  readonly endStream: boolean;
}

export interface UpstreamEvents {
  /** The upstream connection (or stream) is ready: its local address, for %UPSTREAM_LOCAL_ADDRESS%. */
  onReady(localIp: string | undefined, localPort: number | undefined): void;
  /** A 1xx 100 Continue. */
  onContinue(): void;
  /**
   * The final response headers. `endStream` is true when nothing follows them (an HTTP/2
   * HEADERS frame with END_STREAM, e.g. gRPC's trailers-only response): the downstream must
   * then end the stream with these headers, or gRPC clients lose the status in them.
   */
  onHeaders(status: number, headers: HeaderMap, endStream?: boolean): void;
  /** A body chunk. Returning false asks the pool to pause until `resume()`. */
  onData(chunk: Buffer): boolean;
  onTrailers(trailers: HeaderMap): void;
  /** The response is complete. */
  onEnd(): void;
  /** The stream failed (before or after the headers). Called at most once, and never after onEnd. */
  onError(f: UpstreamFailure): void;
}

export interface UpstreamStream {
  /** Writes a body chunk; false means wait for the `drain` callback. */
  write(chunk: Buffer): boolean;
  onDrain(cb: () => void): void;
  end(trailers?: HeaderMap): void;
  /** Resets the stream (the downstream went away, or a timeout fired). */
  abort(): void;
  pause(): void;
  resume(): void;
}

export interface ConnPool {
  readonly protocol: UpstreamProtocol;
  newStream(head: UpstreamRequestHead, events: UpstreamEvents): UpstreamStream;
  /** Streams in flight on this pool. */
  readonly activeStreams: number;
  /** Closes idle connections now and the rest when their streams end. */
  close(): void;
}
