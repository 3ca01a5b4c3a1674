/**
 * The callbacks one HTTP filter of a stream gets (HttpFilterCallbacks), as one small object per
 * filter and stream, made once and reused for decode and encode: methods, not closures built on
 * every call.
 */
import type { HttpStreamInfo } from '../../../core/http-stream-info.ts';
import type { HttpFilterCallbacks, LocalReply } from '../../http/http-filter.ts';

/** What the callbacks need from their stream. */
export interface FilterCallbackTarget {
  readonly info: HttpStreamInfo;
  sendLocalReply(r: LocalReply): void;
  /** Runs the decoder filters from index `next` on. */
  continueDecodingFrom(next: number): void;
  perFilterConfig<T>(filterName: string): T | undefined;
  addDestroyCallback(cb: () => void): void;
}

export class FilterCallbacks implements HttpFilterCallbacks {
  private readonly s: FilterCallbackTarget;
  private readonly next: number;

  constructor(s: FilterCallbackTarget, next: number) {
    this.s = s;
    this.next = next;
  }

  get info(): HttpStreamInfo {
    return this.s.info;
  }

  sendLocalReply(r: LocalReply): void {
    this.s.sendLocalReply(r);
  }

  continueDecoding(): void {
    this.s.continueDecodingFrom(this.next);
  }

  perFilterConfig<T>(filterName: string): T | undefined {
    return this.s.perFilterConfig<T>(filterName);
  }

  onDestroy(cb: () => void): void {
    this.s.addDestroyCallback(cb);
  }
}
