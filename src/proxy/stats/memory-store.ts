/** The in-process StatsStore: one map from the Envoy stat name to its value. */
import type { Counter, Gauge, StatEntry, StatKind, StatName, StatsStore } from './store.ts';

interface Slot {
  readonly stat: StatName;
  readonly kind: StatKind;
  value: number;
  used: boolean;
  read?: () => number;
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

  computedGauge(name: StatName, read: () => number): void {
    const s = this.slot(name, 'gauge');
    s.read = read;
    s.used = true;
  }

  entries(): StatEntry[] {
    const out: StatEntry[] = [];
    for (const s of this.slots.values()) {
      out.push({ stat: s.stat, kind: s.kind, value: s.read ? s.read() : s.value, used: s.used });
    }
    return out.sort((a, b) => (a.stat.name < b.stat.name ? -1 : a.stat.name > b.stat.name ? 1 : 0));
  }
}
