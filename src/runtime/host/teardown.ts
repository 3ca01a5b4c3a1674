/**
 * Takes a mesh apart from what is on record (mesh.json) and from its name prefix, so it works
 * after a supervisor crash too: the supervisor (only if /proc says it is ours), every process in
 * the mesh's namespaces, the namespaces (their veths and the bridge go with them), their
 * /etc/netns folders, and the files on record. Each step tolerates things already gone.
 */
import { readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execute } from '../../interception/deps/real.ts';
import { ownedBy } from '../plan/names.ts';
import type { MeshRecord } from '../state/mesh-record.ts';
import { cmdline, isAlive, killNetnsProcesses, signalGroup } from './processes.ts';

export const ETC_NETNS = '/etc/netns';

export async function listNetns(): Promise<string[]> {
  const r = await execute(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter((n) => n !== '');
}

export async function removeNetns(name: string): Promise<void> {
  await killNetnsProcesses(name);
  await execute(['ip', 'netns', 'del', name]);
  rmSync(join(ETC_NETNS, name), { recursive: true, force: true });
}

/** True when `pid` is a supervisor of the mesh in `stateDir` (and not this process). */
export function isSupervisorOf(pid: number, stateDir: string): boolean {
  if (pid === process.pid || !isAlive(pid)) return false;
  const argv = cmdline(pid);
  const i = argv.indexOf('--state-dir');
  return argv.includes('supervise') && i >= 0 && argv[i + 1] === stateDir;
}

/** Supervisors of this state directory found in /proc (when mesh.json is gone). */
export function findSupervisors(stateDir: string): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries.filter((e) => /^\d+$/.test(e)).map(Number).filter((pid) => {
    const argv = cmdline(pid);
    const i = argv.indexOf('--state-dir');
    return pid !== process.pid && argv.includes('supervise') && i >= 0 && argv[i + 1] === stateDir;
  });
}

async function stopSupervisor(pid: number, stateDir: string): Promise<void> {
  if (!isSupervisorOf(pid, stateDir)) return;
  signalGroup(pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
}

function etcNetnsEntries(): string[] {
  try {
    return readdirSync(ETC_NETNS);
  } catch {
    return [];
  }
}

export interface TeardownTarget {
  readonly meshId: string;
  readonly stateDir: string;
  readonly record: MeshRecord | undefined;
  /** Files of the state directory the mesh always makes (mesh.json, registry.json, ...). */
  readonly stateFiles: readonly string[];
}

export async function teardownMesh(t: TeardownTarget): Promise<string[]> {
  const removed: string[] = [];
  const supervisors = new Set([...(t.record ? [t.record.supervisorPid] : []), ...findSupervisors(t.stateDir)]);
  for (const pid of supervisors) await stopSupervisor(pid, t.stateDir);
  const names = new Set(t.record?.namespaces ?? []);
  for (const n of await listNetns()) if (ownedBy(t.meshId, n)) names.add(n);
  // Pods first, the node last: a pod's veth peer lives in the node namespace.
  const ordered = [...names].sort((a, b) => Number(a.endsWith('-node')) - Number(b.endsWith('-node')));
  for (const n of ordered) {
    await removeNetns(n);
    removed.push(`netns ${n}`);
  }
  for (const e of etcNetnsEntries()) if (ownedBy(t.meshId, e)) rmSync(join(ETC_NETNS, e), { recursive: true, force: true });
  if (etcNetnsEntries().length === 0) {
    try {
      rmdirSync(ETC_NETNS);
    } catch {
      // not there, or someone else's entries
    }
  }
  for (const f of [...(t.record?.files ?? []), ...t.stateFiles]) rmSync(f, { recursive: true, force: true });
  if (t.record?.createdStateDir) {
    try {
      rmdirSync(t.stateDir);
    } catch {
      // not empty: something of the user's is in it
    }
  }
  return removed;
}
