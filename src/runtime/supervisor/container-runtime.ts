/**
 * One container's life: start it (as its user, in the pod, with its environment), run its
 * startup, liveness and readiness probes, and when it exits restart it as restartPolicy and the
 * back-off say. A failed liveness or startup probe stops it (SIGTERM, then SIGKILL after the
 * grace period) and it is restarted like any exit. Status is kept in Kubernetes' terms.
 */
import { join } from 'node:path';
import type { PlannedContainer } from '../model/planned-pod.ts';
import type { ContainerStatus } from '../model/status.ts';
import { launch, startProblem, type ContainerLaunch, type ExitStatus, type RunningProcess } from '../host/container-process.ts';
import { runProbe, type ProbeTarget } from '../host/prober.ts';
import { resolvePort } from '../plan/app-probers.ts';
import { containerArgv, containerEnv } from '../plan/env.ts';
import { BACKOFF_RESET_MS, backoffDelay, shouldRestart } from './backoff.ts';
import type { PodContext } from './pod-context.ts';
import { ProbeWorker, type ProbeKind } from './probe-worker.ts';

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class ContainerRuntime {
  readonly status: ContainerStatus;
  readonly planned: PlannedContainer;
  readonly env: Record<string, string>;
  private readonly ctx: PodContext;
  private proc: RunningProcess | undefined;
  private probes: ProbeWorker[] = [];
  private stopping = false;
  private wake: (() => void) | undefined;
  private killMessage: string | undefined;

  constructor(ctx: PodContext, planned: PlannedContainer) {
    this.ctx = ctx;
    this.planned = planned;
    this.env = containerEnv(planned.spec, ctx.facts);
    this.status = { name: planned.spec.name, state: { kind: 'waiting', reason: 'ContainerCreating' }, ready: false, started: false, restartCount: 0 };
  }

  get name(): string {
    return this.planned.spec.name;
  }

  get logPath(): string {
    return join(this.ctx.logDir, `${this.name}.log`);
  }

  get workingDir(): string {
    return this.planned.spec.workingDir ?? '/';
  }

  setWaiting(reason: string, message?: string): void {
    this.status.state = { kind: 'waiting', reason, ...(message ? { message } : {}) };
    this.ctx.changed();
  }

  /** Runs until the container is done for good (no more restarts) or stopped; the last exit. */
  async run(init: boolean): Promise<ExitStatus | undefined> {
    let streak = 0;
    let last: ExitStatus | undefined;
    while (!this.stopping) {
      const began = Date.now();
      last = await this.once(init);
      if (this.stopping) break;
      if (!shouldRestart(this.ctx.restartPolicy, last.code, init)) return last;
      if (Date.now() - began > BACKOFF_RESET_MS) streak = 0;
      const delay = backoffDelay(streak++, this.ctx.backoffBaseMs);
      this.status.lastState = this.status.state;
      this.status.restartCount++;
      if (delay > 0) {
        const message = `back-off ${Math.round(delay / 1000)}s restarting failed container=${this.name} pod=${this.ctx.podName}`;
        this.setWaiting('CrashLoopBackOff', message);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.wake = () => { clearTimeout(t); resolve(); };
        });
        this.wake = undefined;
      }
    }
    return last;
  }

  private launchSpec(): ContainerLaunch {
    const p = this.planned;
    return {
      netns: this.ctx.podNetns, uid: p.uid, gid: p.gid, argv: containerArgv(p.spec, this.env),
      env: this.env, workingDir: this.workingDir, logPath: this.logPath,
    };
  }

  private async once(init: boolean): Promise<ExitStatus> {
    const spec = this.launchSpec();
    const startedAt = now();
    const problem = startProblem(spec);
    if (problem) {
      this.status.lastMessage = problem;
      this.status.state = { kind: 'terminated', exitCode: 128, reason: 'StartError', message: problem, startedAt, finishedAt: now() };
      this.ctx.log.warn(`pod ${this.ctx.namespace}/${this.ctx.podName} container ${this.name}: ${problem}`);
      this.ctx.changed();
      return { code: 128, signal: null };
    }
    this.killMessage = undefined;
    this.proc = launch(spec);
    this.status.pid = this.proc.pid;
    this.status.state = { kind: 'running', startedAt };
    this.status.started = !this.planned.spec.startupProbe;
    this.status.ready = !init && !this.planned.spec.readinessProbe && this.status.started;
    if (!init) this.startProbes();
    this.ctx.changed();
    const exit = await this.proc.exited;
    this.stopProbes();
    this.proc = undefined;
    delete this.status.pid;
    this.status.ready = false;
    this.status.started = false;
    const reason = exit.code === 0 ? 'Completed' : 'Error';
    const message = this.killMessage;
    this.status.state = {
      kind: 'terminated', exitCode: exit.code, reason, startedAt, finishedAt: now(),
      ...(exit.signal ? { signal: exit.signal } : {}), ...(message ? { message } : {}),
    };
    if (exit.code !== 0) this.status.lastMessage = message ?? `exited with code ${exit.code}`;
    this.ctx.changed();
    return exit;
  }

  private probeTarget(): ProbeTarget {
    const spec = this.planned.spec;
    return {
      nodeNetns: this.ctx.nodeNetns, podNetns: this.ctx.podNetns, podIP: this.ctx.podIP,
      uid: this.planned.uid, gid: this.planned.gid, env: this.env, workingDir: this.workingDir,
      resolvePort: (port) => resolvePort(spec, port),
    };
  }

  private startProbes(): void {
    const spec = this.planned.spec;
    const target = this.probeTarget();
    const make = (kind: ProbeKind): ProbeWorker | undefined => {
      const probe = kind === 'startup' ? spec.startupProbe : kind === 'liveness' ? spec.livenessProbe : spec.readinessProbe;
      if (!probe) return undefined;
      return new ProbeWorker(kind, probe, () => runProbe(probe, target), { verdict: (k, ok, msg) => this.onVerdict(k, ok, msg) });
    };
    const startup = make('startup');
    if (startup) {
      this.probes.push(startup);
      startup.start();
    } else {
      this.startAfterStartup();
    }
  }

  private startAfterStartup(): void {
    const spec = this.planned.spec;
    const target = this.probeTarget();
    for (const kind of ['liveness', 'readiness'] as const) {
      const probe = kind === 'liveness' ? spec.livenessProbe : spec.readinessProbe;
      if (!probe) continue;
      const w = new ProbeWorker(kind, probe, () => runProbe(probe, target), { verdict: (k, ok, msg) => this.onVerdict(k, ok, msg) });
      this.probes.push(w);
      w.start();
    }
  }

  private onVerdict(kind: ProbeKind, ok: boolean, message: string): void {
    if (!this.proc) return;
    const label = kind === 'readiness' ? 'Readiness' : kind === 'liveness' ? 'Liveness' : 'Startup';
    if (!ok) this.status.lastMessage = `${label} probe failed: ${message}`;
    if (kind === 'readiness') {
      this.status.ready = ok;
    } else if (kind === 'startup' && ok) {
      this.status.started = true;
      this.status.ready = !this.planned.spec.readinessProbe;
      this.startAfterStartup();
    } else if (!ok) {
      this.killMessage = `Container ${this.name} failed ${kind} probe, will be restarted`;
      this.ctx.log.info(`pod ${this.ctx.namespace}/${this.ctx.podName}: ${this.killMessage}: ${message}`);
      void this.terminate(this.ctx.terminationGraceMs);
    }
    this.ctx.changed();
  }

  private stopProbes(): void {
    for (const p of this.probes) p.stop();
    this.probes = [];
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  private async terminate(graceMs: number): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    proc.signal('SIGTERM');
    const killer = setTimeout(() => proc.signal('SIGKILL'), graceMs);
    await proc.exited;
    clearTimeout(killer);
  }

  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    this.stopProbes();
    await this.terminate(graceMs);
  }
}
