/**
 * What the admin endpoints read and control: server state, stats, clusters, listeners, log
 * levels, the registry in force, and the two actions (quit, drain listeners).
 */
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import type { RegistrySnapshot } from '../config/snapshot.ts';
import type { LogLevels } from '../core/log-levels.ts';
import type { ServerStatus } from '../core/server-state.ts';
import type { Listener } from '../listener/listener.ts';
import type { OutboundTrafficPolicy } from '../listener/virtual-outbound.ts';
import type { StatsStore } from '../stats/store.ts';

/** The node and static settings the bootstrap section of /config_dump shows. */
export interface BootstrapInfo {
  readonly nodeId: string;
  readonly cluster: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly adminPort: number;
  readonly statusPort: number;
  readonly readinessPort: number;
  readonly prometheusPort: number;
  readonly connectTimeoutMs: number;
  readonly outboundTrafficPolicy: OutboundTrafficPolicy;
  readonly interceptionMode: 'REDIRECT' | 'TPROXY';
  readonly containerPorts: readonly number[];
  readonly instanceIp: string;
}

export interface AdminContext {
  readonly status: ServerStatus;
  readonly store: StatsStore;
  readonly clusters: ClusterManager;
  readonly listeners: readonly Listener[];
  readonly logLevels: LogLevels;
  readonly bootstrap: BootstrapInfo;
  snapshot(): RegistrySnapshot | undefined;
  /** POST /quitquitquit: exit now, without draining. */
  quit(): void;
  /** POST /drain_listeners: stop accepting (inbound listeners only with `inboundOnly`). */
  drainListeners(inboundOnly: boolean): void;
}
