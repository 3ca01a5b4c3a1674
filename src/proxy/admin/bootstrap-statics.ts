/**
 * The bootstrap's static resources as config_dump lists them: Envoy shows the bootstrap's
 * static clusters (xds-grpc, prometheus_stats, agent) and listeners (15090, 15021) beside the
 * dynamic ones.
 */
import type { DumpedResource, Json } from './config-dump-source.ts';

const T = 'type.googleapis.com/envoy.config.';

function statics(bootstrap: Json, field: 'clusters' | 'listeners', type: string, at: string): DumpedResource[] {
  const sr = (bootstrap['staticResources'] ?? {}) as Json;
  const list = (sr[field] ?? []) as Json[];
  return list.map((r) => ({ name: String(r['name'] ?? ''), versionInfo: '', lastUpdated: at, resource: { '@type': `${T}${type}`, ...r } }));
}

export const bootstrapClusters = (bootstrap: Json, at: string): DumpedResource[] => statics(bootstrap, 'clusters', 'cluster.v3.Cluster', at);
export const bootstrapListeners = (bootstrap: Json, at: string): DumpedResource[] => statics(bootstrap, 'listeners', 'listener.v3.Listener', at);
