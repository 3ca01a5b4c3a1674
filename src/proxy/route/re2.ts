/**
 * RE2 patterns (Envoy's safe_regex) compiled for the data path: RE2 syntax is translated to a
 * JavaScript pattern by the same reader the control plane validates VirtualServices with, so
 * both ends accept exactly the same regexes. RE2 runs in linear time and JavaScript backtracks,
 * so a repeated group that itself contains an unbounded repetition (`(a+)+`, `(x*y*)*`), the
 * shape of catastrophic backtracking, is refused rather than run.
 */
import { translateRe2 } from '../../control/config/schema/re2.ts';

export type CompiledRe2 = { readonly regex: RegExp; readonly groups: number; readonly error?: undefined } | { readonly regex?: undefined; readonly error: string };

/** Where a repeated group contains an unbounded repetition, or undefined. */
export function nestedRepetition(re: string): string | undefined {
  const stack: { start: number; unbounded: boolean }[] = [];
  let unbounded = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      if (re[i + 1] === 'Q') {
        const end = re.indexOf('\\E', i + 2);
        i = end < 0 ? re.length : end + 1;
      } else i++;
      continue;
    }
    if (c === '[') {
      i++;
      if (re[i] === '^') i++;
      if (re[i] === ']') i++;
      while (i < re.length && re[i] !== ']') i += re[i] === '\\' ? 2 : re.startsWith('[:', i) ? Math.max(1, re.indexOf(':]', i) + 2 - i) : 1;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, unbounded });
      unbounded = false;
      continue;
    }
    const rep = /^(?:[*+]|\{\d+,\d*\})/.exec(re.slice(i, i + 12));
    if (c === ')') {
      const open = stack.pop();
      const inner: boolean = unbounded;
      unbounded = (open?.unbounded ?? false) || inner;
      const after = /^(?:[*+]|\{\d+,(\d*)\})/.exec(re.slice(i + 1, i + 13));
      const repeats = after !== null && (after[1] === undefined || after[1] === '' || Number(after[1]) > 1);
      if (inner && repeats) return re.slice(open?.start ?? 0, i + 1 + (after?.[0].length ?? 0));
      continue;
    }
    if (rep) unbounded = true;
  }
  return undefined;
}

/** Compiles an RE2 pattern; `anchored` for Envoy's whole-value matching, `global` for replace-all. */
export function compileRe2(pattern: string, opts: { anchored?: boolean; global?: boolean } = {}): CompiledRe2 {
  const t = translateRe2(pattern);
  if (t.error !== undefined) return { error: `invalid RE2 regex ${JSON.stringify(pattern)}: ${t.error}` };
  const nested = nestedRepetition(pattern);
  if (nested !== undefined) {
    return { error: `regex ${JSON.stringify(pattern)} repeats a group that itself repeats without bound (${nested}); RE2 runs that in linear time, JavaScript may backtrack exponentially, so Mizzen refuses it` };
  }
  const source = opts.anchored ? `^(?:${t.js})$` : t.js;
  const regex = new RegExp(source, opts.global ? 'gu' : 'u');
  const groups = (new RegExp(`${t.js}|`, 'u').exec('')?.length ?? 1) - 1;
  return { regex, groups };
}
