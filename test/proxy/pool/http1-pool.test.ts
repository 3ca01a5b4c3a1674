/**
 * The HTTP/1.1 upstream pool on real sockets against a real node:http server: keep-alive reuse,
 * max_connections (requests queued as pending), max_requests_per_connection, the idle timeout, max_connection_duration (drain, the request in
 * flight completes), chunked and content-length bodies both ways, trailers, HEAD, 1xx, and the
 * reset reasons the router turns into Envoy's flags (UF connection failure, UC termination,
 * protocol error). Connections are counted on the server side.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { UpstreamEvents, UpstreamFailure, UpstreamRequestHead, UpstreamStream } from '../../../src/proxy/cluster/pool/conn-pool.ts';
import { Http1Pool, type HostPoolOptions } from '../../../src/proxy/cluster/pool/http1-pool.ts';
import type { HeaderMap } from '../../../src/proxy/core/http-stream-info.ts';

interface Result {
  status: number;
  headers: HeaderMap;
  body: string;
  trailers: HeaderMap | undefined;
  local: number | undefined;
  continued: boolean;
}

function exchange(pool: Http1Pool, head: Partial<UpstreamRequestHead>, body: Buffer[] = [], trailers?: HeaderMap): { stream: UpstreamStream; done: Promise<Result> } {
  let stream: UpstreamStream | undefined;
  const done = new Promise<Result>((resolve, reject) => {
    const r: Result = { status: 0, headers: {}, body: '', trailers: undefined, local: undefined, continued: false };
    const chunks: Buffer[] = [];
    const ev: UpstreamEvents = {
      onReady: (_ip, port) => (r.local = port),
      onContinue: () => (r.continued = true),
      onHeaders: (status, headers) => Object.assign(r, { status, headers }),
      onData: (c) => (chunks.push(c), true),
      onTrailers: (t) => (r.trailers = t),
      onEnd: () => resolve({ ...r, body: Buffer.concat(chunks).toString() }),
      onError: (f: UpstreamFailure) => reject(Object.assign(new Error(`${f.reason}: ${f.detail}`), { failure: f })),
    };
    stream = pool.newStream({ method: 'GET', path: '/', authority: 'web', scheme: 'http', headers: {}, endStream: body.length === 0, ...head }, ev);
  });
  const s = stream as unknown as UpstreamStream;
  for (const c of body) s.write(c);
  s.end(trailers);
  return { stream: s, done };
}

const failureOf = async (p: Promise<unknown>): Promise<UpstreamFailure> => {
  try {
    await p;
  } catch (err) {
    return (err as { failure: UpstreamFailure }).failure;
  }
  throw new Error('expected the stream to fail');
};

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('HTTP/1.1 upstream pool on real sockets', () => {
  let server: Server;
  let port = 0;
  /** Server-side sockets by the client's port. */
  const accepted = new Map<number, Socket>();
  const serverSide = (r: Result): Socket => {
    const s = accepted.get(r.local ?? -1);
    assert.ok(s, `the server accepted the connection from port ${r.local}`);
    return s;
  };
  const pools: Http1Pool[] = [];
  const pool = (o: Partial<HostPoolOptions> = {}): Http1Pool => {
    const p = new Http1Pool({ address: { ip: '127.0.0.1', port }, upstreamBind: undefined, connectTimeoutMs: 2000, maxRequestsPerConnection: 0, idleTimeoutMs: 60_000, maxConnectionDurationMs: 0, tcpKeepalive: undefined, ...o });
    pools.push(p);
    return p;
  };

  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = req.url ?? '/';
      if (url === '/early') {
        res.writeHead(413, { 'content-length': '0' });
        res.end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        if (url === '/chunked') {
          res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-sum' });
          res.write('one,');
          res.write('two');
          res.addTrailers({ 'x-sum': '7' });
          res.end();
        } else if (url.startsWith('/slow/')) {
          setTimeout(() => res.end('slow done'), Number(url.slice(6)));
        } else if (url === '/cookies') {
          res.setHeader('set-cookie', ['a=1', 'b=2']);
          res.end('c');
        } else if (url === '/continue') {
          res.writeContinue();
          res.end('after 100');
        } else {
          res.setHeader('x-peer-port', String(req.socket.remotePort));
          res.end(JSON.stringify({ method: req.method, url, headers: req.headers, body, trailers: req.trailers }));
        }
      });
    });
    server.on('connection', (s: Socket) => void accepted.set(s.remotePort ?? 0, s));
    port = await new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port)));
  });

  after(async () => {
    for (const p of pools) p.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('max_connections 1: concurrent requests wait as pending and go out one after another on the one connection; a pending request reset leaves the queue', async () => {
    const p = pool({ maxConnections: 1 });
    const first = exchange(p, { path: '/slow/150' });
    const second = exchange(p, { method: 'POST', path: '/echo', headers: { 'content-type': 'text/plain' }, endStream: false }, [Buffer.from('held '), Buffer.from('body')]);
    const dropped = exchange(p, { path: '/dropped' });
    const third = exchange(p, { path: '/third' });
    dropped.stream.abort();
    dropped.done.catch(() => {});
    assert.equal(p.connections, 1);
    assert.equal(p.activeStreams, 3, 'the reset pending request no longer counts');
    const [a, b, c] = await Promise.all([first.done, second.done, third.done]);
    assert.equal(a.body, 'slow done');
    const echoed = JSON.parse(b.body) as { method: string; body: string };
    assert.deepEqual([echoed.method, echoed.body], ['POST', 'held body'], 'the held body went out after the head');
    assert.equal(JSON.parse(c.body).url, '/third');
    assert.deepEqual(new Set([a.local, b.local, c.local]).size, 1, 'one connection carried all three');
    assert.equal(p.connections, 1);
    assert.equal(p.activeStreams, 0);
  });

  it('reuses one keep-alive connection for sequential requests and sends the head as Envoy would', async () => {
    const p = pool();
    const a = await exchange(p, { path: '/a?x=1', headers: { 'x-one': '1', 'x-many': ['p', 'q'] } }).done;
    const b = await exchange(p, { path: '/b' }).done;
    assert.equal(a.status, 200);
    const seen = JSON.parse(a.body) as { method: string; url: string; headers: Record<string, string> };
    assert.equal(seen.url, '/a?x=1');
    assert.equal(seen.headers['host'], 'web');
    assert.equal(seen.headers['x-one'], '1');
    assert.equal(seen.headers['x-many'], 'p, q');
    assert.equal(seen.headers['content-length'], undefined, 'a GET without body has no framing headers');
    assert.equal(a.headers['x-peer-port'], b.headers['x-peer-port'], 'the second request reused the connection');
    assert.equal(a.local, b.local);
    assert.equal(p.connections, 1);
    assert.equal(p.activeStreams, 0);
  });

  it('max_requests_per_connection: a connection closes after its last allowed request', async () => {
    const p = pool({ maxRequestsPerConnection: 2 });
    const ports = [];
    for (let i = 0; i < 5; i++) ports.push((await exchange(p, { path: `/${i}` }).done).headers['x-peer-port']);
    assert.equal(new Set(ports).size, 3, `5 requests at 2 per connection need 3 connections: ${ports.join(',')}`);
    assert.equal(ports[0], ports[1]);
    assert.notEqual(ports[1], ports[2]);
    await until('the used-up connections to close', () => p.connections <= 1);
  });

  it('idle timeout: an idle connection is closed; the next request opens a new one', async () => {
    const p = pool({ idleTimeoutMs: 150 });
    const a = await exchange(p, {}).done;
    assert.equal(p.connections, 1);
    await until('the idle connection to close on both ends', () => p.connections === 0 && serverSide(a).destroyed, 3000);
    const b = await exchange(p, {}).done;
    assert.notEqual(a.headers['x-peer-port'], b.headers['x-peer-port']);
  });

  it('max_connection_duration: the request in flight completes, then the connection drains and closes', async () => {
    const p = pool({ maxConnectionDurationMs: 300 });
    const first = await exchange(p, {}).done;
    const slow = exchange(p, { path: '/slow/600' }).done;
    const r = await slow;
    assert.equal(r.status, 200);
    assert.equal(r.body, 'slow done', 'the request in flight when the duration passed completed');
    assert.equal(r.headers['x-peer-port'], undefined);
    assert.equal(r.local, first.local, 'the slow request ran on the first connection');
    await until('the drained connection to close on both ends', () => p.connections === 0 && serverSide(first).destroyed, 3000);
    const next = await exchange(p, {}).done;
    assert.notEqual(next.headers['x-peer-port'], first.headers['x-peer-port'], 'a new connection after the old one drained');
  });

  it('bodies: content-length and chunked requests (with trailers), chunked responses with trailers, HEAD, 100 Continue, set-cookie', async () => {
    const p = pool();
    const cl = JSON.parse((await exchange(p, { method: 'POST', headers: { 'content-length': '11' } }, [Buffer.from('hello '), Buffer.from('world')]).done).body) as { body: string; headers: Record<string, string> };
    assert.equal(cl.body, 'hello world');
    assert.equal(cl.headers['transfer-encoding'], undefined);
    const ch = JSON.parse((await exchange(p, { method: 'POST' }, [Buffer.from('a'), Buffer.alloc(0), Buffer.from('bc')], { 'x-t': 'tv' }).done).body) as { body: string; headers: Record<string, string>; trailers: Record<string, string> };
    assert.equal(ch.body, 'abc');
    assert.equal(ch.headers['transfer-encoding'], 'chunked');
    assert.equal(ch.trailers['x-t'], 'tv');
    const empty = JSON.parse((await exchange(p, { method: 'POST' }).done).body) as { headers: Record<string, string> };
    assert.equal(empty.headers['content-length'], '0', 'a POST without body says content-length: 0');
    const chunked = await exchange(p, { path: '/chunked' }).done;
    assert.equal(chunked.body, 'one,two');
    assert.deepEqual(chunked.trailers, { 'x-sum': '7' });
    const head = await exchange(p, { method: 'HEAD', path: '/x' }).done;
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const cont = await exchange(p, { path: '/continue' }).done;
    assert.equal(cont.continued, true);
    assert.equal(cont.body, 'after 100');
    const cookies = await exchange(p, { path: '/cookies' }).done;
    assert.deepEqual(cookies.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(p.connections, 1, 'all of it on one keep-alive connection');
  });

  it('a response that completes before its request body does closes the connection instead of reusing it', async () => {
    const p = pool();
    let stream: UpstreamStream | undefined;
    const early = new Promise<Result>((resolve, reject) => {
      const r: Result = { status: 0, headers: {}, body: '', trailers: undefined, local: undefined, continued: false };
      stream = p.newStream({ method: 'POST', path: '/early', authority: 'web', scheme: 'http', headers: { 'content-length': '100' }, endStream: false }, {
        onReady: (_ip, port) => (r.local = port), onContinue: () => {}, onHeaders: (status, headers) => Object.assign(r, { status, headers }),
        onData: () => true, onTrailers: () => {}, onEnd: () => resolve(r), onError: (f) => reject(new Error(f.reason)),
      });
    });
    stream?.write(Buffer.from('only a part'));
    const r = await early;
    assert.equal(r.status, 413);
    await until('the connection left mid-body to close', () => p.connections === 0 && serverSide(r).destroyed, 3000);
    assert.equal((await exchange(p, {}).done).status, 200);
  });

  it('reset reasons: refused connect is connection_failure, a peer closing mid-response is connection_termination, garbage is protocol_error', async () => {
    const tcp: TcpServer[] = [];
    const dead = createTcpServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((r) => dead.close(() => r()));
    const refusedPool = new Http1Pool({ address: { ip: '127.0.0.1', port: deadPort }, upstreamBind: undefined, connectTimeoutMs: 2000, maxRequestsPerConnection: 0, idleTimeoutMs: 60_000, maxConnectionDurationMs: 0, tcpKeepalive: undefined });
    pools.push(refusedPool);
    assert.equal((await failureOf(exchange(refusedPool, {}).done)).reason, 'connection_failure');
    const raw = async (answer: string): Promise<UpstreamFailure> => {
      const s = createTcpServer((sock) => sock.once('data', () => sock.end(answer)));
      tcp.push(s);
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
      const p = new Http1Pool({ address: { ip: '127.0.0.1', port: (s.address() as { port: number }).port }, upstreamBind: undefined, connectTimeoutMs: 2000, maxRequestsPerConnection: 0, idleTimeoutMs: 60_000, maxConnectionDurationMs: 0, tcpKeepalive: undefined });
      pools.push(p);
      return failureOf(exchange(p, {}).done);
    };
    try {
      assert.equal((await raw('HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nabc')).reason, 'connection_termination');
      assert.equal((await raw('')).reason, 'connection_termination');
      const bad = await raw('NOT HTTP AT ALL\r\n\r\n');
      assert.equal(bad.reason, 'protocol_error');
      assert.match(bad.detail, /^HPE_/);
    } finally {
      for (const s of tcp) s.close();
    }
  });
});
