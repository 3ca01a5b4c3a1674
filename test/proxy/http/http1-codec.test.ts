/**
 * The HTTP/1.x downstream codec on real sockets, driven by a raw TCP client so every byte on
 * the wire is checked: keep-alive, pipelining answered in order, chunked request bodies and
 * trailers, chunked and close-delimited responses, HTTP/1.0, HEAD, Expect: 100-continue,
 * Upgrade hand-over with the bytes already read, 400 on garbage, a response that completes
 * before its request body closes the connection, and the idle timeout.
 */
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DownstreamRequest } from '../../../src/proxy/filters/network/http-connection-manager/codecs/downstream.ts';
import { serveHttp1 } from '../../../src/proxy/filters/network/http-connection-manager/codecs/http1.ts';

/** In a raw client's writes: half-close the connection here. */
const FIN = '\u0000FIN';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** What the test server does with each request, by path. */
function answer(d: DownstreamRequest): void {
  const chunks: Buffer[] = [];
  d.body.on('data', (c: Buffer) => chunks.push(c));
  d.body.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    if (d.path === '/early') return;
    if (d.path.startsWith('/slow')) {
      setTimeout(() => {
        d.sendHeaders(200, { 'content-length': String(d.path.length) }, false);
        d.write(Buffer.from(d.path));
        d.end();
      }, 100);
      return;
    }
    if (d.path === '/stream') {
      d.sendHeaders(200, { 'content-type': 'text/plain' }, false);
      d.write(Buffer.from('part1,'));
      d.write(Buffer.from('part2'));
      d.end({ 'x-checksum': 'abc' });
      return;
    }
    const text = JSON.stringify({ method: d.method, path: d.path, authority: d.authority, protocol: d.protocol, headers: d.headers, body, hasBody: d.hasBody });
    d.sendHeaders(200, { 'content-length': String(Buffer.byteLength(text)), 'set-cookie': ['a=1', 'b=2'], connection: 'keep-alive' }, false);
    d.write(Buffer.from(text));
    d.end();
  });
  if (d.path === '/early') {
    d.sendHeaders(413, {}, true);
  }
}

describe('HTTP/1.x downstream codec on real sockets', () => {
  let server: Server;
  let port = 0;
  const upgrades: { path: string; head: string }[] = [];
  const errors: Error[] = [];

  before(async () => {
    server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (s) => {
      accepted.add(s);
      s.on('close', () => accepted.delete(s));
      serveHttp1(s, {
        onRequest: answer,
        onUpgrade: (d, sock, head) => {
          upgrades.push({ path: d.path, head: head.toString() });
          sock.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: test\r\nconnection: upgrade\r\n\r\n');
          sock.on('data', (c: Buffer) => sock.write(c));
          sock.on('end', () => sock.end());
        },
        onProtocolError: (e) => errors.push(e),
      }, 300);
    });
    port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  });
  const accepted = new Set<Socket>();
  after(() => new Promise<void>((r) => {
    for (const s of accepted) s.destroy();
    server.close(() => r());
  }));

  /** A raw client: what it wrote, and everything read until `done(text)` or the close. */
  async function raw(writes: (string | number)[], done: (text: string) => boolean = () => false, ms = 5000): Promise<{ text: string; closed: boolean }> {
    const s: Socket = connect(port, '127.0.0.1');
    let text = '';
    let closed = false;
    s.on('data', (c: Buffer) => (text += c.toString('latin1')));
    s.on('close', () => (closed = true));
    s.on('error', () => {});
    await new Promise<void>((r) => s.once('connect', () => r()));
    for (const w of writes) {
      if (typeof w === 'number') await sleep(w);
      else if (w === FIN) s.end();
      else s.write(w);
    }
    const end = Date.now() + ms;
    while (!closed && !done(text) && Date.now() < end) await sleep(10);
    s.destroy();
    return { text, closed };
  }

  /** Response bodies framed by content-length, in order. */
  const bodies = (text: string): string[] => {
    const out: string[] = [];
    const re = /content-length: (\d+)\r\n(?:[^\r]*\r\n)*?\r\n/g;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const start = m.index + m[0].length;
      out.push(text.slice(start, start + Number(m[1])));
      re.lastIndex = start + Number(m[1]);
    }
    return out;
  };

  it('keep-alive: two requests on one connection, framed by content-length, with date and repeated set-cookie lines', async () => {
    const { text, closed } = await raw(['GET /one?x=1 HTTP/1.1\r\nHost: web:8000\r\nX-A: 1\r\nx-a: 2\r\n\r\n', 50, 'GET /two HTTP/1.1\r\nHost: web\r\n\r\n'], (t) => (t.match(/HTTP\/1\.1 200/g) ?? []).length === 2 && t.endsWith('}'));
    assert.equal(closed, false);
    assert.equal((text.match(/HTTP\/1\.1 200 OK\r\n/g) ?? []).length, 2);
    assert.match(text, /\r\ndate: [A-Z][a-z]{2}, /);
    assert.match(text, /set-cookie: a=1\r\nset-cookie: b=2\r\n/);
    assert.doesNotMatch(text, /\r\nconnection: /i, 'connection-specific headers are the codec\'s, not copied');
    const first = JSON.parse(bodies(text)[0] ?? '') as { path: string; authority: string; headers: Record<string, string> };
    assert.equal(first.path, '/one?x=1');
    assert.equal(first.authority, 'web:8000');
    assert.equal(first.headers['x-a'], '1, 2');
    assert.equal(first.headers['host'], undefined, 'Host is :authority, not a header');
  });

  it('pipelining: requests sent together are answered in order', async () => {
    const { text } = await raw(['GET /slow-first HTTP/1.1\r\nHost: a\r\n\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n'], (t) => t.includes('"/second"'));
    const i = text.indexOf('/slow-first');
    const j = text.indexOf('"/second"');
    assert.ok(i >= 0 && j > i, `the slow first answer comes first: ${text}`);
  });

  it('a client that half-closes after pipelining still gets every answer, then the connection closes', async () => {
    const { text, closed } = await raw(['GET /slow-a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n', FIN], () => false, 3000);
    assert.ok(text.includes('/slow-a') && text.includes('"/b"'), text);
    assert.equal(closed, true);
  });

  it('chunked request body (with trailers) in pieces; chunked response with trailers', async () => {
    const { text } = await raw(['POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n', 30, '6\r\n world\r\n0\r\nx-t: 1\r\n\r\n'], (t) => t.endsWith('}'));
    const body = JSON.parse(bodies(text)[0] ?? '') as { body: string; hasBody: boolean };
    assert.equal(body.body, 'hello world');
    assert.equal(body.hasBody, true);
    const streamed = await raw(['GET /stream HTTP/1.1\r\nHost: a\r\n\r\n'], (t) => t.endsWith('\r\n\r\n') && t.includes('x-checksum'));
    assert.match(streamed.text, /transfer-encoding: chunked\r\n/);
    assert.match(streamed.text, /\r\n\r\n6\r\npart1,\r\n5\r\npart2\r\n0\r\nx-checksum: abc\r\n\r\n$/);
  });

  it('HTTP/1.0: no keep-alive unless asked; a close-delimited response when the length is unknown', async () => {
    const plain = await raw(['GET /stream HTTP/1.0\r\nHost: a\r\n\r\n']);
    assert.equal(plain.closed, true);
    assert.match(plain.text, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(plain.text, /connection: close\r\n/);
    assert.doesNotMatch(plain.text, /transfer-encoding/);
    assert.ok(plain.text.endsWith('\r\n\r\npart1,part2'), plain.text);
    const kept = await raw(['GET /x HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n'], (t) => t.endsWith('}'));
    assert.equal(kept.closed, false);
    assert.match(kept.text, /connection: keep-alive\r\n/);
    assert.equal((JSON.parse(bodies(kept.text)[0] ?? '') as { protocol: string }).protocol, 'HTTP/1.0');
  });

  it('HEAD: the head says content-length, no body follows, the connection stays usable', async () => {
    const { text } = await raw(['HEAD /h HTTP/1.1\r\nHost: a\r\n\r\n', 100, 'GET /after HTTP/1.1\r\nHost: a\r\n\r\n'], (t) => t.includes('"/after"'));
    const [first] = text.split('HTTP/1.1 200 OK').slice(1);
    assert.match(first ?? '', /content-length: \d+\r\n/);
    assert.ok((first ?? '').endsWith('\r\n\r\n'), 'no body after the HEAD response head');
  });

  it('Expect: 100-continue is answered before the body is sent', async () => {
    const { text } = await raw(['POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n', 100, 'ping'], (t) => t.endsWith('}'));
    assert.match(text, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
    assert.equal((JSON.parse(bodies(text).at(-1) ?? '') as { body: string }).body, 'ping');
  });

  it('Upgrade: the socket is handed over with the bytes read after the head', async () => {
    const { text } = await raw(['GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: test\r\nConnection: Upgrade\r\n\r\nearly-bytes', 50, '+more'], (t) => t.includes('+more'));
    assert.deepEqual(upgrades.at(-1), { path: '/ws', head: 'early-bytes' });
    assert.match(text, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(text.endsWith('+more'));
  });

  it('garbage gets 400 and a protocol error; the connection closes', async () => {
    const before = errors.length;
    const { text, closed } = await raw(['NOT HTTP\r\n\r\n']);
    assert.match(text, /^HTTP\/1\.1 400 Bad Request\r\n/);
    assert.equal(closed, true);
    assert.equal(errors.length, before + 1);
  });

  it('a head over 60 KiB gets 431', async () => {
    const { text, closed } = await raw([`GET /big HTTP/1.1\r\nHost: a\r\nx-big: ${'b'.repeat(70 * 1024)}\r\n\r\n`]);
    assert.match(text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.equal(closed, true);
  });

  it('a response that completes before its request body closes the connection', async () => {
    const { text, closed } = await raw(['POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\npartial'], () => false, 3000);
    assert.match(text, /^HTTP\/1\.1 413 /);
    assert.match(text, /content-length: 0\r\n/);
    assert.equal(closed, true);
  });

  it('an idle keep-alive connection is closed after the idle timeout', async () => {
    const { closed } = await raw(['GET /x HTTP/1.1\r\nHost: a\r\n\r\n'], () => false, 3000);
    assert.equal(closed, true);
  });
});
