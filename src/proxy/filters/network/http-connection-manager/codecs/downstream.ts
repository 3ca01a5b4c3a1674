/**
 * One downstream request as the connection manager sees it, whichever codec carried it: the
 * request line and headers (pseudo headers split out), the body as a stream, and the response
 * going back (headers, body with backpressure, trailers, or a reset). The HTTP/1.1 and HTTP/2
 * codecs beside this file produce it.
 */
import type { HeaderMap, HttpProtocol } from '../../../../core/http-stream-info.ts';
import type { BodySource } from './body-source.ts';

export interface DownstreamRequest {
  readonly protocol: HttpProtocol;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  /** A fresh copy, lower-case names, no pseudo headers. */
  readonly headers: HeaderMap;
  readonly headerBytes: number;
  /** False when the request ended with its headers (no body follows). */
  readonly hasBody: boolean;
  /** True when the request carries gRPC (content-type application/grpc*). */
  readonly grpc: boolean;
  readonly body: BodySource;
  /** Response headers written (by us or a local reply). */
  readonly headersSent: boolean;
  sendHeaders(status: number, headers: HeaderMap, endStream: boolean): void;
  write(chunk: Buffer): boolean;
  onDrain(cb: () => void): void;
  end(trailers?: HeaderMap): void;
  /** Resets the stream: RST_STREAM on HTTP/2; closing the connection on HTTP/1.1. */
  reset(): void;
  /** The downstream went away before the response completed. */
  onAbort(cb: () => void): void;
  /** The response has been fully handed to the socket (or the stream was reset). */
  onComplete(cb: () => void): void;
  /** Response header bytes as written (approximate for HTTP/2). */
  readonly responseHeaderBytes: number;
}

/** Header byte count as HTTP/1.1 would frame them: name, ": ", value, CRLF. */
export function headerBytes(raw: readonly string[]): number {
  let n = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) n += (raw[i] as string).length + (raw[i + 1] as string).length + 4;
  return n;
}

export const isGrpc = (contentType: string | string[] | undefined): boolean =>
  typeof contentType === 'string' && contentType.startsWith('application/grpc');

/** Response headers that must not be set by hand on the way out (the codec frames the body itself). */
export const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'http2-settings']);
