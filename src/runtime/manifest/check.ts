/**
 * Checks across the objects of one apply, after each decoded cleanly: no object twice, every
 * namespace exists (default, created in this apply, or already in the mesh), and every pod's
 * service account exists ("default" always does), as the API server's admission would insist.
 */
import type { KubeObject, PodSpec } from '../model/objects.ts';
import { objectRef } from '../model/objects.ts';
import type { ExistingObjects } from './set.ts';

export function checkSet(objects: readonly { obj: KubeObject; who: string }[], existing: ExistingObjects): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const namespaces = new Set(['default', ...existing.namespaces]);
  const accounts = new Set(existing.serviceAccounts);
  for (const { obj } of objects) {
    if (obj.kind === 'Namespace') namespaces.add(obj.metadata.name);
    if (obj.kind === 'ServiceAccount') accounts.add(`${obj.metadata.namespace}/${obj.metadata.name}`);
  }
  for (const { obj, who } of objects) {
    const key = objectRef(obj.kind, obj.metadata);
    if (seen.has(key)) problems.push(`${who}: defined more than once`);
    seen.add(key);
    const ns = obj.metadata.namespace;
    if (ns !== '' && !namespaces.has(ns)) problems.push(`${who}: metadata.namespace: "${ns}": namespaces "${ns}" not found`);
    let spec: PodSpec | undefined;
    let path = 'spec.serviceAccountName';
    if (obj.kind === 'Pod') spec = obj.spec;
    if (obj.kind === 'Deployment') {
      spec = obj.spec.template.spec;
      path = 'spec.template.spec.serviceAccountName';
    }
    if (spec && spec.serviceAccountName !== 'default' && !accounts.has(`${ns}/${spec.serviceAccountName}`)) {
      problems.push(`${who}: ${path}: "${spec.serviceAccountName}": serviceaccount "${spec.serviceAccountName}" not found`);
    }
  }
  return problems;
}
