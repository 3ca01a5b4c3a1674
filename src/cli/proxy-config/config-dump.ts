/**
 * Reading Envoy's admin /config_dump (proto3 JSON): the bootstrap, and the active listeners,
 * clusters, route configurations and endpoints, whether static or from xDS. What istioctl
 * proxy-config reads; Mizzen's sidecar serves the same shape.
 */

export type Json = Record<string, unknown>;

/** Keys whose values are user maps (filter metadata, labels): their keys are data, not field names. */
const USER_MAPS = new Set(['filterMetadata', 'typedFilterMetadata', 'labels', 'LABELS', 'fields']);

/** A node's metadata is a user map; a cluster's or route's metadata is Envoy's Metadata message. */
const isUserMap = (key: string, parent: string): boolean => USER_MAPS.has(key) || (key === 'metadata' && parent === 'node');

const camel = (k: string): string => (/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/.test(k) ? k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : k);

/**
 * Envoy's admin writes proto field names (snake_case); istioctl, and proto3 JSON, use
 * lowerCamelCase. Accept either: field names become camelCase, user maps are kept as they are.
 */
export function normalizeDump<T>(v: T, inUserMap = false, parent = ''): T {
  if (Array.isArray(v)) return v.map((x) => normalizeDump(x, false, parent)) as T;
  if (typeof v !== 'object' || v === null) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) {
    const key = inUserMap ? k : camel(k);
    out[key] = inUserMap ? x : normalizeDump(x, isUserMap(key, parent), key);
  }
  return out as T;
}

export interface ConfigDump {
  readonly configs?: readonly Json[];
}

const typeIs = (c: Json, name: string): boolean => String(c['@type'] ?? '').endsWith(`.${name}`);

function section(dump: ConfigDump, name: string): Json | undefined {
  return dump.configs?.find((c) => typeIs(c, name));
}

const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

export function bootstrapOf(dump: ConfigDump): Json | undefined {
  return section(dump, 'BootstrapConfigDump')?.['bootstrap'] as Json | undefined;
}

export function listenersOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'ListenersConfigDump') ?? {};
  return [
    ...arr(s['staticListeners']).map((l) => l['listener'] as Json),
    ...arr(s['dynamicListeners']).map((l) => ((l['activeState'] as Json | undefined)?.['listener'] ?? (l['warmingState'] as Json | undefined)?.['listener']) as Json),
  ].filter(Boolean);
}

export function clustersOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'ClustersConfigDump') ?? {};
  return [...arr(s['staticClusters']), ...arr(s['dynamicActiveClusters'])].map((c) => c['cluster'] as Json).filter(Boolean);
}

export function routesOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'RoutesConfigDump') ?? {};
  return [...arr(s['staticRouteConfigs']), ...arr(s['dynamicRouteConfigs'])].map((r) => r['routeConfig'] as Json).filter(Boolean);
}

export function endpointsOf(dump: ConfigDump): Json[] {
  const s = section(dump, 'EndpointsConfigDump') ?? {};
  return [...arr(s['staticEndpointConfigs']), ...arr(s['dynamicEndpointConfigs'])].map((e) => e['endpointConfig'] as Json).filter(Boolean);
}

export function socketAddress(a: unknown): { address: string; port: number } | undefined {
  const sa = (a as Json | undefined)?.['socketAddress'] as Json | undefined;
  if (!sa) return undefined;
  return { address: String(sa['address'] ?? ''), port: Number(sa['portValue'] ?? 0) };
}

/** A filter's typed config, if it is the named filter. */
export function filterConfig(filters: unknown, name: string): Json | undefined {
  const f = arr(filters).find((x) => x['name'] === name);
  return f?.['typedConfig'] as Json | undefined;
}

/** `outbound|9080|v1|reviews.default.svc.cluster.local` -> its parts. */
export function parseClusterName(name: string): { direction: string; port: string; subset: string; fqdn: string } | undefined {
  const parts = name.split('|');
  if (parts.length !== 4) return undefined;
  const [direction = '', port = '', subset = '', fqdn = ''] = parts;
  return { direction, port, subset, fqdn };
}
