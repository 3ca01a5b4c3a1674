/**
 * Header edits a route configuration carries at each level (weighted cluster, route, virtual
 * host, route configuration): headers to remove, then headers to add with Envoy's append
 * action. Names are lower case; neither pseudo headers nor `host` may be edited.
 */

export type AppendAction = 'APPEND_IF_EXISTS_OR_ADD' | 'ADD_IF_ABSENT' | 'OVERWRITE_IF_EXISTS_OR_ADD' | 'OVERWRITE_IF_EXISTS';

export interface HeaderValueOption {
  readonly key: string;
  /** The value as configured; `%...%` command operators are substituted by applyHeaderMutations when known. */
  readonly value: string;
  readonly appendAction: AppendAction;
  /** Add the header even when its value ends up empty. */
  readonly keepEmptyValue: boolean;
}

export interface HeaderMutations {
  readonly requestHeadersToAdd: readonly HeaderValueOption[];
  readonly requestHeadersToRemove: readonly string[];
  readonly responseHeadersToAdd: readonly HeaderValueOption[];
  readonly responseHeadersToRemove: readonly string[];
}

export const NO_HEADER_MUTATIONS: HeaderMutations = Object.freeze({
  requestHeadersToAdd: [], requestHeadersToRemove: [], responseHeadersToAdd: [], responseHeadersToRemove: [],
});
