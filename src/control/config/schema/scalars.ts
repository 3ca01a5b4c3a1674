/**
 * Scalar schemas: string, integer, number, boolean, enum, and `refine` to add a check to any
 * schema. A check returns the reason the value is wrong, or undefined.
 */
import { INVALID, type Parsed, type Path, type Reporter, type Schema } from './schema.ts';

export type Check<T> = (value: T, r: Reporter, path: Path) => string | undefined;

function scalar<T>(expected: string, accept: (v: unknown) => v is T, checks: readonly Check<T>[] = []): Schema<T> {
  return {
    expected,
    parse(value: unknown, path: Path, r: Reporter): Parsed<T> {
      if (!accept(value)) {
        r.error(path, value, `expected ${expected}`);
        return INVALID;
      }
      for (const check of checks) {
        const reason = check(value, r, path);
        if (reason !== undefined) {
          r.error(path, value, reason);
          return INVALID;
        }
      }
      return value;
    },
  };
}

/** Adds checks to a schema; they run only when the schema itself accepts the value. */
export function refine<T>(schema: Schema<T>, ...checks: Check<T>[]): Schema<T> {
  return {
    expected: schema.expected,
    parse(value: unknown, path: Path, r: Reporter): Parsed<T> {
      const v = schema.parse(value, path, r);
      if (v === INVALID) return v;
      for (const check of checks) {
        const reason = check(v, r, path);
        if (reason !== undefined) {
          r.error(path, value, reason);
          return INVALID;
        }
      }
      return v;
    },
  };
}

export function str(opts: { nonEmpty?: boolean; check?: Check<string>; expected?: string } = {}): Schema<string> {
  const checks: Check<string>[] = [];
  if (opts.nonEmpty) checks.push((s) => (s === '' ? 'must not be empty' : undefined));
  if (opts.check) checks.push(opts.check);
  return scalar(opts.expected ?? 'a string', (v): v is string => typeof v === 'string', checks);
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return min === 0 ? ' (zero or more)' : ` of at least ${min}`;
  return max !== undefined ? ` of at most ${max}` : '';
}

function bounded(min: number | undefined, max: number | undefined, what: string): Check<number> {
  return (n) => ((min !== undefined && n < min) || (max !== undefined && n > max) ? `must be ${what}${range(min, max)}` : undefined);
}

/** A whole number; 64-bit fields also accept the decimal string protobuf JSON uses for them. */
export function int(opts: { min?: number; max?: number; what?: string; int64?: boolean } = {}): Schema<number> {
  const what = opts.what ?? 'an integer';
  const inner = scalar<number>(`${what}${range(opts.min, opts.max)}`, (v): v is number => typeof v === 'number' && Number.isInteger(v),
    [bounded(opts.min, opts.max, what)]);
  if (!opts.int64) return inner;
  return {
    expected: inner.expected,
    parse: (value, path, r) => inner.parse(typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value, path, r),
  };
}

export function num(opts: { min?: number; max?: number } = {}): Schema<number> {
  return scalar<number>(`a number${range(opts.min, opts.max)}`, (v): v is number => typeof v === 'number' && Number.isFinite(v),
    [bounded(opts.min, opts.max, 'a number')]);
}

export function bool(): Schema<boolean> {
  return scalar('true or false', (v): v is boolean => typeof v === 'boolean');
}

/** One of a fixed set of strings (protobuf enums, written by name as in YAML). */
export function enumOf<const V extends string>(values: readonly V[]): Schema<V> {
  const set = new Set<string>(values);
  return scalar<V>(`one of ${values.join(', ')}`, (v): v is V => typeof v === 'string' && set.has(v));
}

export const port = (): Schema<number> => int({ min: 1, max: 65535, what: 'a port number' });
export const uint32 = (): Schema<number> => int({ min: 0, max: 0xffffffff });
