/**
 * Loads config text and files: every document is validated on its own; Istio kinds become
 * Resources or issues, other Kubernetes objects are noted and kept aside (the analyzers read
 * Deployments, Pods and Services), `kind: List` documents are opened. A file that cannot be
 * read or parsed is marked `failed`, so that a watcher keeps what it loaded from it before.
 */
import { readFile } from 'node:fs/promises';
import { ConfigErrorCodes } from '../errors.ts';
import { makeIssue, type ConfigIssue } from '../issue.ts';
import { isIstioGroup, isKind, KINDS } from '../kinds.ts';
import { DEFAULT_NAMESPACE, keyOf, resourceKey, type Resource, type ResourceKey } from '../resource.ts';
import { isPlainObject, type Path } from '../schema/schema.ts';
import { identify, splitApiVersion, validateResource } from '../validate.ts';
import { discoverFiles } from './discover.ts';
import type { KubeObject, LoadNote } from './objects.ts';
import { parseYaml } from './yaml.ts';

export interface FileLoad {
  readonly file: string;
  readonly resources: readonly Resource[];
  /** Istio resources in the file that failed validation (their last good version should be kept). */
  readonly rejected: readonly ResourceKey[];
  readonly issues: readonly ConfigIssue[];
  readonly notes: readonly LoadNote[];
  readonly objects: readonly KubeObject[];
  /** The file could not be read or parsed as a whole. */
  readonly failed: boolean;
}

export interface LoadResult {
  readonly files: readonly FileLoad[];
  /** Paths that could not be read at all (missing, no permission). */
  readonly pathIssues: readonly ConfigIssue[];
  /** The folders searched. */
  readonly dirs: readonly string[];
  readonly resources: readonly Resource[];
  readonly issues: readonly ConfigIssue[];
  readonly notes: readonly LoadNote[];
  readonly objects: readonly KubeObject[];
}

interface Doc { readonly value: unknown; readonly lineOf: (p: Path) => number | undefined }

const locators = new WeakMap<Resource, (p: Path) => number | undefined>();

/** The line of a field of a resource loaded from a file (`['spec', 'http', 0, 'route']`), when known. */
export function lineOfField(resource: Resource, path: Path): number | undefined {
  return locators.get(resource)?.(path);
}

export function loadText(text: string, file: string): FileLoad {
  const parsed = parseYaml(text);
  const resources: Resource[] = [];
  const rejected: ResourceKey[] = [];
  const issues: ConfigIssue[] = parsed.errors.map((e) => makeIssue({
    severity: 'error', code: ConfigErrorCodes.Syntax, file, ...(e.line !== undefined ? { line: e.line } : {}), reason: `invalid YAML: ${e.message}`,
  }));
  const notes: LoadNote[] = [];
  const objects: KubeObject[] = [];

  const visit = (doc: Doc): void => {
    const v = doc.value;
    if (v === null || v === undefined) return;
    const line = doc.lineOf([]);
    const apiVersion = isPlainObject(v) && typeof v['apiVersion'] === 'string' ? v['apiVersion'] : '';
    const kind = isPlainObject(v) && typeof v['kind'] === 'string' ? v['kind'] : '';
    if (isPlainObject(v) && kind === 'List' && Array.isArray(v['items'])) {
      v['items'].forEach((item: unknown, i) => visit({ value: item, lineOf: (p) => doc.lineOf(['items', i, ...p]) }));
      return;
    }
    const { group } = splitApiVersion(apiVersion);
    if (isPlainObject(v) && apiVersion && kind && !(isKind(kind) && KINDS[kind].group === group)) {
      const meta = isPlainObject(v['metadata']) ? v['metadata'] : {};
      const name = typeof meta['name'] === 'string' ? meta['name'] : '';
      const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : DEFAULT_NAMESPACE;
      const why = isIstioGroup(group) ? 'Istio kind not served by Mizzen' : 'not Istio config';
      notes.push({ file, ...(line !== undefined ? { line } : {}), kind, namespace, name, message: `ignored ${apiVersion} ${kind} ${namespace}/${name} (${why})` });
      if (!isIstioGroup(group)) objects.push({ apiVersion, kind, name, namespace, value: v, file, ...(line !== undefined ? { line } : {}) });
      return;
    }
    const result = validateResource(v, { file, lineOf: doc.lineOf });
    issues.push(...result.issues);
    if (result.resource) {
      locators.set(result.resource, doc.lineOf);
      resources.push(result.resource);
    } else {
      const ref = identify(v);
      if (ref && isKind(ref.kind)) rejected.push(resourceKey(ref.kind, ref.namespace, ref.name));
    }
  };
  parsed.docs.forEach((d) => visit(d));
  return { file, resources: dedupe(resources, issues), rejected, issues, notes, objects, failed: parsed.errors.length > 0 };
}

function dedupe(resources: Resource[], issues: ConfigIssue[]): Resource[] {
  const byKey = new Map<ResourceKey, Resource>();
  for (const r of resources) {
    const prior = byKey.get(keyOf(r));
    if (prior) {
      const first = prior.source?.file === r.source?.file ? `line ${prior.source?.line ?? '?'}` : `${prior.source?.file ?? '?'}:${prior.source?.line ?? '?'}`;
      issues.push(makeIssue({
        severity: 'warning', code: ConfigErrorCodes.Duplicate, resource: { kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name },
        ...(r.source ? { file: r.source.file, ...(r.source.line !== undefined ? { line: r.source.line } : {}) } : {}),
        reason: `defined again (first at ${first}); the later definition wins`,
      }));
      byKey.delete(keyOf(r));
    }
    byKey.set(keyOf(r), r);
  }
  return [...byKey.values()];
}

export async function loadFile(file: string): Promise<FileLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const issue = makeIssue({ severity: 'error', code: ConfigErrorCodes.Unreadable, file, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` });
    return { file, resources: [], rejected: [], issues: [issue], notes: [], objects: [], failed: true };
  }
  return loadText(text, file);
}

/**
 * Loads files and folders (recursively): every Istio resource that validates (once: a resource
 * defined in two files is reported and the later file wins), and everything found wrong.
 */
export async function loadPaths(paths: readonly string[], recursive = true): Promise<LoadResult> {
  const found = await discoverFiles(paths, recursive);
  const files = await Promise.all(found.files.map((f) => loadFile(f)));
  const issues = [...found.issues, ...files.flatMap((f) => f.issues)];
  return {
    files,
    pathIssues: found.issues,
    dirs: found.dirs,
    resources: dedupe(files.flatMap((f) => f.resources), issues),
    issues,
    notes: files.flatMap((f) => f.notes),
    objects: files.flatMap((f) => f.objects),
  };
}
