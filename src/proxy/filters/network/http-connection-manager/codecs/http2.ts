/**
 * The HTTP/2 downstream codec (prior-knowledge h2c, as proxies speak it to each other), on
 * node:http2's core stream API (no compatibility-layer request/response objects): a server
 * session per connection, fed the accepted socket. Streams, flow control and trailers come from
 * nghttp2; each stream becomes one DownstreamRequest. Connection-specific headers never go out
 * on HTTP/2. A response that did not end with its headers waits for trailers (none: an empty
 * DATA frame with END_STREAM, as nghttp2 sends for empty trailers).
 */
import { constants, createServer, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { Socket } from 'node:net';
import type { HeaderMap } from '../../../../core/http-stream-info.ts';
import { CONNECTION_HEADERS, headerBytes, isGrpc, type DownstreamRequest } from './downstream.ts';

export interface Http2Handlers {
  onRequest(req: DownstreamRequest): void;
  onSession(session: Http2Session): void;
  onProtocolError(err: Error): void;
}

const ignore = (): void => {};

/** Request headers without pseudo headers and without host (it is :authority), from the raw list. */
function requestHeaders(raw: readonly string[]): HeaderMap {
  const h: HeaderMap = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i] as string;
    if (k.charCodeAt(0) === 58 /* : */ || k === 'host') continue;
    const v = raw[i + 1] as string;
    const have = h[k];
    if (have === undefined) h[k] = v;
    else if (k === 'set-cookie') h[k] = Array.isArray(have) ? [...have, v] : [have, v];
    else h[k] = `${String(have)}${k === 'cookie' ? '; ' : ', '}${v}`;
  }
  return h;
}

function adapt(stream: ServerHttp2Stream, hs: IncomingHttpHeaders, raw: string[]): DownstreamRequest {
  stream.on('error', ignore);
  const headers = requestHeaders(raw);
  let responseHeaderBytes = 0;
  let ended = false;
  let trailers: HeaderMap | undefined;
  const sendTrailers = (): void => {
    const t: OutgoingHttpHeaders = {};
    if (trailers) for (const k in trailers) if (trailers[k] !== undefined) t[k] = trailers[k];
    stream.sendTrailers(t);
  };
  return {
    protocol: 'HTTP/2',
    method: hs[':method'] ?? 'GET',
    path: hs[':path'] ?? '/',
    authority: hs[':authority'] ?? hs.host ?? '',
    scheme: hs[':scheme'] ?? 'http',
    headers,
    headerBytes: headerBytes(raw),
    hasBody: !stream.endAfterHeaders,
    grpc: isGrpc(hs['content-type']),
    body: stream,
    get headersSent() {
      return stream.headersSent;
    },
    get responseHeaderBytes() {
      return responseHeaderBytes;
    },
    sendHeaders(status, h, endStream) {
      const out: OutgoingHttpHeaders = { ':status': status };
      let n = 10;
      for (const k in h) {
        const v = h[k];
        if (v === undefined || CONNECTION_HEADERS.has(k)) continue;
        out[k] = v;
        n += k.length + (typeof v === 'string' ? v.length : String(v).length) + 4;
      }
      responseHeaderBytes = n;
      if (stream.destroyed || stream.headersSent) return;
      if (endStream) ended = true;
      else stream.once('wantTrailers', sendTrailers);
      stream.respond(out, { endStream, waitForTrailers: !endStream });
    },
    write: (chunk) => (stream.destroyed ? false : stream.write(chunk)),
    onDrain: (cb) => void stream.once('drain', cb),
    end(t) {
      if (stream.destroyed || ended) return;
      ended = true;
      trailers = t;
      if (!stream.headersSent) {
        stream.respond({ ':status': 200 }, { endStream: true });
        return;
      }
      stream.end();
    },
    reset: () => {
      if (!stream.destroyed) stream.close(constants.NGHTTP2_INTERNAL_ERROR);
    },
    onAbort: (cb) => void stream.once('close', () => {
      if (!ended || stream.rstCode !== constants.NGHTTP2_NO_ERROR) cb();
    }),
    onComplete: (cb) => void stream.once('close', cb),
  };
}

/** Hands `socket` (paused, nothing consumed) to a fresh HTTP/2 server session. */
export function serveHttp2(socket: Socket, h: Http2Handlers): void {
  const server = createServer({ settings: { enablePush: false }, maxSessionMemory: 64 });
  server.on('session', (s: Http2Session) => h.onSession(s));
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, _flags: number, raw: string[]) => h.onRequest(adapt(stream, headers, raw)));
  server.on('sessionError', (err: Error) => h.onProtocolError(err));
  server.on('error', (err: Error) => h.onProtocolError(err));
  server.emit('connection', socket);
  socket.resume();
}
