/**
 * `%START_TIME%` and `%START_TIME(fmt)%`: without a format, RFC 3339 in UTC with milliseconds
 * (Envoy's `%Y-%m-%dT%H:%M:%E3SZ`); with one, the strftime subset Envoy's users write, in UTC:
 * %Y %m %d %H %M %S %y %j %e %T %F %z %Z %s, fractions %f / %Nf (N = 1..9 digits), seconds with
 * a fraction %ENS, and %% for a percent sign. The format is compiled once into parts.
 */

type Part = string | ((d: Date) => string);

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const fraction = (d: Date, digits: number): string => pad(d.getUTCMilliseconds(), 3).padEnd(9, '0').slice(0, digits);
const dayOfYear = (d: Date): number => Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1;

const specs: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getUTCFullYear()),
  y: (d) => pad(d.getUTCFullYear() % 100),
  m: (d) => pad(d.getUTCMonth() + 1),
  d: (d) => pad(d.getUTCDate()),
  e: (d) => String(d.getUTCDate()).padStart(2, ' '),
  j: (d) => pad(dayOfYear(d), 3),
  H: (d) => pad(d.getUTCHours()),
  M: (d) => pad(d.getUTCMinutes()),
  S: (d) => pad(d.getUTCSeconds()),
  T: (d) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
  F: (d) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`,
  z: () => '+0000',
  Z: () => 'UTC',
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  f: (d) => fraction(d, 9),
};

export function compileStartTime(fmt: string | undefined): (d: Date) => string {
  if (fmt === undefined || fmt === '') {
    let lastMs = NaN;
    let last = '';
    return (d) => {
      const ms = d.getTime();
      if (ms !== lastMs) {
        lastMs = ms;
        last = d.toISOString();
      }
      return last;
    };
  }
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c !== '%' || i === fmt.length - 1) {
      lit += c;
      continue;
    }
    const rest = fmt.slice(i + 1);
    const m = /^(?:(\d)f|E(\d)S|([A-Za-z%]))/.exec(rest);
    const spec = m?.[3];
    let f: ((d: Date) => string) | undefined;
    if (m?.[1] !== undefined) {
      const n = Math.max(1, Number(m[1]));
      f = (d) => fraction(d, n);
    } else if (m?.[2] !== undefined) {
      const n = Number(m[2]);
      f = (d) => (n === 0 ? pad(d.getUTCSeconds()) : `${pad(d.getUTCSeconds())}.${fraction(d, n)}`);
    } else if (spec === '%') {
      lit += '%';
      i += 1;
      continue;
    } else if (spec !== undefined) {
      f = specs[spec];
    }
    if (!m || !f) {
      lit += c;
      continue;
    }
    if (lit) parts.push(lit);
    lit = '';
    parts.push(f);
    i += m[0].length;
  }
  if (lit) parts.push(lit);
  // Many requests start in the same millisecond: the last rendering is reused for it.
  let lastMs = NaN;
  let last = '';
  return (d) => {
    const ms = d.getTime();
    if (ms === lastMs) return last;
    let out = '';
    for (const p of parts) out += typeof p === 'string' ? p : p(d);
    lastMs = ms;
    last = out;
    return out;
  };
}
