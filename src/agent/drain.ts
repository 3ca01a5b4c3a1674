/**
 * Graceful termination, as pilot-agent drains Envoy on SIGTERM: readiness turns 503 at once,
 * the inbound listener stops accepting (outbound keeps accepting, so the app can still call out
 * while it shuts down), open connections get the drain duration to finish (with
 * EXIT_ON_ZERO_ACTIVE_CONNECTIONS, until none is left after it), then the caller closes the rest.
 */
import type { Logger } from '../core/log.ts';
import type { ServerStatus } from '../proxy/core/server-state.ts';
import type { Listener } from '../proxy/listener/listener.ts';

export interface DrainOptions {
  readonly status: ServerStatus;
  readonly inbound: readonly Listener[];
  readonly all: readonly Listener[];
  readonly durationMs: number;
  readonly exitOnZeroActiveConnections: boolean;
  readonly log: Logger;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class Drainer {
  private running: Promise<void> | undefined;
  private readonly o: DrainOptions;

  constructor(o: DrainOptions) {
    this.o = o;
  }

  get draining(): boolean {
    return this.running !== undefined;
  }

  private active(): number {
    return this.o.all.reduce((n, l) => n + l.activeConnections, 0);
  }

  /** Starts draining (once); resolves when the drain period is over. */
  run(): Promise<void> {
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    const { log } = this.o;
    log.info('Agent draining Proxy for termination');
    this.o.status.markDraining();
    for (const l of this.o.inbound) l.stopAccepting();
    log.info(`Graceful termination period is ${this.o.durationMs / 1000}s, starting...`);
    await sleep(this.o.durationMs);
    if (this.o.exitOnZeroActiveConnections) {
      while (this.active() > 0) {
        log.info(`There are still ${this.active()} active connections`);
        await sleep(1000);
      }
    }
    log.info(`Graceful termination period complete, terminating remaining proxies. (${this.active()} connections open)`);
  }
}
