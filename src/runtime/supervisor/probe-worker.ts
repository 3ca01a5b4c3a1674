/**
 * The kubelet's probe loop for one probe of one running container: wait initialDelaySeconds,
 * then probe every periodSeconds, counting consecutive results; report success once
 * successThreshold is reached and failure once failureThreshold is, each time the verdict
 * changes (readiness goes both ways; startup stops at its verdict, liveness at a failure).
 */
import type { Probe } from '../model/objects.ts';
import type { ProbeResult } from '../host/prober.ts';

export type ProbeKind = 'startup' | 'liveness' | 'readiness';

export interface ProbeListener {
  /** Threshold reached: `ok` true for success, false for failure; `message` the last failure. */
  verdict(kind: ProbeKind, ok: boolean, message: string): void;
}

export class ProbeWorker {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private successes = 0;
  private failures = 0;
  private last: boolean | undefined;
  private readonly kind: ProbeKind;
  private readonly probe: Probe;
  private readonly attempt: () => Promise<ProbeResult>;
  private readonly listener: ProbeListener;

  constructor(kind: ProbeKind, probe: Probe, attempt: () => Promise<ProbeResult>, listener: ProbeListener) {
    this.kind = kind;
    this.probe = probe;
    this.attempt = attempt;
    this.listener = listener;
  }

  start(): void {
    this.schedule(this.probe.initialDelaySeconds * 1000);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const started = Date.now();
    const r = await this.attempt();
    if (this.stopped) return;
    if (r.ok) {
      this.successes++;
      this.failures = 0;
    } else {
      this.failures++;
      this.successes = 0;
    }
    let verdict: boolean | undefined;
    if (r.ok && this.successes >= this.probe.successThreshold) verdict = true;
    if (!r.ok && this.failures >= this.probe.failureThreshold) verdict = false;
    if (verdict !== undefined && verdict !== this.last) {
      this.last = verdict;
      this.listener.verdict(this.kind, verdict, r.message);
      if (this.kind === 'startup' || (this.kind === 'liveness' && !verdict)) return;
    } else if (!r.ok && this.kind === 'readiness' && this.last === undefined) {
      this.listener.verdict(this.kind, false, r.message);
    }
    const elapsed = Date.now() - started;
    this.schedule(Math.max(0, this.probe.periodSeconds * 1000 - elapsed));
  }
}
