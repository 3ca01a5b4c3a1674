/** Durations as kubectl flags take them: "90s", "2m", "1m30s", "500ms", or a bare number of seconds. */
import { invalidFlag } from '../../core/errors.ts';

export function parseDuration(flag: string, text: string): number {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(re)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    consumed += m[0].length;
  }
  if (consumed !== text.length || consumed === 0) throw invalidFlag(flag, text, 'must be a duration like 90s, 2m or 1m30s');
  return total;
}
