/**
 * metadata as Kubernetes has it: name (a DNS-1123 subdomain; a DNS label for Gateways, whose
 * names appear in `namespace/name` references), namespace (default "default"), labels and
 * annotations. Server-populated fields (uid, creationTimestamp, managedFields...) are accepted
 * and dropped, except the few a config store tracks.
 */
import { labels } from './schemas/common.ts';
import { map } from './schema/composites.ts';
import { dnsLabelProblem, dnsSubdomainProblem } from './schema/names.ts';
import { str } from './schema/scalars.ts';
import { INVALID, isPlainObject, type Reporter } from './schema/schema.ts';
import { DEFAULT_NAMESPACE, type ResourceMeta } from './resource.ts';

const annotations = map(str());

export function parseMetadata(value: unknown, kind: string, r: Reporter): ResourceMeta | undefined {
  const path = ['metadata'];
  if (!isPlainObject(value)) {
    r.error(path, value, value === undefined ? 'required field is missing' : 'expected an object (ObjectMeta)');
    return undefined;
  }
  let ok = true;
  const name = value['name'];
  if (name === undefined || name === null) {
    r.error([...path, 'name'], undefined, 'required field is missing');
    ok = false;
  } else if (typeof name !== 'string') {
    r.error([...path, 'name'], name, 'expected a string');
    ok = false;
  } else {
    const bad = kind === 'Gateway' ? dnsLabelProblem(name) : dnsSubdomainProblem(name);
    if (bad) {
      r.error([...path, 'name'], name, bad);
      ok = false;
    }
  }
  const ns = value['namespace'] ?? DEFAULT_NAMESPACE;
  const nsBad = typeof ns !== 'string' ? 'expected a string' : dnsLabelProblem(ns);
  if (nsBad) {
    r.error([...path, 'namespace'], ns, nsBad);
    ok = false;
  }
  const meta: Record<string, unknown> = { name, namespace: ns };
  for (const [field, schema] of [['labels', labels()], ['annotations', annotations]] as const) {
    const v = value[field];
    if (v === undefined || v === null) continue;
    const parsed = schema.parse(v, [...path, field], r);
    if (parsed === INVALID) ok = false;
    else meta[field] = parsed;
  }
  if (typeof value['resourceVersion'] === 'string') meta['resourceVersion'] = value['resourceVersion'];
  if (typeof value['generation'] === 'number') meta['generation'] = value['generation'];
  if (typeof value['uid'] === 'string') meta['uid'] = value['uid'];
  return ok ? (meta as unknown as ResourceMeta) : undefined;
}
