/**
 * What the router does with one request, decided once from the route table: forward to a
 * cluster (after rewrites, with timeouts, retries, mirrors and header edits), answer with a
 * redirect, or answer directly. This is the only place the router reads the route model.
 */
import type { HeaderMap } from '../../../core/http-stream-info.ts';
import type { Random } from '../../../core/random.ts';
import { chooseCluster } from '../../../route/cluster-target.ts';
import type { CorsPolicy, FaultConfig } from '../../../route/filter-config.ts';
import type { HashPolicy } from '../../../route/route-action-config.ts';
import type { Fraction } from '../../../route/fraction.ts';
import { applyHeaderMutations, mutationLevels } from '../../../route/header-mutations.ts';
import { redirectLocation } from '../../../route/redirect.ts';
import type { RetryPolicy } from '../../../route/retry-policy-config.ts';
import type { RouteConfig } from '../../../route/route-config.ts';
import { rewritePath } from '../../../route/route-rewrite.ts';
import { corsFor, faultFor, retryPolicyFor, selectRoute, type RouteRequest } from '../../../route/select-route.ts';

export interface UpstreamPlan {
  readonly kind: 'upstream';
  readonly routeName: string | undefined;
  readonly clusterName: string;
  /** Where a missing cluster is answered (cluster_not_found_response_code). */
  readonly clusterNotFoundStatus: number;
  readonly path: string;
  /** Set when the path was rewritten: the original, for x-envoy-original-path. */
  readonly originalPath: string | undefined;
  readonly authority: string;
  /** 0: no timeout. */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | undefined;
  readonly mirrors: readonly { readonly cluster: string; readonly percent: Fraction }[];
  readonly upgrades: readonly string[];
  readonly requestHeaders: (h: HeaderMap) => void;
  readonly responseHeaders: (h: HeaderMap) => void;
  readonly fault: FaultConfig | undefined;
  readonly cors: CorsPolicy | undefined;
  readonly includeRequestAttemptCount: boolean;
  readonly includeAttemptCountInResponse: boolean;
  /** The route's hash policies (RING_HASH / MAGLEV keys). */
  readonly hashPolicy: readonly HashPolicy[];
  /** :path as received (query included), for query-parameter hash keys. */
  readonly requestPath: string;
}

export interface LocalPlan {
  readonly kind: 'redirect' | 'direct';
  readonly routeName: string | undefined;
  readonly status: number;
  readonly headers: HeaderMap;
  readonly body: string;
  readonly responseHeaders: (h: HeaderMap) => void;
  readonly fault: FaultConfig | undefined;
  readonly cors: CorsPolicy | undefined;
}

export type RoutePlan = UpstreamPlan | LocalPlan;
export type PlanRequest = RouteRequest;

export function planRoute(config: RouteConfig, req: PlanRequest, random: Random): RoutePlan | undefined {
  const sel = selectRoute(config, req, random);
  if (!sel) return undefined;
  const route = sel.route;
  const a = route.action;
  const fault = faultFor(sel);
  const cors = corsFor(sel);
  if (a.kind !== 'route') {
    const levels = mutationLevels(sel);
    const responseHeaders = (h: HeaderMap): void => void applyHeaderMutations(h, levels, 'response');
    const r = redirectLocation(route, req);
    const headers: HeaderMap = r?.location ? { location: r.location } : {};
    if (a.kind === 'redirect') return { kind: 'redirect', routeName: route.name, status: r?.status ?? a.status, headers, body: '', responseHeaders, fault, cors };
    return { kind: 'direct', routeName: route.name, status: a.status, headers, body: a.body, responseHeaders, fault, cors };
  }
  const chosen = chooseCluster(a.target, req.headers, random);
  const levels = mutationLevels(sel, chosen?.weighted);
  const rewritten = rewritePath(route, req.path);
  const host = chosen?.weighted?.hostRewriteLiteral ?? a.hostRewriteLiteral;
  return {
    kind: 'upstream',
    routeName: route.name,
    clusterName: chosen?.name ?? '',
    clusterNotFoundStatus: a.clusterNotFoundStatus,
    path: rewritten ?? req.path,
    originalPath: rewritten !== undefined && rewritten !== req.path ? req.path : undefined,
    authority: host ?? req.authority,
    timeoutMs: a.timeoutMs,
    retry: retryPolicyFor(sel),
    mirrors: a.requestMirrorPolicies.map((m) => ({ cluster: m.cluster, percent: m.percent })),
    upgrades: a.upgradeConfigs.filter((u) => u.enabled).map((u) => u.upgradeType),
    requestHeaders: (h) => {
      if (host !== undefined && a.appendXForwardedHost) h['x-forwarded-host'] = req.authority;
      applyHeaderMutations(h, levels, 'request');
    },
    responseHeaders: (h) => void applyHeaderMutations(h, levels, 'response'),
    fault,
    cors,
    includeRequestAttemptCount: sel.virtualHost.includeRequestAttemptCount,
    hashPolicy: a.hashPolicy,
    requestPath: req.path,
    includeAttemptCountInResponse: sel.virtualHost.includeAttemptCountInResponse,
  };
}
