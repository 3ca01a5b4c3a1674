/**
 * A small, pure simulation of how Envoy would route a request through generated config, for
 * tests and debugging (as Istio's pilot simulation tests do): the virtual host by Host header
 * (exact, then `*.suffix`, then `prefix*`, then `*`), then the first route whose match holds
 * (path prefix/exact/RE2 regex with case sensitivity, headers with present/exact/prefix/suffix/
 * contains/regex and inversion, query parameters). The answer names the cluster (or weighted
 * clusters, redirect, direct response) and the route's policies.
 */
import { compileRe2 } from '../../config/schema/re2.ts';
import type { Json } from '../generator.ts';

export interface SimRequest {
  readonly host: string;
  readonly path?: string;
  readonly method?: string;
  readonly scheme?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SimResult {
  readonly outcome: 'route' | 'redirect' | 'direct-response' | 'no-virtual-host' | 'no-route';
  readonly virtualHost?: string;
  readonly routeName?: string;
  readonly cluster?: string;
  readonly weightedClusters?: readonly { readonly name: string; readonly weight: number }[];
  readonly status?: number;
  readonly route?: Json;
}

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

function pickVirtualHost(vhosts: Obj[], host: string): Obj | undefined {
  const h = host.toLowerCase();
  const domains = (vh: Obj): string[] => (vh['domains'] as string[] | undefined ?? []).map((d) => d.toLowerCase());
  const exact = vhosts.find((vh) => domains(vh).includes(h));
  if (exact) return exact;
  let best: { vh: Obj; len: number; kind: number } | undefined;
  for (const vh of vhosts) {
    for (const d of domains(vh)) {
      let kind = -1;
      if (d === '*') kind = 0;
      else if (d.startsWith('*') && h.endsWith(d.slice(1)) && h.length > d.length - 1) kind = 2;
      else if (d.endsWith('*') && h.startsWith(d.slice(0, -1)) && h.length > d.length - 1) kind = 1;
      if (kind < 0) continue;
      if (!best || kind > best.kind || (kind === best.kind && d.length > best.len)) best = { vh, len: d.length, kind };
    }
  }
  return best?.vh;
}

function stringMatches(m: Obj, value: string, ignoreCase = false): boolean {
  const norm = (s: string): string => (ignoreCase || m['ignoreCase'] === true ? s.toLowerCase() : s);
  if (typeof m['exact'] === 'string') return norm(value) === norm(m['exact']);
  if (typeof m['prefix'] === 'string') return norm(value).startsWith(norm(m['prefix']));
  if (typeof m['suffix'] === 'string') return norm(value).endsWith(norm(m['suffix']));
  if (typeof m['contains'] === 'string') return norm(value).includes(norm(m['contains']));
  const re = (m['safeRegex'] as Obj | undefined)?.['regex'];
  if (typeof re === 'string') return compileRe2(re, { anchored: true }).test(value);
  return false;
}

function valueMatches(matcher: Obj, value: string | undefined): boolean {
  let ok: boolean;
  if (matcher['presentMatch'] !== undefined) ok = (value !== undefined) === (matcher['presentMatch'] === true);
  else if (value === undefined) ok = false;
  else if (matcher['stringMatch']) ok = stringMatches(matcher['stringMatch'] as Obj, value);
  else if (typeof matcher['exactMatch'] === 'string') ok = value === matcher['exactMatch'];
  else if (typeof matcher['prefixMatch'] === 'string') ok = value.startsWith(matcher['prefixMatch']);
  else ok = true;
  return matcher['invertMatch'] === true ? !ok : ok;
}

function routeMatches(match: Obj, req: SimRequest, path: string, query: URLSearchParams): boolean {
  const caseSensitive = match['caseSensitive'] !== false;
  const p = caseSensitive ? path : path.toLowerCase();
  const fold = (s: string): string => (caseSensitive ? s : s.toLowerCase());
  if (typeof match['prefix'] === 'string' && !p.startsWith(fold(match['prefix']))) return false;
  if (typeof match['path'] === 'string' && p !== fold(match['path'])) return false;
  const re = (match['safeRegex'] as Obj | undefined)?.['regex'];
  if (typeof re === 'string' && !compileRe2(caseSensitive ? re : `(?i)${re}`, { anchored: true }).test(path)) return false;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  headers[':authority'] = req.host;
  headers[':method'] = req.method ?? 'GET';
  headers[':path'] = req.path ?? '/';
  headers[':scheme'] = req.scheme ?? 'http';
  for (const h of arr(match['headers'])) if (!valueMatches(h, headers[String(h['name']).toLowerCase()])) return false;
  for (const q of arr(match['queryParameters'])) if (!valueMatches(q, query.get(String(q['name'])) ?? undefined)) return false;
  return true;
}

export function simulateRoute(routeConfig: Json, req: SimRequest): SimResult {
  const vh = pickVirtualHost(arr(routeConfig['virtualHosts']), req.host);
  if (!vh) return { outcome: 'no-virtual-host' };
  const [path = '/', qs = ''] = (req.path ?? '/').split('?', 2);
  const query = new URLSearchParams(qs);
  const route = arr(vh['routes']).find((r) => routeMatches((r['match'] ?? {}) as Obj, req, path, query));
  const base = { virtualHost: String(vh['name']) };
  if (!route) return { outcome: 'no-route', ...base };
  const named = { ...base, ...(typeof route['name'] === 'string' ? { routeName: route['name'] } : {}) };
  if (route['redirect']) return { outcome: 'redirect', ...named, route };
  if (route['directResponse']) return { outcome: 'direct-response', ...named, status: Number((route['directResponse'] as Obj)['status']), route };
  const action = (route['route'] ?? {}) as Obj;
  const weighted = (action['weightedClusters'] as Obj | undefined)?.['clusters'];
  if (Array.isArray(weighted)) {
    return { outcome: 'route', ...named, route, weightedClusters: (weighted as Obj[]).map((c) => ({ name: String(c['name']), weight: Number(c['weight'] ?? 0) })) };
  }
  return { outcome: 'route', ...named, route, cluster: String(action['cluster']) };
}

/** The cluster a weighted choice lands on for a uniform draw `u` in [0, 1). */
export function pickWeighted(clusters: readonly { readonly name: string; readonly weight: number }[], u: number): string | undefined {
  const total = clusters.reduce((s, c) => s + c.weight, 0);
  let at = u * total;
  for (const c of clusters) {
    if (at < c.weight) return c.name;
    at -= c.weight;
  }
  return clusters[clusters.length - 1]?.name;
}
