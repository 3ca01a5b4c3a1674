/**
 * A listener as config: Envoy's Listener (from LDS), validated and frozen. Mizzen binds only
 * the two virtual listeners; every other listener (`10.96.0.3_9080`, `0.0.0.0_80`, bind_to_port
 * false) receives connections from virtualOutbound by original destination, as Envoy's
 * use_original_dst hands them over.
 */
import type { Address } from '../core/address.ts';
import type { FilterChainConfig } from '../filter-chain/filter-chain-config.ts';

export type TrafficDirection = 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';

export interface ListenerConfig {
  readonly name: string;
  readonly address: Address;
  readonly bindToPort: boolean;
  readonly useOriginalDst: boolean;
  readonly transparent: boolean;
  readonly trafficDirection: TrafficDirection;
  readonly filterChains: readonly FilterChainConfig[];
  readonly defaultFilterChain: FilterChainConfig | undefined;
}

/** Istio's names for the two listeners that own sockets. */
export const VIRTUAL_OUTBOUND = 'virtualOutbound';
export const VIRTUAL_INBOUND = 'virtualInbound';
