/**
 * A bidirectional-streaming gRPC call over plaintext HTTP/2 (node:http2), as the gRPC over
 * HTTP2 spec has it: POST <path> with content-type application/grpc and te: trailers, messages
 * as 5-byte prefixed frames (compressed flag, big-endian length), the status from grpc-status /
 * grpc-message in the trailers (or in the headers of a trailers-only response, or from the HTTP
 * status when there is no grpc-status). One HTTP/2 session per call, to `host:port`,
 * `[v6]:port` or `unix:/path`. This is all the sidecar needs of gRPC for ADS, without
 * @grpc/grpc-js (~16 MB RSS); the control plane keeps grpc-js. The owner hears `metadata` (the
 * response headers), each `message`, and exactly one `status`, never after it cancels the call.
 */
import { connect as h2connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import { connect as netConnect } from 'node:net';
import { GrpcFrameDecoder, grpcFrame } from './grpc-frame.ts';
import { grpcStatusFromHttp, Status, statusName } from './grpc-status.ts';

export interface GrpcStatus {
  readonly code: number;
  readonly details: string;
}

export interface BidiCallHandlers<Res> {
  metadata(headers: IncomingHttpHeaders): void;
  message(m: Res): void;
  status(s: GrpcStatus): void;
}

export interface BidiCallOptions<Req, Res> {
  /** `host:port`, `[v6]:port` or `unix:/path`. */
  readonly target: string;
  /** `/package.Service/Method`. */
  readonly path: string;
  readonly serialize: (m: Req) => Uint8Array;
  readonly deserialize: (b: Buffer) => Res;
  readonly maxReceiveMessageLength: number;
  /** gRPC's minimum connect timeout is 20 s. */
  readonly connectTimeoutMs?: number;
  readonly handlers: BidiCallHandlers<Res>;
}

/** The HTTP/2 windows the call advertises: large pushes (CDS, EDS) arrive without stalls. */
const WINDOW = 1 << 20;

function connectSession(target: string): ClientHttp2Session {
  const settings = { initialWindowSize: WINDOW };
  if (target.startsWith('unix:')) {
    const path = target.replace(/^unix:(\/\/)?/, '');
    return h2connect('http://localhost', { settings, createConnection: () => netConnect(path) });
  }
  return h2connect(`http://${target}`, { settings });
}

export class GrpcBidiCall<Req, Res> {
  private readonly session: ClientHttp2Session;
  private readonly stream: ClientHttp2Stream;
  private readonly o: BidiCallOptions<Req, Res>;
  private readonly decoder: GrpcFrameDecoder;
  private readonly connectTimer: NodeJS.Timeout;
  private connected = false;
  private finished = false;
  private lastError = '';
  private trailers: IncomingHttpHeaders | undefined;

  constructor(o: BidiCallOptions<Req, Res>) {
    this.o = o;
    this.decoder = new GrpcFrameDecoder(o.maxReceiveMessageLength);
    this.session = connectSession(o.target);
    this.connectTimer = setTimeout(() => this.fail(Status.UNAVAILABLE, `connect to ${o.target} timed out`), o.connectTimeoutMs ?? 20_000);
    this.connectTimer.unref();
    this.session.on('connect', () => {
      this.connected = true;
      clearTimeout(this.connectTimer);
      this.session.setLocalWindowSize(WINDOW);
    });
    this.session.on('error', (err) => (this.lastError = err.message));
    this.session.on('goaway', (code) => (this.lastError ||= `GOAWAY ${code}`));
    this.session.on('close', () => this.end());
    this.stream = this.session.request({
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: o.path,
      [constants.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
      [constants.HTTP2_HEADER_TE]: 'trailers',
      [constants.HTTP2_HEADER_USER_AGENT]: 'mizzen-grpc/0.1',
      'grpc-accept-encoding': 'identity',
    });
    this.stream.on('response', (headers) => this.onHeaders(headers));
    this.stream.on('trailers', (t) => (this.trailers = t));
    this.stream.on('data', (chunk: Buffer) => this.onData(chunk));
    this.stream.on('error', (err) => (this.lastError = err.message));
    // The server's END_STREAM (trailers) completes the call, though this side is still open.
    this.stream.on('end', () => this.end());
    this.stream.on('close', () => this.end());
  }

  /** True while requests can still be written. */
  get writable(): boolean {
    return !this.finished && this.stream.writable;
  }

  write(m: Req): void {
    if (this.writable) this.stream.write(grpcFrame(this.o.serialize(m)));
  }

  /** Ends the call from this side; no status is reported for it. */
  cancel(): void {
    this.finished = true;
    clearTimeout(this.connectTimer);
    if (!this.stream.destroyed) this.stream.close(constants.NGHTTP2_CANCEL);
    this.session.destroy();
  }

  private onHeaders(headers: IncomingHttpHeaders): void {
    const http = Number(headers[constants.HTTP2_HEADER_STATUS]);
    const type = String(headers[constants.HTTP2_HEADER_CONTENT_TYPE] ?? '');
    if (http !== 200) return this.fail(grpcStatusFromHttp(http), `Received HTTP status code ${http}`);
    if (!type.startsWith('application/grpc')) return this.fail(Status.UNKNOWN, `Received invalid content-type ${JSON.stringify(type)}`);
    if (headers['grpc-status'] !== undefined) this.trailers = headers; // trailers-only
    else this.safely(() => this.o.handlers.metadata(headers));
  }

  private onData(chunk: Buffer): void {
    let messages: Buffer[];
    try {
      messages = this.decoder.push(chunk);
    } catch (err) {
      return this.fail((err as { code?: number }).code ?? Status.INTERNAL, (err as Error).message);
    }
    for (const m of messages) {
      if (this.finished) return;
      let decoded: Res;
      try {
        decoded = this.o.deserialize(m);
      } catch (err) {
        return this.fail(Status.INTERNAL, `Failed to parse server response: ${(err as Error).message}`);
      }
      this.safely(() => this.o.handlers.message(decoded));
    }
  }

  /** The response ended, or the stream or session closed: report the status the peer sent, or why there is none. */
  private end(): void {
    if (this.finished) return;
    const t = this.trailers;
    if (t?.['grpc-status'] !== undefined) {
      const code = Number(t['grpc-status']);
      return this.fail(Number.isInteger(code) ? code : Status.UNKNOWN, decodeMessage(t['grpc-message']));
    }
    if (!this.connected) return this.fail(Status.UNAVAILABLE, `No connection established. Last error: ${this.lastError || 'connection closed'}`);
    const rst = this.stream.rstCode;
    const why = this.lastError || (rst !== undefined && rst !== constants.NGHTTP2_NO_ERROR ? `stream reset with code ${rst}` : 'Connection dropped');
    this.fail(rst === constants.NGHTTP2_CANCEL ? Status.CANCELLED : Status.UNAVAILABLE, why);
  }

  private fail(code: number, details: string): void {
    if (this.finished) return;
    this.cancel();
    this.safely(() => this.o.handlers.status({ code, details }));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch {
      // the owner reports its own failures; they must not break the stream's bookkeeping
    }
  }
}

function decodeMessage(v: string | string[] | undefined): string {
  const s = Array.isArray(v) ? v.join(',') : v ?? '';
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export { Status, statusName };
