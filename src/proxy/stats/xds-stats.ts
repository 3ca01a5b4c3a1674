/**
 * Envoy's stats for its config subscriptions, under Envoy's names: per subscription
 * (`cluster_manager.cds.*`, `listener_manager.lds.*`, EDS as `cluster.<name>.*`, RDS as
 * `http.<stat_prefix>.rds.<route_config>.*`) update_attempt / update_success / update_rejected /
 * update_failure and the version and update_time gauges; `control_plane.connected_state`; and
 * the cluster and listener managers' added / modified / removed counters.
 */
import { createHash } from 'node:crypto';
import type { Counter, Gauge, StatName, StatsStore } from './store.ts';
import { clusterStat, plainStat, stat } from './store.ts';

export interface SubscriptionStats {
  readonly update_attempt: Counter;
  readonly update_success: Counter;
  readonly update_rejected: Counter;
  readonly update_failure: Counter;
  /** The accepted version: the number itself when numeric, else a 48-bit hash (Envoy hashes always). */
  readonly version: Gauge;
  /** When the last update was accepted, in ms since the epoch. */
  readonly update_time: Gauge;
}

export function subscriptionStats(store: StatsStore, name: (s: string) => StatName): SubscriptionStats {
  return {
    update_attempt: store.counter(name('update_attempt')),
    update_success: store.counter(name('update_success')),
    update_rejected: store.counter(name('update_rejected')),
    update_failure: store.counter(name('update_failure')),
    version: store.gauge(name('version')),
    update_time: store.gauge(name('update_time')),
  };
}

export function versionGaugeValue(version: string): number {
  if (/^\d{1,15}$/.test(version)) return Number(version);
  return parseInt(createHash('sha256').update(version).digest('hex').slice(0, 12), 16);
}

export function recordAccepted(s: SubscriptionStats, version: string): void {
  s.update_attempt.inc();
  s.update_success.inc();
  s.version.set(versionGaugeValue(version));
  s.update_time.set(Date.now());
}

export function recordRejected(s: SubscriptionStats): void {
  s.update_attempt.inc();
  s.update_rejected.inc();
}

export interface XdsStats {
  readonly connectedState: Gauge;
  readonly cds: SubscriptionStats;
  readonly lds: SubscriptionStats;
  readonly clusterAdded: Counter;
  readonly clusterModified: Counter;
  readonly clusterRemoved: Counter;
  readonly listenerAdded: Counter;
  readonly listenerModified: Counter;
  readonly listenerRemoved: Counter;
  eds(cluster: string): SubscriptionStats;
  rds(statPrefix: string, routeConfig: string): SubscriptionStats;
}

export function cdsStats(store: StatsStore): SubscriptionStats {
  return subscriptionStats(store, (s) => plainStat(`cluster_manager.cds.${s}`));
}

export function xdsStats(store: StatsStore): XdsStats {
  const cache = new Map<string, SubscriptionStats>();
  const cached = (key: string, make: () => SubscriptionStats): SubscriptionStats => {
    let s = cache.get(key);
    if (!s) {
      s = make();
      cache.set(key, s);
    }
    return s;
  };
  const c = (name: string): Counter => store.counter(plainStat(name));
  return {
    connectedState: store.gauge(plainStat('control_plane.connected_state')),
    cds: cdsStats(store),
    lds: subscriptionStats(store, (s) => plainStat(`listener_manager.lds.${s}`)),
    clusterAdded: c('cluster_manager.cluster_added'),
    clusterModified: c('cluster_manager.cluster_modified'),
    clusterRemoved: c('cluster_manager.cluster_removed'),
    listenerAdded: c('listener_manager.listener_added'),
    listenerModified: c('listener_manager.listener_modified'),
    listenerRemoved: c('listener_manager.listener_removed'),
    eds: (cluster) => cached(`eds/${cluster}`, () => subscriptionStats(store, (s) => clusterStat(cluster, s))),
    rds: (prefix, rc) => cached(`rds/${prefix}/${rc}`, () => subscriptionStats(store, (s) =>
      stat(`http.${prefix}.rds.${rc}.${s}`, `envoy_http_rds_${s}`, [['envoy_http_conn_manager_prefix', prefix], ['envoy_rds_route_config', rc]]))),
  };
}
