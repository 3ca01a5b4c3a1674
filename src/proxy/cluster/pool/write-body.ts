/**
 * Writing one HTTP/1.x body chunk, for both directions (upstream requests, downstream
 * responses): the message head if it is still pending, then the chunk, raw or chunk-framed
 * (size line, data, CRLF), corked so it all leaves in one writev.
 */
import type { Socket } from 'node:net';

/** Returns the socket's answer (false: wait for 'drain'). An empty chunk writes nothing but the head. */
export function writeBodyChunk(s: Socket, head: string | undefined, chunk: Buffer, chunked: boolean): boolean {
  if (head === undefined && !chunked) return chunk.length === 0 ? true : s.write(chunk);
  s.cork();
  if (head !== undefined) s.write(head, 'latin1');
  let ok = true;
  if (chunk.length > 0) {
    if (chunked) {
      s.write(`${chunk.length.toString(16)}\r\n`, 'latin1');
      s.write(chunk);
      ok = s.write('\r\n', 'latin1');
    } else {
      ok = s.write(chunk);
    }
  }
  s.uncork();
  return ok;
}
