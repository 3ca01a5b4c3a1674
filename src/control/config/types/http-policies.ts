/** The per-route HTTP policies: redirect, rewrite, retries, fault injection, CORS, mirroring, delegation. */
import type { Destination, Percent } from './destination.ts';
import type { StringMatch } from './string-match.ts';

export interface HTTPRedirect {
  readonly uri?: string;
  readonly authority?: string;
  readonly port?: number;
  readonly derivePort?: 'FROM_PROTOCOL_DEFAULT' | 'FROM_REQUEST_PORT';
  readonly scheme?: string;
  /** 3xx; Envoy's default is 301. */
  readonly redirectCode?: number;
}

export interface RegexRewrite {
  readonly match?: string;
  readonly rewrite?: string;
}

export interface HTTPRewrite {
  readonly uri?: string;
  readonly authority?: string;
  readonly uriRegexRewrite?: RegexRewrite;
}

export interface HTTPDirectResponse {
  readonly status: number;
  readonly body?: { readonly string?: string; readonly bytes?: string };
}

export interface HTTPRetry {
  readonly attempts?: number;
  readonly perTryTimeout?: string;
  /** Comma-separated Envoy retry conditions (5xx, gateway-error, connect-failure, ...) or status codes. */
  readonly retryOn?: string;
  readonly retryRemoteLocalities?: boolean;
  readonly retryIgnorePreviousHosts?: boolean;
  readonly backoff?: string;
}

export interface HTTPFaultDelay {
  readonly fixedDelay?: string;
  readonly exponentialDelay?: string;
  readonly percentage?: Percent;
  /** Deprecated integer percent. */
  readonly percent?: number;
}

export interface HTTPFaultAbort {
  readonly httpStatus?: number;
  readonly grpcStatus?: string;
  readonly http2Error?: string;
  readonly percentage?: Percent;
}

export interface HTTPFaultInjection {
  readonly delay?: HTTPFaultDelay;
  readonly abort?: HTTPFaultAbort;
}

export interface CorsPolicy {
  readonly allowOrigins?: readonly StringMatch[];
  /** Deprecated: exact origins. */
  readonly allowOrigin?: readonly string[];
  readonly allowMethods?: readonly string[];
  readonly allowHeaders?: readonly string[];
  readonly exposeHeaders?: readonly string[];
  readonly maxAge?: string;
  readonly allowCredentials?: boolean;
  readonly unmatchedPreflights?: 'UNSPECIFIED' | 'FORWARD' | 'IGNORE';
}

export interface HTTPMirrorPolicy {
  readonly destination: Destination;
  readonly percentage?: Percent;
}

export interface Delegate {
  readonly name?: string;
  readonly namespace?: string;
}
