/**
 * Envoy's virtual host selection by authority: an exact domain first, then the longest suffix
 * wildcard (`*.example.com`), then the longest prefix wildcard (`example.*`), then `*`. The
 * data path offers several authorities in order of preference (at L4, `IP:port` then `IP`);
 * each step is tried for all of them before the next. Indexes are built once per config.
 */
import type { RouteConfig, VirtualHost } from './route-config.ts';

interface Index {
  readonly exact: ReadonlyMap<string, VirtualHost>;
  readonly suffix: readonly (readonly [string, VirtualHost])[];
  readonly prefix: readonly (readonly [string, VirtualHost])[];
  readonly any: VirtualHost | undefined;
}

const indexes = new WeakMap<RouteConfig, Index>();

function indexOf(config: RouteConfig): Index {
  let idx = indexes.get(config);
  if (idx) return idx;
  const exact = new Map<string, VirtualHost>();
  const suffix: [string, VirtualHost][] = [];
  const prefix: [string, VirtualHost][] = [];
  let any: VirtualHost | undefined;
  for (const vh of config.virtualHosts) {
    for (const d of vh.domains) {
      if (d === '*') any ??= vh;
      else if (d.startsWith('*')) suffix.push([d.slice(1), vh]);
      else if (d.endsWith('*')) prefix.push([d.slice(0, -1), vh]);
      else if (!exact.has(d)) exact.set(d, vh);
    }
  }
  const longestFirst = (a: readonly [string, VirtualHost], b: readonly [string, VirtualHost]): number => b[0].length - a[0].length;
  idx = { exact, suffix: suffix.sort(longestFirst), prefix: prefix.sort(longestFirst), any };
  indexes.set(config, idx);
  return idx;
}

export function selectVirtualHost(config: RouteConfig, authorities: readonly string[]): VirtualHost | undefined {
  const idx = indexOf(config);
  const hosts = authorities.map((a) => a.toLowerCase());
  for (const h of hosts) {
    const vh = idx.exact.get(h);
    if (vh) return vh;
  }
  for (const h of hosts) for (const [s, vh] of idx.suffix) if (h.length > s.length && h.endsWith(s)) return vh;
  for (const h of hosts) for (const [p, vh] of idx.prefix) if (h.length > p.length && h.startsWith(p)) return vh;
  return idx.any;
}
