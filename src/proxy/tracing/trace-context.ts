/**
 * Trace context in the headers Envoy's Zipkin tracer understands: B3 multi
 * (x-b3-traceid/spanid/parentspanid/sampled/flags), B3 single (`b3: trace-span-sampled-parent`,
 * or a bare sampling decision) and W3C (`traceparent: 00-trace-span-flags`), extracted in that
 * order of preference. Ids are lower-case hex: trace ids 16 or 32 digits, span ids 16, never all
 * zeros; anything else is no context. A sampling decision may be absent (deferred).
 */
import type { HeaderMap } from '../core/http-stream-info.ts';

export type TraceFormat = 'b3' | 'b3-single' | 'w3c';

export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  /** undefined: the caller made no decision. */
  readonly sampled: boolean | undefined;
  /** x-b3-flags: 1 or b3 `d`: debug, which implies sampled. */
  readonly debug: boolean;
}

export interface Extracted {
  /** undefined when the headers carry only a sampling decision (b3: 0/1/d) or nothing valid. */
  readonly context: TraceContext | undefined;
  readonly sampled: boolean | undefined;
  readonly debug: boolean;
  readonly formats: ReadonlySet<TraceFormat>;
}

const TRACE_ID = /^(?:[0-9a-f]{16}|[0-9a-f]{32})$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const nonZero = (id: string): boolean => /[1-9a-f]/.test(id);
const validTrace = (id: string | undefined): id is string => id !== undefined && TRACE_ID.test(id) && nonZero(id);
const validSpan = (id: string | undefined): id is string => id !== undefined && SPAN_ID.test(id) && nonZero(id);

export const header = (h: HeaderMap, name: string): string | undefined => {
  const v = h[name];
  return (Array.isArray(v) ? v[0] : v)?.trim();
};

function sampledFlag(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (v === '1' || v.toLowerCase() === 'true' || v === 'd') return true;
  if (v === '0' || v.toLowerCase() === 'false') return false;
  return undefined;
}

function fromB3Single(v: string): { context?: TraceContext; sampled: boolean | undefined; debug: boolean } | undefined {
  const parts = v.toLowerCase().split('-');
  if (parts.length === 1) {
    const s = sampledFlag(parts[0]);
    return s === undefined ? undefined : { sampled: s, debug: parts[0] === 'd' };
  }
  const [traceId, spanId, flag, parent] = parts;
  if (parts.length > 4 || !validTrace(traceId) || !validSpan(spanId)) return undefined;
  if (parent !== undefined && !validSpan(parent)) return undefined;
  const sampled = sampledFlag(flag);
  if (flag !== undefined && sampled === undefined) return undefined;
  const debug = flag === 'd';
  return { context: { traceId, spanId, parentSpanId: parent, sampled, debug }, sampled, debug };
}

function fromB3Multi(h: HeaderMap): TraceContext | undefined {
  const traceId = header(h, 'x-b3-traceid')?.toLowerCase();
  const spanId = header(h, 'x-b3-spanid')?.toLowerCase();
  const parent = header(h, 'x-b3-parentspanid')?.toLowerCase();
  if (!validTrace(traceId) || !validSpan(spanId)) return undefined;
  const debug = header(h, 'x-b3-flags') === '1';
  const sampled = debug ? true : sampledFlag(header(h, 'x-b3-sampled'));
  return { traceId, spanId, parentSpanId: validSpan(parent) ? parent : undefined, sampled, debug };
}

function fromTraceparent(v: string): TraceContext | undefined {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/.exec(v.toLowerCase());
  if (!m || m[1] === 'ff' || (m[1] === '00' && v.length !== 55)) return undefined;
  const [, , traceId = '', spanId = '', flags = '00'] = m;
  if (!nonZero(traceId) || !nonZero(spanId)) return undefined;
  return { traceId, spanId, parentSpanId: undefined, sampled: (parseInt(flags, 16) & 1) === 1, debug: false };
}

export function extractTraceContext(h: HeaderMap): Extracted {
  const formats = new Set<TraceFormat>();
  const single = header(h, 'b3');
  const parent = header(h, 'traceparent');
  if (single !== undefined) formats.add('b3-single');
  if (header(h, 'x-b3-traceid') !== undefined) formats.add('b3');
  if (parent !== undefined) formats.add('w3c');
  const s = single === undefined ? undefined : fromB3Single(single);
  if (s?.context) return { context: s.context, sampled: s.sampled, debug: s.debug, formats };
  const multi = fromB3Multi(h);
  if (multi) return { context: multi, sampled: s?.sampled ?? multi.sampled, debug: s?.debug || multi.debug, formats };
  const w3c = parent === undefined ? undefined : fromTraceparent(parent);
  if (w3c) return { context: w3c, sampled: s?.sampled ?? w3c.sampled, debug: s?.debug ?? false, formats };
  const sampled = s?.sampled ?? sampledFlag(header(h, 'x-b3-sampled'));
  return { context: undefined, sampled, debug: s?.debug ?? header(h, 'x-b3-flags') === '1', formats };
}

/** Writes `ctx` into the headers: B3 multi always, B3 single and traceparent when `formats` has them. */
export function injectTraceContext(h: HeaderMap, ctx: TraceContext & { readonly sampled: boolean }, formats: ReadonlySet<TraceFormat>): void {
  h['x-b3-traceid'] = ctx.traceId;
  h['x-b3-spanid'] = ctx.spanId;
  if (ctx.parentSpanId !== undefined) h['x-b3-parentspanid'] = ctx.parentSpanId;
  else delete h['x-b3-parentspanid'];
  h['x-b3-sampled'] = ctx.sampled ? '1' : '0';
  if (formats.has('b3-single')) {
    const flag = ctx.debug ? 'd' : ctx.sampled ? '1' : '0';
    h['b3'] = `${ctx.traceId}-${ctx.spanId}-${flag}${ctx.parentSpanId ? `-${ctx.parentSpanId}` : ''}`;
  }
  if (formats.has('w3c')) h['traceparent'] = `00-${ctx.traceId.padStart(32, '0')}-${ctx.spanId}-${ctx.sampled ? '01' : '00'}`;
}
