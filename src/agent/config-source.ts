/**
 * Where the sidecar's config comes from, as main.ts sees it: the control plane over xDS
 * (xds-wiring.ts) when a discovery address is set, else registry.json (registry-wiring.ts).
 * Either way it provides the two virtual listeners' filter chain matches, the inbound peer
 * lookup for Istio's metrics, and what admin shows; it marks the server ready once its initial
 * config is in force.
 */
import type { ListenerStatus } from '../proxy/admin/admin-context.ts';
import type { ConfigDumpSource } from '../proxy/admin/config-dump-source.ts';
import type { ProxyConfig } from '../proxy/config/proxy-config.ts';
import type { FilterChainMatch } from '../proxy/listener/tcp-listener.ts';
import type { WorkloadMetadata } from '../proxy/stats/workload-metadata.ts';

export interface ConfigSource {
  readonly mode: 'xds' | 'registry';
  readonly outboundMatch: FilterChainMatch;
  readonly inboundMatch: FilterChainMatch;
  /** Who is at an IP: the inbound peer for Istio's metrics (nothing with xDS, as without mTLS). */
  peerAt(ip: string): WorkloadMetadata | undefined;
  configDump(): ConfigDumpSource;
  listenerStatuses(): readonly ListenerStatus[];
  /** Listeners in force (listener_manager.total_listeners_active). */
  activeListeners(): number;
  /** The xDS config in force (undefined in registry mode, or before the first update). */
  current(): ProxyConfig | undefined;
  /** Calls `cb` after each xDS config swap (never in registry mode, which has no LDS). */
  onConfig(cb: () => void): void;
  start(): void;
  close(): void;
}

/** Why readiness waits, per source. */
export const waitingFor = (mode: ConfigSource['mode']): string =>
  mode === 'xds' ? 'config not received from XDS server (is the control plane running?)' : 'the service registry has not been loaded';
