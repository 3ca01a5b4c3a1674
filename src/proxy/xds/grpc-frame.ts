/**
 * gRPC's length-prefixed messages (gRPC over HTTP2, "Length-Prefixed-Message"): one byte
 * compressed flag, four bytes big-endian length, the message. The decoder takes DATA chunks as
 * they arrive and returns the whole messages they complete. Compression is not negotiated
 * (grpc-accept-encoding: identity), so a compressed message is an error, as is one larger than
 * the receive limit (RESOURCE_EXHAUSTED, before any of it is buffered).
 */
import { Status } from './grpc-status.ts';

export const FRAME_HEADER = 5;

/** One message, framed. */
export function grpcFrame(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, FRAME_HEADER);
  return frame;
}

export class GrpcFrameError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

export class GrpcFrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly max: number;

  constructor(maxMessageLength: number) {
    this.max = maxMessageLength;
  }

  /** Adds a chunk; returns the messages now complete, in order. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    while (this.buffered >= FRAME_HEADER) {
      const head = this.peek(FRAME_HEADER);
      if (head[0] !== 0) throw new GrpcFrameError(Status.INTERNAL, `compressed message (flag ${head[0]}) without a negotiated encoding`);
      const length = head.readUInt32BE(1);
      if (length > this.max) throw new GrpcFrameError(Status.RESOURCE_EXHAUSTED, `Received message larger than max (${length} vs. ${this.max})`);
      if (this.buffered < FRAME_HEADER + length) break;
      out.push(this.take(FRAME_HEADER + length).subarray(FRAME_HEADER));
    }
    return out;
  }

  private peek(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) return first;
    const all = Buffer.concat(this.chunks);
    this.chunks = [all];
    return all;
  }

  private take(n: number): Buffer {
    const all = this.peek(n);
    this.chunks = all.length > n ? [all.subarray(n)] : [];
    this.buffered -= n;
    return all.subarray(0, n);
  }
}
