/**
 * Envoy's jittered exponential back-off for re-establishing the ADS stream: the ceiling starts
 * at the base interval (500 ms) and doubles per failed attempt up to the maximum (30 s); each
 * wait is drawn uniformly below the current ceiling ("full jitter"), so a fleet of proxies does
 * not reconnect in step. A received response resets it.
 */
import type { Random } from '../core/random.ts';

export interface BackoffOptions {
  readonly baseMs: number;
  readonly maxMs: number;
  readonly random: Random;
}

export const envoyBackoff = { baseMs: 500, maxMs: 30_000 } as const;

export class Backoff {
  private ceiling: number;
  private readonly o: BackoffOptions;

  constructor(o: BackoffOptions) {
    this.o = o;
    this.ceiling = o.baseMs;
  }

  /** The next wait in ms, and grows the ceiling. */
  next(): number {
    const wait = Math.floor(this.o.random() * this.ceiling);
    this.ceiling = Math.min(this.o.maxMs, this.ceiling * 2);
    return wait;
  }

  reset(): void {
    this.ceiling = this.o.baseMs;
  }
}
