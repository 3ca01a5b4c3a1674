/**
 * A workload's identity as Istio's metrics label it: workload name, namespace, app and version,
 * canonical service and revision (from the labels Istio reads, with its fallbacks) and cluster.
 */
import type { Labels, Workload } from '../config/registry.ts';

export interface WorkloadMetadata {
  readonly workload: string;
  readonly namespace: string;
  readonly app: string;
  readonly version: string;
  readonly canonicalService: string;
  readonly canonicalRevision: string;
  readonly cluster: string;
}

const first = (...vals: (string | undefined)[]): string | undefined => vals.find((v) => v !== undefined && v !== '');

/** service.istio.io/canonical-name, else app.kubernetes.io/name, else app, else the workload name. */
export const canonicalService = (labels: Labels, workload: string): string =>
  first(labels['service.istio.io/canonical-name'], labels['app.kubernetes.io/name'], labels['app'], workload) ?? 'unknown';

/** service.istio.io/canonical-revision, else app.kubernetes.io/version, else version, else "latest". */
export const canonicalRevision = (labels: Labels): string =>
  first(labels['service.istio.io/canonical-revision'], labels['app.kubernetes.io/version'], labels['version']) ?? 'latest';

export function workloadMetadata(w: { workload: string; namespace: string; labels: Labels }, cluster: string): WorkloadMetadata {
  return {
    workload: w.workload || 'unknown',
    namespace: w.namespace || 'unknown',
    app: first(w.labels['app'], w.labels['app.kubernetes.io/name']) ?? 'unknown',
    version: first(w.labels['version'], w.labels['app.kubernetes.io/version']) ?? 'unknown',
    canonicalService: canonicalService(w.labels, w.workload),
    canonicalRevision: canonicalRevision(w.labels),
    cluster: cluster || 'unknown',
  };
}

export const peerMetadata = (w: Workload | undefined, cluster: string): WorkloadMetadata | undefined =>
  w ? workloadMetadata(w, cluster) : undefined;
