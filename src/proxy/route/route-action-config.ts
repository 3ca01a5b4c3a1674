/**
 * What a matched route does (Envoy's Route action oneof): forward upstream (`route`: the cluster
 * choice, timeouts, retries, rewrites, hashing, mirrors, upgrades, CORS), answer with a
 * redirect, or answer directly with a status and body.
 */
import type { CorsPolicy } from './filter-config.ts';
import type { Fraction } from './fraction.ts';
import type { RetryPolicy } from './retry-policy-config.ts';
import type { ClusterTarget } from './route-config.ts';

export type HashPolicy = (
  | { readonly kind: 'header'; readonly headerName: string }
  | { readonly kind: 'cookie'; readonly name: string; readonly path: string; readonly ttlMs: number | undefined }
  | { readonly kind: 'sourceIp' }
  | { readonly kind: 'queryParameter'; readonly name: string }
) & { readonly terminal: boolean };

export interface RequestMirrorPolicy {
  readonly cluster: string;
  /** runtime_fraction.default_value; 100% when not set. */
  readonly percent: Fraction;
  readonly traceSampled: boolean | undefined;
}

export interface RegexRewrite {
  readonly pattern: string;
  /** Compiled once; not global (route-rewrite.ts keeps a global copy per pattern). */
  readonly regex: RegExp;
  /** RE2's substitution: `\0`..`\9` name capture groups, `\\` is a backslash. */
  readonly substitution: string;
}

export interface UpgradeConfig {
  /** Lower case, e.g. "websocket". */
  readonly upgradeType: string;
  readonly enabled: boolean;
}

export interface ForwardAction {
  readonly kind: 'route';
  /** cluster, weighted_clusters or cluster_header (the same object as RouteEntry.target). */
  readonly target: ClusterTarget;
  /** cluster_not_found_response_code: 503 (default), 404 or 500. */
  readonly clusterNotFoundStatus: number;
  /** Envoy's default 15 s; 0 disables the timeout (Istio emits 0s unless the VirtualService sets one). */
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number | undefined;
  /** undefined: the virtual host's, if any. */
  readonly retryPolicy: RetryPolicy | undefined;
  readonly prefixRewrite: string | undefined;
  readonly regexRewrite: RegexRewrite | undefined;
  readonly hostRewriteLiteral: string | undefined;
  readonly autoHostRewrite: boolean;
  readonly appendXForwardedHost: boolean;
  readonly hashPolicy: readonly HashPolicy[];
  readonly requestMirrorPolicies: readonly RequestMirrorPolicy[];
  readonly maxStreamDuration: {
    readonly maxStreamDurationMs: number | undefined;
    readonly grpcTimeoutHeaderMaxMs: number | undefined;
    readonly grpcTimeoutHeaderOffsetMs: number | undefined;
  };
  readonly upgradeConfigs: readonly UpgradeConfig[];
  readonly cors: CorsPolicy | undefined;
}

export interface RedirectAction {
  readonly kind: 'redirect';
  /** scheme_redirect, or "https" for https_redirect. */
  readonly schemeRedirect: string | undefined;
  readonly hostRedirect: string | undefined;
  readonly portRedirect: number | undefined;
  readonly pathRedirect: string | undefined;
  readonly prefixRewrite: string | undefined;
  readonly regexRewrite: RegexRewrite | undefined;
  /** 301 (MOVED_PERMANENTLY, the default), 302, 303, 307 or 308. */
  readonly status: number;
  readonly stripQuery: boolean;
}

export interface DirectResponseAction {
  readonly kind: 'directResponse';
  readonly status: number;
  /** The inline body (inline_string, or inline_bytes decoded as UTF-8); '' when none. */
  readonly body: string;
}

export type RouteAction = ForwardAction | RedirectAction | DirectResponseAction;
