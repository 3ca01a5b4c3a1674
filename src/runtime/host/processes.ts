/**
 * Processes the mesh owns: the ones in a network namespace (`ip netns pids`), process groups
 * (every container is its own group), and a check that a pid is alive and is what we think.
 */
import { readFileSync } from 'node:fs';
import { execute } from '../../interception/deps/real.ts';

export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 1) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
  } catch {
    return [];
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

export async function netnsPids(netns: string): Promise<number[]> {
  const r = await execute(['ip', 'netns', 'pids', netns]);
  if (r.code !== 0) return [];
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 1 && n !== process.pid);
}

/** SIGKILLs every process in the namespace, until none is left (bounded). */
export async function killNetnsProcesses(netns: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    const pids = await netnsPids(netns);
    if (pids.length === 0) return;
    for (const pid of pids) signalGroup(pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 50));
  }
}
