/**
 * validateResource: the edge. An untrusted object (from YAML, JSON or an API call) comes in;
 * either a deep-frozen Resource comes out, or the list of everything wrong with it. A resource
 * with any error is refused as a whole. Warnings (deprecated fields, ignored settings) come back
 * alongside a valid resource.
 */
import { ConfigErrorCodes, type ConfigErrorCode } from './errors.ts';
import { deepFreeze } from './freeze.ts';
import { makeIssue, type ConfigIssue, type ResourceRef } from './issue.ts';
import { isIstioGroup, isKind, KINDS, type Kind } from './kinds.ts';
import { parseMetadata } from './metadata.ts';
import { DEFAULT_NAMESPACE, type Resource, type SourceRef } from './resource.ts';
import { SPEC_SCHEMAS } from './schemas/by-kind.ts';
import { collectingReporter, formatPath, INVALID, isPlainObject, type Finding, type Path } from './schema/schema.ts';

export interface ValidateOptions {
  readonly file?: string;
  /** Line of a field path in the source text, when the object came from a file. */
  readonly lineOf?: (path: Path) => number | undefined;
}

export interface ValidationResult {
  readonly resource?: Resource;
  readonly issues: readonly ConfigIssue[];
}

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata', 'spec', 'status']);

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The kind/namespace/name an object claims, even when it is invalid (to report and to keep the last good version). */
export function identify(input: unknown): ResourceRef | undefined {
  if (!isPlainObject(input) || !isKind(input['kind'])) return undefined;
  const meta = input['metadata'];
  if (!isPlainObject(meta) || typeof meta['name'] !== 'string') return undefined;
  const ns = typeof meta['namespace'] === 'string' ? meta['namespace'] : DEFAULT_NAMESPACE;
  return { kind: input['kind'], namespace: ns, name: meta['name'] };
}

export function validateResource(input: unknown, opts: ValidateOptions = {}): ValidationResult {
  const ref = identify(input);
  const issue = (code: ConfigErrorCode, f: Finding): ConfigIssue => makeIssue({
    severity: f.severity, code, ...(ref ? { resource: ref } : {}), ...(opts.file !== undefined ? { file: opts.file } : {}),
    ...lineField(opts.lineOf?.(f.path)), path: formatPath(f.path) || undefined, value: f.value, reason: f.reason,
  });
  const fail = (code: ConfigErrorCode, path: Path, value: unknown, reason: string): ValidationResult =>
    ({ issues: [issue(code, { severity: 'error', path, value, reason })] });

  if (!isPlainObject(input)) {
    const got = Array.isArray(input) ? 'a list' : input === null ? 'null' : `a ${typeof input}`;
    return fail(ConfigErrorCodes.NotAnObject, [], input, `expected a Kubernetes object (a mapping with apiVersion, kind, metadata, spec), got ${got}`);
  }
  const { apiVersion, kind } = input;
  if (typeof apiVersion !== 'string' || apiVersion === '') return fail(ConfigErrorCodes.NotAnObject, ['apiVersion'], apiVersion, 'apiVersion is required');
  if (typeof kind !== 'string' || kind === '') return fail(ConfigErrorCodes.NotAnObject, ['kind'], kind, 'kind is required');
  const { group, version } = splitApiVersion(apiVersion);
  if (!isKind(kind) || KINDS[kind].group !== group) {
    const why = isIstioGroup(group) ? `${apiVersion} ${kind} is not a kind Mizzen serves` : `${apiVersion} ${kind} is not an Istio config kind`;
    return fail(ConfigErrorCodes.UnsupportedKind, ['kind'], kind, why);
  }
  const info = KINDS[kind];
  if (!info.versions.includes(version)) {
    return fail(ConfigErrorCodes.UnsupportedKind, ['apiVersion'], apiVersion,
      `unsupported version for ${kind}: expected one of ${info.versions.map((v) => `${group}/${v}`).join(', ')}`);
  }

  const meta = collectingReporter(DEFAULT_NAMESPACE);
  const metadata = parseMetadata(input['metadata'], kind, meta);
  const specReporter = collectingReporter(metadata?.namespace ?? ref?.namespace ?? DEFAULT_NAMESPACE);
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL.has(key)) specReporter.error([key], input[key], 'unknown field (expected apiVersion, kind, metadata, spec)');
  }
  const spec = parseSpec(kind, input['spec'] ?? {}, specReporter);
  const issues = [
    ...meta.findings.map((f) => issue(ConfigErrorCodes.InvalidMetadata, f)),
    ...specReporter.findings.map((f) => issue(ConfigErrorCodes.InvalidSpec, f)),
  ];
  if (!metadata || spec === INVALID || issues.some((i) => i.severity === 'error')) return { issues };
  const source: SourceRef | undefined = opts.file !== undefined ? { file: opts.file, ...lineField(opts.lineOf?.([])) } : undefined;
  const resource = { apiVersion, kind, metadata, spec, ...(source ? { source } : {}) } as Resource;
  return { resource: deepFreeze(resource), issues };
}

function parseSpec(kind: Kind, spec: unknown, r: ReturnType<typeof collectingReporter>): unknown {
  return SPEC_SCHEMAS[kind].parse(spec, ['spec'], r);
}

const lineField = (line: number | undefined): { line?: number } => (line === undefined ? {} : { line });
