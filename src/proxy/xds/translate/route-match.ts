/**
 * envoy.config.route.v3.RouteMatch -> RouteMatch: exactly one path specifier (prefix, path,
 * safe_regex or path_separated_prefix), case sensitivity, runtime fraction, header matchers
 * (names lower-cased; pseudo headers allowed), query parameter matchers and the gRPC check.
 * Regexes are compiled here, once; connect matchers, path match policies, TLS and dynamic
 * metadata conditions are refused.
 */
import type { HeaderMatcher, PathMatch, QueryParameterMatcher, RouteMatch } from '../../route/route-match-config.ts';
import type { StringMatcher } from '../../route/string-matcher.ts';
import { bool, list, obj, str, type At } from './fields.ts';
import { fraction, onlyFields, regexMatcher, stringMatcher } from './route-fields.ts';

const PATH_SPECIFIERS = ['prefix', 'path', 'safeRegex', 'pathSeparatedPrefix', 'connectMatcher', 'pathMatchPolicy'] as const;

function pathMatch(m: Readonly<Record<string, unknown>>, at: At, caseSensitive: boolean): PathMatch {
  const set = PATH_SPECIFIERS.filter((k) => m[k] !== undefined && m[k] !== null);
  if (set.length !== 1) return at.fail(set.length === 0 ? 'needs a path specifier (prefix, path, safeRegex or pathSeparatedPrefix)' : `sets more than one path specifier (${set.join(', ')})`);
  const kind = set[0] as (typeof PATH_SPECIFIERS)[number];
  if (kind === 'connectMatcher' || kind === 'pathMatchPolicy') return at.field(kind).fail('is not supported by Mizzen');
  if (kind === 'safeRegex') {
    const r = regexMatcher(m['safeRegex'], at.field('safeRegex'), { anchored: true });
    return { kind, value: r.pattern, regex: r.regex };
  }
  const value = str(m[kind], at.field(kind));
  if (kind === 'pathSeparatedPrefix' && (!value.startsWith('/') || value.endsWith('/') || /[?#]/.test(value))) {
    at.field(kind).fail(`${JSON.stringify(value)} must start with "/", must not end with "/" and must not contain "?" or "#"`);
  }
  return { kind, value: caseSensitive ? value : value.toLowerCase() };
}

function headerMatcher(v: unknown, at: At): HeaderMatcher {
  const h = obj(v, at);
  onlyFields(h, at, ['name', 'exactMatch', 'safeRegexMatch', 'rangeMatch', 'presentMatch', 'prefixMatch', 'suffixMatch', 'containsMatch', 'stringMatch', 'invertMatch', 'treatMissingHeaderAsEmpty']);
  const name = str(h['name'], at.field('name'), true).toLowerCase();
  const specs = ['exactMatch', 'safeRegexMatch', 'rangeMatch', 'presentMatch', 'prefixMatch', 'suffixMatch', 'containsMatch', 'stringMatch'].filter((k) => h[k] !== undefined && h[k] !== null);
  if (specs.length > 1) at.fail(`sets more than one header match specifier (${specs.join(', ')})`);
  const spec = specs[0];
  const legacy = (kind: 'prefix' | 'suffix' | 'contains' | 'exact'): StringMatcher => {
    const value = str(h[`${kind}Match`], at.field(`${kind}Match`));
    if (kind !== 'exact' && value === '') at.field(`${kind}Match`).fail('must not be empty');
    // An empty exact_match accepts any value, as Envoy's deprecated field did.
    return value === '' ? { kind: 'prefix', value: '', ignoreCase: false } : { kind, value, ignoreCase: false };
  };
  let match: HeaderMatcher['match'];
  if (spec === undefined) match = { kind: 'present', present: true };
  else if (spec === 'presentMatch') match = { kind: 'present', present: bool(h['presentMatch'], false) };
  else if (spec === 'stringMatch') match = { kind: 'string', matcher: stringMatcher(h['stringMatch'], at.field('stringMatch')) };
  else if (spec === 'safeRegexMatch') {
    const r = regexMatcher(h['safeRegexMatch'], at.field('safeRegexMatch'), { anchored: true });
    match = { kind: 'string', matcher: { kind: 'regex', value: r.pattern, regex: r.regex } };
  } else if (spec === 'rangeMatch') {
    const r = obj(h['rangeMatch'], at.field('rangeMatch'));
    const num = (k: string): number => {
      const n = Number(r[k] ?? 0);
      return Number.isSafeInteger(n) ? n : at.field(`rangeMatch.${k}`).fail(`expected a whole number, got ${JSON.stringify(r[k])}`);
    };
    match = { kind: 'range', start: num('start'), end: num('end') };
  } else match = { kind: 'string', matcher: legacy(spec.slice(0, -'Match'.length) as 'prefix' | 'suffix' | 'contains' | 'exact') };
  return { name, match, invertMatch: bool(h['invertMatch'], false), treatMissingHeaderAsEmpty: bool(h['treatMissingHeaderAsEmpty'], false) };
}

function queryParameterMatcher(v: unknown, at: At): QueryParameterMatcher {
  const q = obj(v, at);
  onlyFields(q, at, ['name', 'stringMatch', 'presentMatch']);
  const name = str(q['name'], at.field('name'), true);
  if (q['stringMatch'] !== undefined && q['presentMatch'] !== undefined) at.fail('sets both stringMatch and presentMatch');
  if (q['stringMatch'] !== undefined) return { name, match: { kind: 'string', matcher: stringMatcher(q['stringMatch'], at.field('stringMatch')) } };
  return { name, match: { kind: 'present', present: bool(q['presentMatch'], true) } };
}

export function translateRouteMatch(v: unknown, at: At): RouteMatch {
  const m = obj(v, at);
  onlyFields(m, at, [...PATH_SPECIFIERS, 'caseSensitive', 'runtimeFraction', 'headers', 'queryParameters', 'grpc']);
  const caseSensitive = bool(m['caseSensitive'], true);
  const rf = m['runtimeFraction'] === undefined ? undefined : obj(m['runtimeFraction'], at.field('runtimeFraction'));
  if (rf) onlyFields(rf, at.field('runtimeFraction'), ['defaultValue', 'runtimeKey']);
  return {
    path: pathMatch(m, at, caseSensitive),
    caseSensitive,
    headers: list(m['headers'], at.field('headers')).map((h, i) => headerMatcher(h, at.field('headers').index(i))),
    queryParameters: list(m['queryParameters'], at.field('queryParameters')).map((q, i) => queryParameterMatcher(q, at.field('queryParameters').index(i))),
    grpc: m['grpc'] !== undefined && m['grpc'] !== null,
    runtimeFraction: rf ? fraction(rf['defaultValue'], at.field('runtimeFraction.defaultValue'), { numerator: 0, denominator: 100 }) : undefined,
  };
}
