/**
 * The cluster a route (or tcp_proxy) sends a request or connection to: the one cluster, one of
 * the weighted clusters drawn in proportion to its weight (as Envoy draws per request, or per
 * connection at L4), or, for HTTP, the cluster a request header names. A target without an
 * upstream (direct response, redirect) yields undefined, and so does cluster_header at L4.
 */
import type { HeaderMap } from '../core/http-stream-info.ts';
import type { Random } from '../core/random.ts';
import type { ClusterTarget, WeightedTarget } from './route-config.ts';

/** The weighted cluster a uniform draw lands on. */
export function pickWeighted(target: Extract<ClusterTarget, { kind: 'weighted' }>, random: Random): WeightedTarget | undefined {
  let at = Math.floor(random() * target.total);
  for (const c of target.clusters) {
    if (at < c.weight) return c;
    at -= c.weight;
  }
  return target.clusters.at(-1);
}

export function pickCluster(target: ClusterTarget, random: Random): string | undefined {
  if (target.kind === 'cluster') return target.cluster;
  if (target.kind === 'weighted') return pickWeighted(target, random)?.name;
  return undefined;
}

/** The cluster of one HTTP request, with the chosen ClusterWeight (its header edits) when weighted. */
export interface ChosenCluster {
  readonly name: string;
  readonly weighted: WeightedTarget | undefined;
}

/**
 * The cluster for a request: cluster_header takes the header's (first) value, and an absent or
 * empty header yields undefined; the router then answers cluster_not_found_response_code.
 */
export function chooseCluster(target: ClusterTarget, headers: HeaderMap, random: Random): ChosenCluster | undefined {
  switch (target.kind) {
    case 'cluster': return { name: target.cluster, weighted: undefined };
    case 'weighted': {
      const w = pickWeighted(target, random);
      return w ? { name: w.name, weighted: w } : undefined;
    }
    case 'cluster_header': {
      const v = headers[target.header];
      const name = Array.isArray(v) ? v[0] : v;
      return name ? { name, weighted: undefined } : undefined;
    }
    case 'direct': return undefined;
  }
}
