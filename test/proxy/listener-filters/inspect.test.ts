/**
 * inspect() over real sockets on 127.0.0.1: only what is needed is read; every byte read is
 * handed back (unshift) so the consumer sees the stream untouched; TLS wins over HTTP as the
 * listener filter order says; a server-first client that sends nothing gets through after the
 * timeout; with nothing needed nothing waits at all; EOF and resets never hang or reject.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HTTP2_PREFACE } from '../../../src/proxy/listener/filters/http-inspector.ts';
import { decide, NO_INSPECTION } from '../../../src/proxy/listener/filters/inspect.ts';
import { clientHello, inspectServer, type InspectServer } from './capture.ts';

const dial = (port: number): Promise<Socket> => new Promise((resolve) => {
  const s = connect(port, '127.0.0.1', () => resolve(s));
  s.on('error', () => {});
});

describe('inspect (real sockets)', () => {
  const servers: InspectServer[] = [];
  let both: InspectServer;
  let hello: Buffer;
  before(async () => {
    both = await inspectServer({ tls: true, http: true, timeoutMs: 2000 });
    servers.push(both);
    hello = await clientHello('db.internal', ['http/1.1']);
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  it('HTTP/1.1 sent in pieces: decided when the request line ends, every byte handed on', async () => {
    const c = await dial(both.port);
    c.write('GET /pie');
    await new Promise((r) => setTimeout(r, 30));
    c.write('ce HTTP/1.1\r');
    await new Promise((r) => setTimeout(r, 30));
    c.end('\nHost: x\r\n\r\n');
    const seen = await both.next();
    assert.deepEqual(seen.inspection.applicationProtocols, ['http/1.1']);
    assert.equal((await seen.bytes).toString(), 'GET /piece HTTP/1.1\r\nHost: x\r\n\r\n');
  });

  it('a TLS ClientHello: transport tls, SNI and ALPN; http_inspector does not run on it', async () => {
    const c = await dial(both.port);
    c.write(hello.subarray(0, 10));
    await new Promise((r) => setTimeout(r, 20));
    c.end(hello.subarray(10));
    const seen = await both.next();
    assert.deepEqual(seen.inspection, { transportProtocol: 'tls', applicationProtocols: ['http/1.1'], serverName: 'db.internal' });
    assert.ok((await seen.bytes).equals(hello));
  });

  it('h2c preface', async () => {
    const c = await dial(both.port);
    c.end(Buffer.concat([HTTP2_PREFACE, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    const seen = await both.next();
    assert.deepEqual(seen.inspection.applicationProtocols, ['h2c']);
    assert.equal((await seen.bytes).length, HTTP2_PREFACE.length + 9);
  });

  it('EOF in the middle of a request line: raw_buffer, and the partial bytes still reach the consumer', async () => {
    const c = await dial(both.port);
    c.end('GET /half');
    const seen = await both.next();
    assert.deepEqual(seen.inspection, NO_INSPECTION);
    assert.equal((await seen.bytes).toString(), 'GET /half');
  });

  it('a reset during inspection resolves (no hang, no rejection)', async () => {
    const c = await dial(both.port);
    c.write('GET /');
    await new Promise((r) => setTimeout(r, 20));
    c.resetAndDestroy();
    const seen = await both.next();
    assert.deepEqual(seen.inspection, NO_INSPECTION);
  });

  it('server-first: a client that sends nothing gets the greeting after the timeout, as raw_buffer', async () => {
    const srv = await inspectServer({ tls: true, http: true, timeoutMs: 150 }, (s) => s.write('5.7.42-mysql greeting\n'));
    servers.push(srv);
    const c = await dial(srv.port);
    const t0 = performance.now();
    const greeting = await new Promise<string>((resolve) => c.once('data', (d: Buffer) => resolve(d.toString())));
    const seen = await srv.next();
    assert.equal(greeting, '5.7.42-mysql greeting\n');
    assert.deepEqual(seen.inspection, NO_INSPECTION);
    assert.ok(seen.ms >= 140 && performance.now() - t0 >= 140, `waited ${seen.ms} ms`);
    c.end('client reply');
    assert.equal((await seen.bytes).toString(), 'client reply');
  });

  it('nothing needed (timeout 0): no byte is read and nothing waits at all', async () => {
    const srv = await inspectServer({ tls: false, http: false, timeoutMs: 0 }, (s) => s.write('greeting\n'));
    servers.push(srv);
    const c = await dial(srv.port);
    const greeting = await new Promise<string>((resolve) => c.once('data', (d: Buffer) => resolve(d.toString())));
    const seen = await srv.next();
    assert.equal(greeting, 'greeting\n');
    assert.deepEqual(seen.inspection, NO_INSPECTION);
    assert.ok(seen.ms < 50, `took ${seen.ms} ms`);
    c.end('GET / HTTP/1.1\r\n\r\n');
    assert.equal((await seen.bytes).toString(), 'GET / HTTP/1.1\r\n\r\n');
  });

  it('only TLS needed: plaintext HTTP is not given an application protocol', () => {
    assert.deepEqual(decide(Buffer.from('GET / HTTP/1.1\r\n'), { tls: true, http: false, timeoutMs: 0 }), NO_INSPECTION);
    assert.deepEqual(decide(Buffer.from('GET / HTTP/1.1\r\n'), { tls: false, http: true, timeoutMs: 0 })?.applicationProtocols, ['http/1.1']);
  });
});
