/**
 * envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy -> TcpProxyRoute: the stat prefix, the
 * cluster or weighted clusters, idle_timeout (absent: Envoy's default of 1 h, applied by the
 * session; `0s` disables it) and max_downstream_connection_duration. Access logs and tunnelling
 * are not applied.
 */
import type { TcpProxyRoute } from '../../filter-chain/filter-chain-config.ts';
import { durationMs, obj, str, type At } from './fields.ts';
import { weightedTarget } from './route-configuration.ts';

export const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

export function translateTcpProxy(v: unknown, at: At): TcpProxyRoute {
  const t = obj(v, at);
  const statPrefix = str(t['statPrefix'], at.field('statPrefix'), true);
  if (t['onDemand'] !== undefined || t['tunnelingConfig'] !== undefined) at.fail('on-demand clusters and tunnelling are not supported');
  const maxDurationMs = durationMs(t['maxDownstreamConnectionDuration'], at.field('maxDownstreamConnectionDuration'), 0);
  const idle = {
    ...(t['idleTimeout'] === undefined ? {} : { idleTimeoutMs: durationMs(t['idleTimeout'], at.field('idleTimeout'), 0) }),
    ...(maxDurationMs > 0 ? { maxDurationMs } : {}),
  };
  if (t['cluster'] !== undefined) return { kind: 'tcp_proxy', statPrefix, target: { kind: 'cluster', cluster: str(t['cluster'], at.field('cluster'), true) }, ...idle };
  if (t['weightedClusters'] !== undefined) return { kind: 'tcp_proxy', statPrefix, target: weightedTarget(t['weightedClusters'], at.field('weightedClusters')), ...idle };
  return at.fail('needs a cluster or weightedClusters');
}
