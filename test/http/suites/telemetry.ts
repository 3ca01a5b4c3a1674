/**
 * What the sidecars record for each protocol: Istio's access log lines (HTTP/1.1, HTTP/2, gRPC,
 * WebSocket, a 503 UH for a Service without endpoints, the ALLOW_ANY passthrough for an unknown
 * host, and a TCP line for the server-first service), and Istio's metrics as a real Prometheus
 * scrapes them from every pod's :15020, queried with the PromQL of Istio's dashboards.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { waitFor } from '../../helpers/netns.ts';
import type { Mesh } from '../harness.ts';
import type { Prometheus } from '../prometheus.ts';

const IP = '10\\.250\\.\\d+\\.\\d+';

export function telemetrySuite(mesh: () => Mesh, prom: () => Prometheus): void {
  it('access log: one line per HTTP/1.1, HTTP/2, gRPC and WebSocket exchange, on both sidecars', async () => {
    const m = mesh();
    const client = await m.proxyLog('client');
    const files = await m.proxyLog('files');
    const backend = await m.proxyLog('backend');
    const line = (req: string, rest: string): RegExp => new RegExp(`^\\[[^\\]]+\\] "${req}" ${rest}`, 'm');
    assert.match(client, line('GET /1k.bin HTTP/1.1', `200 - via_upstream - "-" 0 1024 \\d+ \\d+ "-" "curl/[\\d.]+" "[0-9a-f-]{36}" "files" "${IP}:8080" outbound\\|80\\|\\|files\\.httpmesh\\.svc\\.cluster\\.local `));
    assert.match(files, line('GET /1k.bin HTTP/1.1', `200 - via_upstream - "-" 0 1024 \\d+ \\d+ "-" "curl/[\\d.]+" "[0-9a-f-]{36}" "files" "${IP}:8080" inbound\\|8080\\|\\| 127\\.0\\.0\\.6:\\d+ `));
    assert.match(client, line('GET /1k.bin HTTP/2', `200 - via_upstream - "-" 0 1024 \\d+ \\d+ "-" "h2load[^"]*" "[0-9a-f-]{36}" "files:81" "${IP}:8081" outbound\\|81\\|\\|files\\.httpmesh\\.svc\\.cluster\\.local `));
    assert.match(files, line('GET /1k.bin HTTP/2', `200 - via_upstream .* inbound\\|8081\\|\\| `));
    assert.match(client, line('POST /mizzen\\.test\\.Echo/Say HTTP/2', `200 - via_upstream .* "grpc-node-js/[\\d.]+" .* outbound\\|50051\\|\\|backend\\.httpmesh\\.svc\\.cluster\\.local `));
    assert.match(backend, line('POST /mizzen\\.test\\.Echo/Count HTTP/2', `200 - via_upstream .* inbound\\|50051\\|\\| `));
    assert.match(client, line('GET /chat HTTP/1.1', `101 - via_upstream .* outbound\\|80\\|\\|backend\\.httpmesh\\.svc\\.cluster\\.local `));
  });

  it('access log: 503 UH for a Service with no endpoint, PassthroughCluster for an unknown host', async () => {
    const m = mesh();
    const r = await m.exec('client', ['curl', '-sS', '--max-time', '10', '-w', ' %{http_code}', 'http://nothing/'], { allowFail: true });
    assert.equal(r.stdout, 'no healthy upstream 503');
    const h = await m.exec('client', ['curl', '-sS', '--max-time', '10', '-o', '/dev/null', '-w', '%{http_code}', '-H', 'Host: nope.example', 'http://files/1k.bin']);
    assert.equal(h.stdout, '200', 'ALLOW_ANY: an unknown host on a known HTTP port passes through (no 404 NR)');
    const log = await m.proxyLog('client');
    assert.match(log, /"GET \/ HTTP\/1\.1" 503 UH no_healthy_upstream - "-" 0 19 \d+ - "-" "curl\/[\d.]+" "[0-9a-f-]{36}" "nothing" "-" outbound\|80\|\|nothing\.httpmesh\.svc\.cluster\.local - /);
    assert.match(log, /"GET \/1k\.bin HTTP\/1\.1" 200 - via_upstream .* "nope\.example" "10\.96\.\d+\.\d+:80" PassthroughCluster .* allow_any$/m);
  });

  it('access log: a TCP line for the server-first service', async () => {
    const log = await mesh().proxyLog('client');
    assert.match(log, new RegExp(`"- - -" 0 - - - "-" \\d+ \\d+ \\d+ - "-" "-" "-" "-" "${IP}:3306" outbound\\|3306\\|\\|backend\\.httpmesh\\.svc\\.cluster\\.local `));
    assert.match(await mesh().proxyLog('backend'), new RegExp(`"- - -" 0 - - - "-" \\d+ \\d+ \\d+ - "-" "-" "-" "-" "${IP}:3306" inbound\\|3306\\|\\| 127\\.0\\.0\\.6:`));
  });

  it("Prometheus scrapes every pod's :15020 and answers Istio's dashboard queries", async () => {
    const p = prom();
    const m = mesh();
    await waitFor(() => Object.values(p.targetsUp()).filter(Boolean).length === Object.keys(m.podIp).length, 20_000, 'every scrape target up');
    // Traffic just before the query, so the 1m rates see it whatever ran before.
    await m.exec('client', ['h2load', '--h1', '-n', '200', '-c', '2', 'http://files/1k.bin']);
    await m.exec('client', ['curl', '-sS', '-o', '/dev/null', 'http://nothing/'], { allowFail: true });
    const byCode = 'sum(rate(istio_requests_total{reporter="destination"}[1m])) by (destination_service, response_code)';
    const bySource = 'sum(rate(istio_requests_total{reporter="source"}[1m])) by (destination_service, response_code, response_flags)';
    await waitFor(() => p.query(byCode).some((s) => s.metric['destination_service'] === 'files.httpmesh.svc.cluster.local' && Number(s.value[1]) > 0)
      && p.query(bySource).some((s) => s.metric['response_code'] === '503'), 20_000, 'rates in Prometheus');
    const dest = p.query(byCode);
    const series = new Set(dest.map((s) => `${s.metric['destination_service']} ${s.metric['response_code']}`));
    for (const want of ['files.httpmesh.svc.cluster.local 200', 'backend.httpmesh.svc.cluster.local 200']) assert.ok(series.has(want), `${want} in ${[...series].join(', ')}`);
    const source = p.query(bySource).map((s) => `${s.metric['destination_service']} ${s.metric['response_code']} ${s.metric['response_flags']}`);
    assert.ok(source.includes('nothing.httpmesh.svc.cluster.local 503 UH'), source.join(', '));
    const p50 = p.query('histogram_quantile(0.5, sum(rate(istio_request_duration_milliseconds_bucket{reporter="source"}[1m])) by (le))');
    assert.equal(p50.length, 1);
    assert.ok(Number(p50[0]?.value[1]) > 0, `p50 ${JSON.stringify(p50)}`);
    const tcp = p.query('sum(istio_tcp_connections_opened_total{reporter="source",destination_service="backend.httpmesh.svc.cluster.local"})');
    assert.ok(Number(tcp[0]?.value[1] ?? 0) >= 1, 'TCP connections to the mysql port are counted');
  });
}
