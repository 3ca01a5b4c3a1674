/**
 * Durations as Istio accepts them. The CRDs check `duration(self) >= duration('1ms')`, and CEL's
 * duration() reads Go's time.ParseDuration syntax: signed sums of decimal numbers with units
 * ns, us (µs), ms, s, m, h ("1s", "0.5s", "100ms", "1m30s", "1.5h"). Istio's own validation then
 * rejects anything under 1ms or not a whole number of milliseconds. A bare number has no unit
 * and is refused (only "0" parses, and it is under 1ms).
 */
import { str } from './scalars.ts';
import type { Schema } from './schema.ts';

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n, us: 1_000n, 'µs': 1_000n, 'μs': 1_000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};
const MAX_NANOS = 2n ** 63n - 1n;
const NS_PER_MS = 1_000_000n;

/** Go's time.ParseDuration, in nanoseconds; undefined when the text is not a duration. */
export function parseDurationNanos(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') return undefined;
  const re = /(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0n;
  let at = 0;
  while (at < s.length) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) return undefined;
    const [whole = '', intPart = '', frac = '', unit = ''] = m;
    if (intPart === '' && frac === '') return undefined;
    const scale = UNITS[unit] ?? 0n;
    total += BigInt(intPart || '0') * scale;
    if (frac !== '') total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    if (total > MAX_NANOS) return undefined;
    at += whole.length;
  }
  return neg ? -total : total;
}

/** Why `text` is not a duration Istio accepts, or undefined. */
export function durationProblem(text: string): string | undefined {
  const ns = parseDurationNanos(text);
  if (ns === undefined) {
    return 'invalid duration: expected a number with a unit (h, m, s, ms, us, ns), such as "1s", "0.5s", "100ms" or "1m30s"';
  }
  if (ns < NS_PER_MS) return 'duration must be at least 1ms';
  if (ns % NS_PER_MS !== 0n) return 'only durations to ms precision are supported';
  return undefined;
}

/** A valid duration's length in milliseconds (for the code that turns config into proxy settings). */
export function durationMs(text: string): number {
  const ns = parseDurationNanos(text);
  if (ns === undefined) throw new RangeError(`not a duration: ${JSON.stringify(text)}`);
  return Number(ns / NS_PER_MS);
}

export const duration = (): Schema<string> =>
  str({ expected: 'a duration string such as "1s" or "100ms"', check: (v) => durationProblem(v) });
