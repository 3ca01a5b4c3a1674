/**
 * What /proc says about a process: CPU time (utime + stime, every thread, in clock ticks of
 * 1/100 s on Linux) and memory (VmRSS now, VmHWM the peak resident set since it started).
 */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

/** utime + stime of `pid` in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / TICKS_PER_SECOND;
}

export interface Memory { readonly rssBytes: number; readonly hwmBytes: number }

export function memory(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kb('VmRSS'), hwmBytes: kb('VmHWM') };
}

/** CPU seconds used by each of `pids` between construction and `read()`. */
export class CpuMeter {
  private readonly pids: readonly number[];
  private readonly start: Map<number, number>;

  constructor(pids: readonly number[]) {
    this.pids = pids;
    this.start = new Map(pids.map((p) => [p, cpuSeconds(p)]));
  }

  read(): Map<number, number> {
    return new Map(this.pids.map((p) => [p, cpuSeconds(p) - (this.start.get(p) ?? 0)]));
  }
}
