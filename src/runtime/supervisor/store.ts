/**
 * What the supervisor holds: namespaces, service accounts, services with their ClusterIPs,
 * deployments with their pods, and the running pods, plus the JSON of every applied object
 * (to tell an unchanged re-apply from a conflicting one). Read-only views for planning.
 */
import type { Labels } from '../model/objects.ts';
import type { PodView, ServiceView } from '../model/views.ts';
import type { MeshSnapshot } from '../plan/apply-plan.ts';
import type { PodRuntime } from './pod-runtime.ts';

export class Store {
  readonly namespaces = new Map<string, { labels: Labels; createdAt: string }>([['default', { labels: {}, createdAt: stamp() }]]);
  readonly serviceAccounts = new Set<string>();
  readonly objects = new Map<string, string>();
  readonly services = new Map<string, { view: ServiceView; createdAt: string }>();
  readonly deployments = new Map<string, string[]>();
  readonly pods = new Map<string, PodRuntime>();

  snapshot(): MeshSnapshot {
    return {
      namespaces: new Map([...this.namespaces].map(([k, v]) => [k, v.labels])),
      objects: this.objects,
      clusterIPs: new Set([...this.services.values()].map((s) => s.view.clusterIP)),
      podIPs: new Set([...this.pods.values()].map((p) => p.address.ip)),
      pods: new Set(this.pods.keys()),
      deploymentPods: this.deployments,
    };
  }

  serviceViews(): ServiceView[] {
    return [...this.services.values()].map((s) => s.view);
  }

  podViews(): PodView[] {
    return [...this.pods.values()].map((p) => ({
      namespace: p.planned.metadata.namespace,
      name: p.planned.metadata.name,
      ip: p.sandboxReady ? p.address.ip : '',
      ready: p.ready,
      active: !p.terminating && p.phase !== 'Succeeded' && p.phase !== 'Failed',
      labels: p.planned.metadata.labels,
      ports: p.planned.containers.filter((c) => c.role === 'app').flatMap((c) => c.spec.ports),
      workload: p.planned.workload,
      serviceAccount: p.planned.spec.serviceAccountName,
      sidecar: p.planned.sidecar,
    }));
  }
}

export function stamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
