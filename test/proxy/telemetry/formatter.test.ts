/**
 * Envoy command operators in custom formats: header lookups with alternatives and truncation,
 * trailers, addresses with and without ports, START_TIME formats, typed JSON values, and
 * validation at the edge (an unknown operator is an error naming it, also through the sidecar's
 * flag and environment binding).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindSidecarConfig } from '../../../src/agent/bind.ts';
import { TextFormatter } from '../../../src/proxy/access-log/formatter.ts';
import { JsonFormatter } from '../../../src/proxy/access-log/json-formatter.ts';
import { accessLogFormatProblem } from '../../../src/proxy/access-log/log-format.ts';
import type { StreamInfo } from '../../../src/proxy/core/stream-info.ts';
import { httpInfo, tcpInfo } from './fixtures.ts';

const fmt = (f: string, i: StreamInfo = httpInfo()): string => new TextFormatter(f).format(i);

describe('custom format operators', () => {
  it('REQ(X?Y):N picks the first header present and truncates', () => {
    const i = httpInfo({ requestHeaders: { 'x-custom': 'abcdef', 'user-agent': 'curl/8' } });
    assert.equal(fmt('%REQ(X-MISSING?X-CUSTOM)%', i), 'abcdef');
    assert.equal(fmt('%REQ(X-CUSTOM):3%', i), 'abc');
    assert.equal(fmt('%REQ(X-MISSING)%|%REQ(USER-AGENT)%', i), '-|curl/8');
    assert.equal(fmt('%REQ(:METHOD)% %REQ(:AUTHORITY):3% %REQ(:PATH)% %REQ(:SCHEME)%', i), 'GET www / http');
    assert.equal(fmt('%REQUEST_HEADER(USER-AGENT)%', i), 'curl/8');
    assert.equal(fmt('%REQ(X-LIST)%', httpInfo({ requestHeaders: { 'x-list': ['a', 'b'] } })), 'a,b');
    assert.equal(fmt('%REQ_WITHOUT_QUERY(:PATH)%', httpInfo({ path: '/p?q=1' })), '/p');
  });

  it('RESP and TRAILER read the response; :status is the response code', () => {
    const i = httpInfo({ responseHeaders: { 'content-type': 'application/grpc' }, responseTrailers: { 'grpc-status': '14', 'grpc-message': 'unavailable' } });
    assert.equal(fmt('%RESP(CONTENT-TYPE)% %RESP(:STATUS)% %TRAILER(GRPC-STATUS)% %TRAILER(GRPC-MESSAGE):5% %RESPONSE_TRAILER(X)%', i), 'application/grpc 200 14 unava -');
    assert.equal(fmt('%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%', httpInfo({ responseHeaders: {}, upstreamServiceTimeMs: 7 })), '7');
  });

  it('stream info operators, with - for what is missing', () => {
    const i = httpInfo({ responseFlags: new Set(['UC']), durationMs: 33, bytesReceived: 12, protocol: 'HTTP/2', routeName: undefined, attemptCount: 2 });
    assert.equal(fmt('%RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %PROTOCOL% %ROUTE_NAME% %UPSTREAM_REQUEST_ATTEMPT_COUNT%', i), '200 UC 12 615 33 HTTP/2 - 2');
    assert.equal(fmt('%UPSTREAM_HOST% %UPSTREAM_CLUSTER% %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%', i), '172.16.46.11:80 inbound|80|| inbound|80|| 127.0.0.6:50763');
    assert.equal(fmt('%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %DOWNSTREAM_REMOTE_PORT% %DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%', i),
      '192.168.10.254:0 192.168.10.254 0 172.16.46.11');
    const v6 = httpInfo({ downstreamRemote: { ip: 'fd00::5', port: 4000 }, upstreamHost: { ip: '::ffff:10.0.0.1', port: 80 } });
    assert.equal(fmt('%DOWNSTREAM_REMOTE_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% %UPSTREAM_HOST%', v6), '[fd00::5]:4000 fd00::5 10.0.0.1:80');
    assert.equal(fmt('%PROTOCOL% %RESPONSE_CODE% %REQ(:METHOD)% %ROUTE_NAME%', tcpInfo()), '- 0 - -');
  });

  it('START_TIME with and without a format', () => {
    const i = httpInfo({ startTime: new Date('2024-03-05T07:08:09.123Z') });
    assert.equal(fmt('%START_TIME%', i), '2024-03-05T07:08:09.123Z');
    assert.equal(fmt('%START_TIME(%Y/%m/%d %H:%M:%S.%3f %z)%', i), '2024/03/05 07:08:09.123 +0000');
    assert.equal(fmt('%START_TIME(%s)%', i), '1709622489');
    assert.equal(fmt('%START_TIME(%E3S|%F|100%%)%', i), '09.123|2024-03-05|100%');
  });

  it('ENVIRONMENT and literal text around operators', () => {
    process.env['MIZZEN_TEST_POD'] = 'web-1';
    assert.equal(fmt('pod=%ENVIRONMENT(MIZZEN_TEST_POD)% [%ENVIRONMENT(MIZZEN_TEST_UNSET)%]'), 'pod=web-1 [-]');
  });

  it('JSON values: a lone operator is typed, mixed text is a string, nested objects and constants pass', () => {
    const f = new JsonFormatter({ code: '%RESPONSE_CODE%', line: '%REQ(:METHOD)% %RESPONSE_CODE%', missing: '%REQ(X-NONE)%', n: 1, ok: true, nested: { host: '%UPSTREAM_HOST%' } });
    assert.equal(f.format(httpInfo()), '{"code":200,"line":"GET 200","missing":null,"n":1,"nested":{"host":"172.16.46.11:80"},"ok":true}');
  });
});

describe('format validation', () => {
  it('names an unknown operator and where it is', () => {
    assert.throws(() => new TextFormatter('[%START_TIME%] %NO_SUCH_THING%'), /unknown command operator %NO_SUCH_THING% at position 15/);
    assert.throws(() => new TextFormatter('100% done'), /no valid command operator at position 3/);
    assert.throws(() => new TextFormatter('%REQ%'), /%REQ\(\.\.\.\)% needs a header name/);
    assert.throws(() => new TextFormatter('%DURATION(x)%'), /%DURATION% takes no argument/);
    assert.throws(() => new TextFormatter('%REQ(A?B?C)%'), /X\?Y/);
    assert.equal(accessLogFormatProblem({ encoding: 'JSON', format: '{"a": "%BOGUS%"}' }), 'key "a": unknown command operator %BOGUS% at position 0');
    assert.match(accessLogFormatProblem({ encoding: 'JSON', format: '[1]' }) ?? '', /expected a JSON object/);
    assert.match(accessLogFormatProblem({ encoding: 'JSON', format: '{' }) ?? '', /not valid JSON/);
    assert.equal(accessLogFormatProblem({ encoding: 'TEXT', format: '' }), undefined);
    assert.equal(accessLogFormatProblem({ encoding: 'JSON', format: '' }), undefined);
  });

  it('the sidecar binds accessLogEncoding / accessLogFormat from flags and env, rejecting a bad format with its source', () => {
    const base = { 'registry': '/tmp/registry.json' };
    const cfg = bindSidecarConfig({ env: { MIZZEN_ACCESS_LOG_ENCODING: 'JSON' }, flags: { ...base, 'access-log-format': '{"code":"%RESPONSE_CODE%"}' } });
    assert.equal(cfg.accessLogEncoding, 'JSON');
    assert.equal(cfg.accessLogFormat, '{"code":"%RESPONSE_CODE%"}');
    const dflt = bindSidecarConfig({ env: {}, flags: base });
    assert.equal(dflt.accessLogEncoding, 'TEXT');
    assert.equal(dflt.accessLogFormat, '');
    assert.throws(() => bindSidecarConfig({ env: { MIZZEN_ACCESS_LOG_FORMAT: '%BYTES% %NOPE%' }, flags: base }),
      /environment variable MIZZEN_ACCESS_LOG_FORMAT.*unknown command operator %BYTES%/);
    assert.throws(() => bindSidecarConfig({ env: {}, flags: { ...base, 'access-log-encoding': 'XML' } }), /--access-log-encoding: "XML": expected TEXT or JSON/);
    assert.throws(() => bindSidecarConfig({ env: {}, flags: { ...base, 'access-log-encoding': 'JSON', 'access-log-format': '%DURATION%' } }), /--access-log-format.*not valid JSON/);
  });
});
