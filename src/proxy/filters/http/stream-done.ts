/**
 * Tells every HTTP observer that a stream has ended, once, guarding each call: an observer's
 * failure never breaks the data path or keeps the next observer from hearing about it.
 */
import type { HttpObserver, HttpStream } from './http-observer.ts';

export function notifyStreamDone(observers: readonly HttpObserver[], s: HttpStream): void {
  for (const o of observers) {
    try {
      o.streamDone(s);
    } catch {
      // Observers never break the data path.
    }
  }
}
