/**
 * Server-wide stats computed when read: server.live/state/uptime/memory/total_connections and
 * the listener_manager and cluster_manager gauges. The config subscriptions' counters are in
 * xds-stats.ts.
 */
import type { ClusterManager } from '../cluster/cluster-manager.ts';
import type { ServerStatus } from '../core/server-state.ts';
import type { Listener } from '../listener/listener.ts';
import { plainStat, type StatsStore } from './store.ts';

export function registerServerStats(store: StatsStore, deps: {
  readonly status: ServerStatus;
  /** The listeners that own sockets. */
  readonly listeners: () => readonly Listener[];
  /** Listeners in force (Envoy counts every active listener, bound or not). */
  readonly activeListeners: () => number;
  readonly clusters: ClusterManager;
}): void {
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
  g('listener_manager.total_listeners_active', deps.activeListeners);
  g('listener_manager.workers_started', () => (deps.listeners().some((l) => l.accepting) ? 1 : 0));
  g('cluster_manager.active_clusters', () => deps.clusters.all().length);
}
