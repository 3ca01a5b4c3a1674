/**
 * The two ways admin shows stats: Envoy's text (`name: value`, sorted, optionally filtered and
 * `usedonly`, or `format=json`) and the Prometheus text exposition format (0.0.4), grouped by
 * metric with one TYPE line each.
 */
import { quantile, quantileSummary, SUPPORTED_QUANTILES } from './histogram.ts';
import type { HistogramSnapshot, StatEntry, Tags } from './store.ts';

export interface StatsQuery {
  readonly filter?: RegExp | undefined;
  readonly usedOnly?: boolean;
}

function select(entries: readonly StatEntry[], q: StatsQuery): StatEntry[] {
  return entries.filter((e) => (!q.usedOnly || e.used) && (!q.filter || q.filter.test(e.stat.name)));
}

export function renderText(entries: readonly StatEntry[], q: StatsQuery = {}): string {
  return select(entries, q).map((e) => `${e.stat.name}: ${e.histogram ? quantileSummary(e.histogram) : e.value}\n`).join('');
}

/** Envoy's JSON: counters and gauges as {name, value}, then one {histograms} entry with the computed quantiles. */
export function renderJson(entries: readonly StatEntry[], q: StatsQuery = {}): string {
  const selected = select(entries, q);
  const stats: unknown[] = selected.filter((e) => !e.histogram).map((e) => ({ name: e.stat.name, value: e.value }));
  const histograms = selected.filter((e) => e.histogram);
  if (histograms.length > 0) {
    stats.push({
      histograms: {
        supported_quantiles: SUPPORTED_QUANTILES,
        computed_quantiles: histograms.map((e) => ({
          name: e.stat.name,
          values: SUPPORTED_QUANTILES.map((p) => ({ interval: null, cumulative: e.histogram ? (quantile(e.histogram, p / 100) ?? null) : null })),
        })),
      },
    });
  }
  return `${JSON.stringify({ stats }, null, 2)}\n`;
}

const escapeLabel = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

const labelText = (tags: Tags): string => tags.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');

/** `_bucket{...,le="b"}` (cumulative, ending with +Inf), `_sum` and `_count`, as Envoy exports a histogram. */
function histogramLines(out: string[], name: string, labels: string, h: HistogramSnapshot): void {
  const sep = labels ? `${labels},` : '';
  let cumulative = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    cumulative += h.counts[i] ?? 0;
    out.push(`${name}_bucket{${sep}le="${h.bounds[i]}"} ${cumulative}`);
  }
  out.push(`${name}_bucket{${sep}le="+Inf"} ${h.count}`);
  out.push(labels ? `${name}_sum{${labels}} ${h.sum}` : `${name}_sum ${h.sum}`);
  out.push(labels ? `${name}_count{${labels}} ${h.count}` : `${name}_count ${h.count}`);
}

export function renderPrometheus(entries: readonly StatEntry[], q: StatsQuery = {}): string {
  const groups = new Map<string, StatEntry[]>();
  for (const e of select(entries, q)) {
    const list = groups.get(e.stat.prom);
    if (list) list.push(e);
    else groups.set(e.stat.prom, [e]);
  }
  const out: string[] = [];
  for (const name of [...groups.keys()].sort()) {
    const list = groups.get(name) ?? [];
    out.push(`# TYPE ${name} ${list[0]?.kind ?? 'counter'}`);
    for (const e of list) {
      const labels = labelText(e.stat.tags);
      if (e.histogram) histogramLines(out, name, labels, e.histogram);
      else out.push(labels ? `${name}{${labels}} ${e.value}` : `${name} ${e.value}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
