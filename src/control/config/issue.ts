/**
 * ConfigIssue: one problem found in Istio config, with everything a user needs to find and fix
 * it: the resource (Kind namespace/name), the file and line, the field path
 * (`spec.http[0].route[1].weight`), the offending value and the reason. `message` is all of that
 * on one line:
 *
 *   reviews.yaml:14: VirtualService default/reviews: spec.http[0].timeout = "5x": invalid duration ...
 */
import type { ConfigErrorCode } from './errors.ts';

export type Severity = 'error' | 'warning';

/** Names a resource: `Kind namespace/name`. */
export interface ResourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ConfigIssue {
  readonly severity: Severity;
  readonly code: ConfigErrorCode;
  readonly resource?: ResourceRef;
  readonly file?: string;
  readonly line?: number;
  /** Field path from the document root, e.g. `spec.http[0].route[1].weight`. */
  readonly path?: string;
  /** The offending value; absent when the field is missing. */
  readonly value?: unknown;
  readonly reason: string;
  readonly message: string;
}

export type IssueFields = Omit<ConfigIssue, 'message'>;

const MAX_VALUE = 80;

/** A value as it appears in messages: compact JSON, shortened when long. */
export function formatValue(value: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > MAX_VALUE ? `${s.slice(0, MAX_VALUE - 1)}…` : s;
}

export function formatRef(r: ResourceRef): string {
  return `${r.kind} ${r.namespace}/${r.name}`;
}

export function makeIssue(f: IssueFields): ConfigIssue {
  const parts: string[] = [];
  if (f.file !== undefined) parts.push(f.line !== undefined ? `${f.file}:${f.line}` : f.file);
  if (f.resource) parts.push(formatRef(f.resource));
  if (f.path !== undefined) parts.push(f.value !== undefined ? `${f.path} = ${formatValue(f.value)}` : f.path);
  parts.push(f.reason);
  return { ...f, message: parts.join(': ') };
}

export const isError = (i: ConfigIssue): boolean => i.severity === 'error';
