/**
 * /config_dump with xDS: exactly what the proxy has accepted, per type, as it arrived (proto3
 * JSON with "@type"), each resource with the version it last changed in and when; the last
 * rejected update per resource name; and the bootstrap's static clusters and listeners.
 */
import type { ConfigDumpSource, DumpedResource, Json, ResourceSection } from '../admin/config-dump-source.ts';
import { bootstrapClusters, bootstrapListeners } from '../admin/bootstrap-statics.ts';
import type { TypeState, XdsState } from './state.ts';

function section<T>(t: TypeState<T>, statics: DumpedResource[] = []): ResourceSection {
  const dynamic = t.accepted.all().map((r): DumpedResource => ({
    name: r.name, versionInfo: r.versionInfo, lastUpdated: r.lastUpdated, resource: { '@type': t.translator.typeUrl, ...r.json },
  }));
  return { versionInfo: t.accepted.versionInfo, static: statics, dynamic, rejected: t.accepted.rejected() };
}

export function xdsDumpSource(state: XdsState, bootstrap: Json, startedAt: string): ConfigDumpSource {
  return {
    bootstrap: () => bootstrap,
    clusters: () => section(state.cds, bootstrapClusters(bootstrap, startedAt)),
    listeners: () => section(state.lds, bootstrapListeners(bootstrap, startedAt)),
    routes: () => section(state.rds),
    endpoints: () => section(state.eds),
  } satisfies ConfigDumpSource;
}
