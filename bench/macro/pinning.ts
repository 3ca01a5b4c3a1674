/**
 * Which CPUs run what. With two or more CPUs the proxies get the last CPU to themselves and
 * everything else (load generators, nginx, iperf3, this process) runs on the others, so the
 * proxies' latency and CPU time are not disturbed by the load they serve. With one CPU
 * everything shares it.
 */
import { cpus as onlineCpus } from 'node:os';

export interface Pinning {
  readonly load: string;
  readonly proxies: string;
  readonly note: string;
}

/** `cpus`: the machine's CPUs (os.cpus(), not this process's affinity, which the run narrows). */
export function planPinning(cpus = onlineCpus().length): Pinning {
  if (cpus < 2) return { load: '0', proxies: '0', note: 'one CPU: load, servers and proxies share CPU 0' };
  const last = cpus - 1;
  const load = last === 1 ? '0' : `0-${last - 1}`;
  return {
    load, proxies: String(last),
    note: `CPU ${load}: h2load, wrk, iperf3 (both ends), nginx and the harness; CPU ${last}: the two proxies (both sidecars of a mode share it)`,
  };
}
