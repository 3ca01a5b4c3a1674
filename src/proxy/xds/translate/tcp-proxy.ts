/**
 * envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy -> TcpProxyRoute: the stat prefix and
 * the cluster or weighted clusters. Idle timeout, access logs and tunnelling are not applied.
 */
import type { TcpProxyRoute } from '../../filter-chain/filter-chain-config.ts';
import { obj, str, type At } from './fields.ts';
import { weightedTarget } from './route-configuration.ts';

export const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

export function translateTcpProxy(v: unknown, at: At): TcpProxyRoute {
  const t = obj(v, at);
  const statPrefix = str(t['statPrefix'], at.field('statPrefix'), true);
  if (t['onDemand'] !== undefined || t['tunnelingConfig'] !== undefined) at.fail('on-demand clusters and tunnelling are not supported');
  if (t['cluster'] !== undefined) return { kind: 'tcp_proxy', statPrefix, target: { kind: 'cluster', cluster: str(t['cluster'], at.field('cluster'), true) } };
  if (t['weightedClusters'] !== undefined) return { kind: 'tcp_proxy', statPrefix, target: weightedTarget(t['weightedClusters'], at.field('weightedClusters')) };
  return at.fail('needs a cluster or weightedClusters');
}
