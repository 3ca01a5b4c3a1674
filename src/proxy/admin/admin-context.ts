/**
 * What the admin endpoints read and control: server state, stats, clusters, the listeners in
 * force, the config dump source, log levels, the bootstrap, and the two actions (quit, drain
 * listeners).
 */
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import type { Address } from '../core/address.ts';
import type { ProxyBootstrap } from '../core/bootstrap.ts';
import type { LogLevels } from '../core/log-levels.ts';
import type { ServerStatus } from '../core/server-state.ts';
import type { StatsStore } from '../stats/store.ts';
import type { ConfigDumpSource } from './config-dump-source.ts';

/** One listener as /listeners shows it. */
export interface ListenerStatus {
  readonly name: string;
  readonly address: Address;
}

export interface AdminContext {
  readonly status: ServerStatus;
  readonly store: StatsStore;
  readonly clusters: ClusterManager;
  readonly logLevels: LogLevels;
  readonly bootstrap: ProxyBootstrap;
  listenerStatuses(): readonly ListenerStatus[];
  configDump(): ConfigDumpSource;
  /** POST /quitquitquit: exit now, without draining. */
  quit(): void;
  /** POST /drain_listeners: stop accepting (inbound listeners only with `inboundOnly`). */
  drainListeners(inboundOnly: boolean): void;
}
