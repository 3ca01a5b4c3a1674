/**
 * A request waiting for an HTTP/1.1 connection: the host's pool is at the cluster's
 * max_connections, so, as in Envoy, the request is queued as pending (the router already
 * admitted it against max_pending_requests) until a connection is released or closes. Until
 * then it is the router's UpstreamStream: body chunks and the end are held (write returns false
 * past 64 KiB, and the drain callbacks run once the request has a connection), pause/resume are
 * remembered, and an abort takes it out of the queue without any callback, as a reset of a
 * stream in flight does.
 */
import type { HeaderMap } from '../../core/http-stream-info.ts';
import type { UpstreamEvents, UpstreamStream } from './conn-pool.ts';
import type { RequestHeadText } from './raw-headers.ts';

const HIGH_WATER = 64 * 1024;

export interface PendingOwner {
  /** The router reset a request still in the queue. */
  cancel(p: PendingStream): void;
}

export class PendingStream implements UpstreamStream {
  readonly head: RequestHeadText;
  readonly method: string;
  readonly events: UpstreamEvents;
  private readonly owner: PendingOwner;
  private real: UpstreamStream | undefined;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private trailers: HeaderMap | undefined;
  private paused = false;
  private aborted = false;
  private drainCallbacks: (() => void)[] = [];

  constructor(head: RequestHeadText, method: string, events: UpstreamEvents, owner: PendingOwner) {
    this.head = head;
    this.method = method;
    this.events = events;
    this.owner = owner;
  }

  write(chunk: Buffer): boolean {
    if (this.real) return this.real.write(chunk);
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    return this.buffered < HIGH_WATER;
  }

  onDrain(cb: () => void): void {
    if (this.real) this.real.onDrain(cb);
    else this.drainCallbacks.push(cb);
  }

  end(trailers?: HeaderMap): void {
    if (this.real) return this.real.end(trailers);
    this.ended = true;
    this.trailers = trailers;
  }

  abort(): void {
    if (this.real) return this.real.abort();
    if (this.aborted) return;
    this.aborted = true;
    this.owner.cancel(this);
  }

  pause(): void {
    if (this.real) this.real.pause();
    else this.paused = true;
  }

  resume(): void {
    if (this.real) this.real.resume();
    else this.paused = false;
  }

  /** The request got its connection: what was held goes out, in order. */
  attach(real: UpstreamStream): void {
    this.real = real;
    let ok = true;
    for (const c of this.chunks) ok = real.write(c);
    this.chunks = [];
    if (this.ended) real.end(this.trailers);
    if (this.paused) real.pause();
    const callbacks = this.drainCallbacks;
    this.drainCallbacks = [];
    for (const cb of callbacks) {
      if (ok) cb();
      else real.onDrain(cb);
    }
  }
}
