/**
 * Admin `/config_dump`: Envoy's envoy.admin.v3.ConfigDump in proto3 JSON (lowerCamelCase, the
 * form src/core/xds decodes and encodes), built from a ConfigDumpSource: BootstrapConfigDump,
 * ClustersConfigDump, ListenersConfigDump, RoutesConfigDump and, with `?include_eds`,
 * EndpointsConfigDump. `?resource=dynamic_active_clusters` (any repeated field of those, snake or
 * camel case) lists that field's entries one per config; `?mask=` trims each config (or entry);
 * `?name_regex=` keeps the resources whose name matches.
 */
import { json, text, type HttpReply } from '../core/http-server.ts';
import type { ConfigDumpSource, DumpedResource, Json, RejectedResource, ResourceSection } from './config-dump-source.ts';
import { applyFieldMask } from './field-mask.ts';

const T = 'type.googleapis.com/envoy.admin.v3.';

const errorState = (r: RejectedResource): Json => ({
  failedConfiguration: r.failedConfiguration, lastUpdateAttempt: r.lastUpdateAttempt, details: r.details, versionInfo: r.versionInfo,
});

/** Dynamic entries, with the rejected update of a name attached to its entry (or on its own). */
function dynamicEntries(s: ResourceSection, active: (d: DumpedResource) => Json, nameOnly: (name: string) => Json): Json[] {
  const rejected = new Map(s.rejected.map((r) => [r.name, r]));
  const out = s.dynamic.map((d) => {
    const r = rejected.get(d.name);
    rejected.delete(d.name);
    return r ? { ...active(d), errorState: errorState(r), clientStatus: 'NACKED' } : active(d);
  });
  for (const r of rejected.values()) out.push({ ...nameOnly(r.name), errorState: errorState(r), clientStatus: 'NACKED' });
  return out;
}

const nonEmpty = (key: string, list: readonly unknown[]): Json => (list.length > 0 ? { [key]: list } : {});

function configs(src: ConfigDumpSource, includeEds: boolean, now: string): Json[] {
  const c = src.clusters();
  const l = src.listeners();
  const r = src.routes();
  const out: Json[] = [
    { '@type': `${T}BootstrapConfigDump`, bootstrap: src.bootstrap(), lastUpdated: now },
    {
      '@type': `${T}ClustersConfigDump`,
      ...(c.versionInfo ? { versionInfo: c.versionInfo } : {}),
      ...nonEmpty('staticClusters', c.static.map((s) => ({ cluster: s.resource, lastUpdated: s.lastUpdated }))),
      ...nonEmpty('dynamicActiveClusters', dynamicEntries(c, (d) => ({ versionInfo: d.versionInfo, cluster: d.resource, lastUpdated: d.lastUpdated }), () => ({}))),
    },
    {
      '@type': `${T}ListenersConfigDump`,
      ...(l.versionInfo ? { versionInfo: l.versionInfo } : {}),
      ...nonEmpty('staticListeners', l.static.map((s) => ({ listener: s.resource, lastUpdated: s.lastUpdated }))),
      ...nonEmpty('dynamicListeners', dynamicEntries(l, (d) => ({ name: d.name, activeState: { versionInfo: d.versionInfo, listener: d.resource, lastUpdated: d.lastUpdated } }), (name) => ({ name }))),
    },
    {
      '@type': `${T}RoutesConfigDump`,
      ...nonEmpty('staticRouteConfigs', r.static.map((s) => ({ routeConfig: s.resource, lastUpdated: s.lastUpdated }))),
      ...nonEmpty('dynamicRouteConfigs', dynamicEntries(r, (d) => ({ versionInfo: d.versionInfo, routeConfig: d.resource, lastUpdated: d.lastUpdated }), () => ({}))),
    },
  ];
  if (includeEds) {
    const e = src.endpoints();
    out.push({
      '@type': `${T}EndpointsConfigDump`,
      ...nonEmpty('staticEndpointConfigs', e.static.map((s) => ({ endpointConfig: s.resource, lastUpdated: s.lastUpdated }))),
      ...nonEmpty('dynamicEndpointConfigs', dynamicEntries(e, (d) => ({ versionInfo: d.versionInfo, endpointConfig: d.resource, lastUpdated: d.lastUpdated }), () => ({}))),
    });
  }
  return out;
}

/** `?resource=` field (lowerCamelCase) -> the message type of its entries. */
const entryTypes: Readonly<Record<string, string>> = {
  staticClusters: 'ClustersConfigDump.StaticCluster',
  dynamicActiveClusters: 'ClustersConfigDump.DynamicCluster',
  staticListeners: 'ListenersConfigDump.StaticListener',
  dynamicListeners: 'ListenersConfigDump.DynamicListener',
  staticRouteConfigs: 'RoutesConfigDump.StaticRouteConfig',
  dynamicRouteConfigs: 'RoutesConfigDump.DynamicRouteConfig',
  staticEndpointConfigs: 'EndpointsConfigDump.StaticEndpointConfig',
  dynamicEndpointConfigs: 'EndpointsConfigDump.DynamicEndpointConfig',
};

function filterByName(section: ResourceSection, re: RegExp): ResourceSection {
  const keep = (x: { name: string }): boolean => re.test(x.name);
  return { versionInfo: section.versionInfo, static: section.static.filter(keep), dynamic: section.dynamic.filter(keep), rejected: section.rejected.filter(keep) };
}

function named(src: ConfigDumpSource, re: RegExp): ConfigDumpSource {
  return {
    bootstrap: () => src.bootstrap(),
    clusters: () => filterByName(src.clusters(), re),
    listeners: () => filterByName(src.listeners(), re),
    routes: () => filterByName(src.routes(), re),
    endpoints: () => filterByName(src.endpoints(), re),
  } satisfies ConfigDumpSource;
}

export function configDumpHandler(source: () => ConfigDumpSource) {
  return (_req: unknown, url: URL): HttpReply => {
    const q = url.searchParams;
    let src = source();
    const nameRegex = q.get('name_regex');
    if (nameRegex) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${nameRegex})$`);
      } catch {
        return text(400, `invalid name_regex: ${nameRegex}\n`);
      }
      src = named(src, re);
    }
    const resource = q.get('resource');
    const mask = q.get('mask');
    const resourceField = resource?.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
    const all = configs(src, q.has('include_eds') || resourceField?.includes('Endpoint') === true, new Date().toISOString());
    if (resourceField !== undefined) {
      const type = entryTypes[resourceField];
      if (!type) return text(404, `${resource ?? ''} not found in config dump\n`);
      const entries = all.flatMap((c) => (c[resourceField] as Json[] | undefined) ?? []);
      return json(200, { configs: entries.map((e) => (mask ? applyFieldMask({ '@type': `${T}${type}`, ...e }, mask) : { '@type': `${T}${type}`, ...e })) });
    }
    return json(200, { configs: mask ? all.map((c) => applyFieldMask(c, mask)) : all });
  };
}
