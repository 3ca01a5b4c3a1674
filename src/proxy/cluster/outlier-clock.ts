/**
 * The time source and interval timer outlier detection runs on. The system one reads the
 * globals when called (so node:test's mock.timers drives it) and never keeps the process alive.
 */

export interface OutlierClock {
  now(): number;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export const systemClock: OutlierClock = {
  now: () => Date.now(),
  setInterval(fn, ms) {
    const t: unknown = setInterval(fn, ms);
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
};
