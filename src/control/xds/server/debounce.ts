/**
 * Debounce of push requests (Istio's PILOT_DEBOUNCE_AFTER / PILOT_DEBOUNCE_MAX): requests merge
 * until nothing new has arrived for `afterMs`, or `maxMs` has passed since the first, then one
 * merged request is pushed. A push still running when the window closes delays the next one
 * until it ends, so pushes never overlap.
 */
import { mergePushRequests, type PushRequest } from '../../model/push-request.ts';

export interface DebounceOptions {
  readonly afterMs: number;
  readonly maxMs: number;
  readonly push: (req: PushRequest) => Promise<void>;
}

export class Debouncer {
  private readonly opts: DebounceOptions;
  private pending: PushRequest | undefined;
  private firstAt = 0;
  private lastAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  constructor(opts: DebounceOptions) {
    this.opts = opts;
  }

  enqueue(req: PushRequest): void {
    if (this.closed) return;
    const now = Date.now();
    if (!this.pending) this.firstAt = now;
    this.lastAt = now;
    this.pending = this.pending ? mergePushRequests(this.pending, req) : req;
    this.schedule();
  }

  /** Resolves once nothing is pending or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending || this.running) {
      if (this.running) await this.running;
      else await new Promise((r) => setTimeout(r, Math.max(5, this.opts.afterMs / 4)));
    }
  }

  close(): void {
    this.closed = true;
    this.pending = undefined;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.timer || this.closed) return;
    const now = Date.now();
    const wait = Math.max(0, Math.min(this.lastAt + this.opts.afterMs, this.firstAt + this.opts.maxMs) - now);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
  }

  private fire(): void {
    if (!this.pending || this.closed) return;
    const now = Date.now();
    const quiet = now - this.lastAt >= this.opts.afterMs;
    const tooLong = now - this.firstAt >= this.opts.maxMs;
    if ((!quiet && !tooLong) || this.running) {
      if (this.running) void this.running.then(() => this.schedule());
      else this.schedule();
      return;
    }
    const req = this.pending;
    this.pending = undefined;
    this.running = this.opts.push(req).catch(() => undefined).finally(() => {
      this.running = undefined;
      if (this.pending) this.schedule();
    });
  }
}
