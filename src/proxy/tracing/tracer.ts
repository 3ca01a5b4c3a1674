/**
 * Tracing as Envoy's Zipkin tracer does it for a sidecar (shared_span_context off, 128-bit trace
 * ids): each request gets its own span. With an incoming context the span is a child (same trace,
 * new span id, parent = the incoming span id); without one a new trace starts. The sampling
 * decision is the caller's when it made one, else `samplingPercent` (Istio's default 1%). The
 * request headers are rewritten for the upstream (B3 multi always, and B3 single / traceparent
 * when they came in; x-b3-flags and tracestate pass untouched). As an HttpFilterFactory it edits
 * the headers; as an HttpObserver it finishes sampled spans into the recorder when the stream ends.
 */
import { formatAddress } from '../core/address.ts';
import type { HttpStreamInfo } from '../core/http-stream-info.ts';
import { mathRandom, type Random } from '../core/random.ts';
import { responseFlagsString } from '../core/response-flags.ts';
import type { Direction } from '../core/stream-info.ts';
import type { HttpFilter, HttpFilterFactory } from '../filters/http/http-filter.ts';
import type { HttpObserver, HttpStream } from '../filters/http/http-observer.ts';
import { spanId, traceId128 } from './ids.ts';
import type { SpanRecorder } from './span-recorder.ts';
import { extractTraceContext, header, injectTraceContext, type TraceContext } from './trace-context.ts';

/** Istio's default (MeshConfig defaultConfig.tracing.sampling, PILOT_TRACE_SAMPLING). */
export const ISTIO_DEFAULT_SAMPLING_PERCENT = 1;
/** Envoy's max_path_tag_length default. */
const MAX_URL_TAG = 256;

export interface TracerOptions {
  readonly direction: Direction;
  /** The Envoy node id, the node_id tag. */
  readonly nodeId: string;
  readonly recorder: SpanRecorder;
  /** 0..100; for requests whose caller made no decision. */
  readonly samplingPercent?: number;
  readonly random?: Random;
  /** Also write traceparent when the request had none. */
  readonly w3c?: boolean;
  /** The span name; Istio's route decorator `authority/*` by default. */
  readonly operationName?: (info: HttpStreamInfo) => string;
}

interface Active {
  readonly context: TraceContext & { readonly sampled: boolean };
}

export class ZipkinTracer implements HttpFilterFactory, HttpObserver {
  readonly name = 'envoy.tracers.zipkin';
  private readonly o: TracerOptions;
  private readonly random: Random;
  private readonly sampling: number;
  private readonly active = new WeakMap<HttpStreamInfo, Active>();
  private readonly filter: HttpFilter;

  constructor(o: TracerOptions) {
    this.o = o;
    this.random = o.random ?? mathRandom;
    this.sampling = Math.min(100, Math.max(0, o.samplingPercent ?? ISTIO_DEFAULT_SAMPLING_PERCENT));
    this.filter = {
      name: this.name,
      decodeHeaders: (headers, cb) => {
        const ex = extractTraceContext(headers);
        const sampled = ex.debug || (ex.sampled ?? this.sample());
        const formats = this.o.w3c ? new Set([...ex.formats, 'w3c' as const]) : ex.formats;
        const context = ex.context
          ? { traceId: ex.context.traceId, spanId: spanId(this.random), parentSpanId: ex.context.spanId, sampled, debug: ex.debug }
          : { traceId: traceId128(this.random), spanId: spanId(this.random), parentSpanId: undefined, sampled, debug: ex.debug };
        injectTraceContext(headers, context, formats);
        this.active.set(cb.info, { context });
        return 'continue';
      },
    };
  }

  private sample(): boolean {
    return this.sampling >= 100 || (this.sampling > 0 && this.random() * 100 < this.sampling);
  }

  create(): HttpFilter {
    return this.filter;
  }

  /** The trace context given to a request, if it went through the filter. */
  contextOf(info: HttpStreamInfo): (TraceContext & { readonly sampled: boolean }) | undefined {
    return this.active.get(info)?.context;
  }

  streamDone(s: HttpStream): void {
    const i = s.info;
    const a = this.active.get(i);
    if (!a) return;
    this.active.delete(i);
    if (!a.context.sampled) return;
    this.o.recorder.record({
      traceId: a.context.traceId,
      spanId: a.context.spanId,
      parentId: a.context.parentSpanId,
      name: this.o.operationName?.(i) ?? `${i.authority}/*`,
      kind: i.direction === 'outbound' ? 'CLIENT' : 'SERVER',
      timestamp: i.startTime.getTime(),
      durationMs: i.durationMs ?? 0,
      debug: a.context.debug,
      tags: this.tags(i),
    });
  }

  private tags(i: HttpStreamInfo): Record<string, string> {
    const flags = responseFlagsString(i.responseFlags);
    const t: Record<string, string> = {
      'component': 'proxy',
      'node_id': this.o.nodeId,
      'http.method': i.method,
      'http.url': `${i.scheme}://${i.authority}${i.path}`.slice(0, MAX_URL_TAG),
      'http.protocol': i.protocol,
      'http.status_code': String(i.responseCode),
      'response_flags': flags,
      'upstream_cluster': i.upstreamCluster,
      'upstream_cluster.name': i.upstreamCluster,
      'request_size': String(i.bytesReceived),
      'response_size': String(i.bytesSent),
      'downstream_cluster': header(i.requestHeaders, 'x-envoy-downstream-service-cluster') ?? '-',
      'user_agent': header(i.requestHeaders, 'user-agent') ?? '-',
      'peer.address': formatAddress(i.downstreamRemote),
    };
    const requestId = header(i.requestHeaders, 'x-request-id');
    if (requestId !== undefined) t['guid:x-request-id'] = requestId;
    if (i.responseCode >= 500 || i.responseCode === 0 || flags !== '-') t['error'] = 'true';
    return t;
  }
}
