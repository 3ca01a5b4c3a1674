/**
 * The HTTP/1.x downstream codec: the accepted socket with one native request parser (llhttp,
 * as node:http uses) for the connection's life, and no IncomingMessage/ServerResponse per
 * request. Keep-alive, chunked and content-length bodies both ways, HTTP/1.0, HEAD, pipelining
 * (requests answered in order), `Expect: 100-continue` answered here as Envoy does by default,
 * Upgrade requests handed over as raw sockets, the idle timeout between requests, and a 400 on
 * what does not parse (431 for a head over 60 KiB). Each request is an Http1Exchange (http1-exchange.ts).
 */
import type { Socket } from 'node:net';
import { requestParser, type NativeParser } from '../../../../cluster/pool/http-parser.ts';
import type { DownstreamRequest } from './downstream.ts';
import { Http1Exchange, type ExchangeOwner } from './http1-exchange.ts';

export interface Http1Handlers {
  onRequest(req: DownstreamRequest): void;
  /** An Upgrade (e.g. WebSocket) request: the socket is now the caller's, `head` the bytes already read. */
  onUpgrade(req: DownstreamRequest, socket: Socket, head: Buffer): void;
  /** The codec could not parse the request (400 sent by the codec). */
  onProtocolError(err: Error): void;
}

const ignore = (): void => {};

/** Envoy's max_request_headers_kb default (60 KiB). */
const MAX_HEADER_BYTES = 60 * 1024;
/** Envoy's delayed_close_timeout: how long a closing connection waits for the peer after the FIN. */
const DELAYED_CLOSE_MS = 1000;

class Http1ServerConnection implements ExchangeOwner {
  readonly socket: Socket;
  private readonly parser: NativeParser;
  private readonly h: Http1Handlers;
  /** The request whose body is being read. */
  private parsing: Http1Exchange | undefined;
  /** The request being answered; later ones wait in `queue` (pipelining). */
  private active: Http1Exchange | undefined;
  private readonly queue: Http1Exchange[] = [];
  private upgrade: Http1Exchange | undefined;
  private pendingRaw: string[] | undefined;
  private pendingUrl = '';
  private peerEnded = false;
  private closing = false;
  private closed = false;

  constructor(socket: Socket, h: Http1Handlers, idleTimeoutMs: number) {
    this.socket = socket;
    this.h = h;
    this.parser = requestParser({
      onHeaders: (raw, url) => {
        this.pendingRaw = this.pendingRaw ? this.pendingRaw.concat(raw) : raw;
        this.pendingUrl += url;
      },
      onHeadersComplete: (raw, method, url, http10, upgrade, keepAlive) => this.onHead(raw, method, url, http10, upgrade, keepAlive),
      onBody: (chunk) => this.parsing?.body.push(chunk),
      onMessageComplete: () => this.onMessageComplete(),
    }, MAX_HEADER_BYTES);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', ignore);
    socket.on('close', this.onClose);
    if (idleTimeoutMs > 0) {
      socket.setTimeout(idleTimeoutMs);
      socket.on('timeout', this.onTimeout);
    }
  }

  /** Stops or restarts reading (a request body's reader holds too much). */
  reading(on: boolean): void {
    if (this.closed) return;
    if (on) this.socket.resume();
    else this.socket.pause();
  }

  private onHead(raw: string[] | undefined, method: number, url: string | undefined, http10: boolean, upgrade: boolean, keepAlive: boolean): number {
    const fields = raw ?? this.pendingRaw ?? [];
    const path = this.pendingUrl + (url ?? '');
    this.pendingRaw = undefined;
    this.pendingUrl = '';
    const x = new Http1Exchange(this, fields, method, path, http10, keepAlive, upgrade);
    this.parsing = x;
    if (upgrade) this.upgrade = x;
    else if (this.active) this.queue.push(x);
    else this.dispatch(x);
    return 0;
  }

  private onMessageComplete(): void {
    const x = this.parsing;
    this.parsing = undefined;
    if (this.pendingRaw && x) x.trailers = this.pendingRaw;
    this.pendingRaw = undefined;
    x?.requestDone();
  }

  private dispatch(x: Http1Exchange): void {
    this.active = x;
    if (x.expectsContinue) this.socket.write('HTTP/1.1 100 Continue\r\n\r\n', 'latin1');
    this.h.onRequest(x);
  }

  private readonly onTimeout = (): void => {
    if (!this.active && !this.parsing) this.socket.destroy();
  };

  private readonly onData = (d: Buffer): void => {
    const r = this.parser.execute(d);
    if (r instanceof Error) return this.protocolError(r);
    const up = this.upgrade;
    if (up) {
      this.upgrade = undefined;
      this.detach();
      this.h.onUpgrade(up, this.socket, d.subarray(r));
    }
  };

  private protocolError(err: Error): void {
    this.h.onProtocolError(err);
    const s = this.socket;
    this.closing = true;
    // A head over max_request_headers_kb is 431, as Envoy and node:http answer it; anything else 400.
    const tooLarge = (err as NodeJS.ErrnoException).code === 'HPE_HEADER_OVERFLOW';
    const text = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
    if (s.writable && !this.active) s.end(`HTTP/1.1 ${tooLarge ? 431 : 400} ${text}\r\ncontent-length: ${text.length}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${text}`);
    else s.destroy();
  }

  /** The socket is someone else's now (Upgrade): no more parsing here. */
  private detach(): void {
    const s = this.socket;
    s.off('data', this.onData);
    s.off('end', this.onEnd);
    s.off('timeout', this.onTimeout);
    s.off('close', this.onClose);
    s.setTimeout(0);
    // As node:http hands an upgraded socket over: neither flowing nor paused, so the new owner's
    // first 'data' listener (or pipe) starts it and nothing read later is lost.
    (s as { readableFlowing: boolean | null }).readableFlowing = null;
    this.parser.close();
    this.closed = true;
  }

  private readonly onEnd = (): void => {
    this.peerEnded = true;
    this.parser.finish();
    if (!this.active) this.socket.end();
  };

  private readonly onClose = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.parser.close();
    const a = this.active;
    this.active = undefined;
    this.queue.length = 0;
    a?.socketClosed();
  };

  /** From the exchange: its response is fully handed to the socket. */
  responseDone(x: Http1Exchange, close: boolean): void {
    if (this.active !== x) return;
    this.active = undefined;
    // A response that completed before its request did (the upstream answered without reading
    // the whole body) ends the connection too: it cannot carry on from mid-body.
    if (close || this.closing || !x.requestComplete) return this.closeSoon();
    const next = this.queue.shift();
    if (next) this.dispatch(next);
    else if (this.peerEnded) this.closeSoon();
  }

  /** FIN after what is written, then closed for good after delayed_close_timeout. */
  private closeSoon(): void {
    const s = this.socket;
    this.closing = true;
    s.end();
    setTimeout(() => s.destroy(), DELAYED_CLOSE_MS).unref();
  }
}

/** Hands `socket` (paused, nothing read yet) to a fresh HTTP/1.x connection codec. */
export function serveHttp1(socket: Socket, h: Http1Handlers, idleTimeoutMs: number): void {
  void new Http1ServerConnection(socket, h, idleTimeoutMs);
  socket.resume();
}
