/**
 * Delegate VirtualServices (Istio's mergeVirtualServicesIfNeeded): a root VirtualService (one
 * with hosts) whose HTTP rule says `delegate: {name, namespace}` takes that rule's place with
 * the delegate's HTTP rules (a VirtualService without hosts, in `namespace` or the root's own).
 * Each delegate match must be a subset of one of the root rule's matches (no conflict in uri,
 * scheme, method, authority, headers, withoutHeaders, queryParams, ignoreUriCase, port,
 * sourceNamespace, sourceLabels, gateways); the merged match is the delegate's with the root's
 * conditions filled in, and a delegate rule with a conflicting match is dropped. The delegate's
 * rule keeps its own policies and takes the root's where it has none. A delegate that is
 * missing, or not exported to the root's namespace, drops only that root rule. Destination hosts
 * of a delegate are resolved in the delegate's namespace, as Istio resolves short names per
 * VirtualService. Delegates themselves (no hosts) route nothing and are left out.
 */
import { toFqdn } from '../config/hosts.ts';
import type { Resource } from '../config/resource.ts';
import type { Destination } from '../config/types/destination.ts';
import type { HTTPMatchRequest } from '../config/types/http-match.ts';
import type { HTTPRoute } from '../config/types/http-route.ts';
import type { StringMatch } from '../config/types/string-match.ts';
import { exportedTo } from './visibility.ts';

type VirtualService = Resource<'VirtualService'>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const isDelegate = (vs: VirtualService): boolean => (vs.spec.hosts ?? []).length === 0;

/** Istio's stringMatchConflict: whether `leaf` can match something `root` does not. */
export function stringMatchConflict(root: StringMatch | undefined, leaf: StringMatch | undefined): boolean {
  if (!root || !leaf) return false;
  if (root.regex && (leaf.regex || leaf.prefix || leaf.exact)) return true;
  if (leaf.regex && (root.regex || root.prefix || root.exact)) return true;
  if (root.exact) return leaf.prefix !== undefined && leaf.prefix !== '' ? true : leaf.exact !== root.exact;
  if (root.prefix) {
    if (leaf.prefix) return !leaf.prefix.startsWith(root.prefix);
    if (leaf.exact) return !leaf.exact.startsWith(root.prefix);
  }
  return true;
}

function mapConflict(root: Readonly<Record<string, StringMatch>> | undefined, leaf: Readonly<Record<string, StringMatch>> | undefined): boolean {
  return Object.entries(leaf ?? {}).some(([k, v]) => stringMatchConflict(root?.[k], v));
}

/** Istio's hasConflict: whether the delegate match `leaf` is not within the root match. */
export function matchConflict(root: HTTPMatchRequest, leaf: HTTPMatchRequest): boolean {
  const fields = ['uri', 'scheme', 'method', 'authority'] as const;
  if (fields.some((f) => stringMatchConflict(root[f], leaf[f]))) return true;
  if (mapConflict(root.headers, leaf.headers) || mapConflict(root.withoutHeaders, leaf.withoutHeaders) || mapConflict(root.queryParams, leaf.queryParams)) return true;
  if ((root.ignoreUriCase ?? false) !== (leaf.ignoreUriCase ?? false)) return true;
  if (root.port && leaf.port && root.port !== leaf.port) return true;
  if (root.sourceNamespace && leaf.sourceNamespace !== root.sourceNamespace) return true;
  if (Object.entries(leaf.sourceLabels ?? {}).some(([k, v]) => root.sourceLabels?.[k] !== undefined && root.sourceLabels[k] !== v)) return true;
  const rg = root.gateways ?? [];
  const lg = leaf.gateways ?? [];
  return rg.length > 0 && lg.length > 0 && (rg.length < lg.length || lg.some((g) => !rg.includes(g)));
}

const joinName = (root: string | undefined, leaf: string | undefined): string | undefined => (!leaf ? root : root ? `${root}-${leaf}` : leaf);
const mergeMaps = <V>(a: Readonly<Record<string, V>> | undefined, b: Readonly<Record<string, V>> | undefined): Record<string, V> | undefined =>
  a || b ? { ...a, ...b } : undefined;

function mergeMatch(root: HTTPMatchRequest, leaf: HTTPMatchRequest): HTTPMatchRequest {
  const out: Mutable<HTTPMatchRequest> = { ...leaf };
  const name = joinName(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  for (const f of ['uri', 'scheme', 'method', 'authority'] as const) if (out[f] === undefined && root[f] !== undefined) out[f] = root[f];
  for (const f of ['headers', 'withoutHeaders', 'queryParams'] as const) {
    const merged = mergeMaps(root[f], leaf[f]);
    if (merged) out[f] = merged;
  }
  const labels = mergeMaps(root.sourceLabels, leaf.sourceLabels);
  if (labels) out.sourceLabels = labels;
  if (!out.port && root.port) out.port = root.port;
  if (!out.sourceNamespace && root.sourceNamespace) out.sourceNamespace = root.sourceNamespace;
  if ((out.gateways ?? []).length === 0 && root.gateways) out.gateways = root.gateways;
  if (!out.statPrefix && root.statPrefix) out.statPrefix = root.statPrefix;
  return out;
}

/** Istio's mergeHTTPMatchRequests: undefined on conflict (some delegate match has no root match containing it). */
export function mergeMatches(root: readonly HTTPMatchRequest[] | undefined, leaf: readonly HTTPMatchRequest[] | undefined): readonly HTTPMatchRequest[] | undefined {
  if (!root || root.length === 0) return leaf ?? [];
  if (!leaf || leaf.length === 0) return root;
  const out: HTTPMatchRequest[] = [];
  for (const sub of leaf) {
    const merged = root.filter((r) => !matchConflict(r, sub)).map((r) => mergeMatch(r, sub));
    if (merged.length === 0) return undefined;
    out.push(...merged);
  }
  return out;
}

const INHERITED = ['rewrite', 'directResponse', 'timeout', 'retries', 'fault', 'mirror', 'mirrorPercent', 'mirrorPercentage', 'corsPolicy', 'mirrors', 'headers'] as const;

function qualify(d: Destination, namespace: string): Destination {
  return { ...d, host: toFqdn(d.host, namespace) };
}

/** The delegate's rule with short destination hosts resolved in its own namespace. */
function resolveHosts(r: HTTPRoute, namespace: string): HTTPRoute {
  const out: Mutable<HTTPRoute> = { ...r };
  if (r.route) out.route = r.route.map((d) => ({ ...d, destination: qualify(d.destination, namespace) }));
  if (r.mirror) out.mirror = qualify(r.mirror, namespace);
  if (r.mirrors) out.mirrors = r.mirrors.map((m) => ({ ...m, destination: qualify(m.destination, namespace) }));
  return out;
}

/** Istio's mergeHTTPRoute: undefined when the delegate's matches conflict with the root's. */
export function mergeHttpRoute(root: HTTPRoute, leaf: HTTPRoute): HTTPRoute | undefined {
  const match = mergeMatches(root.match, leaf.match);
  if (!match) return undefined;
  const out: Mutable<HTTPRoute> = { ...leaf };
  if (match.length > 0) out.match = match;
  else delete out.match;
  const name = joinName(root.name, leaf.name);
  if (name !== undefined) out.name = name;
  for (const f of INHERITED) if (out[f] === undefined && root[f] !== undefined) (out as Record<string, unknown>)[f] = root[f];
  return out;
}

/** Every VirtualService with delegate rules replaced by the delegates' merged rules; delegates left out. */
export function mergeDelegates(all: readonly VirtualService[]): VirtualService[] {
  const delegates = new Map(all.filter(isDelegate).map((vs) => [`${vs.metadata.namespace}/${vs.metadata.name}`, vs]));
  const out: VirtualService[] = [];
  for (const vs of all) {
    if (isDelegate(vs)) continue;
    const http = vs.spec.http ?? [];
    if (!http.some((r) => r.delegate)) {
      out.push(vs);
      continue;
    }
    const ns = vs.metadata.namespace;
    const merged: HTTPRoute[] = [];
    for (const r of http) {
      if (!r.delegate) {
        merged.push(r);
        continue;
      }
      const dns = r.delegate.namespace || ns;
      const d = delegates.get(`${dns}/${r.delegate.name ?? ''}`);
      if (!d || !exportedTo(d.spec.exportTo, dns, ns)) continue;
      for (const leaf of d.spec.http ?? []) {
        if (leaf.delegate) continue; // Istio supports one level of delegation.
        const m = mergeHttpRoute(r, resolveHosts(leaf, dns));
        if (m) merged.push(m);
      }
    }
    out.push(Object.freeze({ ...vs, spec: Object.freeze({ ...vs.spec, http: Object.freeze(merged) }) }) as VirtualService);
  }
  return out;
}
