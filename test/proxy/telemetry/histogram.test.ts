/**
 * Histograms in the stats store and how admin renders them: Prometheus text (`_bucket{le}`
 * cumulative to +Inf, `_sum`, `_count`, one TYPE line) parsed back, Envoy's /stats text
 * quantiles and the JSON form.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENVOY_DEFAULT_BUCKETS, quantile } from '../../../src/proxy/stats/histogram.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { renderJson, renderPrometheus, renderText } from '../../../src/proxy/stats/render.ts';
import { plainStat, stat } from '../../../src/proxy/stats/store.ts';
import { parsePrometheus } from './prometheus-text.ts';

describe('histograms', () => {
  it('render as Prometheus buckets, sum and count, and parse back', () => {
    const store = new MemoryStatsStore();
    const tags = [['reporter', 'source'], ['response_code', '200']] as const;
    const h = store.histogram(stat('istiocustom.istio_request_duration_milliseconds.reporter.source.response_code.200', 'istio_request_duration_milliseconds', tags), ENVOY_DEFAULT_BUCKETS);
    for (const v of [0.2, 1, 3, 7, 7, 120, 4_000_000]) h.record(v);
    store.counter(plainStat('server.total_connections')).inc();
    const { types, samples } = parsePrometheus(renderPrometheus(store.entries()));
    assert.equal(types.get('istio_request_duration_milliseconds'), 'histogram');
    assert.equal(types.get('envoy_server_total_connections'), 'counter');
    const buckets = samples.filter((s) => s.name === 'istio_request_duration_milliseconds_bucket');
    assert.deepEqual(buckets.map((s) => s.labels['le']), [...ENVOY_DEFAULT_BUCKETS.map(String), '+Inf']);
    const at = (le: string) => buckets.find((s) => s.labels['le'] === le)?.value;
    assert.equal(at('0.5'), 1);
    assert.equal(at('1'), 2);
    assert.equal(at('5'), 3);
    assert.equal(at('10'), 5);
    assert.equal(at('250'), 6);
    assert.equal(at('3600000'), 6);
    assert.equal(at('+Inf'), 7);
    for (let n = 1; n < buckets.length; n++) assert.ok(buckets[n]!.value >= buckets[n - 1]!.value, 'cumulative');
    assert.deepEqual(buckets[0]?.labels, { reporter: 'source', response_code: '200', le: '0.5' });
    const sum = samples.find((s) => s.name === 'istio_request_duration_milliseconds_sum');
    const count = samples.find((s) => s.name === 'istio_request_duration_milliseconds_count');
    assert.equal(sum?.value, 0.2 + 1 + 3 + 7 + 7 + 120 + 4_000_000);
    assert.equal(count?.value, 7);
    assert.deepEqual(count?.labels, { reporter: 'source', response_code: '200' });
  });

  it('admin /stats text shows quantiles, or No recorded values; JSON has computed_quantiles', () => {
    const store = new MemoryStatsStore();
    const h = store.histogram(stat('cluster.x.upstream_rq_time', 'envoy_cluster_upstream_rq_time', [['cluster_name', 'x']]), [10, 100]);
    store.histogram(stat('cluster.y.upstream_rq_time', 'envoy_cluster_upstream_rq_time', [['cluster_name', 'y']]), [10, 100]);
    for (let n = 0; n < 10; n++) h.record(50);
    const text = renderText(store.entries());
    assert.match(text, /^cluster\.x\.upstream_rq_time: P0\(nan,10\) P25\(nan,32\.5\) P50\(nan,55\) .* P100\(nan,100\)$/m);
    assert.match(text, /^cluster\.y\.upstream_rq_time: No recorded values$/m);
    assert.equal(renderText(store.entries(), { usedOnly: true }).split('\n').filter(Boolean).length, 1);
    const json = JSON.parse(renderJson(store.entries())) as { stats: { histograms?: { supported_quantiles: number[]; computed_quantiles: { name: string; values: { cumulative: number | null }[] }[] } }[] };
    const hist = json.stats.find((s) => s.histograms)?.histograms;
    assert.equal(hist?.supported_quantiles.length, 10);
    assert.equal(hist?.computed_quantiles[0]?.name, 'cluster.x.upstream_rq_time');
    assert.equal(hist?.computed_quantiles[1]?.values[0]?.cumulative, null);
    assert.equal(quantile({ bounds: [1], counts: [0, 0], count: 0, sum: 0 }, 0.5), undefined);
  });
});
