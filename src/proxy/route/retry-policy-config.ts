/**
 * Envoy's route RetryPolicy as the data path holds it: the retry_on conditions as a set, how
 * many retries, the per-try timeouts, the extra status codes, host selection (previous_hosts)
 * and the jittered exponential back-off (Envoy's defaults: 25 ms base, 10x base maximum).
 */

/** The retry_on conditions Mizzen implements (Envoy's router and gRPC lists). */
export const RETRY_ON = [
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited', 'retriable-4xx',
  'refused-stream', 'retriable-status-codes', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
] as const;

export type RetryOn = (typeof RETRY_ON)[number];

export interface RetryPolicy {
  readonly retryOn: ReadonlySet<RetryOn>;
  /** Envoy's default is 1. */
  readonly numRetries: number;
  /** 0: none (the route timeout bounds each try). */
  readonly perTryTimeoutMs: number;
  readonly perTryIdleTimeoutMs: number;
  readonly retriableStatusCodes: readonly number[];
  /** Avoid hosts already tried (envoy.retry_host_predicates.previous_hosts). */
  readonly retryHostPredicate: readonly 'previous_hosts'[];
  /** How often host selection may be retried to satisfy the predicate (Envoy's default 1). */
  readonly hostSelectionRetryMaxAttempts: number;
  readonly retryBackOff: { readonly baseIntervalMs: number; readonly maxIntervalMs: number };
}
