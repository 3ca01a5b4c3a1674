/**
 * ServiceEntry and WorkloadEntry config as a ServiceRegistry (Istio's serviceentry controller).
 * Rebuilt whenever the store changes either kind, or (for workloadSelector) when the pods of the
 * Kubernetes registry change.
 */
import { silentLogger, type Logger } from '../../core/log.ts';
import { deepFreeze } from '../config/freeze.ts';
import type { ConfigStore } from '../config/store.ts';
import type { RegistrySnapshot } from './model.ts';
import { convertServiceEntry } from './service-entry.ts';
import type { ServiceRegistry } from './service-registry.ts';
import { SnapshotRegistry } from './snapshot-registry.ts';

export interface ServiceEntryRegistryOptions {
  readonly store: ConfigStore;
  /** The registry whose pods a workloadSelector may select. */
  readonly pods?: ServiceRegistry;
  readonly log?: Logger;
}

export class ServiceEntryRegistry extends SnapshotRegistry {
  private readonly store: ConfigStore;
  private readonly pods: ServiceRegistry | undefined;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(opts: ServiceEntryRegistryOptions) {
    super('ServiceEntry', 'External', opts.log ?? silentLogger);
    this.store = opts.store;
    this.pods = opts.pods;
    this.unsubscribe.push(this.store.on('change', (ev) => {
      if (ev.kinds.has('ServiceEntry') || ev.kinds.has('WorkloadEntry')) this.rebuild();
    }));
    if (this.pods) {
      this.unsubscribe.push(this.pods.onChange((c) => {
        if (c.workloads && this.store.list('ServiceEntry').some((se) => se.spec.workloadSelector)) this.rebuild();
      }));
    }
    this.rebuild();
  }

  override close(): void {
    this.unsubscribe.forEach((fn) => fn());
    super.close();
  }

  private rebuild(): void {
    try {
      this.replace(this.build());
    } catch (err) {
      this.log.error(`registry ServiceEntry: rebuild failed, keeping the previous snapshot: ${(err as Error).message}`);
    }
  }

  private build(): RegistrySnapshot {
    const inputs = { workloadEntries: this.store.list('WorkloadEntry'), pods: this.pods?.workloads() ?? [] };
    const out = { services: [] as RegistrySnapshot['services'][number][], endpoints: [] as RegistrySnapshot['endpoints'][number][] };
    for (const se of this.store.list('ServiceEntry')) {
      const { services, endpoints } = convertServiceEntry(se, inputs);
      out.services.push(...services);
      out.endpoints.push(...endpoints);
    }
    const workloads = inputs.workloadEntries.filter((we) => we.spec.address).map((we) => ({
      name: we.metadata.name, namespace: we.metadata.namespace, address: we.spec.address ?? '', workloadName: we.metadata.name,
      labels: { ...(we.metadata.labels ?? {}), ...(we.spec.labels ?? {}) }, serviceAccount: we.spec.serviceAccount ?? 'default', sidecar: true,
    }));
    return deepFreeze({ services: out.services, endpoints: out.endpoints, workloads });
  }
}
