/**
 * ConfigStore: the control plane's view of Istio config. Resources are validated on the way in
 * and stored deep-frozen, keyed `Kind/namespace/name`. An invalid update is refused and the
 * last valid version stays. Every change emits one `change` event with the changed keys;
 * refusals emit `rejected`. Sources (files, the API) own the keys they provided, so a source
 * can be re-synced as a whole (a rescanned file) and what it no longer provides is deleted.
 */
import { silentLogger, type Logger } from '../../core/log.ts';
import { ConfigError } from './errors.ts';
import { Emitter } from './emitter.ts';
import type { ConfigStoreEvents } from './events.ts';
import type { ConfigIssue } from './issue.ts';
import type { Kind } from './kinds.ts';
import { keyOf, parseKey, resourceKey, type Resource, type ResourceKey } from './resource.ts';
import type { CredentialSecret } from './secrets/kube-secret.ts';
import { SecretIndex } from './secrets/secret-index.ts';
import { stableJson } from './stable-json.ts';
import { identify, validateResource, type ValidateOptions } from './validate.ts';

export type ApplyStatus = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface ApplyResult {
  readonly status: ApplyStatus;
  readonly key?: ResourceKey;
  readonly resource?: Resource;
  readonly issues: readonly ConfigIssue[];
}

/** Everything one source provides now. */
export interface SourceSnapshot {
  readonly resources: readonly Resource[];
  /** Keys the source still defines but whose new version is invalid: kept at their last valid version. */
  readonly rejected?: readonly ResourceKey[];
  readonly issues?: readonly ConfigIssue[];
  /** The source could not be read whole: keep what it provided before and is not in `resources`. */
  readonly partial?: boolean;
  /** Kubernetes Secrets (gateway credentials) the source provides, validated. */
  readonly secrets?: readonly CredentialSecret[];
  /** Secrets (`namespace/name`) the source still defines but whose new version is invalid: kept. */
  readonly rejectedSecrets?: readonly string[];
}

const API = 'api';
const content = (r: Resource): string => stableJson({ metadata: r.metadata, spec: r.spec });

export class ConfigStore {
  private readonly items = new Map<ResourceKey, Resource>();
  private readonly owners = new Map<ResourceKey, string>();
  private readonly outstanding = new Map<string, readonly ConfigIssue[]>();
  private readonly events = new Emitter<ConfigStoreEvents>();
  private readonly logger: Logger;
  /** Kubernetes Secrets for gateway credentials (not Istio config: not in list/all). */
  readonly secrets = new SecretIndex();
  private ver = 0;
  private depth = 0;
  private created = new Set<ResourceKey>();
  private updated = new Set<ResourceKey>();
  private deleted = new Set<ResourceKey>();
  private refused: ConfigIssue[] = [];
  private kept = new Set<ResourceKey>();

  constructor(opts: { logger?: Logger } = {}) {
    this.logger = opts.logger ?? silentLogger;
  }

  get version(): number {
    return this.ver;
  }

  on<E extends keyof ConfigStoreEvents>(event: E, fn: (ev: ConfigStoreEvents[E]) => void): () => void {
    return this.events.on(event, fn);
  }

  get<K extends Kind>(kind: K, namespace: string, name: string): Resource<K> | undefined {
    return this.items.get(resourceKey(kind, namespace, name)) as Resource<K> | undefined;
  }

  list<K extends Kind>(kind: K, namespace?: string): readonly Resource<K>[] {
    const out: Resource<K>[] = [];
    for (const r of this.items.values()) {
      if (r.kind === kind && (namespace === undefined || r.metadata.namespace === namespace)) out.push(r as Resource<K>);
    }
    return out.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  all(): readonly Resource[] {
    return [...this.items.values()].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /** Problems of the current inputs: each source's latest refusals and warnings. */
  issues(): readonly ConfigIssue[] {
    return [...this.outstanding.values()].flat();
  }

  /** Groups changes: listeners get one event at the end, whatever happened inside. */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
      if (this.depth === 0) this.flush();
    }
  }

  /** Validates and stores one object. `strict` throws a ConfigError instead of returning `rejected`. */
  apply(input: unknown, opts: ValidateOptions & { source?: string; strict?: boolean } = {}): ApplyResult {
    const source = opts.source ?? API;
    const result = validateResource(input, opts);
    const ref = identify(input);
    const refKey = ref ? resourceKey(ref.kind as Kind, ref.namespace, ref.name) : undefined;
    const slot = `${source}#${refKey ?? 'unknown'}`;
    if (!result.resource) {
      if (opts.strict) throw new ConfigError(result.issues.filter((i) => i.severity === 'error'));
      this.outstanding.set(slot, result.issues);
      this.batch(() => this.refuse(result.issues, refKey && this.items.has(refKey) ? [refKey] : []));
      return { status: 'rejected', ...(refKey ? { key: refKey } : {}), issues: result.issues };
    }
    if (result.issues.length > 0) this.outstanding.set(slot, result.issues);
    else this.outstanding.delete(slot);
    const status = this.batch(() => this.put(result.resource as Resource, source));
    return { status, key: keyOf(result.resource), resource: result.resource, issues: result.issues };
  }

  delete(kind: Kind, namespace: string, name: string): boolean {
    const key = resourceKey(kind, namespace, name);
    if (!this.items.has(key)) return false;
    this.batch(() => this.remove(key));
    return true;
  }

  /** Replaces what `source` provides with `snap`: puts its resources, deletes what it no longer has. */
  sync(source: string, snap: SourceSnapshot): void {
    this.batch(() => {
      const keep = new Set<ResourceKey>(snap.rejected ?? []);
      for (const r of snap.resources) {
        keep.add(keyOf(r));
        this.put(r, source);
      }
      if (!snap.partial) {
        for (const [key, owner] of this.owners) if (owner === source && !keep.has(key)) this.remove(key);
      }
      this.secrets.sync(source, snap.secrets ?? [], snap.rejectedSecrets ?? [], snap.partial ?? false);
      const issues = snap.issues ?? [];
      if (issues.length > 0) this.outstanding.set(source, issues);
      else this.outstanding.delete(source);
      const errors = issues.filter((i) => i.severity === 'error');
      if (errors.length > 0) this.refuse(issues, (snap.rejected ?? []).filter((k) => this.items.has(k)));
    });
  }

  private put(r: Resource, source: string): ApplyStatus {
    const key = keyOf(r);
    const prior = this.items.get(key);
    this.items.set(key, r);
    this.owners.set(key, source);
    if (!prior) {
      if (this.deleted.delete(key)) this.updated.add(key);
      else this.created.add(key);
      return 'created';
    }
    if (content(prior) === content(r)) return 'unchanged';
    if (!this.created.has(key)) this.updated.add(key);
    return 'updated';
  }

  private remove(key: ResourceKey): void {
    this.items.delete(key);
    this.owners.delete(key);
    if (this.created.delete(key)) return;
    this.updated.delete(key);
    this.deleted.add(key);
  }

  private refuse(issues: readonly ConfigIssue[], kept: readonly ResourceKey[]): void {
    this.refused.push(...issues);
    kept.forEach((k) => this.kept.add(k));
    for (const i of issues) if (i.severity === 'error') this.logger.warn(`config rejected: ${i.message}`);
  }

  private flush(): void {
    const changed = new Set<ResourceKey>([...this.created, ...this.updated, ...this.deleted]);
    const secrets = this.secrets.takeChanges();
    if (changed.size > 0 || secrets.size > 0) {
      this.ver++;
      const ev = {
        version: this.ver, changed, created: [...this.created], updated: [...this.updated], deleted: [...this.deleted],
        kinds: new Set<Kind | 'Secret'>([...[...changed].map((k) => parseKey(k).kind), ...(secrets.size > 0 ? ['Secret' as const] : [])]),
        secrets,
      };
      this.created = new Set();
      this.updated = new Set();
      this.deleted = new Set();
      this.events.emit('change', ev);
    }
    if (this.refused.length > 0) {
      const ev = { issues: this.refused, kept: [...this.kept] };
      this.refused = [];
      this.kept = new Set();
      this.events.emit('rejected', ev);
    }
  }
}
