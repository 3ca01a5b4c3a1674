/**
 * Everything the benchmark creates is registered here first (network namespaces, processes,
 * temp folders), and removed in reverse order on success, on failure, on Ctrl-C (SIGINT) and on
 * SIGTERM. Namespaces are named `mzb-<pid>-<tag>`, so a run also sweeps what an earlier run
 * that was killed with SIGKILL left behind (namespaces whose pid is no longer alive).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

type Undo = () => void;

const undos: { what: string; undo: Undo }[] = [];
let installed = false;

/** Registers `undo` to run at cleanup; returns a function that runs it now (once) instead. */
export function onCleanup(what: string, undo: Undo): () => void {
  installHandlers();
  const entry = { what, undo };
  undos.push(entry);
  return () => {
    const i = undos.indexOf(entry);
    if (i < 0) return;
    undos.splice(i, 1);
    safely(entry.what, entry.undo);
  };
}

function safely(what: string, undo: Undo): void {
  try {
    undo();
  } catch (err) {
    process.stderr.write(`bench: cleanup of ${what} failed: ${String(err)}\n`);
  }
}

/** Runs every registered undo, newest first. Synchronous, so it also works from signal handlers. */
export function cleanupAll(): void {
  while (undos.length > 0) {
    const u = undos.pop();
    if (u) safely(u.what, u.undo);
  }
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, cleaning up\n`);
      cleanupAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
  process.on('exit', cleanupAll);
}

/** Removes `mzb-<pid>-*` namespaces whose creating process is gone (a run killed with SIGKILL). */
export function sweepStale(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  const removed: string[] = [];
  for (const line of out.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = /^mzb-(\d+)-/.exec(name);
    if (!m || existsSync(`/proc/${m[1]}`)) continue;
    const pids = (spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean);
    for (const pid of pids) spawnSync('kill', ['-9', pid]);
    spawnSync('ip', ['netns', 'del', name]);
    removed.push(name);
  }
  return removed;
}

export function removeDirLater(dir: string): void {
  onCleanup(`folder ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
}
