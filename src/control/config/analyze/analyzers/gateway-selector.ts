/**
 * IST0101: a Gateway's selector matches no workload (Istio's "Referenced selector not found").
 * Gateways select workloads in every namespace. The workloads come from the input files
 * (Pods, Deployments...) or a running mesh's registry.
 */
import type { Analyzer } from '../context.ts';
import { selectorString, selects } from '../inventory.ts';
import { MessageTypes, q } from '../messages.ts';

export const gatewaySelector: Analyzer = (ctx) => {
  for (const gw of ctx.of('Gateway')) {
    const selector = gw.spec.selector ?? {};
    if (ctx.inventory.workloads.some((w) => selects(selector, w.labels))) continue;
    const first = Object.keys(selector).sort()[0];
    ctx.report(MessageTypes.ReferencedResourceNotFound, gw, `Referenced selector not found: ${q(selectorString(selector))}`,
      first === undefined ? ['spec'] : ['spec', 'selector', first]);
  }
};
