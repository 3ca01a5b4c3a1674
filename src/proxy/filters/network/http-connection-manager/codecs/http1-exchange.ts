/**
 * One request/response exchange of the HTTP/1.x downstream codec, as the connection manager
 * sees every request (DownstreamRequest): the request head from the parser's raw lines, the
 * body as a RequestBodySource, and the response serialized once and written with its first
 * body bytes (or its end) in one write: chunked, content-length or close-delimited framing.
 */
import type { Socket } from 'node:net';
import { methodName } from '../../../../cluster/pool/http-parser.ts';
import { headerMapOf, lastChunk } from '../../../../cluster/pool/raw-headers.ts';
import { writeBodyChunk } from '../../../../cluster/pool/write-body.ts';
import type { HeaderMap, HttpProtocol } from '../../../../core/http-stream-info.ts';
import { RequestBodySource } from './body-source.ts';
import { headerBytes, isGrpc, type DownstreamRequest } from './downstream.ts';
import { serializeResponseHead, type ResponseFraming } from './http1-response.ts';

/** What an exchange needs from its connection. */
export interface ExchangeOwner {
  readonly socket: Socket;
  reading(on: boolean): void;
  responseDone(x: Http1Exchange, close: boolean): void;
}

/** The first Host line's value (node:http keeps the first of repeated Host lines too). */
function hostOf(raw: readonly string[]): string {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const k = raw[i] as string;
    if (k.length === 4 && k.toLowerCase() === 'host') return raw[i + 1] as string;
  }
  return '';
}

export class Http1Exchange implements DownstreamRequest {
  readonly protocol: HttpProtocol;
  readonly method: string;
  readonly path: string;
  readonly authority: string;
  readonly scheme: string;
  readonly headers: HeaderMap;
  readonly headerBytes: number;
  readonly hasBody: boolean;
  readonly grpc: boolean;
  readonly body: RequestBodySource;
  readonly expectsContinue: boolean;
  headersSent = false;
  responseHeaderBytes = 0;
  requestComplete = false;
  /** Trailer lines of a chunked request body (kept, not forwarded, as node:http did). */
  trailers: string[] | undefined;
  private readonly owner: ExchangeOwner;
  private readonly keepAlive: boolean;
  private readonly http10: boolean;
  private readonly upgrade: boolean;
  private framing: ResponseFraming = 'none';
  private pendingHead: string | undefined;
  private close = false;
  private ended = false;
  private finished = false;
  private aborts: (() => void)[] | undefined;
  private completes: (() => void)[] | undefined;

  constructor(owner: ExchangeOwner, raw: string[], method: number, path: string, http10: boolean, keepAlive: boolean, upgrade: boolean) {
    this.owner = owner;
    this.http10 = http10;
    this.keepAlive = keepAlive;
    this.upgrade = upgrade;
    this.protocol = http10 ? 'HTTP/1.0' : 'HTTP/1.1';
    this.method = methodName(method);
    this.path = path || '/';
    // Host is :authority on HTTP/1.x; like Envoy, it is not kept as an ordinary header.
    this.headers = headerMapOf(raw, 'host');
    this.authority = hostOf(raw);
    this.scheme = (owner.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http';
    this.headerBytes = headerBytes(raw) + this.method.length + this.path.length + 12;
    const te = this.headers['transfer-encoding'];
    const cl = this.headers['content-length'];
    this.hasBody = te !== undefined || (cl !== undefined && cl !== '0');
    this.grpc = isGrpc(this.headers['content-type']);
    const expect = this.headers['expect'];
    this.expectsContinue = !http10 && typeof expect === 'string' && expect.toLowerCase() === '100-continue';
    this.body = new RequestBodySource((on) => owner.reading(on));
  }

  /** From the codec: the request (body included) has been read. */
  requestDone(): void {
    this.requestComplete = true;
    this.body.finish();
  }

  sendHeaders(status: number, h: HeaderMap, endStream: boolean): void {
    if (this.headersSent || this.finished || this.upgrade) return;
    this.headersSent = true;
    const close = !this.keepAlive || h['connection'] === 'close';
    const head = serializeResponseHead(status, h, endStream, { http10: this.http10, head: this.method === 'HEAD', close, keepAlive10: this.http10 && this.keepAlive });
    this.close = close || head.framing === 'close';
    this.framing = head.framing;
    this.pendingHead = head.text;
    this.responseHeaderBytes = head.bytes;
    if (endStream) this.end();
  }

  write(chunk: Buffer): boolean {
    const s = this.owner.socket;
    if (this.ended || this.finished || !this.headersSent || s.destroyed) return true;
    if (this.framing === 'none') return true;
    const head = this.pendingHead;
    this.pendingHead = undefined;
    return writeBodyChunk(s, head, chunk, this.framing === 'chunked');
  }

  onDrain(cb: () => void): void {
    this.owner.socket.once('drain', cb);
  }

  end(trailers?: HeaderMap): void {
    if (this.ended || this.finished || this.upgrade) return;
    if (!this.headersSent) return this.sendHeaders(200, {}, true);
    this.ended = true;
    const s = this.owner.socket;
    const tail = this.framing === 'chunked' ? lastChunk(trailers) : '';
    const head = this.pendingHead;
    this.pendingHead = undefined;
    const out = head === undefined ? tail : head + tail;
    if (out !== '' && !s.destroyed) s.write(out, 'latin1');
    this.finish();
    this.owner.responseDone(this, this.close);
  }

  reset(): void {
    this.owner.socket.destroy();
  }

  onAbort(cb: () => void): void {
    (this.aborts ??= []).push(cb);
  }

  onComplete(cb: () => void): void {
    (this.completes ??= []).push(cb);
  }

  /** The response is over: the exchange's observers hear it once. */
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.completes) for (const cb of this.completes) cb();
  }

  /** From the codec: the connection closed under this exchange. */
  socketClosed(): void {
    if (this.finished) return;
    if (!this.ended && this.aborts) for (const cb of this.aborts) cb();
    this.finish();
  }
}
