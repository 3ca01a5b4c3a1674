/**
 * RE2 bracket expressions: `[a-z]`, `[^\d.]`, `[]a]` (a leading `]` is literal), `[[:alpha:]]`,
 * with RE2's checks (ranges in order, a closing bracket). Written out as a JS `u` class.
 */
import { jsLiteral, readCharEscape, readSetEscape } from './re2-escape.ts';

export type ClassResult = { js: string; next: number } | { error: string };

const POSIX: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9',
  graph: '\\x21-\\x7e', lower: 'a-z', print: '\\x20-\\x7e', punct: '\\x21-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7e',
  space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

type Item = { cp: number; next: number } | { js: string; next: number } | { error: string };

function readItem(re: string, i: number): Item {
  if (re.startsWith('[:', i)) {
    const m = /^\[:(\^?)([a-z]+):\]/.exec(re.slice(i));
    if (m) {
      const set = POSIX[m[2] ?? ''];
      if (set === undefined) return { error: `invalid character class range: \`${m[0]}\`` };
      if (m[1] === '^') return { error: `negated POSIX classes such as \`${m[0]}\` are not supported inside brackets` };
      return { js: set, next: i + m[0].length };
    }
  }
  if (re[i] === '\\') {
    const set = readSetEscape(re, i, true);
    if (set) return set;
    const ch = readCharEscape(re, i);
    if (ch) return ch;
    return { error: `invalid escape sequence: \`\\${re[i + 1] ?? ''}\`` };
  }
  const cp = re.codePointAt(i) as number;
  return { cp, next: i + (cp > 0xffff ? 2 : 1) };
}

export function readClass(re: string, start: number): ClassResult {
  let i = start + 1;
  let js = '[';
  if (re[i] === '^') {
    js += '^';
    i++;
  }
  let first = true;
  const unterminated = { error: `missing closing ]: \`${re.slice(start, start + 20)}\`` };
  while (true) {
    if (i >= re.length) return unterminated;
    if (re[i] === ']' && !first) return { js: `${js}]`, next: i + 1 };
    first = false;
    const loStart = i;
    const lo = readItem(re, i);
    if ('error' in lo) return lo;
    i = lo.next;
    if ('js' in lo) {
      if (re[i] === '-' && i + 1 < re.length && re[i + 1] !== ']') {
        return { error: `invalid character class range: \`${re.slice(loStart, i + 2)}\`` };
      }
      js += lo.js;
      continue;
    }
    if (re[i] === '-' && i + 1 < re.length && re[i + 1] !== ']') {
      const hi = readItem(re, i + 1);
      if ('error' in hi) return hi;
      const text = re.slice(loStart, hi.next);
      if (!('cp' in hi) || hi.cp < lo.cp) return { error: `invalid character class range: \`${text}\`` };
      js += `${jsLiteral(lo.cp, true)}-${jsLiteral(hi.cp, true)}`;
      i = hi.next;
      continue;
    }
    js += jsLiteral(lo.cp, true);
  }
}
