/**
 * Listener (LDS) -> ListenerConfig: the address, bind_to_port, use_original_dst, transparent,
 * traffic direction, filter chains (plus the default chain) and the inspecting listener
 * filters with their timeout (listener-filters.ts). Refused: listeners without a socket
 * address (API listeners are for proxyless gRPC), listener filters Mizzen does not have, no
 * filter chain at all, and two chains with the same match (Envoy's rule).
 */
import type { FilterChainConfig } from '../../filter-chain/filter-chain-config.ts';
import type { ListenerConfig, TrafficDirection } from '../../listener/listener-config.ts';
import { At, bool, list, obj, oneOf, socketAddress, str } from './fields.ts';
import { translateFilterChain } from './filter-chain.ts';
import { translateListenerFilters } from './listener-filters.ts';

const matchKey = (c: FilterChainConfig): string => JSON.stringify(c.match, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export function translateListener(v: unknown): ListenerConfig {
  const l = obj(v, new At('Listener'));
  const name = str(l['name'], new At('Listener', 'name'), true);
  const at = new At(`Listener ${name}`);
  if (l['apiListener'] !== undefined) at.field('apiListener').fail('API listeners are for proxyless gRPC clients, not a sidecar');
  if (l['address'] === undefined) at.field('address').fail('is required');
  const inspection = translateListenerFilters(l, at);
  const chains = list(l['filterChains'], at.field('filterChains')).map((c, i) => translateFilterChain(c, at.field('filterChains').index(i)));
  const seen = new Map<string, number>();
  chains.forEach((c, i) => {
    const k = matchKey(c);
    const j = seen.get(k);
    if (j !== undefined) at.field('filterChains').index(i).fail(`the same filterChainMatch as filterChains[${j}] (multiple filter chains with the same matching rules)`);
    seen.set(k, i);
  });
  const defaultFilterChain = l['defaultFilterChain'] === undefined ? undefined : translateFilterChain(l['defaultFilterChain'], at.field('defaultFilterChain'));
  if (chains.length === 0 && !defaultFilterChain) at.field('filterChains').fail('a listener needs at least one filter chain');
  return {
    name,
    address: socketAddress(l['address'], at.field('address')),
    bindToPort: bool(l['bindToPort'], true),
    useOriginalDst: bool(l['useOriginalDst'], false),
    transparent: bool(l['transparent'], false),
    trafficDirection: oneOf<TrafficDirection>(l['trafficDirection'], at.field('trafficDirection'), ['UNSPECIFIED', 'INBOUND', 'OUTBOUND'], 'UNSPECIFIED'),
    filterChains: chains,
    defaultFilterChain,
    inspection,
  };
}
