/**
 * A request body as the connection manager reads it, whichever codec carried it: chunks, the
 * end, and flow control. node:http2's streams satisfy it as they are; the HTTP/1.1 codec gives
 * RequestBodySource. Like a paused Readable, it holds chunks until someone resumes it, and asks
 * the codec to stop reading when it holds more than a window.
 */
export interface BodySource {
  on(event: 'data', cb: (chunk: Buffer) => void): unknown;
  on(event: 'end', cb: () => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/** Bytes held for a paused reader before the codec stops reading the socket (a Readable's default). */
const WINDOW = 64 * 1024;

export class RequestBodySource implements BodySource {
  private onChunk: ((chunk: Buffer) => void) | undefined;
  private onEnd: (() => void) | undefined;
  private flowing = false;
  private ended = false;
  private endDelivered = false;
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** The codec's read switch: false stops reading the socket. */
  private readonly reading: (on: boolean) => void;

  constructor(reading: (on: boolean) => void) {
    this.reading = reading;
  }

  on(event: 'data' | 'end' | 'error', cb: ((chunk: Buffer) => void) | (() => void) | ((err: Error) => void)): this {
    if (event === 'data') {
      // As a Readable: a data listener makes the body flow, from the next tick (a pause() right after wins).
      this.onChunk = cb as (chunk: Buffer) => void;
      this.flowing = true;
      queueMicrotask(() => {
        if (this.flowing) this.resume();
      });
    } else if (event === 'end') {
      this.onEnd = cb as () => void;
    }
    return this;
  }

  pause(): this {
    this.flowing = false;
    return this;
  }

  resume(): this {
    this.flowing = true;
    while (this.flowing && this.held.length > 0) {
      const c = this.held.shift() as Buffer;
      this.heldBytes -= c.length;
      this.onChunk?.(c);
    }
    if (this.flowing) {
      this.reading(true);
      this.deliverEnd();
    }
    return this;
  }

  /** From the codec: a body chunk. */
  push(chunk: Buffer): void {
    if (this.flowing && this.held.length === 0) {
      this.onChunk?.(chunk);
      return;
    }
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes > WINDOW) this.reading(false);
  }

  /** From the codec: the body is complete. */
  finish(): void {
    this.ended = true;
    if (this.flowing && this.held.length === 0) this.deliverEnd();
  }

  private deliverEnd(): void {
    if (!this.ended || this.endDelivered || this.held.length > 0 || !this.onEnd) return;
    this.endDelivered = true;
    this.onEnd?.();
  }
}
