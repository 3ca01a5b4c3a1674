/**
 * Istio's HTTP metrics as an HTTP observer, one report per request when it ends:
 * istio_requests_total, istio_request_duration_milliseconds, istio_request_bytes and
 * istio_response_bytes (histograms: headers plus body, as istio-proxy measures them), and for
 * gRPC istio_request_messages_total / istio_response_messages_total. reporter="source" on
 * outbound, "destination" on inbound, with Istio's full HTTP label set (istio-labels.ts). The
 * handles for one label set are made once and cached under the joined label values.
 */
import { responseFlagsString } from '../core/response-flags.ts';
import type { HttpStreamInfo } from '../core/http-stream-info.ts';
import type { HttpObserver, HttpStream } from '../filters/http/http-observer.ts';
import { grpcStatusOf, isGrpcRequest } from './grpc-status.ts';
import { ENVOY_DEFAULT_BUCKETS } from './histogram.ts';
import { connectionSecurityPolicy, istioHttpLabelNames, peerLabelValues, type LabelContext } from './istio-labels.ts';
import { stat, type Counter, type Histogram, type StatsStore, type Tags } from './store.ts';

interface Handles {
  readonly requests: Counter;
  readonly duration: Histogram;
  readonly requestBytes: Histogram;
  readonly responseBytes: Histogram;
  /** gRPC only. */
  readonly requestMessages: Counter | undefined;
  readonly responseMessages: Counter | undefined;
}

export interface IstioHttpMetricsOptions {
  /** Bucket bounds (sidecar.istio.io/statsHistogramBuckets); Envoy's defaults otherwise. */
  readonly durationBuckets?: readonly number[];
  readonly bytesBuckets?: readonly number[];
}

export class IstioHttpMetrics implements HttpObserver {
  private readonly store: StatsStore;
  private readonly ctx: LabelContext;
  private readonly durationBuckets: readonly number[];
  private readonly bytesBuckets: readonly number[];
  private readonly cache = new Map<string, Handles>();

  constructor(store: StatsStore, ctx: LabelContext, o: IstioHttpMetricsOptions = {}) {
    this.store = store;
    this.ctx = ctx;
    this.durationBuckets = o.durationBuckets ?? ENVOY_DEFAULT_BUCKETS;
    this.bytesBuckets = o.bytesBuckets ?? ENVOY_DEFAULT_BUCKETS;
  }

  /** The label values for one request, in istioHttpLabelNames order. */
  labelValues(s: HttpStream): string[] {
    const i = s.info;
    const grpc = isGrpcRequest(i);
    const values = peerLabelValues({
      direction: i.direction, cluster: s.cluster, host: s.host, downstreamRemote: i.downstreamRemote,
      downstreamPeer: i.downstreamPeer, upstreamPeer: i.upstreamPeer,
    }, this.ctx);
    values.push(grpc ? 'grpc' : 'http', String(i.responseCode), grpc ? grpcStatusOf(i) : '', responseFlagsString(i.responseFlags), connectionSecurityPolicy(i.direction));
    return values;
  }

  private handles(values: readonly string[], grpc: boolean): Handles {
    const key = values.join('\u0001');
    const cached = this.cache.get(key);
    if (cached) return cached;
    const tags: Tags = istioHttpLabelNames.map((k, n) => [k, values[n] ?? ''] as const);
    const suffix = tags.map(([k, v]) => `.${k}.${v}`).join('');
    const name = (m: string) => stat(`istiocustom.${m}${suffix}`, m, tags);
    const h: Handles = {
      requests: this.store.counter(name('istio_requests_total')),
      duration: this.store.histogram(name('istio_request_duration_milliseconds'), this.durationBuckets),
      requestBytes: this.store.histogram(name('istio_request_bytes'), this.bytesBuckets),
      responseBytes: this.store.histogram(name('istio_response_bytes'), this.bytesBuckets),
      requestMessages: grpc ? this.store.counter(name('istio_request_messages_total')) : undefined,
      responseMessages: grpc ? this.store.counter(name('istio_response_messages_total')) : undefined,
    };
    this.cache.set(key, h);
    return h;
  }

  streamDone(s: HttpStream): void {
    const i: HttpStreamInfo = s.info;
    const h = this.handles(this.labelValues(s), isGrpcRequest(i));
    h.requests.inc();
    h.duration.record(i.durationMs ?? 0);
    h.requestBytes.record(i.requestHeaderBytes + i.bytesReceived);
    h.responseBytes.record(i.responseHeaderBytes + i.bytesSent);
    if (i.requestMessages > 0) h.requestMessages?.inc(i.requestMessages);
    if (i.responseMessages > 0) h.responseMessages?.inc(i.responseMessages);
  }
}
