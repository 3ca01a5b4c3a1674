/**
 * RE2 regular expressions, as Envoy runs them. translateRe2 reads RE2 syntax (Go's regexp/syntax
 * errors, worded for users) and writes an equivalent JavaScript pattern (`u` flag), so that what
 * the control plane accepts is exactly what the data plane can run. Refused: what RE2 lacks and
 * JS has (lookaround, backreferences, atomic groups, possessive quantifiers, \Z) and the rare RE2
 * features JS cannot express (the U flag, negated POSIX classes inside brackets, \C).
 * Translated: (?P<n>...) names, (?i) flag directives, \A \z, \Q...\E, [[:alpha:]], \pN, \x{...},
 * octal escapes, and RE2's ASCII-only \s.
 */
import { readClass } from './re2-class.ts';
import { jsLiteral, readEscape } from './re2-escape.ts';

export const MAX_REGEX_LENGTH = 1024;
const MAX_REPEAT = 1000;
const REPEAT = /\{(\d+)(,(\d*))?\}/y;

export type Re2Translation = { readonly js: string; readonly error?: undefined } | { readonly js?: undefined; readonly error: string };

interface Frame { mods: string[] }

export function translateRe2(re: string): Re2Translation {
  if (re.length > MAX_REGEX_LENGTH) return { error: `regex is too large, max length allowed is ${MAX_REGEX_LENGTH}` };
  const frames: Frame[] = [{ mods: [] }];
  const names = new Set<string>();
  let out = '';
  let i = 0;
  let canRepeat = false;
  const top = (): Frame => frames[frames.length - 1] as Frame;
  const fail = (error: string): Re2Translation => ({ error });

  while (i < re.length) {
    const c = re[i] as string;
    if (c === '(') {
      const g = readGroup(re, i, names);
      if ('error' in g) return fail(g.error);
      i = g.next;
      if (g.directive !== undefined) {
        top().mods.push(g.directive);
        out += `(?${g.directive}:`;
        canRepeat = false;
      } else {
        frames.push({ mods: [] });
        out += g.open;
        canRepeat = false;
      }
      continue;
    }
    if (c === ')') {
      if (frames.length === 1) return fail('unexpected ): no group to close');
      const f = frames.pop() as Frame;
      out += ')'.repeat(f.mods.length + 1);
      i++;
      canRepeat = true;
      continue;
    }
    if (c === '|') {
      const mods = top().mods;
      out += `${')'.repeat(mods.length)}|${mods.map((m) => `(?${m}:`).join('')}`;
      i++;
      canRepeat = false;
      continue;
    }
    REPEAT.lastIndex = i;
    const rep = c === '{' ? REPEAT.exec(re) : null;
    if (c === '*' || c === '+' || c === '?' || rep) {
      const op = rep ? rep[0] : c;
      if (!canRepeat) return fail(`missing argument to repetition operator: \`${op}\``);
      if (rep) {
        const lo = Number(rep[1]);
        const hi = rep[2] === undefined ? lo : rep[3] === '' ? undefined : Number(rep[3]);
        if (lo > MAX_REPEAT || (hi !== undefined && (hi > MAX_REPEAT || hi < lo))) return fail(`invalid repeat count: \`${op}\``);
      }
      i += op.length;
      let lazy = '';
      if (re[i] === '?') {
        lazy = '?';
        i++;
      }
      REPEAT.lastIndex = i;
      const nxt = re[i];
      if (nxt === '*' || nxt === '+' || nxt === '?' || (nxt === '{' && REPEAT.test(re))) {
        const why = nxt === '+' && lazy === '' ? 'possessive quantifiers are not supported by RE2' : 'invalid nested repetition operator';
        return fail(`${why}: \`${op}${lazy}${nxt}\``);
      }
      out += op + lazy;
      canRepeat = false;
      continue;
    }
    if (c === '[') {
      const cls = readClass(re, i);
      if ('error' in cls) return fail(cls.error);
      out += cls.js;
      i = cls.next;
      canRepeat = true;
      continue;
    }
    if (c === '\\') {
      const esc = readEscape(re, i);
      if ('error' in esc) return fail(esc.error);
      out += esc.js;
      i = esc.next;
      canRepeat = esc.repeatable;
      continue;
    }
    if (c === '^' || c === '$') {
      out += c;
      i++;
      canRepeat = false;
      continue;
    }
    const cp = re.codePointAt(i) as number;
    out += c === '.' ? '.' : jsLiteral(cp, false);
    i += cp > 0xffff ? 2 : 1;
    canRepeat = true;
  }
  if (frames.length > 1) return fail('missing closing ): unterminated group');
  out += ')'.repeat(top().mods.length);
  try {
    new RegExp(out, 'u');
  } catch (err) {
    return fail(`cannot be run: ${(err as Error).message}`);
  }
  return { js: out };
}

type Group = { next: number; open: string; directive?: undefined } | { next: number; directive: string } | { error: string };

function readGroup(re: string, i: number, names: Set<string>): Group {
  if (re[i + 1] !== '?') return { next: i + 1, open: '(' };
  const rest = re.slice(i + 2);
  const named = /^P?<([^>]*)>/.exec(rest);
  if (named && !rest.startsWith('<=') && !rest.startsWith('<!')) {
    const name = named[1] ?? '';
    if (!/^[A-Za-z0-9_]+$/.test(name)) return { error: `invalid named capture: \`(?${named[0]}\`` };
    if (names.has(name)) return { error: `duplicate capture group name: \`${name}\`` };
    names.add(name);
    return { next: i + 2 + named[0].length, open: '(' };
  }
  if (rest.startsWith('=') || rest.startsWith('!')) return { error: `lookahead \`(?${rest[0]}\` is not supported by RE2` };
  if (rest.startsWith('<=') || rest.startsWith('<!')) return { error: `lookbehind \`(?${rest.slice(0, 2)}\` is not supported by RE2` };
  if (rest.startsWith('P=')) return { error: 'backreferences `(?P=name)` are not supported by RE2' };
  if (rest.startsWith('>')) return { error: 'atomic groups `(?>...)` are not supported by RE2' };
  if (rest.startsWith(':')) return { next: i + 3, open: '(?:' };
  const flags = /^([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
  const on = flags?.[1] ?? '';
  const off = flags?.[2];
  const all = on + (off ?? '');
  if (!flags || all === '' || off === '' || /[^imsU]/.test(all) || new Set(all).size !== all.length) {
    return { error: `invalid or unsupported Perl syntax: \`(?${rest.slice(0, 3)}\`` };
  }
  if (all.includes('U')) return { error: 'the U (ungreedy) flag is not supported: write lazy quantifiers such as `*?` instead' };
  const mods = off === undefined ? on : `${on}-${off}`;
  if (flags[3] === ':') return { next: i + 2 + flags[0].length, open: `(?${mods}:` };
  return { next: i + 2 + flags[0].length, directive: mods };
}

/** Why `re` is not a regex Istio (RE2) accepts and Mizzen can run, or undefined. */
export function re2Problem(re: string): string | undefined {
  const t = translateRe2(re);
  return t.error === undefined ? undefined : `invalid regex: ${t.error} (Istio uses RE2 syntax, https://github.com/google/re2/wiki/Syntax)`;
}

/** A JS RegExp that matches what RE2 matches; `anchored` for Envoy's whole-string matching. */
export function compileRe2(re: string, opts: { anchored?: boolean } = {}): RegExp {
  const t = translateRe2(re);
  if (t.error !== undefined) throw new SyntaxError(`invalid RE2 regex ${JSON.stringify(re)}: ${t.error}`);
  return new RegExp(opts.anchored ? `^(?:${t.js})$` : t.js, 'u');
}
