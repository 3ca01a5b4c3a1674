/**
 * Golden access log lines in Istio's default TEXT and JSON encodings, for HTTP requests (the
 * seeds' inbound and outbound lines) and TCP connections (the TCP line unchanged).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTcpAccessLog, TcpAccessLogger } from '../../../src/proxy/access-log/access-log.ts';
import { createAccessLoggers, HttpAccessLogger } from '../../../src/proxy/access-log/http-access-log.ts';
import { compileAccessLogFormat } from '../../../src/proxy/access-log/log-format.ts';
import type { ProxiedConnection } from '../../../src/proxy/filters/network/connection-observer.ts';
import { httpInfo, stream, tcpInfo } from './fixtures.ts';

const seedInbound = '[2021-12-15T18:05:56.334Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 615 0 0 "192.168.10.254" "curl/7.68.0" ' +
  '"0844349b-d290-994b-93b2-da36bf929c62" "www.gasida.dev:30384" "172.16.46.11:80" inbound|80|| 127.0.0.6:50763 172.16.46.11:80 ' +
  '192.168.10.254:0 - default';

const seedOutbound = '[2024-10-19T16:16:59.092Z] "GET / HTTP/1.1" 200 - via_upstream - "-" 0 615 20 19 "172.16.0.0" "curl/8.7.1" ' +
  '"1e0b2a50-a275-9865-8e9e-9f8870e66cf2" "www.daeuk.dev:30808" "172.16.2.3:80" outbound|80||svc-clusterip.default.svc.cluster.local ' +
  '172.16.1.4:59706 172.16.1.4:8080 172.16.0.0:42571 - -';

const outboundInfo = () => httpInfo({
  direction: 'outbound',
  startTime: new Date('2024-10-19T16:16:59.092Z'),
  downstreamLocal: { ip: '172.16.1.4', port: 8080 },
  downstreamRemote: { ip: '172.16.0.0', port: 42571 },
  upstreamCluster: 'outbound|80||svc-clusterip.default.svc.cluster.local',
  upstreamHost: { ip: '172.16.2.3', port: 80 },
  upstreamLocal: { ip: '172.16.1.4', port: 59706 },
  durationMs: 20,
  authority: 'www.daeuk.dev:30808',
  requestHeaders: { 'x-forwarded-for': '172.16.0.0', 'user-agent': 'curl/8.7.1', 'x-request-id': '1e0b2a50-a275-9865-8e9e-9f8870e66cf2' },
  responseHeaders: { 'x-envoy-upstream-service-time': '19' },
  upstreamServiceTimeMs: 19,
  routeName: undefined,
});

const tcpGolden = '[2024-10-19T16:16:59.092Z] "- - -" 0 - - - "-" 5 2 12 - "-" "-" "-" "-" "10.250.0.7:9080" ' +
  'outbound|9080||reviews.default.svc.cluster.local 10.250.0.5:51000 10.96.0.12:9080 10.250.0.5:41234 - -';

const conn = (info = tcpInfo()): ProxiedConnection => ({ info, cluster: undefined, host: undefined, refreshBytes: () => {} });

describe('access log: Istio TEXT', () => {
  it('prints the seed inbound line exactly', () => {
    const lines: string[] = [];
    new HttpAccessLogger((l) => lines.push(l)).streamDone(stream(httpInfo()));
    assert.deepEqual(lines, [`${seedInbound}\n`]);
  });

  it('prints the seed outbound line exactly (no route name, service time from the response header)', () => {
    const text = compileAccessLogFormat({ encoding: 'TEXT' });
    assert.equal(text.format(outboundInfo()), seedOutbound);
  });

  it('uses x-envoy-original-path when the path was rewritten, and the flags in Envoy order', () => {
    const i = httpInfo({
      path: '/v2/ratings', requestHeaders: { 'x-envoy-original-path': '/ratings' }, responseCode: 503,
      responseFlags: new Set(['UF', 'UH', 'URX']), responseCodeDetails: 'upstream_reset_before_response_started{connection_failure}',
      upstreamTransportFailureReason: 'delayed connect error: 111', responseHeaders: undefined, upstreamServiceTimeMs: undefined,
    });
    const line = compileAccessLogFormat({ encoding: 'TEXT' }).format(i);
    assert.match(line, /^\[[^\]]+\] "GET \/ratings HTTP\/1\.1" 503 UH,UF,URX upstream_reset_before_response_started\{connection_failure\} - "delayed connect error: 111" 0 615 0 - "-" "-" "-" /);
  });

  it('keeps the TCP line byte for byte', () => {
    assert.equal(formatTcpAccessLog(tcpInfo()), tcpGolden);
    const lines: string[] = [];
    new TcpAccessLogger((l) => lines.push(l)).closed(conn());
    assert.deepEqual(lines, [`${tcpGolden}\n`]);
    const failed = tcpInfo({ responseFlags: new Set(['URX', 'UF']), upstreamLocal: undefined, bytesReceived: 0, bytesSent: 0, upstreamCluster: 'PassthroughCluster' });
    assert.match(formatTcpAccessLog(failed), / "- - -" 0 UF,URX - - "-" 0 0 12 - "-" "-" "-" "-" "10\.250\.0\.7:9080" PassthroughCluster - 10\.96\.0\.12:9080 /);
  });
});

describe('access log: Istio JSON', () => {
  it('prints Istio\'s keys, sorted, typed: numbers as numbers, missing values as null', () => {
    const lines: string[] = [];
    const { http } = createAccessLoggers({ encoding: 'JSON', write: (l) => lines.push(l) });
    http.streamDone(stream(httpInfo()));
    assert.equal(lines.length, 1);
    assert.ok(lines[0]?.endsWith('}\n'));
    assert.equal(lines[0], `${JSON.stringify({
      authority: 'www.gasida.dev:30384', bytes_received: 0, bytes_sent: 615, connection_termination_details: null,
      downstream_local_address: '172.16.46.11:80', downstream_remote_address: '192.168.10.254:0', duration: 0, method: 'GET', path: '/',
      protocol: 'HTTP/1.1', request_id: '0844349b-d290-994b-93b2-da36bf929c62', requested_server_name: null, response_code: 200,
      response_code_details: 'via_upstream', response_flags: '-', route_name: 'default', start_time: '2021-12-15T18:05:56.334Z',
      upstream_cluster: 'inbound|80||', upstream_host: '172.16.46.11:80', upstream_local_address: '127.0.0.6:50763',
      upstream_service_time: '0', upstream_transport_failure_reason: null, user_agent: 'curl/7.68.0', x_forwarded_for: '192.168.10.254',
    })}\n`);
  });

  it('prints a TCP connection with the request fields null and response code 0', () => {
    const lines: string[] = [];
    createAccessLoggers({ encoding: 'JSON', write: (l) => lines.push(l) }).tcp.closed(conn());
    const o = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    assert.deepEqual(o, {
      authority: null, bytes_received: 5, bytes_sent: 2, connection_termination_details: null, downstream_local_address: '10.96.0.12:9080',
      downstream_remote_address: '10.250.0.5:41234', duration: 12, method: null, path: null, protocol: null, request_id: null,
      requested_server_name: null, response_code: 0, response_code_details: null, response_flags: '-', route_name: null,
      start_time: '2024-10-19T16:16:59.092Z', upstream_cluster: 'outbound|9080||reviews.default.svc.cluster.local',
      upstream_host: '10.250.0.7:9080', upstream_local_address: '10.250.0.5:51000', upstream_service_time: null,
      upstream_transport_failure_reason: null, user_agent: null, x_forwarded_for: null,
    });
  });

  it('a custom TEXT format applies to TCP as well', () => {
    const lines: string[] = [];
    const { tcp, http } = createAccessLoggers({ encoding: 'TEXT', format: '%UPSTREAM_CLUSTER% %RESPONSE_CODE% %REQ(:METHOD)%\n', write: (l) => lines.push(l) });
    tcp.closed(conn());
    http.streamDone(stream(httpInfo()));
    assert.deepEqual(lines, ['outbound|9080||reviews.default.svc.cluster.local 0 -\n', 'inbound|80|| 200 GET\n']);
  });
});
