/**
 * The traffic matrix's server (test/e2e/traffic): one Node process per pod, HTTP/1.1 and h2c
 * (prior knowledge) on every port of PORTS, answering each request with JSON naming what it
 * received (method, path with query, headers, protocol, peer, port, connection) and who answered
 * (VERSION, pod). Headers steer failures so that retries and outlier detection can be shown:
 * `x-fail: KEY:N:WHAT` fails the first N requests carrying KEY with WHAT (a status code, `reset`
 * to close the connection without an answer, `refuse` to refuse the HTTP/2 stream, `dMS` to
 * answer 200 after MS milliseconds); `x-delay: MS` delays every answer. On loopback only (the
 * test execs into the pod): GET /_seen?prefix=P counts the requests whose path starts with P,
 * and POST /_sick?on=1|0[&status=S] makes every answer a 500 (or S). Its answers carry x-app-version,
 * x-app-keep and x-app-remove for the response header tests.
 */
import { createServer as createHttp1, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants, createServer as createHttp2, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createTcp, type Socket } from 'node:net';
import { Duplex } from 'node:stream';

const version = process.env['VERSION'] ?? 'v0';
const pod = process.env['HOSTNAME'] ?? '';
const ports = (process.env['PORTS'] ?? '8080').split(',').map(Number);
const failures = new Map<string, number>();
const seen: string[] = [];
const connIds = new WeakMap<object, { id: number; requests: number }>();
let nextConn = 0;
const peers = new WeakMap<object, { remoteAddress?: string | undefined; localPort?: number | undefined }>();
let sick = 0;

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

function connOf(req: Req): { id: number; requests: number } {
  const key: object = 'stream' in req ? req.stream.session ?? req.socket : req.socket;
  let c = connIds.get(key);
  if (!c) connIds.set(key, (c = { id: ++nextConn, requests: 0 }));
  c.requests++;
  return c;
}

function answer(res: Res, status: number, body: unknown): void {
  const text = JSON.stringify(body) + '\n';
  (res as ServerResponse).writeHead(status, { 'content-type': 'application/json', 'x-app-version': version, 'x-app-keep': 'kept', 'x-app-remove': 'removed' });
  res.end(text);
}

function handle(req: Req, res: Res): void {
  const url = req.url ?? '/';
  const { remoteAddress, localPort } = ('stream' in req ? peers.get(req.stream.session ?? {}) : undefined) ?? req.socket;
  const local = remoteAddress === '127.0.0.1' && req.headers['x-forwarded-proto'] === undefined;
  if (local && url.startsWith('/_seen')) {
    const prefix = new URL(url, 'http://x').searchParams.get('prefix') ?? '/';
    answer(res, 200, { count: seen.filter((p) => p.startsWith(prefix)).length });
    return;
  }
  if (local && url.startsWith('/_sick')) {
    const q = new URL(url, 'http://x').searchParams;
    sick = q.get('on') === '1' ? Number(q.get('status') ?? 500) : 0;
    answer(res, 200, { sick });
    return;
  }
  seen.push(url);
  const conn = connOf(req);
  const echo = {
    version, pod, method: req.method, path: url, headers: req.headers, protocol: req.httpVersion,
    peer: remoteAddress, port: localPort, conn: conn.id, connRequests: conn.requests,
  };
  if (sick) { answer(res, sick, { ...echo, sick: true }); return; }
  const [key = '', n = '0', what = '500'] = String(req.headers['x-fail'] ?? '').split(':');
  const done = failures.get(key) ?? 0;
  if (key && done < Number(n)) {
    failures.set(key, done + 1);
    if (what === 'reset') { req.socket.destroy(); return; }
    if (what === 'refuse' && 'stream' in req) { req.stream.close(constants.NGHTTP2_REFUSED_STREAM); return; }
    if (what.startsWith('d')) { setTimeout(() => answer(res, 200, { ...echo, delayed: true }), Number(what.slice(1))); return; }
    answer(res, Number(what), { ...echo, failed: true });
    return;
  }
  const delay = Number(req.headers['x-delay'] ?? 0);
  if (delay > 0) setTimeout(() => answer(res, 200, echo), delay);
  else answer(res, 200, echo);
}

const http1 = createHttp1(handle);
http1.keepAliveTimeout = 60_000;
const http2 = createHttp2(handle);
const PREFACE = 'PRI * HTTP/2.0';

/** node:http2 reads a net.Socket's handle directly, past unshift(): hand it a stream that replays the first bytes. */
function replaying(socket: Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read: () => { socket.resume(); },
    write: (chunk: Buffer, _enc, cb) => { socket.write(chunk, cb); },
    final: (cb) => { socket.end(); cb(); },
    destroy: (err, cb) => { socket.destroy(); cb(err); },
  });
  d.push(first);
  socket.on('data', (c: Buffer) => { if (!d.push(c)) socket.pause(); });
  socket.on('end', () => d.push(null));
  socket.on('error', (e) => d.destroy(e));
  socket.on('close', () => d.destroy());
  return d;
}

for (const port of ports) {
  createTcp((socket: Socket) => {
    socket.once('data', (first: Buffer) => {
      if (first.subarray(0, PREFACE.length).toString('latin1') === PREFACE) {
        socket.pause();
        http2.once('session', (session: object) => peers.set(session, { remoteAddress: socket.remoteAddress, localPort: socket.localPort }));
        http2.emit('connection', replaying(socket, first));
        return;
      }
      socket.pause();
      socket.unshift(first);
      http1.emit('connection', socket);
      socket.resume();
    });
  }).listen(port, '0.0.0.0');
}
