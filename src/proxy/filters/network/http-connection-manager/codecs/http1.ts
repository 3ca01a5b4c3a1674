/**
 * The HTTP/1.x downstream codec, on node:http's parser (llhttp): a server object per
 * connection, never listening, fed the accepted socket. Keep-alive, chunked bodies and
 * pipelining (answered in order) come from it; `Expect: 100-continue` is answered here, as
 * Envoy does by default; Upgrade requests are handed over as raw sockets.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { HeaderMap, HttpProtocol } from '../../../../core/http-stream-info.ts';
import { CONNECTION_HEADERS, headerBytes, isGrpc, type DownstreamRequest } from './downstream.ts';

export interface Http1Handlers {
  onRequest(req: DownstreamRequest): void;
  /** An Upgrade (e.g. WebSocket) request: the socket is now the caller's, `head` the bytes already read. */
  onUpgrade(req: DownstreamRequest, socket: Socket, head: Buffer): void;
  /** The codec could not parse the request (400 sent by the codec). */
  onProtocolError(err: Error): void;
}

/** Envoy's delayed_close_timeout: how long a closing connection waits for the peer after the FIN. */
const DELAYED_CLOSE_MS = 1000;

/**
 * A response that completed before its request did (the upstream answered without reading the
 * whole body) ends the stream early; as Envoy, an HTTP/1.1 connection cannot carry on from the
 * middle of a body, so it is closed: FIN after the response, then closed for good after
 * delayed_close_timeout. Otherwise the unread body would stall the connection forever.
 */
function closeIfRequestIncomplete(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete) return;
    const s = req.socket;
    s.end();
    setTimeout(() => s.destroy(), DELAYED_CLOSE_MS).unref();
  });
}

function adapt(req: IncomingMessage, res: ServerResponse | undefined): DownstreamRequest {
  if (res) closeIfRequestIncomplete(req, res);
  // Host is :authority on HTTP/1.x; like Envoy, it is not kept as an ordinary header.
  const headers: HeaderMap = { ...req.headers };
  delete headers['host'];
  const protocol: HttpProtocol = req.httpVersion === '1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
  const te = req.headers['transfer-encoding'];
  const cl = req.headers['content-length'];
  let responseHeaderBytes = 0;
  return {
    protocol,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    authority: req.headers.host ?? '',
    scheme: (req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http',
    headers,
    headerBytes: headerBytes(req.rawHeaders) + (req.method?.length ?? 0) + (req.url?.length ?? 0) + 12,
    hasBody: te !== undefined || (cl !== undefined && cl !== '0'),
    grpc: isGrpc(req.headers['content-type']),
    body: req,
    get headersSent() {
      return res?.headersSent ?? true;
    },
    get responseHeaderBytes() {
      return responseHeaderBytes;
    },
    sendHeaders(status, h, endStream) {
      if (!res) return;
      const out: Record<string, string | string[]> = {};
      let n = 17; // status line
      for (const k in h) {
        const v = h[k];
        if (v === undefined || CONNECTION_HEADERS.has(k)) continue;
        out[k] = v;
        n += k.length + (typeof v === 'string' ? v.length : v.join(', ').length) + 4;
      }
      res.writeHead(status, out);
      responseHeaderBytes = n;
      if (endStream) res.end();
    },
    write: (chunk) => res?.write(chunk) ?? false,
    onDrain: (cb) => void res?.once('drain', cb),
    end(trailers) {
      if (!res) return;
      if (trailers) res.addTrailers(trailers as Record<string, string>);
      res.end();
    },
    reset: () => req.socket.destroy(),
    onAbort: (cb) => void (res ?? req).once('close', () => {
      if (res ? !res.writableFinished : !req.complete) cb();
    }),
    onComplete: (cb) => void (res ?? req).once('close', cb),
  };
}

/** Hands `socket` (paused, nothing read yet) to a fresh HTTP/1.x server. */
export function serveHttp1(socket: Socket, h: Http1Handlers, idleTimeoutMs: number): void {
  const server = createServer({ noDelay: true, requestTimeout: 0, headersTimeout: 60_000, keepAliveTimeout: idleTimeoutMs, maxHeaderSize: 60 * 1024 });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => h.onRequest(adapt(req, res)));
  server.on('upgrade', (req: IncomingMessage, s: Socket, head: Buffer) => h.onUpgrade(adapt(req, undefined), s, head));
  server.on('clientError', (err: Error, s: Socket) => {
    h.onProtocolError(err);
    if (s.writable) s.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nBad Request');
    else s.destroy();
  });
  server.emit('connection', socket);
  socket.resume();
}
