/**
 * Applying a route's header edits, as Envoy's HeaderParser does at each level: remove first,
 * then add by append action (append another value, add only if absent, overwrite, overwrite
 * only if present); an empty value is skipped unless keep_empty_value. Levels apply weighted
 * cluster, route, virtual host, route configuration — so for an overwrite the configuration
 * wins — or the reverse under most_specific_header_mutations_wins. Values may hold command
 * operators (`%DOWNSTREAM_REMOTE_ADDRESS%`): `%%` is a percent sign, an operator named in
 * `vars` is substituted, any other is left as written.
 */
import type { HeaderMap } from '../core/http-stream-info.ts';
import type { HeaderMutations, HeaderValueOption } from './header-mutation-config.ts';
import type { RouteSelection } from './select-route.ts';
import type { WeightedTarget } from './route-config.ts';

export type HeaderDirection = 'request' | 'response';

const OPERATOR = /%%|%([A-Z0-9_]+(?:\([^)%]*\))?(?::\d+)?)%/g;

export function substitute(value: string, vars: Readonly<Record<string, string>> | undefined): string {
  if (!value.includes('%')) return value;
  return value.replace(OPERATOR, (all, name: string | undefined) => (name === undefined ? '%' : vars?.[name] ?? all));
}

function add(headers: HeaderMap, h: HeaderValueOption, vars: Readonly<Record<string, string>> | undefined): void {
  const value = substitute(h.value, vars);
  if (value === '' && !h.keepEmptyValue) return;
  const current = headers[h.key];
  const present = current !== undefined;
  switch (h.appendAction) {
    case 'APPEND_IF_EXISTS_OR_ADD':
      headers[h.key] = current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
      return;
    case 'ADD_IF_ABSENT':
      if (!present) headers[h.key] = value;
      return;
    case 'OVERWRITE_IF_EXISTS_OR_ADD':
      headers[h.key] = value;
      return;
    case 'OVERWRITE_IF_EXISTS':
      if (present) headers[h.key] = value;
      return;
  }
}

/** Applies the levels in the order given (mutationLevels gives Envoy's); `headers` is edited in place. */
export function applyHeaderMutations(headers: HeaderMap, levels: readonly HeaderMutations[], direction: HeaderDirection, vars?: Readonly<Record<string, string>>): HeaderMap {
  for (const level of levels) {
    const removes = direction === 'request' ? level.requestHeadersToRemove : level.responseHeadersToRemove;
    const adds = direction === 'request' ? level.requestHeadersToAdd : level.responseHeadersToAdd;
    for (const name of removes) delete headers[name];
    for (const h of adds) add(headers, h, vars);
  }
  return headers;
}

/** A selection's levels in Envoy's order, with the chosen weighted cluster's edits when there is one. */
export function mutationLevels(sel: RouteSelection, weighted?: WeightedTarget): readonly HeaderMutations[] {
  const levels = [sel.route.headers, sel.virtualHost.headers, sel.config.headers];
  if (weighted?.headers) levels.unshift(weighted.headers);
  return sel.config.mostSpecificHeaderMutationsWins ? levels.reverse() : levels;
}
