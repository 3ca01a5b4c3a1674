/**
 * /debug/config_dump?proxyID=: what the control plane last sent one proxy, in the shape of
 * Envoy's admin config_dump (ClustersConfigDump, ListenersConfigDump, RoutesConfigDump,
 * EndpointsConfigDump with dynamic entries, each resource carrying its "@type").
 */
import { TypeUrls } from '../../core/xds/type-urls.ts';
import type { Json } from '../xds/generator.ts';
import type { Connection } from '../xds/server/connection.ts';
import type { WatchedResource } from '../xds/server/watched-resource.ts';

const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

/** The connection of a proxy named by its id, `<pod>.<namespace>`, or a unique pod name. */
export function findConnection(connections: readonly Connection[], proxyId: string): Connection | undefined {
  const live = connections.filter((c) => c.proxy);
  const newest = (list: Connection[]): Connection | undefined => list.sort((a, b) => b.connectedAt.getTime() - a.connectedAt.getTime())[0];
  const exact = newest(live.filter((c) => c.proxy?.id === proxyId || c.proxy?.name === proxyId));
  if (exact) return exact;
  const byPod = live.filter((c) => c.proxy?.podName === proxyId);
  return new Set(byPod.map((c) => c.proxy?.id)).size === 1 ? newest(byPod) : undefined;
}

function entries(w: WatchedResource | undefined, typeUrl: string, wrap: (r: Json, meta: Json) => Json): Json[] {
  if (!w) return [];
  const meta = { versionInfo: w.versionSent ?? '', lastUpdated: w.sentAt?.toISOString() ?? '' };
  return w.resourcesSent.map((r) => wrap({ '@type': typeUrl, ...r.resource }, meta));
}

export function configDump(conn: Connection): Json {
  const w = (t: string): WatchedResource | undefined => conn.watched.get(t);
  const version = (t: string): string => w(t)?.versionSent ?? '';
  return {
    configs: [
      {
        '@type': `${ADMIN}ClustersConfigDump`, versionInfo: version(TypeUrls.cluster),
        dynamicActiveClusters: entries(w(TypeUrls.cluster), TypeUrls.cluster, (cluster, m) => ({ versionInfo: m['versionInfo'], cluster, lastUpdated: m['lastUpdated'] })),
      },
      {
        '@type': `${ADMIN}ListenersConfigDump`, versionInfo: version(TypeUrls.listener),
        dynamicListeners: entries(w(TypeUrls.listener), TypeUrls.listener, (listener, m) => ({
          name: listener['name'], activeState: { versionInfo: m['versionInfo'], listener, lastUpdated: m['lastUpdated'] },
        })),
      },
      {
        '@type': `${ADMIN}RoutesConfigDump`,
        dynamicRouteConfigs: entries(w(TypeUrls.routeConfiguration), TypeUrls.routeConfiguration, (routeConfig, m) => ({ versionInfo: m['versionInfo'], routeConfig, lastUpdated: m['lastUpdated'] })),
      },
      {
        '@type': `${ADMIN}EndpointsConfigDump`,
        dynamicEndpointConfigs: entries(w(TypeUrls.clusterLoadAssignment), TypeUrls.clusterLoadAssignment, (endpointConfig, m) => ({ versionInfo: m['versionInfo'], endpointConfig, lastUpdated: m['lastUpdated'] })),
      },
    ],
  };
}
