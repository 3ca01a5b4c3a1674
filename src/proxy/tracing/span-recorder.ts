/**
 * Finished spans kept in memory, newest last, at most `capacity` (the oldest are dropped): what a
 * Zipkin exporter would send, held until exporting exists. `snapshot()` is what a debug endpoint
 * or /config_dump would show.
 */

export type SpanKind = 'CLIENT' | 'SERVER';

export interface Span {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | undefined;
  /** The operation name (Istio's route decorator: `host:port/*`). */
  readonly name: string;
  readonly kind: SpanKind;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly durationMs: number;
  readonly debug: boolean;
  readonly tags: Readonly<Record<string, string>>;
}

export const DEFAULT_SPAN_CAPACITY = 1024;

export class SpanRecorder {
  private readonly ring: (Span | undefined)[];
  private next = 0;
  private count = 0;
  /** Spans recorded since start, including dropped ones. */
  total = 0;

  constructor(capacity: number = DEFAULT_SPAN_CAPACITY) {
    this.ring = new Array<Span | undefined>(Math.max(1, Math.floor(capacity)));
  }

  get capacity(): number {
    return this.ring.length;
  }

  get size(): number {
    return this.count;
  }

  record(s: Span): void {
    this.ring[this.next] = s;
    this.next = (this.next + 1) % this.ring.length;
    this.count = Math.min(this.count + 1, this.ring.length);
    this.total += 1;
  }

  /** The kept spans, oldest first. */
  snapshot(): Span[] {
    const out: Span[] = [];
    const start = (this.next - this.count + this.ring.length) % this.ring.length;
    for (let i = 0; i < this.count; i++) {
      const s = this.ring[(start + i) % this.ring.length];
      if (s) out.push(s);
    }
    return out;
  }

  /** Spans of one trace, oldest first. */
  trace(traceId: string): Span[] {
    return this.snapshot().filter((s) => s.traceId === traceId);
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
