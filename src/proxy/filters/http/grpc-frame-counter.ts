/**
 * Counts gRPC messages in a body stream, as istio-proxy's stats filter does for
 * istio_request_messages_total / istio_response_messages_total: each message is a 5-byte
 * prefix (compressed flag, 32-bit big-endian length) and that many bytes, split across chunks
 * in any way. Bytes are only counted, never copied.
 */
export class GrpcFrameCounter {
  messages = 0;
  /** Bytes of the current message's payload still to skip. */
  private remaining = 0;
  /** Prefix bytes seen so far (0..4) and the length they spell. */
  private prefixSeen = 0;
  private length = 0;

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - i);
        this.remaining -= n;
        i += n;
        continue;
      }
      const b = chunk[i] as number;
      i++;
      if (this.prefixSeen === 0) {
        this.prefixSeen = 1;
        this.length = 0;
        continue;
      }
      this.length = this.length * 256 + b;
      this.prefixSeen++;
      if (this.prefixSeen === 5) {
        this.prefixSeen = 0;
        this.messages++;
        this.remaining = this.length;
      }
    }
  }
}
