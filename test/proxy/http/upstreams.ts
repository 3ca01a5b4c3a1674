/**
 * Upstream servers for the in-process HTTP connection manager tests: an HTTP/1.1 server whose
 * paths misbehave on purpose (flaky 503s, slow answers, header echo, WebSocket-style upgrade
 * echo) and an h2c server that answers with gRPC-style trailers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createH2Server } from 'node:http2';
import type { Socket } from 'node:net';

export interface Upstream {
  readonly port: number;
  /** Requests seen per path. */
  readonly hits: Map<string, number>;
  close(): Promise<void>;
}

function handle(hits: Map<string, number>, req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const n = (hits.get(path) ?? 0) + 1;
  hits.set(path, n);
  const byHost = `${req.headers.host ?? ''}${path}`;
  hits.set(byHost, (hits.get(byHost) ?? 0) + 1);
  if (path.startsWith('/flaky/')) {
    const failures = Number(path.split('/')[2]);
    res.statusCode = n <= failures ? 503 : 200;
    res.end(n <= failures ? 'try again' : `ok after ${n}`);
    return;
  }
  if (path === '/slow') {
    const t = setTimeout(() => res.end('late'), 2000);
    res.on('close', () => clearTimeout(t));
    return;
  }
  if (path === '/echo-body') {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => res.end(String(bytes)));
    return;
  }
  res.setHeader('server', 'upstream-app');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url, headers: req.headers, peer: req.socket.remoteAddress }));
}

export async function http1Upstream(ip: string): Promise<Upstream> {
  const hits = new Map<string, number>();
  const server = createServer((req, res) => handle(hits, req, res));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n');
    if (head.length > 0) socket.write(head);
    socket.pipe(socket);
  });
  const port = await new Promise<number>((r) => server.listen(0, ip, () => r((server.address() as { port: number }).port)));
  return { port, hits, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}

export async function h2cUpstream(ip: string): Promise<Upstream> {
  const hits = new Map<string, number>();
  const server = createH2Server();
  server.on('stream', (stream, headers) => {
    const path = String(headers[':path']);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '7', 'grpc-message': 'denied' }));
    stream.end(Buffer.from([0, 0, 0, 0, 2, 8, 1]));
  });
  const port = await new Promise<number>((r) => server.listen(0, ip, () => r((server.address() as { port: number }).port)));
  return { port, hits, close: () => new Promise((r) => server.close(() => r())) };
}
