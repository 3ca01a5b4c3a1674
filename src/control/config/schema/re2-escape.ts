/**
 * RE2 backslash escapes: single characters (\n, \x{263a}, \101, \.), character sets (\d, \s,
 * \pL, \p{Greek}) and, outside brackets, assertions (\A, \z, \b) and \Q...\E. Each comes back
 * as JavaScript (`u` flag) text, or as the reason RE2 or Mizzen refuses it.
 */

export type CharEscape = { cp: number; next: number } | { error: string };
export type SetEscape = { js: string; next: number } | { error: string };
export type Escape = { js: string; next: number; repeatable: boolean } | { error: string };

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/');
const CATEGORIES = new Set(['L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe',
  'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Any']);
const SIMPLE: Readonly<Record<string, number>> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
const SPACE = '\\t\\n\\f\\r ';

const isPunct = (c: string): boolean => /^[!-/:-@[-`{-~]$/.test(c);
const hex = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** A literal code point as JS pattern text, inside or outside brackets. */
export function jsLiteral(cp: number, inClass: boolean): string {
  const c = String.fromCodePoint(cp);
  if (cp < 0x20 || cp === 0x7f) return hex(cp);
  if (inClass) return '\\]['.includes(c) || c === '^' || c === '-' ? `\\${c}` : c;
  return JS_SYNTAX.has(c) ? `\\${c}` : c;
}

/** Escapes that stand for one character: \n, \x41, \x{263a}, \101, \. */
export function readCharEscape(re: string, i: number): CharEscape | undefined {
  const c = re[i + 1];
  if (c === undefined) return { error: 'trailing backslash at end of expression' };
  if (c in SIMPLE) return { cp: SIMPLE[c] as number, next: i + 2 };
  if (c >= '0' && c <= '9') {
    const m = /^[0-7]{1,3}/.exec(re.slice(i + 1));
    if (c === '8' || c === '9' || (c !== '0' && (m?.[0].length ?? 0) < 2)) {
      return { error: `backreferences (\`\\${c}\`) are not supported by RE2` };
    }
    const digits = (m?.[0] ?? '0').slice(0, 3);
    return { cp: parseInt(digits, 8), next: i + 1 + digits.length };
  }
  if (c === 'x') {
    const braced = /^\{([0-9A-Fa-f]+)\}/.exec(re.slice(i + 2));
    const cp = braced ? parseInt(braced[1] ?? '', 16) : /^[0-9A-Fa-f]{2}/.test(re.slice(i + 2, i + 4)) ? parseInt(re.slice(i + 2, i + 4), 16) : NaN;
    if (!(cp <= 0x10ffff)) return { error: `invalid escape sequence: \`${re.slice(i, i + 4)}\`` };
    return { cp, next: braced ? i + 2 + braced[0].length : i + 4 };
  }
  if (isPunct(c)) return { cp: c.codePointAt(0) as number, next: i + 2 };
  return undefined;
}

/** Escapes that stand for a set: \d \D \w \W \s \S \pN \p{Greek} \PN \p{^Greek}. */
export function readSetEscape(re: string, i: number, inClass: boolean): SetEscape | undefined {
  const c = re[i + 1] ?? '';
  if ('dDwW'.includes(c) && c !== '') return { js: `\\${c}`, next: i + 2 };
  if (c === 's') return { js: inClass ? SPACE : `[${SPACE}]`, next: i + 2 };
  if (c === 'S') return { js: inClass ? '\\S' : `[^${SPACE}]`, next: i + 2 };
  if (c !== 'p' && c !== 'P') return undefined;
  const m = /^\{(\^?)([A-Za-z_]+)\}|^([A-Za-z])/.exec(re.slice(i + 2));
  if (!m) return { error: `invalid character class range: \`${re.slice(i, i + 4)}\`` };
  const name = m[2] ?? m[3] ?? '';
  const negate = (c === 'P') !== (m[1] === '^');
  const prop = CATEGORIES.has(name) ? name : `Script=${name}`;
  return { js: `\\${negate ? 'P' : 'p'}{${prop}}`, next: i + 2 + m[0].length };
}

const UNSUPPORTED: Readonly<Record<string, string>> = {
  k: 'named backreferences (`\\k<name>`) are not supported by RE2',
  Z: '`\\Z` is not supported by RE2 (use `\\z` for the end of the text)',
  C: '`\\C` (any byte) is not supported',
};

/** Any escape outside brackets. */
export function readEscape(re: string, i: number): Escape {
  const c = re[i + 1] ?? '';
  if (c === 'A') return { js: '(?<![\\s\\S])', next: i + 2, repeatable: false };
  if (c === 'z') return { js: '(?![\\s\\S])', next: i + 2, repeatable: false };
  if (c === 'b' || c === 'B') return { js: `\\${c}`, next: i + 2, repeatable: false };
  if (c === 'Q') {
    const end = re.indexOf('\\E', i + 2);
    const text = re.slice(i + 2, end < 0 ? re.length : end);
    const js = [...text].map((ch) => jsLiteral(ch.codePointAt(0) as number, false)).join('');
    return { js: text.length > 1 ? `(?:${js})` : js, next: end < 0 ? re.length : end + 2, repeatable: text.length > 0 };
  }
  if (c in UNSUPPORTED) return { error: UNSUPPORTED[c] as string };
  const set = readSetEscape(re, i, false);
  if (set) return 'error' in set ? set : { ...set, repeatable: true };
  const ch = readCharEscape(re, i);
  if (ch) return 'error' in ch ? ch : { js: jsLiteral(ch.cp, false), next: ch.next, repeatable: true };
  return { error: `invalid escape sequence: \`\\${c}\`` };
}
