/**
 * Which DestinationRule applies to traffic from a proxy to a host, as Istio chooses: rules in
 * the proxy's namespace first, then the service's namespace, then the root namespace, then any
 * other exported to the proxy; within a tier the most specific host wins. A rule with a
 * workloadSelector applies only to the proxies it selects in its own namespace.
 */
import { toFqdn } from '../config/hosts.ts';
import type { Resource } from '../config/resource.ts';
import type { Subset } from '../config/types/destination-rule.ts';
import type { Service } from '../registry/model.ts';
import { selects } from './labels.ts';
import type { Proxy } from './proxy.ts';
import { exportedTo, hostMatches, specificity } from './visibility.ts';

interface Entry {
  readonly rule: Resource<'DestinationRule'>;
  readonly host: string;
}

export class DestinationRuleIndex {
  private readonly entries: readonly Entry[];
  private readonly rootNamespace: string;

  constructor(rules: readonly Resource<'DestinationRule'>[], rootNamespace: string) {
    this.entries = Object.freeze(rules.map((rule) => ({ rule, host: toFqdn(rule.spec.host, rule.metadata.namespace) })));
    this.rootNamespace = rootNamespace;
  }

  all(): readonly Resource<'DestinationRule'>[] {
    return this.entries.map((e) => e.rule);
  }

  forService(proxy: Pick<Proxy, 'namespace' | 'labels'>, service: Pick<Service, 'hostname' | 'namespace'>): Resource<'DestinationRule'> | undefined {
    const tier = (ns: string): number => (ns === proxy.namespace ? 0 : ns === service.namespace ? 1 : ns === this.rootNamespace ? 2 : 3);
    let best: { e: Entry; rank: [number, number] } | undefined;
    for (const e of this.entries) {
      const ns = e.rule.metadata.namespace;
      if (!hostMatches(service.hostname, e.host) || !exportedTo(e.rule.spec.exportTo, ns, proxy.namespace)) continue;
      const selector = e.rule.spec.workloadSelector?.matchLabels;
      if (selector && (ns !== proxy.namespace || !selects(selector, proxy.labels))) continue;
      const rank: [number, number] = [tier(ns), -specificity(e.host)];
      if (!best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && rank[1] < best.rank[1])) best = { e, rank };
    }
    return best?.e.rule;
  }

  subset(proxy: Pick<Proxy, 'namespace' | 'labels'>, service: Pick<Service, 'hostname' | 'namespace'>, name: string): Subset | undefined {
    return this.forService(proxy, service)?.spec.subsets?.find((s) => s.name === name);
  }
}
