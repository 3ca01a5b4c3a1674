/**
 * How a cluster speaks HTTP upstream, as the HTTP connection pools need it: the protocol
 * (envoy.extensions.upstreams.http.v3.HttpProtocolOptions: explicit HTTP/1.1 or HTTP/2, or
 * the downstream connection's protocol), common_http_protocol_options (idle timeout, requests
 * per connection, max connection duration) and the DEFAULT priority circuit breaker thresholds for requests. Envoy's
 * defaults when a cluster sets none; Istio's clusters set their own (uint32 max).
 */

/** `downstream`: HTTP/2 upstream when the downstream request came over HTTP/2, else HTTP/1.1. */
export type UpstreamHttpProtocol = 'http1' | 'http2' | 'downstream';

export interface ClusterHttpOptions {
  readonly protocol: UpstreamHttpProtocol;
  /** common_http_protocol_options.max_requests_per_connection; 0 = unlimited. */
  readonly maxRequestsPerConnection: number;
  /** common_http_protocol_options.idle_timeout of an upstream connection with no streams; 0 = none. */
  readonly idleTimeoutMs: number;
  /** common_http_protocol_options.max_connection_duration: older connections drain; absent = none. */
  readonly maxConnectionDurationMs?: number;
  /** Circuit breaker: requests waiting for a connection (UO above it). */
  readonly maxPendingRequests: number;
  /** Circuit breaker: requests outstanding at once (UO above it). */
  readonly maxRequests: number;
  /** Circuit breaker: retries outstanding at once. */
  readonly maxRetries: number;
}

/** Envoy's upstream idle_timeout when unset: one hour. */
export const ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS = 3_600_000;

/** Envoy's circuit breaker defaults (max_retries is 3, the others 1024). */
export const ENVOY_DEFAULT_MAX_PENDING_REQUESTS = 1024;
export const ENVOY_DEFAULT_MAX_REQUESTS = 1024;
export const ENVOY_DEFAULT_MAX_RETRIES = 3;

export const ENVOY_DEFAULT_HTTP_OPTIONS: ClusterHttpOptions = Object.freeze({
  protocol: 'http1',
  maxRequestsPerConnection: 0,
  idleTimeoutMs: ENVOY_DEFAULT_UPSTREAM_IDLE_TIMEOUT_MS,
  maxPendingRequests: ENVOY_DEFAULT_MAX_PENDING_REQUESTS,
  maxRequests: ENVOY_DEFAULT_MAX_REQUESTS,
  maxRetries: ENVOY_DEFAULT_MAX_RETRIES,
});

/** Istio's thresholds for its own clusters: effectively unlimited (uint32 max). */
export const ISTIO_DEFAULT_HTTP_OPTIONS: ClusterHttpOptions = Object.freeze({
  ...ENVOY_DEFAULT_HTTP_OPTIONS,
  maxPendingRequests: 4294967295,
  maxRequests: 4294967295,
  maxRetries: 4294967295,
});
