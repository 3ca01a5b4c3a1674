/**
 * One direction of a TCP proxy: bytes from `src` are written to `dst`; when `dst` cannot take
 * more, `src` stops reading until `dst` has taken it (backpressure); the peer's FIN on `src`
 * becomes our FIN on `dst` (half-close), and the other direction goes on.
 *
 * Two ways to read. `ReadBufferPump` reads into one buffer of its own (net.Socket `onread`) and
 * writes straight from it: while a write is queued, reading stops, so the buffer is never
 * overwritten before the kernel has it, and nothing is allocated per read (the stream way
 * allocates a 64 KiB buffer per read, which at Gbit/s rates made V8 run full collections for the
 * external memory). The buffer starts small and grows while reads fill it (bulk transfers get
 * fewer, larger reads and writes). `pump` is the stream way, for sockets that cannot be read
 * that way (TLS-terminated downstreams).
 */
import type { Socket } from 'node:net';

export interface PumpEvents {
  bytes(n: number): void;
  paused(): void;
  resumed(): void;
}

/** Stream mode ('data' events), for sockets whose reads cannot go to a buffer of ours. */
export function pump(src: Socket, dst: Socket, events: PumpEvents): void {
  let paused = false;
  src.on('data', (chunk: Buffer) => {
    if (dst.destroyed || !dst.writable) return events.bytes(chunk.length);
    const full = !dst.write(chunk);
    events.bytes(chunk.length);
    if (full && !paused) {
      paused = true;
      src.pause();
      events.paused();
    }
  });
  dst.on('drain', () => {
    if (!paused) return;
    paused = false;
    src.resume();
    events.resumed();
  });
  src.on('end', () => {
    if (!dst.destroyed && dst.writable) dst.end();
  });
}

/** The first read buffer of a direction, and the most it grows to (×4 per read that filled it). */
export const READ_BUFFER_MIN = 16 * 1024;
export const READ_BUFFER_MAX = 256 * 1024;

/** net.Socket's `onread` option. */
export interface OnRead {
  readonly buffer: () => Buffer;
  readonly callback: (n: number, buf: Buffer) => boolean;
}

/**
 * A direction read through `onread`: give `onread` to the source socket when it is created
 * (paused, or connecting), then `start(src, dst)` before it reads.
 */
export class ReadBufferPump {
  readonly onread: OnRead;
  private buf = Buffer.allocUnsafe(READ_BUFFER_MIN);
  private src: Socket | undefined;
  private dst: Socket | undefined;
  private waiting = false;
  private readonly events: PumpEvents;
  private readonly written: (err?: Error | null) => void;

  constructor(events: PumpEvents) {
    this.events = events;
    this.onread = { buffer: () => this.buf, callback: (n, b) => this.onRead(n, b) };
    this.written = (err) => {
      if (!this.waiting) return;
      this.waiting = false;
      if (err || !this.src || this.src.destroyed) return;
      this.src.resume();
      this.events.resumed();
    };
  }

  start(src: Socket, dst: Socket): void {
    this.src = src;
    this.dst = dst;
    src.on('end', () => {
      if (!dst.destroyed && dst.writable) dst.end();
    });
  }

  private onRead(n: number, b: Buffer): boolean {
    const dst = this.dst;
    if (!dst || dst.destroyed || !dst.writable) {
      this.events.bytes(n);
      return true;
    }
    const full = n === b.length;
    dst.write(full ? b : b.subarray(0, n), this.written);
    this.events.bytes(n);
    // A read that filled the buffer: the next one gets a bigger buffer (this one may still be in the write).
    if (full && b.length < READ_BUFFER_MAX) this.buf = Buffer.allocUnsafe(Math.min(READ_BUFFER_MAX, b.length * 4));
    if (dst.writableLength === 0) return true;
    // The write is queued and holds `b`: stop reading (so `b` is not overwritten) until it is done.
    this.waiting = true;
    this.events.paused();
    return false;
  }
}
