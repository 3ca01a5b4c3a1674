/** The in-process StatsStore: one map from the Envoy stat name to its value. */
import type { Counter, Gauge, Histogram, StatEntry, StatKind, StatName, StatsStore } from './store.ts';

interface Buckets {
  readonly bounds: readonly number[];
  readonly counts: number[];
  sum: number;
}

interface Slot {
  readonly stat: StatName;
  readonly kind: StatKind;
  value: number;
  used: boolean;
  read?: () => number;
  buckets?: Buckets;
}

/** The index of the first bound >= v (bounds.length for +Inf), by binary search. */
function bucketOf(bounds: readonly number[], v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] ?? Infinity) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class MemoryStatsStore implements StatsStore {
  private readonly slots = new Map<string, Slot>();

  private slot(stat: StatName, kind: StatKind): Slot {
    let s = this.slots.get(stat.name);
    if (!s) {
      s = { stat, kind, value: 0, used: false };
      this.slots.set(stat.name, s);
    }
    return s;
  }

  counter(name: StatName): Counter {
    const s = this.slot(name, 'counter');
    return {
      inc(n = 1) {
        s.value += n;
        s.used = true;
      },
      get value() {
        return s.value;
      },
    } satisfies Counter;
  }

  gauge(name: StatName): Gauge {
    const s = this.slot(name, 'gauge');
    return {
      set(v) {
        s.value = v;
        s.used = true;
      },
      inc(n = 1) {
        s.value += n;
        s.used = true;
      },
      dec(n = 1) {
        s.value -= n;
        s.used = true;
      },
      get value() {
        return s.value;
      },
    } satisfies Gauge;
  }

  histogram(name: StatName, bounds: readonly number[]): Histogram {
    const s = this.slot(name, 'histogram');
    const b = (s.buckets ??= { bounds: [...bounds], counts: new Array<number>(bounds.length + 1).fill(0), sum: 0 });
    return {
      record(v) {
        const i = bucketOf(b.bounds, v);
        b.counts[i] = (b.counts[i] ?? 0) + 1;
        b.sum += v;
        s.value += 1;
        s.used = true;
      },
      get count() {
        return s.value;
      },
      get sum() {
        return b.sum;
      },
    } satisfies Histogram;
  }

  computedGauge(name: StatName, read: () => number): void {
    const s = this.slot(name, 'gauge');
    s.read = read;
    s.used = true;
  }

  entries(): StatEntry[] {
    const out: StatEntry[] = [];
    for (const s of this.slots.values()) {
      const value = s.read ? s.read() : s.value;
      const b = s.buckets;
      out.push(b
        ? { stat: s.stat, kind: s.kind, value, used: s.used, histogram: { bounds: b.bounds, counts: [...b.counts], count: value, sum: b.sum } }
        : { stat: s.stat, kind: s.kind, value, used: s.used });
    }
    return out.sort((a, b) => (a.stat.name < b.stat.name ? -1 : a.stat.name > b.stat.name ? 1 : 0));
  }
}
