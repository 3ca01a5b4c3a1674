/**
 * One direction of a TCP proxy: bytes from `src` are written to `dst`; when `dst` cannot take
 * more, `src` stops reading until `dst` drains (backpressure); the peer's FIN on `src` becomes
 * our FIN on `dst` (half-close), and the other direction goes on.
 */
import type { Socket } from 'node:net';

export interface PumpEvents {
  bytes(n: number): void;
  paused(): void;
  resumed(): void;
}

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
