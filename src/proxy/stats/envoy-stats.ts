/**
 * The Envoy stats the data path keeps, grouped the way Envoy scopes them: per cluster, per
 * listener and per TCP proxy stat prefix. Keys are Envoy's own stat names, so `/stats` and the
 * code read the same. Bundles are created once per name and reused across registry updates.
 */
import type { Counter, Gauge, StatName, StatsStore } from './store.ts';
import { clusterStat, httpStat, listenerStat, stat, tcpStat } from './store.ts';

const clusterCounters = [
  'upstream_cx_total', 'upstream_cx_connect_fail', 'upstream_cx_connect_timeout', 'upstream_cx_none_healthy',
  'upstream_cx_overflow', 'upstream_cx_destroy', 'upstream_cx_destroy_local', 'upstream_cx_destroy_remote',
  'upstream_cx_rx_bytes_total', 'upstream_cx_tx_bytes_total', 'upstream_cx_connect_attempts_exceeded',
  'upstream_flow_control_paused_reading_total', 'upstream_flow_control_resumed_reading_total',
  'upstream_rq_total', 'upstream_rq_completed', 'upstream_rq_1xx', 'upstream_rq_2xx', 'upstream_rq_3xx', 'upstream_rq_4xx', 'upstream_rq_5xx',
  'upstream_rq_retry', 'upstream_rq_retry_success', 'upstream_rq_retry_overflow', 'upstream_rq_retry_limit_exceeded',
  'upstream_rq_timeout', 'upstream_rq_per_try_timeout', 'upstream_rq_pending_overflow', 'upstream_rq_rx_reset', 'upstream_rq_tx_reset',
] as const;
const clusterGauges = ['upstream_cx_active', 'upstream_rq_active', 'membership_healthy', 'membership_total'] as const;

const httpCounters = [
  'downstream_rq_total', 'downstream_rq_http1_total', 'downstream_rq_http2_total', 'downstream_rq_completed',
  'downstream_rq_1xx', 'downstream_rq_2xx', 'downstream_rq_3xx', 'downstream_rq_4xx', 'downstream_rq_5xx',
  'downstream_rq_rx_reset', 'downstream_rq_tx_reset', 'downstream_cx_upgrades_total', 'no_route', 'no_cluster', 'rq_direct_response', 'rq_redirect',
] as const;
const httpGauges = ['downstream_rq_active'] as const;

const listenerCounters = ['downstream_cx_total', 'downstream_cx_destroy', 'downstream_cx_overflow', 'no_filter_chain_match'] as const;
const listenerGauges = ['downstream_cx_active'] as const;

const tcpCounters = [
  'downstream_cx_total', 'downstream_cx_no_route', 'downstream_cx_rx_bytes_total', 'downstream_cx_tx_bytes_total',
  'downstream_flow_control_paused_reading_total', 'downstream_flow_control_resumed_reading_total', 'idle_timeout', 'max_downstream_connection_duration',
] as const;
const tcpGauges = [] as const;

/** `cluster.<name>.outlier_detection.<s>` (Prometheus: envoy_cluster_outlier_detection_<s>). */
const outlierCounters = [
  'ejections_enforced_total', 'ejections_overflow', 'ejections_total',
  'ejections_enforced_consecutive_5xx', 'ejections_detected_consecutive_5xx', 'ejections_consecutive_5xx',
  'ejections_enforced_consecutive_gateway_failure', 'ejections_detected_consecutive_gateway_failure',
  'ejections_enforced_consecutive_local_origin_failure', 'ejections_detected_consecutive_local_origin_failure',
] as const;
const outlierGauges = ['ejections_active'] as const;

type Bundle<C extends string, G extends string> = { readonly [K in C]: Counter } & { readonly [K in G]: Gauge };

function bundle<C extends string, G extends string>(store: StatsStore, name: (s: string) => StatName, counters: readonly C[], gauges: readonly G[]): Bundle<C, G> {
  const out: Record<string, Counter | Gauge> = {};
  for (const c of counters) out[c] = store.counter(name(c));
  for (const g of gauges) out[g] = store.gauge(name(g));
  return out as Bundle<C, G>;
}

export type ClusterStats = Bundle<(typeof clusterCounters)[number], (typeof clusterGauges)[number]>;
export type ListenerStats = Bundle<(typeof listenerCounters)[number], (typeof listenerGauges)[number]>;
export type TcpProxyStats = Bundle<(typeof tcpCounters)[number], (typeof tcpGauges)[number]>;
export type OutlierDetectionStats = Bundle<(typeof outlierCounters)[number], (typeof outlierGauges)[number]>;
export type HttpConnectionManagerStats = Bundle<(typeof httpCounters)[number], (typeof httpGauges)[number]>;

/** The status class counter name: `1xx`..`5xx`. */
export const statusClass = (status: number): '1xx' | '2xx' | '3xx' | '4xx' | '5xx' =>
  status < 200 ? '1xx' : status < 300 ? '2xx' : status < 400 ? '3xx' : status < 500 ? '4xx' : '5xx';

export function clusterStats(store: StatsStore, cluster: string): ClusterStats {
  return bundle(store, (s) => clusterStat(cluster, s), clusterCounters, clusterGauges);
}

export function outlierDetectionStats(store: StatsStore, cluster: string): OutlierDetectionStats {
  const name = (s: string) => stat(`cluster.${cluster}.outlier_detection.${s}`, `envoy_cluster_outlier_detection_${s}`, [['cluster_name', cluster]]);
  return bundle(store, name, outlierCounters, outlierGauges);
}

export function listenerStats(store: StatsStore, address: string): ListenerStats {
  return bundle(store, (s) => listenerStat(address, s), listenerCounters, listenerGauges);
}

/** TCP proxy stats by stat prefix (Istio uses the cluster name as the prefix). Cached per prefix. */
export class TcpStatsCache {
  private readonly byPrefix = new Map<string, TcpProxyStats>();
  private readonly store: StatsStore;

  constructor(store: StatsStore) {
    this.store = store;
  }

  get(prefix: string): TcpProxyStats {
    let s = this.byPrefix.get(prefix);
    if (!s) {
      s = bundle(this.store, (n) => tcpStat(prefix, n), tcpCounters, tcpGauges);
      this.byPrefix.set(prefix, s);
    }
    return s;
  }
}

/** HTTP connection manager stats by stat prefix (`outbound_0.0.0.0_80`, `inbound_0.0.0.0_8080`). Cached per prefix. */
export class HttpStatsCache {
  private readonly byPrefix = new Map<string, HttpConnectionManagerStats>();
  private readonly store: StatsStore;

  constructor(store: StatsStore) {
    this.store = store;
  }

  get(prefix: string): HttpConnectionManagerStats {
    let s = this.byPrefix.get(prefix);
    if (!s) {
      s = bundle(this.store, (n) => httpStat(prefix, n), httpCounters, httpGauges);
      this.byPrefix.set(prefix, s);
    }
    return s;
  }
}
