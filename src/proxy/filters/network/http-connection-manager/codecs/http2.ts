/**
 * The HTTP/2 downstream codec (prior-knowledge h2c, as proxies speak it to each other), on
 * node:http2: a server session per connection, fed the accepted socket. Streams, flow control
 * and trailers come from nghttp2; each stream becomes one DownstreamRequest. Connection-specific
 * headers never go out on HTTP/2.
 */
import { constants, createServer, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { HeaderMap } from '../../../../core/http-stream-info.ts';
import { CONNECTION_HEADERS, headerBytes, isGrpc, type DownstreamRequest } from './downstream.ts';

export interface Http2Handlers {
  onRequest(req: DownstreamRequest): void;
  onSession(session: Http2Session): void;
  onProtocolError(err: Error): void;
}

function adapt(req: Http2ServerRequest, res: Http2ServerResponse): DownstreamRequest {
  const headers: HeaderMap = {};
  for (const k of Object.keys(req.headers)) if (k.charCodeAt(0) !== 58 && k !== 'host') headers[k] = req.headers[k];
  let responseHeaderBytes = 0;
  const stream = req.stream;
  return {
    protocol: 'HTTP/2',
    method: req.method,
    path: req.headers[':path'] ?? '/',
    authority: req.headers[':authority'] ?? req.headers.host ?? '',
    scheme: req.headers[':scheme'] ?? 'http',
    headers,
    headerBytes: headerBytes(req.rawHeaders),
    hasBody: !stream.endAfterHeaders,
    grpc: isGrpc(req.headers['content-type']),
    body: req,
    get headersSent() {
      return res.headersSent;
    },
    get responseHeaderBytes() {
      return responseHeaderBytes;
    },
    sendHeaders(status, h, endStream) {
      const out: Record<string, string | string[]> = {};
      let n = 10;
      for (const k of Object.keys(h)) {
        const v = h[k];
        if (v === undefined || CONNECTION_HEADERS.has(k)) continue;
        out[k] = v;
        n += k.length + String(v).length + 4;
      }
      responseHeaderBytes = n;
      if (stream.destroyed) return;
      if (endStream) {
        stream.respond({ ...out, ':status': status }, { endStream: true });
      } else {
        res.writeHead(status, out);
      }
    },
    write: (chunk) => (stream.destroyed ? false : res.write(chunk)),
    onDrain: (cb) => void res.once('drain', cb),
    end(trailers) {
      if (stream.destroyed) return;
      if (trailers) {
        const t: Record<string, string | string[]> = {};
        for (const k of Object.keys(trailers)) {
          const v = trailers[k];
          if (v !== undefined) t[k] = v;
        }
        res.addTrailers(t);
      }
      if (!stream.headersSent) stream.respond({ ':status': res.statusCode }, {});
      res.end();
    },
    reset: () => {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    },
    onAbort: (cb) => void stream.once('close', () => {
      if (!res.writableFinished || stream.rstCode !== constants.NGHTTP2_NO_ERROR) cb();
    }),
    onComplete: (cb) => void stream.once('close', cb),
  };
}

/** Hands `socket` (paused, nothing consumed) to a fresh HTTP/2 server session. */
export function serveHttp2(socket: Socket, h: Http2Handlers): void {
  const server = createServer({ settings: { enablePush: false }, maxSessionMemory: 64 });
  server.on('session', (s: Http2Session) => h.onSession(s));
  server.on('request', (req: Http2ServerRequest, res: Http2ServerResponse) => h.onRequest(adapt(req, res)));
  server.on('sessionError', (err: Error) => h.onProtocolError(err));
  server.on('error', (err: Error) => h.onProtocolError(err));
  server.emit('connection', socket);
  socket.resume();
}
