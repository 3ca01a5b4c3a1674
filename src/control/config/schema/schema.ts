/**
 * The schema DSL's core: a Schema<T> checks an untrusted value (parsed YAML/JSON), reports every
 * problem to a Reporter with the field path, and returns a clean copy typed as T, or INVALID.
 * Problems are collected, not thrown, so one pass names all of them.
 */

export type PathSeg = string | number;
export type Path = readonly PathSeg[];

export const INVALID = Symbol('invalid');
export type Parsed<T> = T | typeof INVALID;

export interface Reporter {
  error(path: Path, value: unknown, reason: string): void;
  warn(path: Path, value: unknown, reason: string): void;
  /** Namespace of the resource being checked (exportTo, `.` in hosts). */
  readonly namespace: string;
}

export interface Schema<T> {
  /** A valid value in words, for messages: "a string", "a port number from 1 to 65535". */
  readonly expected: string;
  parse(value: unknown, path: Path, r: Reporter): Parsed<T>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `spec.http[0].match[0].headers["end-user"].exact` */
export function formatPath(path: Path): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A reporter that records into arrays: what validateResource and the tests use. */
export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly path: Path;
  readonly value: unknown;
  readonly reason: string;
}

export function collectingReporter(namespace: string): Reporter & { readonly findings: Finding[] } {
  const findings: Finding[] = [];
  return {
    namespace,
    findings,
    error: (path, value, reason) => findings.push({ severity: 'error', path, value, reason }),
    warn: (path, value, reason) => findings.push({ severity: 'warning', path, value, reason }),
  };
}
