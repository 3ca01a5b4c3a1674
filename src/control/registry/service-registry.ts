/**
 * ServiceRegistry: a source of services, endpoints and workloads (Istio's
 * serviceregistry.Instance). registry.json is one, ServiceEntry/WorkloadEntry config another, a
 * Kubernetes watch can be a third; the AggregateRegistry joins them and the push context reads
 * only this interface, so generators never know where a service came from.
 */
import type { RegistryProvider, RegistrySnapshot, Service, ServiceEndpoint, WorkloadInstance } from './model.ts';

/**
 * What changed between two snapshots. A change to endpoints (or workloads) only needs an EDS
 * push for those hosts; a change to services (added, removed, ports, addresses) needs a full push.
 */
export interface RegistryChange {
  readonly registry: string;
  /** Hosts whose Service changed (added, removed or edited). */
  readonly services: ReadonlySet<string>;
  /** Hosts whose endpoints changed (readiness, addresses, labels, identity). */
  readonly endpoints: ReadonlySet<string>;
  /** The workload list changed (a proxy's own identity may have). */
  readonly workloads: boolean;
}

export interface ServiceRegistry {
  /** Names the registry in logs and change events ("registry.json", "ServiceEntry"). */
  readonly id: string;
  readonly provider: RegistryProvider;
  services(): readonly Service[];
  /** Endpoints of one host, or of every host. */
  endpoints(hostname?: string): readonly ServiceEndpoint[];
  workloads(): readonly WorkloadInstance[];
  /** The whole registry as one immutable value. */
  snapshot(): RegistrySnapshot;
  /** Whether the first load has completed (readiness). */
  synced(): boolean;
  /** Subscribes to changes; returns the unsubscribe function. Listeners must not throw. */
  onChange(listener: (change: RegistryChange) => void): () => void;
  close(): void;
}
