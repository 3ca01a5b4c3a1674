/**
 * Envoy's route matching, one RouteMatch against one request: the path specifier on the path
 * without query string (prefix and exact path honour case_sensitive; regexes match the whole
 * path and ignore it), then header matchers (missing headers never match unless
 * treat_missing_header_as_empty, except presence checks, which invert_match flips), query
 * parameters (first value; present_match true or false), the gRPC content-type, and the
 * runtime fraction drawn once per request.
 */
import { matchString } from './string-matcher.ts';
import type { HeaderMatcher, PathMatch, QueryParameterMatcher, RouteMatch } from './route-match-config.ts';
import { headerValue, type RequestView } from './request-view.ts';

export function matchPath(p: PathMatch, caseSensitive: boolean, view: RequestView): boolean {
  if (p.kind === 'safeRegex') return p.regex.test(view.path);
  const path = caseSensitive ? view.path : view.lowerPath;
  switch (p.kind) {
    case 'prefix': return path.startsWith(p.value);
    case 'path': return path === p.value;
    case 'pathSeparatedPrefix': return path.startsWith(p.value) && (path.length === p.value.length || path.charCodeAt(p.value.length) === 47);
  }
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

export function matchHeader(h: HeaderMatcher, value: string | undefined): boolean {
  if (h.match.kind === 'present') return ((value !== undefined) === h.match.present) !== h.invertMatch;
  if (value === undefined && !h.treatMissingHeaderAsEmpty) return false;
  const v = value ?? '';
  let ok: boolean;
  if (h.match.kind === 'string') ok = matchString(h.match.matcher, v);
  else {
    const n = INTEGER.test(v) ? Number(v) : NaN;
    ok = n >= h.match.start && n < h.match.end;
  }
  return ok !== h.invertMatch;
}

export function matchQueryParameter(q: QueryParameterMatcher, query: ReadonlyMap<string, string>): boolean {
  const value = query.get(q.name);
  if (q.match.kind === 'present') return (value !== undefined) === q.match.present;
  return value !== undefined && matchString(q.match.matcher, value);
}

/** application/grpc, application/grpc+proto, application/grpc;... */
export function isGrpcContentType(ct: string | undefined): boolean {
  if (ct === undefined || !ct.startsWith('application/grpc')) return false;
  const next = ct.charCodeAt(16);
  return ct.length === 16 || next === 43 || next === 59;
}

export function matchRoute(m: RouteMatch, view: RequestView): boolean {
  if (!matchPath(m.path, m.caseSensitive, view)) return false;
  for (const h of m.headers) if (!matchHeader(h, headerValue(view.req, h.name))) return false;
  if (m.queryParameters.length > 0) {
    const query = view.query;
    for (const q of m.queryParameters) if (!matchQueryParameter(q, query)) return false;
  }
  if (m.grpc && !isGrpcContentType(headerValue(view.req, 'content-type'))) return false;
  if (m.runtimeFraction) {
    const f = m.runtimeFraction;
    if (f.numerator < f.denominator && Math.floor(view.draw * f.denominator) >= f.numerator) return false;
  }
  return true;
}
