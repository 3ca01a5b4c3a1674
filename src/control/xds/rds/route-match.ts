/**
 * HTTPMatchRequest -> Envoy's RouteMatch (Istio's translateRouteMatch): uri exact/prefix/regex
 * -> path/prefix/safeRegex (caseSensitive false with ignoreUriCase), headers and withoutHeaders
 * -> header matchers (an empty match means "present"; withoutHeaders inverts), method, authority
 * and scheme -> the :method/:authority/:scheme pseudo-headers, queryParams -> queryParameters.
 * Conditions about the client (port, sourceLabels, sourceNamespace, gateways: `mesh` for sidecars,
 * Gateway names for a gateway) are decided here, at generation time, for the proxy being served.
 */
import type { HTTPMatchRequest } from '../../config/types/http-match.ts';
import type { HTTPRoute } from '../../config/types/http-route.ts';
import type { StringMatch } from '../../config/types/string-match.ts';
import { selects } from '../../model/labels.ts';
import type { Labels } from '../../registry/model.ts';
import type { Json } from '../generator.ts';

export interface ClientContext {
  readonly namespace: string;
  readonly labels: Labels;
  /** The port of the listener the route serves. */
  readonly port: number;
  /** For a gateway: the Gateways (`ns/name`) the routes are built for; absent for sidecars (the mesh). */
  readonly gateways?: ReadonlySet<string>;
  /** The VirtualService's namespace, where a match's short gateway names live. */
  readonly configNamespace?: string;
}

function gatewaysApply(names: readonly string[], c: ClientContext): boolean {
  if (!c.gateways) return names.includes('mesh');
  const gws = c.gateways;
  return names.some((g) => g !== 'mesh' && gws.has(g.includes('/') ? g : `${c.configNamespace ?? c.namespace}/${g}`));
}

function appliesTo(m: HTTPMatchRequest, c: ClientContext): boolean {
  if (m.port !== undefined && m.port !== c.port) return false;
  if (m.sourceLabels && !selects(m.sourceLabels, c.labels)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== c.namespace) return false;
  if (m.gateways && m.gateways.length > 0 && !gatewaysApply(m.gateways, c)) return false;
  return true;
}

/**
 * The matches of a rule that apply to this client: `[undefined]` for a rule without matches
 * (it matches everything), `[]` when none applies (the rule is dropped).
 */
export function applicableMatches(route: HTTPRoute, c: ClientContext): (HTTPMatchRequest | undefined)[] {
  if (!route.match || route.match.length === 0) return [undefined];
  return route.match.filter((m) => appliesTo(m, c));
}

export function stringMatcher(sm: StringMatch): Json | undefined {
  if (sm.exact !== undefined) return { exact: sm.exact };
  if (sm.prefix !== undefined) return { prefix: sm.prefix };
  if (sm.regex !== undefined) return { safeRegex: { regex: sm.regex } };
  return undefined;
}

/** withoutHeaders with a value also matches requests without the header (Istio sets treatMissingHeaderAsEmpty). */
function headerMatcher(name: string, sm: StringMatch, invert: boolean): Json {
  const m = stringMatcher(sm);
  return { name, ...(m ? { stringMatch: m } : { presentMatch: true }), ...(invert ? { invertMatch: true } : {}), ...(invert && m ? { treatMissingHeaderAsEmpty: true } : {}) };
}

export function translateMatch(m: HTTPMatchRequest | undefined): Json {
  const out: Json = {};
  const uri = m?.uri;
  if (uri?.exact !== undefined) out['path'] = uri.exact;
  else if (uri?.regex !== undefined) out['safeRegex'] = { regex: uri.regex };
  else out['prefix'] = uri?.prefix ?? '/';
  if (m?.ignoreUriCase) out['caseSensitive'] = false;
  const headers: Json[] = [];
  for (const [name, sm] of Object.entries(m?.headers ?? {})) headers.push(headerMatcher(name.toLowerCase(), sm, false));
  for (const [name, sm] of Object.entries(m?.withoutHeaders ?? {})) headers.push(headerMatcher(name.toLowerCase(), sm, true));
  if (m?.method) headers.push(headerMatcher(':method', m.method, false));
  if (m?.authority) headers.push(headerMatcher(':authority', m.authority, false));
  if (m?.scheme) headers.push(headerMatcher(':scheme', m.scheme, false));
  if (headers.length > 0) out['headers'] = headers;
  const query = Object.entries(m?.queryParams ?? {}).map(([name, sm]) => {
    const sMatch = stringMatcher(sm);
    return sMatch ? { name, stringMatch: sMatch } : { name, presentMatch: true };
  });
  if (query.length > 0) out['queryParameters'] = query;
  return out;
}
