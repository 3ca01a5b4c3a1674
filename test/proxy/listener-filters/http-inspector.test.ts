/**
 * http_inspector as a pure function: the h2c preface, HTTP/1.0 and HTTP/1.1 request lines by
 * their version, early "not HTTP" on the first impossible byte, 'need-more' on every prefix of
 * something that could still be HTTP; and what curl really sends, over a socket.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { HTTP2_PREFACE, inspectHttp } from '../../../src/proxy/listener/filters/http-inspector.ts';
import { inspectServer, type InspectServer } from './capture.ts';

const run = promisify(execFile);
const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const proto = (s: string | Buffer): string | undefined => {
  const r = inspectHttp(typeof s === 'string' ? b(s) : s);
  return r === 'need-more' ? 'need-more' : r.applicationProtocol;
};

describe('http_inspector (pure)', () => {
  it('recognises the HTTP/2 preface as h2c, and needs more for every prefix of it', () => {
    assert.equal(proto(HTTP2_PREFACE), 'h2c');
    assert.equal(proto(Buffer.concat([HTTP2_PREFACE, b('\x00\x00\x12\x04')])), 'h2c');
    for (let n = 1; n < HTTP2_PREFACE.length; n++) assert.equal(proto(HTTP2_PREFACE.subarray(0, n)), 'need-more', `prefix ${n}`);
  });

  it('takes the version from the request line', () => {
    assert.equal(proto('GET / HTTP/1.1\r\nHost: a\r\n\r\n'), 'http/1.1');
    assert.equal(proto('GET /x?y=1 HTTP/1.0\r\n\r\n'), 'http/1.0');
    assert.equal(proto('POST /submit HTTP/1.1\r\n'), 'http/1.1');
    assert.equal(proto('OPTIONS * HTTP/1.1\r\n'), 'http/1.1');
    assert.equal(proto('PROPFIND /dav HTTP/1.1\r\n'), 'http/1.1');
    assert.equal(proto('M-SEARCH * HTTP/1.1\r\n'), 'http/1.1');
    assert.equal(proto('GET / HTTP/1.1\n'), 'http/1.1', 'a bare LF ends the line too');
  });

  it('needs more bytes for every prefix of a request line', () => {
    const line = 'PATCH /items/7 HTTP/1.1\r\n';
    for (let n = 1; n < line.length; n++) assert.equal(proto(line.slice(0, n)), 'need-more', JSON.stringify(line.slice(0, n)));
    assert.equal(proto(line), 'http/1.1');
  });

  it('decides "not HTTP" at the first byte that cannot be HTTP', () => {
    assert.equal(proto('\x16\x03\x01'), undefined, 'a TLS record');
    assert.equal(proto('X'), undefined);
    assert.equal(proto('GEX'), undefined);
    assert.equal(proto('get / HTTP/1.1\r\n'), undefined, 'methods are case-sensitive');
    assert.equal(proto('FOO / HTTP/1.1\r\n'), undefined, 'unknown method');
    assert.equal(proto('GET  / HTTP/1.1\r\n'), undefined, 'empty target');
    assert.equal(proto('GET / HTTP/2.0\r\n'), undefined);
    assert.equal(proto('GET / HTTP/1.1 \r\n'), undefined);
    assert.equal(proto('GET / HTTP/1.1\rX'), undefined);
    assert.equal(proto('GET / XTTP'), undefined);
    assert.equal(proto('PRI * HTTP/2.0\r\n\r\nXX'), undefined, 'a broken preface is not a request line either');
    assert.equal(proto('\x00\x00\x00\x0a'), undefined, 'MySQL-ish binary');
  });

  it('gives up (no protocol) after 8 KiB without a decision', () => {
    assert.equal(proto(`GET /${'a'.repeat(9000)}`), undefined);
    assert.equal(proto(`GET /${'a'.repeat(100)}`), 'need-more');
  });

  it('never throws on random bytes', () => {
    for (let i = 0; i < 2000; i++) {
      const buf = Buffer.alloc(Math.floor(Math.random() * 64));
      for (let j = 0; j < buf.length; j++) buf[j] = Math.floor(Math.random() * 256);
      assert.doesNotThrow(() => inspectHttp(buf));
    }
  });
});

describe('http_inspector (what curl sends, over 127.0.0.1)', () => {
  let server: InspectServer;
  before(async () => {
    server = await inspectServer({ tls: true, http: true, timeoutMs: 5000 }, (s) => s.end('HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n'));
  });
  after(() => server.close());

  it('curl: http/1.1, and the server sees the request untouched', async () => {
    const [, seen] = await Promise.all([run('curl', ['-s', '-o', '/dev/null', `http://127.0.0.1:${server.port}/hello`]), server.next()]);
    assert.deepEqual(seen.inspection, { transportProtocol: 'raw_buffer', applicationProtocols: ['http/1.1'], serverName: '' });
    assert.match((await seen.bytes).toString('latin1'), /^GET \/hello HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\n/);
  });

  it('curl --http1.0: http/1.0', async () => {
    const [, seen] = await Promise.all([run('curl', ['-s', '--http1.0', '-o', '/dev/null', `http://127.0.0.1:${server.port}/`]), server.next()]);
    assert.deepEqual(seen.inspection.applicationProtocols, ['http/1.0']);
  });

  it('curl --http2-prior-knowledge: h2c, the preface intact', async () => {
    const [, seen] = await Promise.all([
      run('curl', ['-s', '--http2-prior-knowledge', '-m', '3', '-o', '/dev/null', `http://127.0.0.1:${server.port}/`]).catch(() => undefined),
      server.next(),
    ]);
    assert.deepEqual(seen.inspection.applicationProtocols, ['h2c']);
    assert.ok((await seen.bytes).subarray(0, HTTP2_PREFACE.length).equals(HTTP2_PREFACE));
  });
});
