/** Schema for HTTPRoute and HTTPRouteDestination, with Istio's conflicts between route, redirect and delegate. */
import { array, object } from '../schema/composites.ts';
import { duration } from '../schema/duration.ts';
import { int, str } from '../schema/scalars.ts';
import type { HTTPRoute, HTTPRouteDestination } from '../types/http-route.ts';
import { destination, headers, legacyPercent, percent } from './common.ts';
import { httpMatch } from './http-match.ts';
import { corsPolicy, delegate, directResponse, fault, mirrorPolicy, redirect, retries, rewrite } from './http-policies.ts';
import { checkWeights } from './weights.ts';

export const httpRouteDestination = object<HTTPRouteDestination>('HTTPRouteDestination', {
  destination, weight: int({ min: 0, max: 100, what: 'a weight' }), headers,
}, { required: ['destination'] });

function conflicts(v: HTTPRoute): string | undefined {
  const hasRoute = (v.route?.length ?? 0) > 0;
  if (v.delegate) {
    if (v.redirect) return 'a route with delegate must not specify redirect';
    if (hasRoute) return 'a route with delegate must not specify route';
    return undefined;
  }
  if (v.redirect) {
    if (hasRoute) return 'HTTP route cannot contain both route and redirect';
    if (v.fault) return 'HTTP route cannot contain both fault and redirect';
    if (v.rewrite) return 'HTTP route rule cannot contain both rewrite and redirect';
    if (v.directResponse) return 'HTTP route cannot contain both redirect and directResponse';
    return undefined;
  }
  if (v.directResponse) return hasRoute ? 'HTTP route cannot contain both route and directResponse' : undefined;
  return hasRoute ? undefined : 'HTTP route, redirect, directResponse or delegate is required';
}

export const httpRoute = object<HTTPRoute>('HTTPRoute', {
  name: str(),
  match: array(httpMatch),
  route: array(httpRouteDestination),
  redirect, directResponse, delegate, rewrite,
  timeout: duration(),
  retries, fault,
  mirror: destination,
  mirrors: array(mirrorPolicy),
  mirrorPercent: legacyPercent(),
  mirrorPercentage: percent,
  corsPolicy, headers,
}, {
  oneOf: [['mirror', 'mirrors'], ['mirrorPercent', 'mirrorPercentage']],
  deprecated: { mirrorPercent: 'use mirrorPercentage' },
  rules: [
    (v, path, r) => {
      const problem = conflicts(v);
      if (problem) r.error(path, undefined, problem);
    },
    (v, path, r) => checkWeights(v.route, [...path, 'route'], r),
  ],
});
