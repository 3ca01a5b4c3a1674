/**
 * A listener filter's filter_disabled (envoy.config.listener.v3.ListenerFilterChainMatchPredicate),
 * the part that can be decided before any byte is read: any_match, destination_port_range
 * (start inclusive, end exclusive) and the or/and/not combinations of them. Istio disables
 * http_inspector this way on the ports whose protocol is declared.
 */

export type ListenerFilterPredicate =
  | { readonly kind: 'any' }
  | { readonly kind: 'destinationPortRange'; readonly start: number; readonly end: number }
  | { readonly kind: 'or' | 'and'; readonly rules: readonly ListenerFilterPredicate[] }
  | { readonly kind: 'not'; readonly rule: ListenerFilterPredicate };

/** Whether the predicate holds for a connection to `port` (undefined: never disabled). */
export function filterDisabled(p: ListenerFilterPredicate | undefined, port: number): boolean {
  if (!p) return false;
  switch (p.kind) {
    case 'any':
      return true;
    case 'destinationPortRange':
      return port >= p.start && port < p.end;
    case 'or':
      return p.rules.some((r) => filterDisabled(r, port));
    case 'and':
      return p.rules.every((r) => filterDisabled(r, port));
    case 'not':
      return !filterDisabled(p.rule, port);
  }
}
