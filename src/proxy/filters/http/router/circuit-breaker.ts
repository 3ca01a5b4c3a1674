/**
 * Envoy's per-cluster circuit breakers for HTTP requests: requests in flight count against
 * max_requests (HTTP/2) or, for HTTP/1.1, against max_connections plus max_pending_requests
 * (a request beyond the connection limit waits as pending). Retries count against
 * max_retries. Past a limit the router answers 503 with UO.
 */
import type { Cluster } from '../../../cluster/cluster.ts';
import type { UpstreamProtocol } from '../../../cluster/pool/conn-pool.ts';

interface Counts {
  requests: number;
  retries: number;
}

const counts = new Map<string, Counts>();

function of(cluster: Cluster): Counts {
  let c = counts.get(cluster.name);
  if (!c) {
    c = { requests: 0, retries: 0 };
    counts.set(cluster.name, c);
  }
  return c;
}

/** Takes a request slot; false means overflow (UO). Call `release` exactly once after a true. */
export function admitRequest(cluster: Cluster, protocol: UpstreamProtocol): boolean {
  const c = of(cluster);
  const limit = protocol === 'http2' ? cluster.http.maxRequests : cluster.maxConnections + cluster.http.maxPendingRequests;
  if (c.requests >= limit) return false;
  c.requests++;
  return true;
}

export function releaseRequest(cluster: Cluster): void {
  const c = of(cluster);
  if (c.requests > 0) c.requests--;
}

/** Takes a retry slot; false means the retry budget (max_retries) is used up. */
export function admitRetry(cluster: Cluster): boolean {
  const c = of(cluster);
  if (c.retries >= cluster.http.maxRetries) return false;
  c.retries++;
  return true;
}

export function releaseRetry(cluster: Cluster): void {
  const c = of(cluster);
  if (c.retries > 0) c.retries--;
}

export function activeRequests(clusterName: string): number {
  return counts.get(clusterName)?.requests ?? 0;
}
