/**
 * Route configuration as the data path holds it: Envoy's RouteConfiguration (from RDS, or
 * inline in an HTTP connection manager), validated and frozen. Virtual hosts by domains, each
 * with its routes in order; a route ends at one cluster, weighted clusters, or no upstream at
 * all (a direct response or redirect, which needs the HTTP codecs).
 */

export interface WeightedTarget {
  readonly name: string;
  readonly weight: number;
}

export type ClusterTarget =
  | { readonly kind: 'cluster'; readonly cluster: string }
  | { readonly kind: 'weighted'; readonly clusters: readonly WeightedTarget[]; readonly total: number }
  | { readonly kind: 'direct'; readonly what: 'direct_response' | 'redirect'; readonly status: number };

export interface RouteEntry {
  readonly name: string;
  readonly target: ClusterTarget;
}

export interface VirtualHost {
  readonly name: string;
  /** Lower-cased, as Envoy compares them. */
  readonly domains: readonly string[];
  readonly routes: readonly RouteEntry[];
}

export interface RouteConfig {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
}
