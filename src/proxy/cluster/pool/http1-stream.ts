/**
 * One request/response exchange on an upstream HTTP/1.1 connection: the router's handle to it
 * (UpstreamStream). The request head waits until the first body bytes or the end, so it leaves
 * in the same write; the response side is driven by the connection's parser.
 */
import type { Socket } from 'node:net';
import type { HeaderMap } from '../../core/http-stream-info.ts';
import type { UpstreamEvents, UpstreamStream } from './conn-pool.ts';
import { lastChunk, type BodyFraming, type RequestHeadText } from './raw-headers.ts';
import { writeBodyChunk } from './write-body.ts';

/** What a stream needs from its connection. */
export interface StreamConnection {
  readonly socket: Socket;
  /** The router reset the stream. */
  abort(st: Http1Stream): void;
}

/** One request/response exchange on a connection: the router's handle to it. */
export class Http1Stream implements UpstreamStream {
  settled = false;
  requestEnded = false;
  responseStarted = false;
  readonly events: UpstreamEvents;
  private head: string | undefined;
  private readonly framing: BodyFraming;
  private readonly conn: StreamConnection;
  readonly isHead: boolean;

  constructor(conn: StreamConnection, head: RequestHeadText, method: string, events: UpstreamEvents) {
    this.conn = conn;
    this.head = head.text;
    this.framing = head.framing;
    this.events = events;
    this.isHead = method === 'HEAD';
  }

  /** Writes the head if it is still pending (it always goes out before any body byte). */
  flushHead(): void {
    const h = this.head;
    if (h === undefined || this.settled) return;
    this.head = undefined;
    this.conn.socket.write(h, 'latin1');
  }

  write(chunk: Buffer): boolean {
    if (this.settled || this.requestEnded) return true;
    const head = this.head;
    this.head = undefined;
    return writeBodyChunk(this.conn.socket, head, chunk, this.framing === 'chunked');
  }

  onDrain(cb: () => void): void {
    this.conn.socket.once('drain', cb);
  }

  end(trailers?: HeaderMap): void {
    if (this.settled || this.requestEnded) return;
    this.requestEnded = true;
    if (this.framing === 'chunked') {
      const tail = lastChunk(trailers);
      const h = this.head;
      this.head = undefined;
      this.conn.socket.write(h === undefined ? tail : h + tail, 'latin1');
    } else {
      this.flushHead();
    }
  }

  abort(): void {
    if (this.settled) return;
    this.conn.abort(this);
  }

  pause(): void {
    if (!this.settled) this.conn.socket.pause();
  }

  resume(): void {
    if (!this.settled) this.conn.socket.resume();
  }
}
