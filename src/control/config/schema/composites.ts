/**
 * Composite schemas: object (known fields only, required fields, protobuf oneofs, cross-field
 * rules), array and map. Null values count as absent, as Kubernetes treats them. Rules run only
 * when every field of the object is valid, so one mistake is reported once.
 */
import { INVALID, isPlainObject, type Parsed, type Path, type Reporter, type Schema } from './schema.ts';

export type Fields<T> = { readonly [K in keyof T]-?: Schema<NonNullable<T[K]>> };
export type Rule<T> = (value: T, path: Path, r: Reporter) => void;

export interface ObjectOptions<T> {
  readonly required?: readonly (keyof T & string)[];
  /** Groups of fields of which at most one may be set (protobuf oneof). */
  readonly oneOf?: readonly (readonly (keyof T & string)[])[];
  /** Fields that still work but are deprecated: field -> advice, reported as a warning. */
  readonly deprecated?: Readonly<Partial<Record<keyof T & string, string>>>;
  readonly rules?: readonly Rule<T>[];
}

export function object<T extends object>(name: string, fields: Fields<T>, opts: ObjectOptions<T> = {}): Schema<T> {
  const known = Object.keys(fields);
  const table = fields as unknown as Readonly<Record<string, Schema<unknown>>>;
  return {
    expected: `an object (${name})`,
    parse(value: unknown, path: Path, r: Reporter): Parsed<T> {
      if (!isPlainObject(value)) {
        r.error(path, value, `expected an object (${name})`);
        return INVALID;
      }
      let ok = true;
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const schema = Object.hasOwn(table, key) ? table[key] : undefined;
        if (!schema) {
          r.error([...path, key], v, `unknown field (${name} has ${known.join(', ')})`);
          ok = false;
          continue;
        }
        if (v === null || v === undefined) continue;
        const advice = opts.deprecated?.[key as keyof T & string];
        if (advice) r.warn([...path, key], v, `deprecated: ${advice}`);
        const parsed = schema.parse(v, [...path, key], r);
        if (parsed === INVALID) ok = false;
        else out[key] = parsed;
      }
      for (const key of opts.required ?? []) {
        if (!(key in out) && !(key in value && value[key] !== null)) {
          r.error([...path, key], undefined, 'required field is missing');
          ok = false;
        }
      }
      for (const group of opts.oneOf ?? []) {
        const set = group.filter((k) => k in out);
        if (set.length > 1) {
          r.error(path, Object.fromEntries(set.map((k) => [k, out[k]])), `only one of ${group.join(', ')} may be set`);
          ok = false;
        }
      }
      if (!ok) return INVALID;
      const typed = out as T;
      let ruleOk = true;
      const guard: Reporter = {
        namespace: r.namespace,
        error: (p, v, reason) => { ruleOk = false; r.error(p, v, reason); },
        warn: (p, v, reason) => r.warn(p, v, reason),
      };
      for (const rule of opts.rules ?? []) rule(typed, path, guard);
      return ruleOk ? typed : INVALID;
    },
  };
}

export function array<T>(item: Schema<T>, opts: { nonEmpty?: boolean; unique?: boolean } = {}): Schema<readonly T[]> {
  const expected = `a list of ${item.expected.replace(/^an? /, '')} values`;
  return {
    expected,
    parse(value: unknown, path: Path, r: Reporter): Parsed<readonly T[]> {
      if (!Array.isArray(value)) {
        r.error(path, value, `expected ${expected}`);
        return INVALID;
      }
      if (opts.nonEmpty && value.length === 0) {
        r.error(path, value, 'must have at least one element');
        return INVALID;
      }
      let ok = true;
      const out: T[] = [];
      const seen = new Map<string, number>();
      value.forEach((v: unknown, i) => {
        if (v === null || v === undefined) {
          r.error([...path, i], v, `element may not be null (expected ${item.expected})`);
          ok = false;
          return;
        }
        const parsed = item.parse(v, [...path, i], r);
        if (parsed === INVALID) {
          ok = false;
          return;
        }
        if (opts.unique) {
          const k = JSON.stringify(parsed);
          const prior = seen.get(k);
          if (prior !== undefined) {
            r.error([...path, i], v, `duplicate of element [${prior}]`);
            ok = false;
          }
          seen.set(k, i);
        }
        out.push(parsed);
      });
      return ok ? out : INVALID;
    },
  };
}

export function map<V>(valueSchema: Schema<V>, opts: { key?: (k: string) => string | undefined; nonEmpty?: boolean } = {}):
Schema<Readonly<Record<string, V>>> {
  const expected = `a map of ${valueSchema.expected.replace(/^an? /, '')} values`;
  return {
    expected,
    parse(value: unknown, path: Path, r: Reporter): Parsed<Readonly<Record<string, V>>> {
      if (!isPlainObject(value)) {
        r.error(path, value, `expected ${expected}`);
        return INVALID;
      }
      if (opts.nonEmpty && Object.keys(value).length === 0) {
        r.error(path, value, 'must have at least one entry');
        return INVALID;
      }
      let ok = true;
      const out: Record<string, V> = {};
      for (const [k, v] of Object.entries(value)) {
        const bad = opts.key?.(k);
        if (bad !== undefined) {
          r.error([...path, k], v, bad);
          ok = false;
          continue;
        }
        if (v === null || v === undefined) {
          r.error([...path, k], v, `value may not be null (expected ${valueSchema.expected})`);
          ok = false;
          continue;
        }
        const parsed = valueSchema.parse(v, [...path, k], r);
        if (parsed === INVALID) ok = false;
        else out[k] = parsed;
      }
      return ok ? out : INVALID;
    },
  };
}
