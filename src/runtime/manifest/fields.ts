/**
 * Typed reads of untyped YAML with the field path kept: each read either returns a value of the
 * right type or records an issue naming the path and the value, so one pass over a document
 * reports every problem in it. Unknown fields are issues too (strict decoding, as the API server
 * does with fieldValidation=Strict); fields Kubernetes has but the runtime ignores are warnings.
 */

export interface Issue {
  readonly path: string;
  readonly value: unknown;
  readonly message: string;
}

export interface ReadContext {
  readonly issues: Issue[];
  readonly warnings: string[];
}

export type Obj = Readonly<Record<string, unknown>>;

export function newContext(): ReadContext {
  return { issues: [], warnings: [] };
}

export function fail(ctx: ReadContext, path: string, value: unknown, message: string): undefined {
  ctx.issues.push({ path, value, message });
  return undefined;
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** Checks that `o` has only `known` keys; `ignored` keys are accepted with a warning. */
export function checkFields(ctx: ReadContext, o: Obj, path: string, known: readonly string[], ignored: readonly string[] = []): void {
  for (const key of Object.keys(o)) {
    if (known.includes(key)) continue;
    const p = join(path, key);
    if (ignored.includes(key)) ctx.warnings.push(`${p}: not supported on one host, ignored`);
    else fail(ctx, p, o[key], 'unknown field');
  }
}

export function readObj(ctx: ReadContext, o: Obj, key: string, path: string, required = false): Obj | undefined {
  const v = o[key];
  const p = join(path, key);
  if (v === undefined || v === null) return required ? fail(ctx, p, v, 'required field is missing') : undefined;
  return isObj(v) ? v : fail(ctx, p, v, 'must be an object');
}

export function readList(ctx: ReadContext, o: Obj, key: string, path: string): readonly unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v;
  fail(ctx, join(path, key), v, 'must be a list');
  return [];
}

export function readString(ctx: ReadContext, o: Obj, key: string, path: string, required = false): string | undefined {
  const v = o[key];
  const p = join(path, key);
  if (v === undefined || v === null) return required ? fail(ctx, p, v, 'required field is missing') : undefined;
  return typeof v === 'string' ? v : fail(ctx, p, v, 'must be a string');
}

export function readInt(ctx: ReadContext, o: Obj, key: string, path: string, range: { min?: number; max?: number } = {}): number | undefined {
  const v = o[key];
  const p = join(path, key);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(ctx, p, v, 'must be an integer');
  if (range.min !== undefined && v < range.min) return fail(ctx, p, v, `must be at least ${range.min}`);
  if (range.max !== undefined && v > range.max) return fail(ctx, p, v, `must be at most ${range.max}`);
  return v;
}

export function readBool(ctx: ReadContext, o: Obj, key: string, path: string): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'boolean' ? v : fail(ctx, join(path, key), v, 'must be a boolean');
}

/** A list of strings (command, args). */
export function readStrings(ctx: ReadContext, o: Obj, key: string, path: string): readonly string[] {
  const out: string[] = [];
  readList(ctx, o, key, path).forEach((v, i) => {
    if (typeof v === 'string') out.push(v);
    else fail(ctx, join(join(path, key), i), v, 'must be a string');
  });
  return out;
}

/** A map of string to string (labels, annotations, selectors). */
export function readStringMap(ctx: ReadContext, o: Obj, key: string, path: string): Readonly<Record<string, string>> {
  const m = readObj(ctx, o, key, path);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === 'string') out[k] = v;
    else fail(ctx, join(join(path, key), k), v, 'must be a string');
  }
  return out;
}

/** A port: an integer 1-65535, or an IANA_SVC_NAME (when names are allowed). */
export function readIntOrString(ctx: ReadContext, o: Obj, key: string, path: string, required = false): number | string | undefined {
  const v = o[key];
  const p = join(path, key);
  if (v === undefined || v === null) return required ? fail(ctx, p, v, 'required field is missing') : undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 1 || v > 65535) return fail(ctx, p, v, 'must be a port number between 1 and 65535');
    return v;
  }
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return readIntOrString(ctx, { [key]: Number(v) }, key, path, required);
    if (!isPortName(v)) return fail(ctx, p, v, 'must be a port number or a port name (at most 15 lower-case letters, digits and -)');
    return v;
  }
  return fail(ctx, p, v, 'must be an integer or a string');
}

export function isPortName(v: string): boolean {
  return v.length <= 15 && /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(v) && /[a-z]/.test(v) && !v.includes('--');
}

/** RFC 1123 label (namespace, service, container names). */
export function isDnsLabel(v: string): boolean {
  return v.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);
}

/** RFC 1123 subdomain (pod, deployment names). */
export function isDnsSubdomain(v: string): boolean {
  return v.length <= 253 && v.split('.').every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part));
}
