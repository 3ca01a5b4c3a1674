/**
 * The part every ServiceRegistry shares: the current immutable snapshot, an index of endpoints
 * by host, and change listeners. A source replaces the snapshot as a whole; the diff against the
 * previous one becomes the change event (nothing is emitted when nothing changed).
 */
import type { Logger } from '../../core/log.ts';
import { EMPTY_SNAPSHOT, type RegistryProvider, type RegistrySnapshot, type Service, type ServiceEndpoint, type WorkloadInstance } from './model.ts';
import { diffSnapshots, isEmptyChange } from './registry-diff.ts';
import type { RegistryChange, ServiceRegistry } from './service-registry.ts';

export class SnapshotRegistry implements ServiceRegistry {
  readonly id: string;
  readonly provider: RegistryProvider;
  protected readonly log: Logger;
  private current: RegistrySnapshot = EMPTY_SNAPSHOT;
  private byHost = new Map<string, readonly ServiceEndpoint[]>();
  private loaded = false;
  private readonly listeners = new Set<(c: RegistryChange) => void>();

  constructor(id: string, provider: RegistryProvider, log: Logger) {
    this.id = id;
    this.provider = provider;
    this.log = log;
  }

  services(): readonly Service[] {
    return this.current.services;
  }

  endpoints(hostname?: string): readonly ServiceEndpoint[] {
    return hostname === undefined ? this.current.endpoints : this.byHost.get(hostname) ?? [];
  }

  workloads(): readonly WorkloadInstance[] {
    return this.current.workloads;
  }

  snapshot(): RegistrySnapshot {
    return this.current;
  }

  synced(): boolean {
    return this.loaded;
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    this.listeners.clear();
  }

  /** Swaps in a new snapshot and tells listeners what changed; returns the change. */
  protected replace(next: RegistrySnapshot): RegistryChange {
    const change = diffSnapshots(this.id, this.current, next);
    this.current = next;
    this.loaded = true;
    const index = new Map<string, ServiceEndpoint[]>();
    for (const ep of next.endpoints) {
      const list = index.get(ep.hostname);
      if (list) list.push(ep);
      else index.set(ep.hostname, [ep]);
    }
    this.byHost = index;
    if (!isEmptyChange(change)) {
      for (const fn of [...this.listeners]) {
        try {
          fn(change);
        } catch (err) {
          this.log.error(`registry ${this.id}: change listener failed: ${(err as Error).message}`);
        }
      }
    }
    return change;
  }
}
