/**
 * Server-wide stats computed when read: server.live/state/uptime/memory/total_connections,
 * listener_manager and cluster_manager gauges, and the counters a registry push moves
 * (cluster_manager.cds.update_success / update_rejected, as an xDS push would).
 */
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import type { ServerStatus } from '../core/server-state.ts';
import type { Listener } from '../listener/listener.ts';
import { plainStat, type Counter, type StatsStore } from './store.ts';

export interface RegistryCounters {
  readonly update_attempt: Counter;
  readonly update_success: Counter;
  readonly update_rejected: Counter;
}

export function registerServerStats(store: StatsStore, deps: {
  readonly status: ServerStatus;
  readonly listeners: () => readonly Listener[];
  readonly clusters: ClusterManager;
}): RegistryCounters {
  const g = (name: string, read: () => number): void => store.computedGauge(plainStat(name), read);
  const mem = (): NodeJS.MemoryUsage => process.memoryUsage();
  g('server.live', () => (deps.status.live ? 1 : 0));
  g('server.state', () => deps.status.current);
  g('server.uptime', () => Math.floor((Date.now() - deps.status.startedAt) / 1000));
  g('server.concurrency', () => 1);
  g('server.memory_allocated', () => mem().heapUsed + mem().external);
  g('server.memory_heap_size', () => mem().heapTotal);
  g('server.memory_physical_size', () => mem().rss);
  g('server.total_connections', () => deps.listeners().reduce((n, l) => n + l.activeConnections, 0));
  g('listener_manager.total_listeners_active', () => deps.listeners().filter((l) => l.accepting).length);
  g('listener_manager.workers_started', () => (deps.listeners().some((l) => l.accepting) ? 1 : 0));
  g('cluster_manager.active_clusters', () => deps.clusters.all().length);
  g('cluster_manager.cds.version', () => Number(deps.clusters.versionInfo) || 0);
  return {
    update_attempt: store.counter(plainStat('cluster_manager.cds.update_attempt')),
    update_success: store.counter(plainStat('cluster_manager.cds.update_success')),
    update_rejected: store.counter(plainStat('cluster_manager.cds.update_rejected')),
  };
}
