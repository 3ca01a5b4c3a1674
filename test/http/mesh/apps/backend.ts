/**
 * The backend app of the HTTP test mesh, one Node process: on 8080 (`http`) and 8000 (an
 * undeclared port, found by sniffing) an HTTP/1.1 server that reports the request headers it
 * saw (GET /headers), streams a POST body back (/echo), hashes it (/sha256) or reads it slowly
 * (/slow-sink), and echoes WebSocket messages; on 3306 (`mysql`) and 7000 (undeclared) a server-first TCP service that
 * writes a banner as soon as a connection opens, then echoes lines.
 */
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { WebSocketServer } from 'ws';

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://backend');
  if (url.pathname === '/echo' && req.method === 'POST') {
    res.writeHead(200, { 'content-type': req.headers['content-type'] ?? 'application/octet-stream', server: 'backend-app' });
    req.pipe(res);
    return;
  }
  if (url.pathname === '/sha256') {
    const hash = createHash('sha256');
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      const body = JSON.stringify({ bytes, sha256: hash.digest('hex'), expect: req.headers['expect'] ?? null, te: req.headers['transfer-encoding'] ?? null });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  if (url.pathname === '/slow-sink') {
    // Reads one chunk every 50 ms: a slow upstream the sidecars must not buffer for.
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      req.pause();
      setTimeout(() => req.resume(), 50);
    });
    req.on('end', () => res.end(JSON.stringify({ bytes })));
    return;
  }
  const body = JSON.stringify({ path: req.url, method: req.method, httpVersion: req.httpVersion, peer: req.socket.remoteAddress, headers: req.headers });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), server: 'backend-app' });
  res.end(body);
}

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));

for (const port of [8080, 8000]) {
  const server = createHttpServer({ keepAliveTimeout: 60_000 }, handle);
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  server.listen(port, '0.0.0.0');
}

for (const [port, name] of [[3306, 'mysql'], [7000, 'chat']] as const) {
  createTcpServer((sock) => {
    sock.write(`BANNER ${name} ready\n`);
    sock.on('data', (d) => sock.write(`echo ${d.toString()}`));
    sock.on('error', () => sock.destroy());
  }).listen(port, '0.0.0.0');
}
console.log('backend listening on 8080 8000 3306 7000');
