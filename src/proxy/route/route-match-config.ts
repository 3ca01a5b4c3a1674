/**
 * Envoy's RouteMatch as the data path holds it: one path specifier (prefix, exact path,
 * path_separated_prefix or an anchored RE2 regex, matched on the path without query string or
 * fragment), case sensitivity, a runtime fraction, header matchers (pseudo headers included),
 * query parameter matchers and the gRPC content-type check. Evaluated by route-match.ts.
 */
import type { Fraction } from './fraction.ts';
import type { StringMatcher } from './string-matcher.ts';

export type PathMatch =
  | { readonly kind: 'prefix' | 'path' | 'pathSeparatedPrefix'; readonly value: string }
  | { readonly kind: 'safeRegex'; readonly value: string; readonly regex: RegExp };

/** envoy.config.route.v3.HeaderMatcher; `name` is lower case and may be a pseudo header (`:method`). */
export interface HeaderMatcher {
  readonly name: string;
  /** `present` checks presence (true) or absence (false); a range checks a whole number in [start, end). */
  readonly match:
    | { readonly kind: 'present'; readonly present: boolean }
    | { readonly kind: 'string'; readonly matcher: StringMatcher }
    | { readonly kind: 'range'; readonly start: number; readonly end: number };
  readonly invertMatch: boolean;
  readonly treatMissingHeaderAsEmpty: boolean;
}

/** envoy.config.route.v3.QueryParameterMatcher: presence (or absence) or the first value's StringMatcher. */
export interface QueryParameterMatcher {
  readonly name: string;
  readonly match: { readonly kind: 'present'; readonly present: boolean } | { readonly kind: 'string'; readonly matcher: StringMatcher };
}

export interface RouteMatch {
  readonly path: PathMatch;
  /** Applies to prefix, path and pathSeparatedPrefix (not to regexes). Values are stored lower-cased when false. */
  readonly caseSensitive: boolean;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: readonly QueryParameterMatcher[];
  /** Only requests with a gRPC content-type. */
  readonly grpc: boolean;
  /** runtime_fraction.default_value: the share of requests the route matches. */
  readonly runtimeFraction: Fraction | undefined;
}
