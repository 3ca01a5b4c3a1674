/**
 * A workload's identity as Istio's metrics label it: workload name, namespace, app and version,
 * canonical service and revision (from the labels Istio reads, with its fallbacks) and cluster;
 * from a pod's labels, or from an EDS endpoint's `istio.workload` metadata.
 */
import type { Labels } from '../../core/registry/registry.ts';

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

/**
 * An endpoint's `filter_metadata.istio.workload` ("workload;namespace;canonical-name;
 * canonical-revision;cluster"), as istio-proxy's stats filter reads it when no metadata exchange
 * has happened: app and version are the canonical name and revision. Undefined when malformed.
 */
export function fromEndpointMetadata(value: string): WorkloadMetadata | undefined {
  const parts = value.split(';');
  if (parts.length !== 5) return undefined;
  const [workload = '', namespace = '', canonical = '', revision = '', cluster = ''] = parts;
  const or = (v: string, d: string): string => (v === '' ? d : v);
  return {
    workload: or(workload, 'unknown'),
    namespace: or(namespace, 'unknown'),
    app: or(canonical, 'unknown'),
    version: or(revision, 'unknown'),
    canonicalService: or(canonical, 'unknown'),
    canonicalRevision: or(revision, 'latest'),
    cluster: or(cluster, 'unknown'),
  };
}
