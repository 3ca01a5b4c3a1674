/**
 * Trace header propagation as Envoy's Zipkin tracer does it in a sidecar: no context (a new
 * 128-bit trace, sampled at the configured percentage), B3 multi, B3 single and W3C traceparent
 * (a child span: same trace, new span id, parent = the incoming span), the caller's sampling
 * decision and debug flag kept; sampled spans recorded with their tags, in a bounded recorder.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeaderMap } from '../../../src/proxy/core/http-stream-info.ts';
import type { Random } from '../../../src/proxy/core/random.ts';
import { SpanRecorder, type Span } from '../../../src/proxy/tracing/span-recorder.ts';
import { extractTraceContext } from '../../../src/proxy/tracing/trace-context.ts';
import { ZipkinTracer, type TracerOptions } from '../../../src/proxy/tracing/tracer.ts';
import { callbacks, httpInfo, stream } from './fixtures.ts';

/** Returns the values in turn, then repeats the last. */
const scripted = (...values: number[]): Random => {
  let n = 0;
  return () => values[Math.min(n++, values.length - 1)] ?? 0;
};

function run(headers: HeaderMap, o: Partial<TracerOptions> = {}) {
  const recorder = new SpanRecorder(8);
  const tracer = new ZipkinTracer({ direction: 'outbound', nodeId: 'sidecar~10.0.0.1~a.ns~ns.svc.cluster.local', recorder, random: scripted(0.25, 0.5, 0.75, 0.125), ...o });
  const info = httpInfo({ direction: 'outbound', requestHeaders: headers, authority: 'reviews:9080', path: '/reviews/0', durationMs: 17, responseCode: 200 });
  assert.equal(tracer.create().decodeHeaders?.(headers, callbacks(info)), 'continue');
  tracer.streamDone(stream(info));
  return { headers, spans: recorder.snapshot(), tracer, recorder };
}

describe('trace headers', () => {
  it('no context: a new 128-bit trace; sampled by the percentage (Istio default 1%)', () => {
    const { headers, spans } = run({}, { random: scripted(0.5) });
    assert.match(headers['x-b3-traceid'] as string, /^[0-9a-f]{32}$/);
    assert.match(headers['x-b3-spanid'] as string, /^[0-9a-f]{16}$/);
    assert.equal(headers['x-b3-parentspanid'], undefined);
    assert.equal(headers['x-b3-sampled'], '0', '0.5 * 100 >= 1');
    assert.equal(headers['traceparent'], undefined);
    assert.deepEqual(spans, []);
    const sampled = run({}, { random: scripted(0.001, 0.25, 0.5, 0.75, 0.125) });
    assert.equal(sampled.headers['x-b3-sampled'], '1');
    assert.equal(sampled.spans.length, 1);
    assert.equal(sampled.spans[0]?.parentId, undefined);
    assert.equal(run({}, { samplingPercent: 100 }).headers['x-b3-sampled'], '1');
    assert.equal(run({}, { samplingPercent: 0, random: scripted(0) }).headers['x-b3-sampled'], '0');
  });

  it('deterministic ids from the Random', () => {
    const a = run({}, { samplingPercent: 100 }).headers;
    assert.equal(a['x-b3-traceid'], '4000000080000000c000000020000000');
    assert.equal(a['x-b3-spanid'], '2000000020000000');
    assert.deepEqual(run({}, { samplingPercent: 100 }).headers, a);
  });

  it('B3 multi: a child span; the caller\'s sampled and flags kept', () => {
    const { headers, spans } = run({ 'x-b3-traceid': '80f198ee56343ba864fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-parentspanid': '05e3ac9a4f6e3b90', 'x-b3-sampled': '1' });
    assert.equal(headers['x-b3-traceid'], '80f198ee56343ba864fe8b2a57d3eff7');
    assert.equal(headers['x-b3-parentspanid'], 'e457b5a2e4d86bd1');
    assert.notEqual(headers['x-b3-spanid'], 'e457b5a2e4d86bd1');
    assert.match(headers['x-b3-spanid'] as string, /^[0-9a-f]{16}$/);
    assert.equal(headers['x-b3-sampled'], '1');
    assert.equal(spans.length, 1);
    const span = spans[0] as Span;
    assert.equal(span.traceId, '80f198ee56343ba864fe8b2a57d3eff7');
    assert.equal(span.parentId, 'e457b5a2e4d86bd1');
    assert.equal(span.spanId, headers['x-b3-spanid']);
    assert.equal(span.kind, 'CLIENT');
    assert.equal(span.name, 'reviews:9080/*');
    assert.equal(span.durationMs, 17);
    assert.equal(span.tags['http.method'], 'GET');
    assert.equal(span.tags['http.url'], 'http://reviews:9080/reviews/0');
    assert.equal(span.tags['http.status_code'], '200');
    assert.equal(span.tags['upstream_cluster'], 'inbound|80||');
    assert.equal(span.tags['node_id'], 'sidecar~10.0.0.1~a.ns~ns.svc.cluster.local');
    assert.equal(span.tags['response_flags'], '-');
    assert.equal(span.tags['error'], undefined);

    const unsampled = run({ 'x-b3-traceid': '64fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-sampled': '0' }, { samplingPercent: 100 });
    assert.equal(unsampled.headers['x-b3-sampled'], '0', 'the caller decided');
    assert.equal(unsampled.headers['x-b3-traceid'], '64fe8b2a57d3eff7', '64-bit trace ids kept');
    assert.deepEqual(unsampled.spans, []);

    const debug = run({ 'x-b3-traceid': '64fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-flags': '1' });
    assert.equal(debug.headers['x-b3-sampled'], '1');
    assert.equal(debug.headers['x-b3-flags'], '1');
    assert.equal(debug.spans[0]?.debug, true);

    const deferred = run({ 'x-b3-traceid': '64fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1' }, { random: scripted(0.5) });
    assert.equal(deferred.headers['x-b3-sampled'], '0', 'no decision: sampled at the percentage');
  });

  it('B3 single: rewritten for the child, B3 multi added', () => {
    const { headers } = run({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90' });
    const child = headers['x-b3-spanid'] as string;
    assert.equal(headers['b3'], `80f198ee56343ba864fe8b2a57d3eff7-${child}-1-e457b5a2e4d86bd1`);
    assert.equal(headers['x-b3-traceid'], '80f198ee56343ba864fe8b2a57d3eff7');
    assert.equal(headers['x-b3-parentspanid'], 'e457b5a2e4d86bd1');
    assert.equal(run({ b3: '80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d' }).headers['b3']?.toString().endsWith('-d-e457b5a2e4d86bd1'), true);
    const decisionOnly = run({ b3: '0' }, { samplingPercent: 100 });
    assert.equal(decisionOnly.headers['x-b3-sampled'], '0');
    assert.match(decisionOnly.headers['b3'] as string, /^[0-9a-f]{32}-[0-9a-f]{16}-0$/);
  });

  it('W3C traceparent: rewritten with the new span id and the sampled flag; tracestate kept', () => {
    const { headers, spans } = run({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'congo=t61rcWkgMzE' });
    const child = headers['x-b3-spanid'] as string;
    assert.equal(headers['traceparent'], `00-0af7651916cd43dd8448eb211c80319c-${child}-01`);
    assert.equal(headers['tracestate'], 'congo=t61rcWkgMzE');
    assert.equal(headers['x-b3-traceid'], '0af7651916cd43dd8448eb211c80319c');
    assert.equal(headers['x-b3-parentspanid'], 'b7ad6b7169203331');
    assert.equal(spans[0]?.parentId, 'b7ad6b7169203331');
    const off = run({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00' }, { samplingPercent: 100 });
    assert.match(off.headers['traceparent'] as string, /-00$/);
    const w3c = run({ 'x-b3-traceid': '64fe8b2a57d3eff7', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-sampled': '1' }, { w3c: true });
    assert.match(w3c.headers['traceparent'] as string, /^00-000000000000000064fe8b2a57d3eff7-[0-9a-f]{16}-01$/);
  });

  it('invalid contexts are ignored (a new trace starts)', () => {
    for (const h of [{ 'x-b3-traceid': 'xyz', 'x-b3-spanid': 'e457b5a2e4d86bd1' }, { 'x-b3-traceid': '0000000000000000', 'x-b3-spanid': 'e457b5a2e4d86bd1' },
      { traceparent: 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }, { b3: 'nonsense-x' }]) {
      assert.equal(extractTraceContext(h).context, undefined, JSON.stringify(h));
    }
    const { headers } = run({ 'x-b3-traceid': 'xyz', 'x-b3-spanid': 'e457b5a2e4d86bd1', 'x-b3-parentspanid': '05e3ac9a4f6e3b90' }, { samplingPercent: 100 });
    assert.match(headers['x-b3-traceid'] as string, /^[0-9a-f]{32}$/);
    assert.equal(headers['x-b3-parentspanid'], undefined);
  });

  it('the recorder keeps the newest spans up to its capacity; inbound spans are SERVER spans with error tags on failure', () => {
    const recorder = new SpanRecorder(3);
    let n = 0;
    const tracer = new ZipkinTracer({ direction: 'inbound', nodeId: 'n', recorder, samplingPercent: 100, random: () => ((n += 1) * 0.0137) % 1 });
    for (let r = 0; r < 5; r++) {
      const info = httpInfo({ direction: 'inbound', requestHeaders: {}, responseCode: r === 4 ? 503 : 200, responseFlags: new Set(r === 4 ? ['UF'] : []) });
      tracer.create().decodeHeaders?.(info.requestHeaders, callbacks(info));
      tracer.streamDone(stream(info));
    }
    assert.equal(recorder.size, 3);
    assert.equal(recorder.total, 5);
    const spans = recorder.snapshot();
    assert.equal(spans.length, 3);
    assert.ok(spans.every((s) => s.kind === 'SERVER'));
    assert.equal(spans.at(-1)?.tags['error'], 'true');
    assert.equal(spans.at(-1)?.tags['response_flags'], 'UF');
    assert.deepEqual(recorder.trace(spans[0]!.traceId), [spans[0]]);
    recorder.clear();
    assert.deepEqual(recorder.snapshot(), []);
  });
});
