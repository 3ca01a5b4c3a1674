/**
 * POST/DELETE /apis/config: Istio YAML in the body (one or more documents, as `mizzen apply -f`
 * and `delete -f` send it), applied to the ConfigStore in one batch (one push). Each resource is
 * applied whole or refused whole with the validation messages; a refused update keeps the last
 * valid version serving. The answer lists every document: created, configured, unchanged,
 * deleted or refused.
 */
import { parseYaml } from '../config/source/yaml.ts';
import type { ConfigStore } from '../config/store.ts';
import { isKind } from '../config/kinds.ts';
import { identify } from '../config/validate.ts';

export type ApiStatus = 'created' | 'configured' | 'unchanged' | 'deleted' | 'refused';

export interface ApiResult {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status: ApiStatus;
  readonly messages: readonly string[];
}

export interface ApiAnswer {
  /** 200 when nothing was refused, 422 when something was, 400 when the body is not YAML. */
  readonly code: number;
  readonly results: readonly ApiResult[];
  readonly errors: readonly string[];
}

const STATUS = { created: 'created', updated: 'configured', unchanged: 'unchanged', rejected: 'refused' } as const;

function describe(value: unknown): { kind: string; namespace: string; name: string } {
  const ref = identify(value);
  if (ref) return ref;
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const meta = (typeof o['metadata'] === 'object' && o['metadata'] !== null ? o['metadata'] : {}) as Record<string, unknown>;
  return { kind: String(o['kind'] ?? ''), namespace: String(meta['namespace'] ?? 'default'), name: String(meta['name'] ?? '') };
}

export function applyConfig(store: ConfigStore, body: string, file: string): ApiAnswer {
  const parsed = parseYaml(body);
  if (parsed.errors.length > 0) return { code: 400, results: [], errors: parsed.errors.map((e) => `${file}:${e.line ?? '?'}: invalid YAML: ${e.message}`) };
  const docs = parsed.docs.filter((d) => d.value !== null && d.value !== undefined);
  const results = store.batch(() => docs.map((doc): ApiResult => {
    const r = store.apply(doc.value, { source: 'api', file, lineOf: (p) => doc.lineOf(p) });
    return { ...describe(doc.value), status: STATUS[r.status], messages: r.issues.map((i) => i.message) };
  }));
  return { code: results.some((r) => r.status === 'refused') ? 422 : 200, results, errors: [] };
}

export function deleteConfig(store: ConfigStore, body: string, file: string): ApiAnswer {
  const parsed = parseYaml(body);
  if (parsed.errors.length > 0) return { code: 400, results: [], errors: parsed.errors.map((e) => `${file}:${e.line ?? '?'}: invalid YAML: ${e.message}`) };
  const docs = parsed.docs.filter((d) => d.value !== null && d.value !== undefined);
  const results = store.batch(() => docs.map((doc): ApiResult => {
    const ref = describe(doc.value);
    const where = `${file}:${doc.line ?? '?'}`;
    if (!isKind(ref.kind) || !identify(doc.value)) {
      return { ...ref, status: 'refused', messages: [`${where}: ${ref.kind || '(no kind)'} ${ref.namespace}/${ref.name}: not an Istio config kind Mizzen serves, or no metadata.name`] };
    }
    const deleted = store.delete(ref.kind, ref.namespace, ref.name);
    return { ...ref, status: deleted ? 'deleted' : 'unchanged', messages: deleted ? [] : [`${where}: ${ref.kind} ${ref.namespace}/${ref.name}: not found`] };
  }));
  return { code: results.some((r) => r.status === 'refused') ? 422 : 200, results, errors: [] };
}
