/**
 * Route configuration as the data path holds it: Envoy's RouteConfiguration (from RDS, or
 * inline in an HTTP connection manager), validated and frozen. Virtual hosts by domains, each
 * with its routes in order; a route has a match, an action (forward, redirect or direct
 * response), header edits, a decorator and per-filter settings. `target` keeps what the L4
 * path needs: one cluster, weighted clusters, a cluster named by a request header, or no
 * upstream at all.
 */
import type { PerFilterConfig } from './filter-config.ts';
import type { HeaderMutations } from './header-mutation-config.ts';
import type { RetryPolicy } from './retry-policy-config.ts';
import type { RouteAction } from './route-action-config.ts';
import type { RouteMatch } from './route-match-config.ts';

export interface WeightedTarget {
  readonly name: string;
  readonly weight: number;
  /** The ClusterWeight's own header edits (RDS only), applied before the route's. */
  readonly headers?: HeaderMutations;
  readonly hostRewriteLiteral?: string;
}

export type ClusterTarget =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | { readonly kind: 'weighted'; readonly clusters: readonly WeightedTarget[]; readonly total: number }
  | { readonly kind: 'cluster_header'; readonly header: string }
  | { readonly kind: 'direct'; readonly what: 'direct_response' | 'redirect'; readonly status: number };

export interface RouteEntry {
  readonly name: string;
  readonly target: ClusterTarget;
  readonly match: RouteMatch;
  readonly action: RouteAction;
  readonly headers: HeaderMutations;
  /** decorator.operation (the span name), if set. */
  readonly decorator: string | undefined;
  readonly perFilter: PerFilterConfig;
  readonly statPrefix: string;
}

export interface VirtualHost {
  readonly name: string;
  /** Lower-cased, as Envoy compares them. */
  readonly domains: readonly string[];
  readonly routes: readonly RouteEntry[];
  readonly headers: HeaderMutations;
  /** The retry policy of routes without their own. */
  readonly retryPolicy: RetryPolicy | undefined;
  readonly perFilter: PerFilterConfig;
  /** x-envoy-attempt-count on upstream requests / on downstream responses. */
  readonly includeRequestAttemptCount: boolean;
  readonly includeAttemptCountInResponse: boolean;
}

export interface RouteConfig {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  readonly headers: HeaderMutations;
  /** Apply route, then virtual host, then configuration edits in reverse, so the most specific wins. */
  readonly mostSpecificHeaderMutationsWins: boolean;
  /** Match virtual hosts on the authority without its port. */
  readonly ignorePortInHostMatching: boolean;
  readonly perFilter: PerFilterConfig;
}
