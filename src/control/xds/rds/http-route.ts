/**
 * A VirtualService's HTTP rules -> Envoy Routes, in order (Istio's TranslateRoutes): one Envoy
 * route per applicable match, all with the same action: `route` (cluster or weighted clusters,
 * timeout, retries, mirrors, rewrite, hash policy, CORS), `redirect` or `directResponse`, plus
 * the route's fault and header operations. Proxyless gRPC keeps what gRPC implements (matches,
 * weighted clusters, timeouts, retries, faults) and leaves out the rules it cannot follow.
 */
import type { HTTPRoute } from '../../config/types/http-route.ts';
import type { HTTPRedirect } from '../../config/types/http-policies.ts';
import type { GeneratorFlavour } from '../../model/proxy.ts';
import type { BoundVirtualService } from '../../model/virtual-services.ts';
import type { Json } from '../generator.ts';
import { compact, fractionalPercent } from '../type-config.ts';
import { applicableMatches, translateMatch, type ClientContext } from './route-match.ts';
import { hashPolicyFor, resolveDestination, routeTarget, type DestinationContext } from './route-destination.ts';
import { corsPolicy, faultFilterConfig, headerFields, mergeHeaderFields, retryPolicy, timeoutFields } from './route-policies.ts';

export type RouteContext = DestinationContext & ClientContext & { readonly flavour: GeneratorFlavour };

const REDIRECT_CODES: Readonly<Record<number, string>> = {
  301: 'MOVED_PERMANENTLY', 302: 'FOUND', 303: 'SEE_OTHER', 307: 'TEMPORARY_REDIRECT', 308: 'PERMANENT_REDIRECT',
};

function redirect(r: HTTPRedirect): Json {
  return compact({
    pathRedirect: r.uri, hostRedirect: r.authority, portRedirect: r.port, schemeRedirect: r.scheme,
    responseCode: r.redirectCode !== undefined ? REDIRECT_CODES[r.redirectCode] : undefined,
  });
}

function mirrors(r: HTTPRoute, ctx: RouteContext): Json[] {
  const out: Json[] = [];
  const policy = (dest: NonNullable<HTTPRoute['mirror']>, percent: number | undefined): Json => ({
    cluster: resolveDestination(dest, ctx).cluster,
    runtimeFraction: { defaultValue: fractionalPercent(percent ?? 100) },
    traceSampled: false,
  });
  if (r.mirror) out.push(policy(r.mirror, r.mirrorPercentage?.value ?? r.mirrorPercent));
  for (const m of r.mirrors ?? []) out.push(policy(m.destination, m.percentage?.value));
  return out;
}

function routeAction(r: HTTPRoute, ctx: RouteContext): { action: Json; headers: Json } | undefined {
  const grpc = ctx.flavour === 'grpc';
  if (r.redirect) return grpc ? undefined : { action: { redirect: redirect(r.redirect) }, headers: {} };
  if (r.directResponse) {
    const body = r.directResponse.body;
    const b = body?.string !== undefined ? { inlineString: body.string } : body?.bytes !== undefined ? { inlineBytes: body.bytes } : undefined;
    return grpc ? undefined : { action: { directResponse: compact({ status: r.directResponse.status, body: b }) }, headers: {} };
  }
  if (!r.route || r.route.length === 0) return undefined;
  const { target, headers } = routeTarget(r.route, ctx);
  const action: Json = { ...target, ...timeoutFields(r.timeout) };
  const retry = retryPolicy(r.retries, !grpc);
  if (retry) action['retryPolicy'] = retry;
  const hash = hashPolicyFor(r.route.map((d) => d.destination), ctx);
  if (hash) action['hashPolicy'] = hash;
  if (!grpc) {
    const m = mirrors(r, ctx);
    if (m.length > 0) action['requestMirrorPolicies'] = m;
    if (r.rewrite?.uri !== undefined) action['prefixRewrite'] = r.rewrite.uri;
    if (r.rewrite?.uriRegexRewrite) action['regexRewrite'] = { pattern: { regex: r.rewrite.uriRegexRewrite.match ?? '' }, substitution: r.rewrite.uriRegexRewrite.rewrite ?? '' };
    if (r.rewrite?.authority !== undefined) action['hostRewriteLiteral'] = r.rewrite.authority;
    const cors = corsPolicy(r.corsPolicy);
    if (cors) action['cors'] = cors;
  }
  return { action: { route: action }, headers };
}

/** The Envoy routes of one VirtualService for one service port, in the rules' order. */
export function translateHttpRoutes(vs: BoundVirtualService, ctx: RouteContext): Json[] {
  const out: Json[] = [];
  for (const r of vs.resource.spec.http ?? []) {
    if (r.delegate) continue;
    const matches = applicableMatches(r, ctx);
    if (matches.length === 0) continue;
    const built = routeAction(r, ctx);
    if (!built) continue;
    const fault = faultFilterConfig(r.fault);
    const headers = mergeHeaderFields(headerFields(r.headers), built.headers);
    for (const m of matches) {
      const name = m?.name ? (r.name ? `${m.name}.${r.name}` : m.name) : r.name;
      out.push(compact({ name, match: translateMatch(m), ...built.action, typedPerFilterConfig: fault, ...headers }));
    }
  }
  return out;
}

/** The route of a service without a VirtualService (Istio's default outbound route); `hashPolicy` carries its DestinationRule's consistentHash, as Istio adds it. */
export function defaultRoute(cluster: string, host: string, port: number, flavour: GeneratorFlavour, hashPolicy?: Json[]): Json {
  const route: Json = { cluster, ...timeoutFields(undefined), ...(hashPolicy ? { hashPolicy } : {}) };
  if (flavour === 'sidecar') route['retryPolicy'] = retryPolicy(undefined, true);
  return { name: 'default', match: { prefix: '/' }, route, decorator: { operation: `${host}:${port}/*` } };
}
