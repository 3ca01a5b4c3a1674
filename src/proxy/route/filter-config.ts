/**
 * Per-route HTTP filter settings (typed_per_filter_config, and RouteAction.cors): the fault
 * filter's HTTPFault (a fixed delay and an HTTP or gRPC abort, each with its percentage) and a
 * CORS policy. Envoy takes the most specific: route, then virtual host, then route configuration.
 */
import type { Fraction } from './fraction.ts';
import type { StringMatcher } from './string-matcher.ts';

export const FAULT_FILTER = 'envoy.filters.http.fault';
export const CORS_FILTER = 'envoy.filters.http.cors';

/** envoy.extensions.filters.http.fault.v3.HTTPFault. */
export interface FaultConfig {
  readonly delay: { readonly fixedDelayMs: number; readonly percentage: Fraction } | undefined;
  readonly abort:
    | { readonly kind: 'http'; readonly httpStatus: number; readonly percentage: Fraction }
    | { readonly kind: 'grpc'; readonly grpcStatus: number; readonly percentage: Fraction }
    | undefined;
  /** max_active_faults; undefined is unlimited. */
  readonly maxActiveFaults: number | undefined;
}

/** envoy.config.route.v3.CorsPolicy (route action) or envoy.extensions.filters.http.cors.v3.CorsPolicy. */
export interface CorsPolicy {
  readonly allowOriginStringMatch: readonly StringMatcher[];
  /** Comma-separated, as configured (Envoy copies them into the response headers). */
  readonly allowMethods: string;
  readonly allowHeaders: string;
  readonly exposeHeaders: string;
  readonly maxAge: string;
  readonly allowCredentials: boolean | undefined;
  readonly allowPrivateNetworkAccess: boolean | undefined;
  readonly forwardNotMatchingPreflights: boolean | undefined;
  /** filter_enabled (default 100%). */
  readonly filterEnabled: Fraction;
  /** shadow_enabled: evaluate and record, but do not enforce; undefined when not set. */
  readonly shadowEnabled: Fraction | undefined;
}

export interface PerFilterConfig {
  readonly fault: FaultConfig | undefined;
  readonly cors: CorsPolicy | undefined;
}

export const NO_FILTER_CONFIG: PerFilterConfig = Object.freeze({ fault: undefined, cors: undefined });
