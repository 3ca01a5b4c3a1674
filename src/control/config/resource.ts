/**
 * A validated, deep-frozen Istio resource, and the key that names it in the store:
 * `Kind/namespace/name`. Resources without metadata.namespace live in "default".
 */
import type { Kind, SpecByKind } from './kinds.ts';

export const DEFAULT_NAMESPACE = 'default';

export interface ResourceMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly resourceVersion?: string;
  readonly generation?: number;
  readonly uid?: string;
}

/** Where a resource was read from, when it came from a file. */
export interface SourceRef {
  readonly file: string;
  readonly line?: number;
}

export type Resource<K extends Kind = Kind> = {
  readonly [P in K]: {
    readonly apiVersion: string;
    readonly kind: P;
    readonly metadata: ResourceMeta;
    readonly spec: SpecByKind[P];
    readonly source?: SourceRef;
  };
}[K];

export type ResourceKey = `${Kind}/${string}/${string}`;

export const resourceKey = (kind: Kind, namespace: string, name: string): ResourceKey => `${kind}/${namespace}/${name}`;

/** What names a resource: its kind and metadata. */
export interface Named {
  readonly kind: Kind;
  readonly metadata: ResourceMeta;
}

export const keyOf = (r: Named): ResourceKey => resourceKey(r.kind, r.metadata.namespace, r.metadata.name);

export function parseKey(key: ResourceKey): { kind: Kind; namespace: string; name: string } {
  const [kind, namespace = '', ...name] = key.split('/');
  return { kind: kind as Kind, namespace, name: name.join('/') };
}

/** `Kind namespace/name`, as messages name a resource. */
export const describeResource = (r: Named): string => `${r.kind} ${r.metadata.namespace}/${r.metadata.name}`;
