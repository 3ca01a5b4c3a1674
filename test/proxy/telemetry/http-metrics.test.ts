/**
 * Istio's HTTP metrics from HttpStreamInfo: the full label set in Istio's order for outbound
 * (reporter="source") and inbound (reporter="destination") requests, gRPC (request_protocol,
 * grpc_response_status, message counters), the peer precedence (metadata exchange, then the
 * host's metadata or the registry, then "unknown"), and the shared TCP labels unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istioHttpLabelNames, istioLabelNames, istioLabels, type LabelContext } from '../../../src/proxy/stats/istio-labels.ts';
import { IstioHttpMetrics } from '../../../src/proxy/stats/istio-http-metrics.ts';
import { MemoryStatsStore } from '../../../src/proxy/stats/memory-store.ts';
import { renderPrometheus } from '../../../src/proxy/stats/render.ts';
import { cluster, host, httpInfo, meta, stream, tcpInfo } from './fixtures.ts';
import { parsePrometheus } from './prometheus-text.ts';

const local = meta('productpage-v1', 'default', 'productpage', 'v1');
const reviews = meta('reviews-v2', 'default', 'reviews', 'v2');
const ratings = meta('ratings-v1', 'default', 'ratings', 'v1');
const ctx: LabelContext = { local, clusterId: 'Kubernetes', peerAt: (ip) => (ip === '10.250.0.9' ? ratings : undefined) };
const reviewsCluster = cluster('outbound|9080||reviews.default.svc.cluster.local', { host: 'reviews.default.svc.cluster.local', name: 'reviews', namespace: 'default' });

function setup() {
  const store = new MemoryStatsStore();
  const m = new IstioHttpMetrics(store, ctx);
  const scrape = () => parsePrometheus(renderPrometheus(store.entries())).samples;
  return { store, m, scrape };
}

const labelsOf = (m: IstioHttpMetrics, s: Parameters<IstioHttpMetrics['labelValues']>[0]) =>
  Object.fromEntries(istioHttpLabelNames.map((k, i) => [k, m.labelValues(s)[i]]));

describe('Istio HTTP metrics', () => {
  it('outbound: reporter="source", destination from the host, Istio\'s label order', () => {
    const { m, scrape } = setup();
    const info = httpInfo({ direction: 'outbound', durationMs: 42, requestHeaderBytes: 100, bytesReceived: 20, responseHeaderBytes: 80, bytesSent: 615 });
    m.streamDone(stream(info, reviewsCluster, host('10.250.0.7', 9080, reviews)));
    const samples = scrape();
    const total = samples.find((s) => s.name === 'istio_requests_total');
    assert.deepEqual(Object.keys(total?.labels ?? {}), [...istioHttpLabelNames]);
    assert.deepEqual(total?.labels, {
      reporter: 'source', source_workload: 'productpage-v1', source_workload_namespace: 'default', source_principal: 'unknown',
      source_app: 'productpage', source_version: 'v1', source_canonical_service: 'productpage', source_canonical_revision: 'v1',
      source_cluster: 'Kubernetes', destination_workload: 'reviews-v2', destination_workload_namespace: 'default',
      destination_principal: 'unknown', destination_app: 'reviews', destination_version: 'v2',
      destination_service: 'reviews.default.svc.cluster.local', destination_service_name: 'reviews', destination_service_namespace: 'default',
      destination_canonical_service: 'reviews', destination_canonical_revision: 'v2', destination_cluster: 'Kubernetes',
      request_protocol: 'http', response_code: '200', grpc_response_status: '', response_flags: '-', connection_security_policy: 'unknown',
    });
    assert.equal(total?.value, 1);
    const value = (name: string) => samples.find((s) => s.name === name)?.value;
    assert.equal(value('istio_request_duration_milliseconds_sum'), 42);
    assert.equal(value('istio_request_bytes_sum'), 120);
    assert.equal(value('istio_response_bytes_sum'), 695);
    assert.equal(value('istio_response_bytes_count'), 1);
    assert.equal(samples.filter((s) => s.name === 'istio_request_duration_milliseconds_bucket').find((s) => s.labels['le'] === '50')?.value, 1);
    assert.equal(samples.some((s) => s.name === 'istio_request_messages_total'), false);
  });

  it('the same label set is one series; a different response code is another', () => {
    const { m, scrape, store } = setup();
    const h = host('10.250.0.7', 9080, reviews);
    m.streamDone(stream(httpInfo({ direction: 'outbound' }), reviewsCluster, h));
    m.streamDone(stream(httpInfo({ direction: 'outbound' }), reviewsCluster, h));
    m.streamDone(stream(httpInfo({ direction: 'outbound', responseCode: 503, responseFlags: new Set(['UF', 'URX']) }), reviewsCluster, h));
    const totals = scrape().filter((s) => s.name === 'istio_requests_total');
    assert.deepEqual(totals.map((s) => [s.labels['response_code'], s.labels['response_flags'], s.value]).sort(), [['200', '-', 2], ['503', 'UF,URX', 1]]);
    assert.ok(store.entries().some((e) => e.stat.name.startsWith('istiocustom.istio_requests_total.reporter.source.source_workload.productpage-v1.')));
  });

  it('inbound: reporter="destination", the source from metadata exchange first, then the registry, then unknown', () => {
    const { m } = setup();
    const inbound = cluster('inbound|9080||');
    const viaMx = httpInfo({ direction: 'inbound', downstreamRemote: { ip: '10.250.0.9', port: 5000 }, downstreamPeer: reviews });
    const l1 = labelsOf(m, stream(viaMx, inbound, host('10.250.0.3', 9080)));
    assert.equal(l1['reporter'], 'destination');
    assert.equal(l1['source_workload'], 'reviews-v2');
    assert.equal(l1['destination_workload'], 'productpage-v1');
    assert.equal(l1['destination_service'], 'productpage');
    assert.equal(l1['destination_service_namespace'], 'default');
    assert.equal(l1['connection_security_policy'], 'none');
    const viaRegistry = httpInfo({ direction: 'inbound', downstreamRemote: { ip: '10.250.0.9', port: 5000 } });
    assert.equal(labelsOf(m, stream(viaRegistry, inbound))['source_workload'], 'ratings-v1');
    const unknown = labelsOf(m, stream(httpInfo({ direction: 'inbound', downstreamRemote: { ip: '10.250.0.77', port: 1 } }), inbound));
    assert.equal(unknown['source_workload'], 'unknown');
    assert.equal(unknown['source_canonical_revision'], 'latest');
  });

  it('outbound: the upstream peer from metadata exchange wins over the host\'s metadata', () => {
    const { m } = setup();
    const l = labelsOf(m, stream(httpInfo({ direction: 'outbound', upstreamPeer: ratings }), reviewsCluster, host('10.250.0.7', 9080, reviews)));
    assert.equal(l['destination_workload'], 'ratings-v1');
    const none = labelsOf(m, stream(httpInfo({ direction: 'outbound' }), cluster('PassthroughCluster'), host('1.2.3.4', 80)));
    assert.equal(none['destination_workload'], 'unknown');
    assert.equal(none['destination_service_name'], 'PassthroughCluster');
    assert.equal(none['destination_service'], 'unknown');
  });

  it('gRPC: request_protocol="grpc", grpc_response_status from trailers or derived, message counters', () => {
    const { m, scrape } = setup();
    const grpc = (over: Parameters<typeof httpInfo>[0]) => httpInfo({
      direction: 'outbound', protocol: 'HTTP/2', method: 'POST', path: '/helloworld.Greeter/SayHello',
      requestHeaders: { 'content-type': 'application/grpc+proto' }, requestMessages: 1, responseMessages: 3, ...over,
    });
    const h = host('10.250.0.7', 9080, reviews);
    m.streamDone(stream(grpc({ responseTrailers: { 'grpc-status': '0' } }), reviewsCluster, h));
    m.streamDone(stream(grpc({ responseHeaders: { 'grpc-status': '5' }, responseTrailers: undefined }), reviewsCluster, h));
    m.streamDone(stream(grpc({ responseCode: 503, responseHeaders: {}, responseTrailers: undefined }), reviewsCluster, h));
    const samples = scrape();
    const totals = samples.filter((s) => s.name === 'istio_requests_total');
    assert.ok(totals.every((s) => s.labels['request_protocol'] === 'grpc'));
    assert.deepEqual(totals.map((s) => s.labels['grpc_response_status']).sort(), ['0', '14', '5']);
    const req = samples.filter((s) => s.name === 'istio_request_messages_total').reduce((a, s) => a + s.value, 0);
    const resp = samples.filter((s) => s.name === 'istio_response_messages_total').reduce((a, s) => a + s.value, 0);
    assert.equal(req, 3);
    assert.equal(resp, 9);
  });

  it('TCP labels keep their names and order', () => {
    const labels = istioLabels({ info: tcpInfo(), cluster: reviewsCluster, host: host('10.250.0.7', 9080, reviews), refreshBytes: () => {} }, ctx);
    assert.deepEqual(Object.keys(labels), [...istioLabelNames]);
    assert.deepEqual(istioLabelNames.slice(-3), ['request_protocol', 'response_flags', 'connection_security_policy']);
    assert.equal(labels.request_protocol, 'tcp');
    assert.equal(labels.destination_workload, 'reviews-v2');
    assert.equal(labels.destination_service_name, 'reviews');
  });
});
