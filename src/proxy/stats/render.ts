/**
 * The two ways admin shows stats: Envoy's text (`name: value`, sorted, optionally filtered and
 * `usedonly`, or `format=json`) and the Prometheus text exposition format (0.0.4), grouped by
 * metric with one TYPE line each.
 */
import type { StatEntry } from './store.ts';

export interface StatsQuery {
  readonly filter?: RegExp | undefined;
  readonly usedOnly?: boolean;
}

function select(entries: readonly StatEntry[], q: StatsQuery): StatEntry[] {
  return entries.filter((e) => (!q.usedOnly || e.used) && (!q.filter || q.filter.test(e.stat.name)));
}

export function renderText(entries: readonly StatEntry[], q: StatsQuery = {}): string {
  return select(entries, q).map((e) => `${e.stat.name}: ${e.value}\n`).join('');
}

export function renderJson(entries: readonly StatEntry[], q: StatsQuery = {}): string {
  return `${JSON.stringify({ stats: select(entries, q).map((e) => ({ name: e.stat.name, value: e.value })) }, null, 2)}\n`;
}

const escapeLabel = (v: string): string => v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

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
      const labels = e.stat.tags.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',');
      out.push(labels ? `${name}{${labels}} ${e.value}` : `${name} ${e.value}`);
    }
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}
