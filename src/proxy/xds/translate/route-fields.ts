/**
 * Shared readers for the route translators: the fields a message may carry (any other field
 * that is set would change behaviour Mizzen does not implement, so it is refused by name),
 * FractionalPercent, RegexMatcher (RE2, compiled once) and StringMatcher.
 */
import type { Fraction } from '../../route/fraction.ts';
import { compileRe2 } from '../../route/re2.ts';
import type { StringMatcher } from '../../route/string-matcher.ts';
import { bool, obj, oneOf, str, uint, type At, type Obj } from './fields.ts';

const isUnset = (v: unknown): boolean =>
  v === undefined || v === null || v === false || v === 0 || v === '' ||
  (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

/** Refuses every set field of `o` outside `accepted` (proto3 JSON omits unset fields; defaults count as unset). */
export function onlyFields(o: Obj, at: At, accepted: readonly string[]): void {
  for (const [k, v] of Object.entries(o)) {
    if (k === '@type' || accepted.includes(k) || isUnset(v)) continue;
    at.field(k).fail('is not supported by Mizzen (it would change how requests are handled)');
  }
}

const DENOMINATORS = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 } as const;

/** envoy.type.v3.FractionalPercent; absent is `dflt`. */
export function fraction(v: unknown, at: At, dflt: Fraction): Fraction {
  if (v === undefined || v === null) return dflt;
  const f = obj(v, at);
  onlyFields(f, at, ['numerator', 'denominator']);
  const d = oneOf(f['denominator'], at.field('denominator'), ['HUNDRED', 'TEN_THOUSAND', 'MILLION'], 'HUNDRED');
  return { numerator: uint(f['numerator'], at.field('numerator'), 0), denominator: DENOMINATORS[d] };
}

/** envoy.type.matcher.v3.RegexMatcher, compiled; the message names the field. */
export function regexMatcher(v: unknown, at: At, opts: { anchored?: boolean; global?: boolean } = {}): { pattern: string; regex: RegExp; groups: number } {
  const m = obj(v, at);
  onlyFields(m, at, ['regex', 'googleRe2']);
  const pattern = str(m['regex'], at.field('regex'), true);
  const c = compileRe2(pattern, opts);
  if (c.error !== undefined) return at.field('regex').fail(c.error);
  return { pattern, regex: c.regex, groups: c.groups };
}

/** envoy.type.matcher.v3.StringMatcher (one of exact, prefix, suffix, contains, safe_regex). */
export function stringMatcher(v: unknown, at: At): StringMatcher {
  const m = obj(v, at);
  onlyFields(m, at, ['exact', 'prefix', 'suffix', 'contains', 'safeRegex', 'ignoreCase']);
  const ignoreCase = bool(m['ignoreCase'], false);
  const set = (['exact', 'prefix', 'suffix', 'contains', 'safeRegex'] as const).filter((k) => m[k] !== undefined && m[k] !== null);
  if (set.length > 1) at.fail(`sets more than one of ${set.join(', ')}`);
  const kind = set[0];
  if (kind === undefined) {
    if (m['exact'] === undefined && Object.keys(m).length === 0) return { kind: 'exact', value: '', ignoreCase };
    return at.fail('needs one of exact, prefix, suffix, contains or safeRegex');
  }
  if (kind === 'safeRegex') {
    const r = regexMatcher(m['safeRegex'], at.field('safeRegex'), { anchored: true });
    return { kind: 'regex', value: r.pattern, regex: r.regex };
  }
  const value = str(m[kind], at.field(kind));
  if (kind !== 'exact' && value === '') at.field(kind).fail('must not be empty');
  return { kind, value: ignoreCase ? value.toLowerCase() : value, ignoreCase };
}
