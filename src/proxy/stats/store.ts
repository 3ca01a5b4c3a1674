/**
 * Envoy's stats model: every stat has a flat name (`cluster.<name>.upstream_cx_total`, what
 * admin `/stats` prints) and a tag-extracted Prometheus form (`envoy_cluster_upstream_cx_total`
 * with `cluster_name`). The store interface; memory-store.ts implements it.
 */

export type Tags = readonly (readonly [string, string])[];

export interface StatName {
  /** Envoy's flat stat name. */
  readonly name: string;
  /** The Prometheus metric name after tag extraction. */
  readonly prom: string;
  readonly tags: Tags;
}

export type StatKind = 'counter' | 'gauge' | 'histogram';

export interface Counter {
  inc(n?: number): void;
  readonly value: number;
}

export interface Gauge {
  set(v: number): void;
  inc(n?: number): void;
  dec(n?: number): void;
  readonly value: number;
}

/** A distribution over fixed bucket upper bounds (Prometheus' `le`), as Envoy exports histograms. */
export interface Histogram {
  record(v: number): void;
  readonly count: number;
  readonly sum: number;
}

/** A histogram as read: `counts[i]` samples were <= `bounds[i]` and above the previous bound (not cumulative). */
export interface HistogramSnapshot {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly count: number;
  readonly sum: number;
}

export interface StatEntry {
  readonly stat: StatName;
  readonly kind: StatKind;
  /** A counter's or gauge's value; a histogram's sample count. */
  readonly value: number;
  /** False until the stat was changed once (Envoy's `usedonly`). */
  readonly used: boolean;
  /** Set for histograms. */
  readonly histogram?: HistogramSnapshot;
}

export interface StatsStore {
  counter(name: StatName): Counter;
  gauge(name: StatName): Gauge;
  /** A histogram with these bucket upper bounds (ascending; +Inf is implied); the first caller's bounds win. */
  histogram(name: StatName, bounds: readonly number[]): Histogram;
  /** A gauge whose value is computed when the stats are read. */
  computedGauge(name: StatName, read: () => number): void;
  entries(): StatEntry[];
}

export const stat = (name: string, prom: string, tags: Tags = []): StatName => ({ name, prom, tags });

/** `cluster.<cluster>.<s>` / envoy_cluster_<s>{cluster_name}. */
export const clusterStat = (cluster: string, s: string): StatName => stat(`cluster.${cluster}.${s}`, `envoy_cluster_${s}`, [['cluster_name', cluster]]);

/** `listener.<addr>.<s>` / envoy_listener_<s>{envoy_listener_address}. */
export const listenerStat = (addr: string, s: string): StatName => stat(`listener.${addr}.${s}`, `envoy_listener_${s}`, [['envoy_listener_address', addr]]);

/** `tcp.<prefix>.<s>` / envoy_tcp_<s>{envoy_tcp_prefix}. */
export const tcpStat = (prefix: string, s: string): StatName => stat(`tcp.${prefix}.${s}`, `envoy_tcp_${s}`, [['envoy_tcp_prefix', prefix]]);

/** `http.<stat_prefix>.<s>`: the HTTP connection manager's stats (Prometheus `envoy_http_<s>{envoy_http_conn_manager_prefix}`). */
export const httpStat = (prefix: string, s: string): StatName => stat(`http.${prefix}.${s}`, `envoy_http_${s}`, [['envoy_http_conn_manager_prefix', prefix]]);

/** Stats without tags: `server.live` / envoy_server_live. */
export const plainStat = (name: string): StatName => stat(name, `envoy_${name.replaceAll('.', '_')}`);
