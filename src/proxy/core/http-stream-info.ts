/**
 * What one HTTP request/response exchange did, as Envoy's StreamInfo records it for the HTTP
 * connection manager: the request as received, the response as sent, timings, byte counts,
 * response flags and the peers. The access log and Istio's HTTP metrics are computed from it;
 * the connection manager fills it in and hands it to every HttpObserver when the stream ends.
 */
import type { WorkloadMetadata } from '../stats/workload-metadata.ts';
import type { StreamInfo } from './stream-info.ts';

export type HttpProtocol = 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2';

/** Header names are lower case; a repeated header is an array. Pseudo headers are not included. */
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface HttpStreamInfo extends StreamInfo {
  /** %PROTOCOL%: the downstream protocol. */
  readonly protocol: HttpProtocol;
  /** :method */
  readonly method: string;
  /** :path as the downstream sent it (%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% when rewritten). */
  readonly path: string;
  /** :authority (Host for HTTP/1.x). */
  readonly authority: string;
  /** :scheme, or "http" for HTTP/1.x without TLS. */
  readonly scheme: string;
  /** The request headers after the connection manager's edits (x-request-id, x-forwarded-for...). */
  readonly requestHeaders: HeaderMap;
  /** The response headers sent downstream; undefined until headers were sent. */
  responseHeaders: HeaderMap | undefined;
  /** The response trailers (grpc-status for gRPC); undefined when none. */
  responseTrailers: HeaderMap | undefined;
  /** %RESPONSE_CODE%: 0 when no response was sent. */
  responseCode: number;
  /** %RESPONSE_CODE_DETAILS%, e.g. via_upstream, route_not_found, upstream_reset_before_response_started{...}. */
  responseCodeDetails: string;
  /** %CONNECTION_TERMINATION_DETAILS% */
  connectionTerminationDetails: string | undefined;
  /** %UPSTREAM_TRANSPORT_FAILURE_REASON% */
  upstreamTransportFailureReason: string | undefined;
  /** %ROUTE_NAME% ('-' style undefined when no route matched). */
  routeName: string | undefined;
  /** %REQUESTED_SERVER_NAME% (SNI), when TLS was inspected. */
  requestedServerName: string | undefined;
  /** x-envoy-upstream-service-time: ms from the upstream request start to its response headers. */
  upstreamServiceTimeMs: number | undefined;
  /** How many upstream attempts were made (x-envoy-attempt-count). */
  attemptCount: number;
  /** Request header bytes as received (for istio_request_bytes = headers + body). */
  requestHeaderBytes: number;
  /** Response header bytes as sent. */
  responseHeaderBytes: number;
  /** gRPC messages counted in each direction (istio_request_messages_total / istio_response_messages_total). */
  requestMessages: number;
  responseMessages: number;
  /** Who called, when known (metadata exchange on inbound, or the registry). */
  downstreamPeer: WorkloadMetadata | undefined;
  /** Who answered, when known (metadata exchange on outbound, or the endpoint's metadata). */
  upstreamPeer: WorkloadMetadata | undefined;
}
