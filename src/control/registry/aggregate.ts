/**
 * AggregateRegistry: several ServiceRegistries seen as one (Istio's aggregate controller). When
 * two registries define the same host, the one added first wins (Kubernetes before
 * ServiceEntry, as Istio prefers the Kubernetes service). Changes of any member are forwarded.
 */
import type { RegistryProvider, RegistrySnapshot, Service, ServiceEndpoint, WorkloadInstance } from './model.ts';
import type { RegistryChange, ServiceRegistry } from './service-registry.ts';

export class AggregateRegistry implements ServiceRegistry {
  readonly id = 'aggregate';
  readonly provider: RegistryProvider = 'Kubernetes';
  private readonly members: ServiceRegistry[] = [];
  private readonly unsubscribe: (() => void)[] = [];
  private readonly listeners = new Set<(c: RegistryChange) => void>();

  constructor(members: readonly ServiceRegistry[] = []) {
    members.forEach((m) => this.add(m));
  }

  add(member: ServiceRegistry): void {
    this.members.push(member);
    this.unsubscribe.push(member.onChange((c) => {
      for (const fn of [...this.listeners]) {
        try {
          fn(c);
        } catch {
          // A listener's failure must not keep the others from hearing about the change.
        }
      }
    }));
  }

  registries(): readonly ServiceRegistry[] {
    return this.members;
  }

  /** The first registry that defines each host owns it. */
  private owners(): Map<string, ServiceRegistry> {
    const owners = new Map<string, ServiceRegistry>();
    for (const m of this.members) for (const s of m.services()) if (!owners.has(s.hostname)) owners.set(s.hostname, m);
    return owners;
  }

  services(): readonly Service[] {
    const owners = this.owners();
    return this.members.flatMap((m) => m.services().filter((s) => owners.get(s.hostname) === m));
  }

  endpoints(hostname?: string): readonly ServiceEndpoint[] {
    const owners = this.owners();
    if (hostname !== undefined) return owners.get(hostname)?.endpoints(hostname) ?? [];
    return this.members.flatMap((m) => m.endpoints().filter((e) => owners.get(e.hostname) === m));
  }

  workloads(): readonly WorkloadInstance[] {
    return this.members.flatMap((m) => m.workloads());
  }

  snapshot(): RegistrySnapshot {
    return Object.freeze({ services: this.services(), endpoints: this.endpoints(), workloads: this.workloads() });
  }

  synced(): boolean {
    return this.members.every((m) => m.synced());
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  close(): void {
    this.unsubscribe.forEach((fn) => fn());
    this.members.forEach((m) => m.close());
    this.listeners.clear();
  }
}
