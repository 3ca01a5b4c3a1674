/**
 * metadata: name, namespace, labels and annotations, validated as the API server does (names
 * are DNS labels or subdomains; label values are at most 63 characters of [A-Za-z0-9-_.]).
 */
import type { ObjectMeta } from '../model/objects.ts';
import { checkFields, fail, isDnsLabel, isDnsSubdomain, join, readObj, readString, readStringMap, type Obj, type ReadContext } from './fields.ts';

const IGNORED = ['uid', 'resourceVersion', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'finalizers', 'ownerReferences'];

export interface MetaRules {
  /** Cluster-scoped objects carry no namespace. */
  readonly namespaced: boolean;
  /** Namespaces and Services need DNS labels; pods and deployments allow subdomains. */
  readonly nameIs: 'label' | 'subdomain';
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function readLabels(ctx: ReadContext, o: Obj, key: string, path: string): Readonly<Record<string, string>> {
  const labels = readStringMap(ctx, o, key, path);
  for (const [k, v] of Object.entries(labels)) {
    const p = join(join(path, key), k);
    const slash = k.lastIndexOf('/');
    const name = slash < 0 ? k : k.slice(slash + 1);
    const prefix = slash < 0 ? '' : k.slice(0, slash);
    if (name.length > 63 || !LABEL_NAME.test(name) || (prefix !== '' && !isDnsSubdomain(prefix))) {
      fail(ctx, p, k, 'not a valid label key');
    }
    if (v.length > 63 || !LABEL_VALUE.test(v)) fail(ctx, p, v, 'not a valid label value (at most 63 characters of A-Z a-z 0-9 - _ .)');
  }
  return labels;
}

export function readMeta(ctx: ReadContext, doc: Obj, rules: MetaRules): ObjectMeta {
  const m = readObj(ctx, doc, 'metadata', '', true) ?? {};
  checkFields(ctx, m, 'metadata', ['name', 'namespace', 'labels', 'annotations'], IGNORED);
  const name = readString(ctx, m, 'name', 'metadata', true) ?? '';
  if (name !== '' && !(rules.nameIs === 'label' ? isDnsLabel(name) : isDnsSubdomain(name))) {
    fail(ctx, 'metadata.name', name, rules.nameIs === 'label'
      ? 'must be a DNS-1123 label (at most 63 lower-case letters, digits and -)'
      : 'must be a DNS-1123 subdomain (lower-case letters, digits, - and .)');
  }
  let namespace = '';
  if (rules.namespaced) {
    namespace = readString(ctx, m, 'namespace', 'metadata') ?? 'default';
    if (!isDnsLabel(namespace)) fail(ctx, 'metadata.namespace', namespace, 'must be a DNS-1123 label');
  } else if (m['namespace'] !== undefined) {
    fail(ctx, 'metadata.namespace', m['namespace'], 'a cluster-scoped object has no namespace');
  }
  return {
    name,
    namespace,
    labels: readLabels(ctx, m, 'labels', 'metadata'),
    annotations: readStringMap(ctx, m, 'annotations', 'metadata'),
  };
}
