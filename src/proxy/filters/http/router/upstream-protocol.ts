/**
 * Which HTTP protocol a request uses upstream: the cluster's explicit choice (HTTP/2 for
 * http2/grpc ports and h2UpgradePolicy UPGRADE, HTTP/1.1 otherwise), or the downstream's own
 * protocol for clusters that use the downstream protocol (Istio's inbound and sniffed ports).
 */
import type { Cluster } from '../../../cluster/cluster.ts';
import type { UpstreamProtocol } from '../../../cluster/pool/conn-pool.ts';
import type { HttpProtocol } from '../../../core/http-stream-info.ts';

export function upstreamProtocol(cluster: Cluster, downstream: HttpProtocol): UpstreamProtocol {
  const p = cluster.http.protocol;
  if (p === 'downstream') return downstream === 'HTTP/2' ? 'http2' : 'http1';
  return p;
}
