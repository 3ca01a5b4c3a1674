/**
 * An HTTP filter, as in Envoy's HTTP connection manager: run in order on the request headers
 * (decode) and in reverse order on the response headers (encode). A filter returns 'continue'
 * to pass the headers on, or 'stop' to hold the stream; a held stream resumes when the filter
 * calls `continueDecoding()`, or ends when it calls `sendLocalReply()`. The router is the
 * terminal filter and is not one of these. Filters must not throw; the connection manager
 * turns a throw into a 500 local reply anyway.
 */
import type { HeaderMap, HttpStreamInfo } from '../../core/http-stream-info.ts';
import type { ResponseFlag } from '../../core/response-flags.ts';

export type FilterStatus = 'continue' | 'stop';

export interface LocalReply {
  readonly status: number;
  readonly body?: string;
  readonly headers?: HeaderMap;
  /** %RESPONSE_CODE_DETAILS% */
  readonly details: string;
  readonly flag?: ResponseFlag;
  /** For gRPC requests: the grpc-status to send (as a trailers-only response). */
  readonly grpcStatus?: number;
}

export interface HttpFilterCallbacks {
  readonly info: HttpStreamInfo;
  /** Ends the exchange with a response made here; later filters and the router do not run. */
  sendLocalReply(reply: LocalReply): void;
  /** Resumes decoding after a filter returned 'stop'. */
  continueDecoding(): void;
  /** The matched route's typed_per_filter_config for `filterName`, if any. */
  perFilterConfig<T>(filterName: string): T | undefined;
  /** Called if the stream ends (reset, downstream gone) while the filter holds it. */
  onDestroy(cb: () => void): void;
}

export interface HttpFilter {
  readonly name: string;
  /** The request headers (lower-case names, no pseudo headers), editable in place. */
  decodeHeaders?(headers: HeaderMap, cb: HttpFilterCallbacks): FilterStatus;
  /** The response headers before they go downstream, editable in place. Synchronous: 'stop' is not allowed. */
  encodeHeaders?(status: number, headers: HeaderMap, cb: HttpFilterCallbacks): void;
}

/** Made once per listener config; `create` is called once per stream. */
export interface HttpFilterFactory {
  readonly name: string;
  create(): HttpFilter;
}
