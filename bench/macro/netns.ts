/**
 * Network namespaces for the benchmark (`mzb-<pid>-<tag>`), registered for cleanup before they
 * exist, and the processes run inside them: pinned to CPUs with taskset, optionally as another
 * uid/gid (setpriv), with output to a log file; commands that run for long (the load
 * generators) run asynchronously, so signals are handled while they run. A process keeps its pid through
 * `ip netns exec`, taskset, setpriv and env (each execs the next), so the pid is the program's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { onCleanup } from './cleanup.ts';

export interface ShResult { code: number; stdout: string; stderr: string }

export function sh(argv: readonly string[], input?: string): ShResult {
  const [bin = '', ...args] = argv;
  const r = spawnSync(bin, args, { input: input ?? '', encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

export function mustSh(argv: readonly string[], input?: string): string {
  const r = sh(argv, input);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

export interface StartOptions {
  /** CPUs for taskset -c (e.g. "1"); none: not pinned. */
  readonly cpus?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** stdout and stderr go here (appended); default: discarded. */
  readonly logFile?: string;
}

/** A running process in a namespace; `exited` resolves with its exit code (or signal name). */
export interface Proc {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  running(): boolean;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

let counter = 0;

export class Netns {
  readonly name: string;

  constructor(tag: string) {
    this.name = `mzb-${process.pid}-${tag}-${++counter}`.slice(0, 40);
    onCleanup(`namespace ${this.name}`, () => this.destroy());
    mustSh(['ip', 'netns', 'add', this.name]);
    this.exec(['ip', 'link', 'set', 'lo', 'up']);
  }

  argv(cmd: readonly string[], o: StartOptions = {}): string[] {
    const pin = o.cpus !== undefined ? ['taskset', '-c', o.cpus] : [];
    const ids = o.uid !== undefined ? ['setpriv', `--reuid=${o.uid}`, `--regid=${o.gid ?? o.uid}`, '--clear-groups'] : [];
    const env = o.env && Object.keys(o.env).length > 0 ? ['env', ...Object.entries(o.env).map(([k, v]) => `${k}=${v}`)] : [];
    return ['ip', 'netns', 'exec', this.name, ...pin, ...ids, ...env, ...cmd];
  }

  exec(cmd: readonly string[], o: StartOptions = {}, input?: string): string {
    return mustSh(this.argv(cmd, o), input);
  }

  tryExec(cmd: readonly string[], o: StartOptions = {}): ShResult {
    return sh(this.argv(cmd, o));
  }

  /**
   * Runs a command to completion without blocking the event loop (so Ctrl-C and SIGTERM are
   * handled at once); it is killed at cleanup if still running.
   */
  run(cmd: readonly string[], o: StartOptions = {}): Promise<ShResult> {
    const [bin = '', ...args] = this.argv(cmd, o);
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const kill = onCleanup(`${cmd[0] ?? ''} in ${this.name}`, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    return new Promise((resolve) => {
      child.on('error', (err) => (stderr += err.message));
      child.on('close', (code) => {
        kill();
        resolve({ code: code ?? 1, stdout, stderr });
      });
    });
  }

  /** Starts a long-running process; it is killed at cleanup if still running. */
  start(cmd: readonly string[], o: StartOptions = {}): Proc {
    const [bin = '', ...args] = this.argv(cmd, o);
    const fd = o.logFile !== undefined ? openSync(o.logFile, 'a') : 'ignore';
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
    if (typeof fd === 'number') closeSync(fd);
    const exited = new Promise<number | string>((resolve) => child.on('exit', (code, sig) => resolve(code ?? sig ?? -1)));
    const running = (): boolean => child.exitCode === null && child.signalCode === null;
    const kill = onCleanup(`process ${cmd[0] ?? ''} in ${this.name}`, () => {
      if (running()) child.kill('SIGKILL');
    });
    const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> => {
      if (running()) {
        child.kill(signal);
        await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs))]);
      }
      kill();
    };
    child.on('error', () => {});
    return { pid: child.pid ?? -1, child, exited, running, stop };
  }

  /** Kills whatever still runs in the namespace, then deletes it (its veths and rules go with it). */
  destroy(): void {
    const pids = sh(['ip', 'netns', 'pids', this.name]).stdout.split('\n').filter(Boolean);
    for (const pid of pids) sh(['kill', '-9', pid]);
    sh(['ip', 'netns', 'del', this.name]);
  }
}

/** Polls `probe` until it returns true; throws after `ms`. */
export async function waitFor(probe: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
