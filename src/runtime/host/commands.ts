/**
 * Runs planned commands (ip, sysctl, iptables-restore) one after another and stops at the
 * first failure with the command and its error output named. Uses interception's executor.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../../interception/deps/dependencies.ts';
import { commandLine } from '../../interception/deps/dependencies.ts';
import { execute } from '../../interception/deps/real.ts';
import { RuntimeErrors, runtimeError } from '../errors.ts';

export async function runCommand(cmd: Command): Promise<string> {
  const r = await execute([cmd.bin, ...cmd.args], cmd.stdin);
  if (r.code !== 0) {
    throw runtimeError(RuntimeErrors.Setup, `${commandLine(cmd)} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout;
}

export async function runCommands(cmds: readonly Command[]): Promise<void> {
  for (const cmd of cmds) await runCommand(cmd);
}

/** Runs a command and ignores its failure (teardown of things that may already be gone). */
export async function tryCommand(cmd: Command): Promise<boolean> {
  const r = await execute([cmd.bin, ...cmd.args], cmd.stdin);
  return r.code === 0;
}

const toolCache = new Map<string, string>();

/** Absolute path of a system tool (ip, setpriv, curl), so children never depend on a pod's PATH. */
export function toolPath(name: string): string {
  const cached = toolCache.get(name);
  if (cached) return cached;
  const dirs = [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      toolCache.set(name, join(dir, name));
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return name;
}
