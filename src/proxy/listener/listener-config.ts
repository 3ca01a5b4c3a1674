/**
 * A listener as config: Envoy's Listener (from LDS), validated and frozen. Mizzen binds only
 * the two virtual listeners; every other listener (`10.96.0.3_9080`, `0.0.0.0_80`, bind_to_port
 * false) receives connections from virtualOutbound by original destination, as Envoy's
 * use_original_dst hands them over. `inspection` is what its listener filters may look at
 * (tls_inspector, http_inspector) and for how long.
 */
import type { Address } from '../core/address.ts';
import type { FilterChainConfig } from '../filter-chain/filter-chain-config.ts';
import type { ListenerFilterPredicate } from './filters/filter-disabled.ts';

export type TrafficDirection = 'UNSPECIFIED' | 'INBOUND' | 'OUTBOUND';

/** The listener's inspecting listener filters, as configured. */
export interface ListenerInspection {
  /** envoy.filters.listener.tls_inspector is configured. */
  readonly tls: boolean;
  /** envoy.filters.listener.http_inspector is configured. */
  readonly http: boolean;
  /** listener_filters_timeout in ms (Envoy's default 15 s); 0 = no timeout. */
  readonly timeoutMs: number;
  /** continue_on_listener_filters_timeout: on timeout, go on with what is known (else close). */
  readonly continueOnTimeout: boolean;
  /** The inspectors' filter_disabled, when they have one. */
  readonly tlsDisabled: ListenerFilterPredicate | undefined;
  readonly httpDisabled: ListenerFilterPredicate | undefined;
}

export const NO_LISTENER_INSPECTION: ListenerInspection = Object.freeze({
  tls: false, http: false, timeoutMs: 0, continueOnTimeout: false, tlsDisabled: undefined, httpDisabled: undefined,
});

export interface ListenerConfig {
  readonly name: string;
  readonly address: Address;
  readonly bindToPort: boolean;
  readonly useOriginalDst: boolean;
  readonly transparent: boolean;
  readonly trafficDirection: TrafficDirection;
  readonly filterChains: readonly FilterChainConfig[];
  readonly defaultFilterChain: FilterChainConfig | undefined;
  readonly inspection: ListenerInspection;
}

/** Istio's names for the two listeners that own sockets. */
export const VIRTUAL_OUTBOUND = 'virtualOutbound';
export const VIRTUAL_INBOUND = 'virtualInbound';
