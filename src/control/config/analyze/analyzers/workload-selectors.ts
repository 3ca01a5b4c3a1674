/**
 * IST0127: a policy or Sidecar selects no workload in its namespace (mesh-wide from istio-system);
 * checked when workloads are known. IST0111: several Sidecars without a selector in one namespace.
 */
import type { Resource } from '../../resource.ts';
import type { Analyzer, AnalysisContext } from '../context.ts';
import { selectorString, selects } from '../inventory.ts';
import { MessageTypes, q } from '../messages.ts';

const ROOT_NAMESPACE = 'istio-system';

function check(ctx: AnalysisContext, r: Resource, labels: Readonly<Record<string, string>> | undefined, field: string[]): void {
  if (!labels || Object.keys(labels).length === 0) return;
  const ns = r.metadata.namespace;
  const found = ctx.inventory.workloads.some((w) => (ns === ROOT_NAMESPACE || w.namespace === ns) && selects(labels, w.labels));
  if (!found) {
    ctx.report(MessageTypes.NoMatchingWorkloadsFound, r, `No matching workloads for this resource with the following labels: ${selectorString(labels)}`,
      ['spec', ...field]);
  }
}

export const workloadSelectors: Analyzer = (ctx) => {
  if (ctx.inventory.workloadsKnown) {
    for (const r of ctx.of('AuthorizationPolicy')) check(ctx, r, r.spec.selector?.matchLabels, ['selector']);
    for (const r of ctx.of('PeerAuthentication')) check(ctx, r, r.spec.selector?.matchLabels, ['selector']);
    for (const r of ctx.of('RequestAuthentication')) check(ctx, r, r.spec.selector?.matchLabels, ['selector']);
    for (const r of ctx.of('Sidecar')) check(ctx, r, r.spec.workloadSelector?.labels, ['workloadSelector']);
  }
  const unselected = new Map<string, Resource<'Sidecar'>[]>();
  for (const s of ctx.of('Sidecar')) {
    if (Object.keys(s.spec.workloadSelector?.labels ?? {}).length > 0) continue;
    unselected.set(s.metadata.namespace, [...(unselected.get(s.metadata.namespace) ?? []), s]);
  }
  for (const [ns, list] of unselected) {
    if (list.length < 2) continue;
    const names = `[${list.map((s) => s.metadata.name).join(' ')}]`;
    for (const s of list) {
      ctx.report(MessageTypes.MultipleSidecarsWithoutWorkloadSelectors, s,
        `The Sidecars ${names} in namespace ${q(ns)} have no workload selector, which can lead to undefined behavior.`, ['metadata', 'name']);
    }
  }
};
