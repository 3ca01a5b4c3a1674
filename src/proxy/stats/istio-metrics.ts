/**
 * Istio's TCP metrics (istio_tcp_connections_opened_total, _closed_total, istio_tcp_sent_bytes_total,
 * istio_tcp_received_bytes_total) as a connection observer. The label set is fixed when the
 * upstream side is settled; bytes are reported as deltas while the connection runs and at close.
 */
import type { ConnectionObserver, ProxiedConnection } from '../filters/network/connection-observer.ts';
import { istioLabelNames, istioLabels, type IstioLabels, type LabelContext } from './istio-labels.ts';
import { stat, type Counter, type StatsStore } from './store.ts';

const metrics = ['istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total', 'istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total'] as const;
type Metric = (typeof metrics)[number];

interface Tracked {
  readonly counters: Readonly<Record<Metric, Counter>>;
  sent: number;
  received: number;
}

export class IstioTcpMetrics implements ConnectionObserver {
  private readonly tracked = new WeakMap<ProxiedConnection, Tracked>();
  private readonly store: StatsStore;
  private readonly ctx: LabelContext;

  constructor(store: StatsStore, ctx: LabelContext) {
    this.store = store;
    this.ctx = ctx;
  }

  private counters(labels: IstioLabels): Record<Metric, Counter> {
    const tags = istioLabelNames.map((k) => [k, labels[k]] as const);
    const suffix = tags.map(([k, v]) => `.${k}.${v}`).join('');
    const out = {} as Record<Metric, Counter>;
    for (const m of metrics) out[m] = this.store.counter(stat(`istiocustom.${m}${suffix}`, m, tags));
    return out;
  }

  opened(c: ProxiedConnection): void {
    const t: Tracked = { counters: this.counters(istioLabels(c, this.ctx)), sent: 0, received: 0 };
    this.tracked.set(c, t);
    t.counters.istio_tcp_connections_opened_total.inc();
  }

  progress(c: ProxiedConnection): void {
    const t = this.tracked.get(c);
    if (!t) return;
    c.refreshBytes();
    t.counters.istio_tcp_sent_bytes_total.inc(c.info.bytesSent - t.sent);
    t.counters.istio_tcp_received_bytes_total.inc(c.info.bytesReceived - t.received);
    t.sent = c.info.bytesSent;
    t.received = c.info.bytesReceived;
  }

  closed(c: ProxiedConnection): void {
    this.progress(c);
    this.tracked.get(c)?.counters.istio_tcp_connections_closed_total.inc();
    this.tracked.delete(c);
  }
}
