/**
 * The downstream request body as the router feeds it upstream: streamed with backpressure into
 * the current attempt, and kept (up to Envoy's 1 MiB buffer limit) so a retry can replay it.
 * Past the limit the body is no longer replayable and retries stop, as in Envoy.
 */
import type { BodySource } from '../../network/http-connection-manager/codecs/body-source.ts';
import type { UpstreamStream } from '../../../cluster/pool/conn-pool.ts';

export const RETRY_BUFFER_LIMIT = 1024 * 1024;

export class RequestBody {
  bytes = 0;
  private readonly kept: Buffer[] = [];
  private keeping: boolean;
  private ended = false;
  private target: UpstreamStream | undefined;
  private readonly source: BodySource | undefined;
  private readonly observe: ((chunk: Buffer) => void) | undefined;

  /**
   * `source` undefined: no body (the request ended with its headers). `observe` sees every chunk
   * (gRPC message counts, mirrors); `onEnd` runs once the whole body has arrived (at once without one).
   */
  constructor(source: BodySource | undefined, o: { readonly keep: boolean; readonly observe?: (chunk: Buffer) => void; readonly onEnd?: () => void }) {
    this.source = source;
    this.observe = o.observe;
    this.keeping = o.keep;
    if (!source) {
      this.ended = true;
      o.onEnd?.();
      return;
    }
    source.on('data', (chunk: Buffer) => this.onData(chunk));
    source.on('end', () => {
      this.ended = true;
      this.target?.end();
      o.onEnd?.();
    });
    source.on('error', () => {});
    source.pause();
  }

  /** Whether a new attempt can be sent the whole body again. */
  get replayable(): boolean {
    return this.keeping || this.bytes === 0;
  }

  get complete(): boolean {
    return this.ended;
  }

  private onData(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.observe?.(chunk);
    if (this.keeping) {
      if (this.bytes > RETRY_BUFFER_LIMIT) {
        this.keeping = false;
        this.kept.length = 0;
      } else {
        this.kept.push(chunk);
      }
    }
    const t = this.target;
    if (t && !t.write(chunk)) {
      this.source?.pause();
      t.onDrain(() => {
        if (this.target === t) this.source?.resume();
      });
    }
  }

  /** Sends the body to `stream`: what was kept first, then the rest as it arrives. */
  attach(stream: UpstreamStream): void {
    this.target = stream;
    for (const c of this.kept) stream.write(c);
    if (this.ended) stream.end();
    else this.source?.resume();
  }

  detach(): void {
    this.target = undefined;
    this.source?.pause();
  }

  /** Drops the rest of the body (the exchange is over). */
  discard(): void {
    this.target = undefined;
    this.kept.length = 0;
    this.source?.resume();
  }
}
