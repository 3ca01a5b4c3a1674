/**
 * The resources of one xDS type that the proxy has accepted: each with its decoded JSON (what
 * config_dump shows), its translated config, the version it last changed in and when. A
 * response first yields a candidate set (state of the world replaces the whole set for
 * wildcard types and updates by name for EDS/RDS); only a committed candidate is in force.
 * The last rejected update per name is kept for config_dump's error_state.
 */
import type { RejectedResource } from '../admin/config-dump-source.ts';
import type { Obj } from './translate/fields.ts';

export interface AcceptedResource<T> {
  readonly name: string;
  readonly json: Obj;
  readonly config: T;
  /** The version of the response in which the resource last changed. */
  readonly versionInfo: string;
  readonly lastUpdated: string;
  readonly digest: string;
}

export interface Incoming<T> {
  readonly name: string;
  readonly json: Obj;
  readonly config: T;
}

export type Candidate<T> = ReadonlyMap<string, AcceptedResource<T>>;

export interface Diff {
  readonly added: number;
  readonly modified: number;
  readonly removed: number;
}

export class AcceptedResources<T> {
  private resources: Candidate<T> = new Map();
  private failures: ReadonlyMap<string, RejectedResource> = new Map();
  private version = '';
  private accepted = false;

  get versionInfo(): string {
    return this.version;
  }

  /** True once any update of this type was accepted. */
  get everAccepted(): boolean {
    return this.accepted;
  }

  /** The set in force. */
  get current(): Candidate<T> {
    return this.resources;
  }

  get(name: string): AcceptedResource<T> | undefined {
    return this.resources.get(name);
  }

  all(): readonly AcceptedResource<T>[] {
    return [...this.resources.values()];
  }

  rejected(): readonly RejectedResource[] {
    return [...this.failures.values()];
  }

  candidate(incoming: readonly Incoming<T>[], replace: boolean, version: string, now: string): Candidate<T> {
    const out = new Map(replace ? [] : this.resources);
    for (const r of incoming) {
      const digest = JSON.stringify(r.json);
      const old = this.resources.get(r.name);
      out.set(r.name, old?.digest === digest ? old : { ...r, versionInfo: version, lastUpdated: now, digest });
    }
    return out;
  }

  commit(next: Candidate<T>, version: string): Diff {
    let added = 0;
    let modified = 0;
    for (const [name, r] of next) {
      const old = this.resources.get(name);
      if (!old) added++;
      else if (old !== r) modified++;
    }
    const removed = [...this.resources.keys()].filter((n) => !next.has(n)).length;
    this.resources = next;
    this.version = version;
    this.accepted = true;
    this.failures = new Map();
    return { added, modified, removed };
  }

  /** Puts re-translated configs of the same resources in force (a listener after its SDS secret rotated); the version stays. */
  refresh(next: Candidate<T>): void {
    this.resources = next;
  }

  reject(failed: readonly RejectedResource[]): void {
    this.failures = new Map(failed.map((f) => [f.name, f]));
  }

  /** Drops resources no longer subscribed to (EDS/RDS after CDS/LDS changed). */
  retain(names: ReadonlySet<string>): void {
    if ([...this.resources.keys()].every((n) => names.has(n))) return;
    this.resources = new Map([...this.resources].filter(([n]) => names.has(n)));
  }
}
