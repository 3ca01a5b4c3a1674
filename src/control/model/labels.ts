/**
 * Label helpers: selector matching (every selector label present with the same value), and
 * Istio's canonical service name and revision of a workload (the labels Istio reads, in order).
 */
import type { Labels } from '../registry/model.ts';

export function selects(selector: Labels | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}

export function canonicalName(labels: Labels, workloadName: string): string {
  return labels['service.istio.io/canonical-name'] ?? labels['app.kubernetes.io/name'] ?? labels['app'] ?? workloadName;
}

export function canonicalRevision(labels: Labels): string {
  return labels['service.istio.io/canonical-revision'] ?? labels['app.kubernetes.io/version'] ?? labels['version'] ?? 'latest';
}
