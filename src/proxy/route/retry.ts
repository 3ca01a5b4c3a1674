/**
 * Envoy's retry decision for one failed attempt (RetryStateImpl): a response is retriable under
 * 5xx (any 5xx), gateway-error (502, 503, 504), retriable-4xx (409), retriable-status-codes
 * (the policy's list), envoy-ratelimited (x-envoy-ratelimited), or a gRPC condition matching
 * its grpc-status (cancelled 1, deadline-exceeded 4, resource-exhausted 8, internal 13,
 * unavailable 14). An attempt with no response — reset, connect failure, refused stream,
 * per-try timeout — is retriable under 5xx, gateway-error and reset, and under connect-failure,
 * refused-stream or reset-before-request for those causes; an overflow never is. Also the
 * retry_on parser and the jittered exponential back-off.
 */
import type { Random } from '../core/random.ts';
import { RETRY_ON, type RetryOn, type RetryPolicy } from './retry-policy-config.ts';

export interface RetryOutcome {
  /** The upstream response status, when headers arrived. */
  readonly status?: number;
  /** grpc-status from the response headers or trailers. */
  readonly grpcStatus?: number;
  /** The response carried x-envoy-ratelimited. */
  readonly rateLimited?: boolean;
  /** The upstream stream or connection was reset before a response. */
  readonly reset?: boolean;
  /** The connection could not be established (or timed out connecting). */
  readonly connectFailure?: boolean;
  /** HTTP/2 REFUSED_STREAM. */
  readonly refusedStream?: boolean;
  /** The per-try timeout fired. */
  readonly perTryTimeout?: boolean;
  /** The reset happened before the request was sent upstream. */
  readonly beforeRequest?: boolean;
  /** A circuit breaker overflowed: never retried. */
  readonly overflow?: boolean;
}

/** Envoy's retry_on string ("5xx,gateway-error,...") as a set, and the tokens it does not know. */
export function parseRetryOn(s: string): { readonly on: ReadonlySet<RetryOn>; readonly unknown: readonly string[] } {
  const on = new Set<RetryOn>();
  const unknown: string[] = [];
  for (const raw of s.split(',')) {
    const t = raw.trim();
    if (t === '') continue;
    if ((RETRY_ON as readonly string[]).includes(t)) on.add(t as RetryOn);
    else unknown.push(t);
  }
  return { on, unknown };
}

const GRPC: readonly (readonly [RetryOn, number])[] = [['cancelled', 1], ['deadline-exceeded', 4], ['resource-exhausted', 8], ['internal', 13], ['unavailable', 14]];

export function shouldRetry(policy: RetryPolicy, o: RetryOutcome): boolean {
  const on = policy.retryOn;
  if (o.overflow) return false;
  if (o.reset || o.connectFailure || o.refusedStream || o.perTryTimeout) {
    if (on.has('5xx') || on.has('gateway-error') || on.has('reset')) return true;
    if (o.connectFailure && on.has('connect-failure')) return true;
    if (o.refusedStream && on.has('refused-stream')) return true;
    return o.beforeRequest === true && on.has('reset-before-request');
  }
  const s = o.status;
  if (s !== undefined) {
    if (on.has('5xx') && s >= 500 && s < 600) return true;
    if (on.has('gateway-error') && (s === 502 || s === 503 || s === 504)) return true;
    if (on.has('retriable-4xx') && s === 409) return true;
    if (on.has('retriable-status-codes') && policy.retriableStatusCodes.includes(s)) return true;
  }
  if (o.rateLimited && on.has('envoy-ratelimited')) return true;
  if (o.grpcStatus !== undefined) for (const [cond, code] of GRPC) if (o.grpcStatus === code && on.has(cond)) return true;
  return false;
}

/**
 * The wait before retry number `retry` (1 for the first): a uniform draw below
 * (2^retry - 1) x base, capped at the maximum (Envoy's JitteredExponentialBackOffStrategy).
 */
export function retryBackoffMs(policy: RetryPolicy, retry: number, random: Random): number {
  const { baseIntervalMs, maxIntervalMs } = policy.retryBackOff;
  let ceiling = baseIntervalMs;
  for (let i = 1; i < retry && ceiling <= maxIntervalMs; i++) ceiling = (2 ** (i + 1) - 1) * baseIntervalMs;
  return Math.min(Math.floor(random() * ceiling), maxIntervalMs);
}
