/**
 * Envoy's StringMatcher (envoy.type.matcher.v3.StringMatcher) as the data path holds it: exact,
 * prefix, suffix, contains (each optionally ignoring ASCII case, with the lower-cased value kept
 * for the comparison) or an RE2 regex compiled once at translation, matched against the whole
 * value. `ignoreCase` has no effect on regexes, as in Envoy.
 */

export type StringMatcher =
  | { readonly kind: 'exact' | 'prefix' | 'suffix' | 'contains'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'regex'; readonly value: string; readonly regex: RegExp };

export function matchString(m: StringMatcher, value: string): boolean {
  if (m.kind === 'regex') return m.regex.test(value);
  const v = m.ignoreCase ? value.toLowerCase() : value;
  switch (m.kind) {
    case 'exact': return v === m.value;
    case 'prefix': return v.startsWith(m.value);
    case 'suffix': return v.endsWith(m.value);
    case 'contains': return v.includes(m.value);
  }
}
